-- The grader's edges (issue 12): grading children that die with their
-- parent however it ends, a file run as a set only when it says it is one,
-- reports written to regular files only, odd files among the submissions,
-- names and cells that could fool a terminal or a spreadsheet, sets with
-- bad points, the report formats' new fields, and progress as it happens.
local json = require 'dkjson'
local report = require 'nnlab.report'

local TOY = H.root .. '/tests/fixtures/sets/toy.lua'
local GOOD = [[
return {
  lin = { forward = function(W, W0, A) return W:T() * A + W0 end, answer = 42 },
  half = { a = 1, b = 2 },
}
]]
local MARKER = '-- nnlab exercise set'

local tmpdir, write, quote = H.tmpdir, H.write, H.quote

local function exists(path)
  return os.execute('test -e ' .. quote(path) .. ' -o -L ' .. quote(path)) == true
end

local function filetype(path)
  return (H.sh('stat -c %F ' .. quote(path)):gsub('%s+$', ''))
end

-- A set file: the marker, then code.
local function set_file(dir, name, body)
  return write(dir .. '/' .. name, MARKER .. '\n' .. body)
end

---------------------------------------------------------------------------
-- Children that die with their parent

-- A set whose one part hangs for minutes: in C (a backtracking pattern) when
-- the checker reads an answer, with limits far above the spec's waits, so a
-- child found after its parent ended is one left behind.
local SLOW_SET = [[
return {
  id = 'slow', limits = { seconds = 300, slack = 300, budget = 1000 },
  exercises = { { id = 'x', parts = { { id = 'y', points = 1,
    check = function(sub) return sub:get('x', 'y') == 1 end } } } },
}
]]
local HANG = "return setmetatable({}, { __index = function() return ('a'):rep(1e5):find('.-.-.-.-b') end })\n"

-- The processes whose environment holds NNLAB_SPEC_MARK=mark, as a list of
-- pids (zombies have no environment, and are not counted).
local LIST = [[
marked() { grep -l -z -x -F "NNLAB_SPEC_MARK=$1" /proc/[0-9]*/environ 2>/dev/null |
  sed 's|^/proc/||; s|/environ$||'; }
# wait until at least $2 processes are marked $1 (up to 30 s)
wait_for() { i=0; while [ "$(marked $1 | wc -l)" -lt $2 ] && [ $i -lt 300 ]; do sleep 0.1; i=$((i+1)); done; }
# wait until none is left (up to 10 s); print how many were left
wait_gone() { i=0; while [ -n "$(marked $1)" ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i+1)); done
  echo "left=$(marked $1 | wc -l)"; marked $1 | xargs -r kill -9; }
]]

local function mark()
  return string.format('m%d_%d', os.time(), math.random(1e9))
end

-- Start `cmd` in the background marked m, wait for its grading child, end it
-- with `how` (a shell command using $parent), and count the marked processes
-- left once it is gone.  Returns that count (0 is right) and the count seen
-- before the end (2: the parent and its child).
local function kill_parent(cmd, how)
  local m = mark()
  local out = H.sh(LIST .. string.format([[
NNLAB_SPEC_MARK=%s %s >/dev/null 2>&1 &
parent=$!
wait_for %s 2
echo "before=$(marked %s | wc -l)"
%s
wait $parent 2>/dev/null
wait_gone %s
]], m, cmd, m, m, how, m))
  return tonumber(out:match('left=(%d+)')), tonumber(out:match('before=(%d+)'))
end

describe('a grading child', function()
  local dir, set, sub
  setup(function()
    dir = tmpdir()
    set = set_file(dir, 'slow.lua', SLOW_SET)
    sub = write(dir .. '/hang.lua', HANG)
  end)

  local grade = function() return quote(H.bin) .. ' grade ' .. quote(set) .. ' ' .. quote(sub) end
  for _, c in ipairs {
    { 'SIGTERM', 'kill -TERM $parent' },
    { 'SIGHUP', 'kill -HUP $parent' },
    { 'SIGKILL', 'kill -KILL $parent' },
    { 'a crash (SIGSEGV)', 'kill -SEGV $parent' },
  } do
    it('dies with nnlab grade ended by ' .. c[1], function()
      local left, before = kill_parent(grade(), c[2])
      assert.equal(2, before)
      assert.equal(0, left)
    end)
  end

  it('dies with a script whose grading raises an error, or calls os.exit', function()
    for _, stop in ipairs { "error('stop')", 'os.exit(3)' } do
      local flag = dir .. '/stop'
      os.remove(flag)
      local script = write(dir .. '/drive.lua', string.format([[
local grader = require 'nnlab.grader'
local set = grader.load_set(%q)
-- a callback that stops the script once the spec has seen the child
grader.grade(set, { %q }, { tick = function()
  local f = io.open(%q)
  if f then f:close() %s end
end })
]], set, sub, flag, stop))
      local left, before = kill_parent(quote(H.bin) .. ' ' .. quote(script), 'touch ' .. quote(flag))
      assert.equal(2, before)
      assert.equal(0, left, stop)
    end
  end)

  it('dies when Ctrl-C stops ex.check_file in the REPL, which goes on', function()
    local m = mark()
    local script = write(dir .. '/pty.txt', string.format([[
timeout 40
wait > 
line ex.use(%q)
wait total
wait > 
line ex.check_file(%q)
wait interrupted
wait > 
line local p = io.popen('grep -l -z -x -F NNLAB_SPEC_MARK=%s /proc/[0-9]*/environ 2>/dev/null | sed s/environ$/exe/ | xargs -r readlink | grep -c -x -F %s') print('marked', p:read('n') + 1000)
wait marked\t1001
wait > 
ctrl-d
]], set, sub, m, (H.sh('readlink -f ' .. quote(H.exe)):gsub('%s+$', ''))))
    -- the REPL, then its child: once both are there, SIGINT to the REPL
    -- (what Ctrl-C sends it; the child has a process group of its own)
    local out, err = H.sh(LIST .. string.format([[
env TERM=xterm NO_COLOR=1 NNLAB_HISTORY=%s/history %s -t 60 env NNLAB_SPEC_MARK=%s %s < %s > %s/pty.out 2>&1 &
pd=$!
wait_for %s 2
echo "before=$(marked %s | wc -l)"
for p in $(marked %s); do
  pp=$(awk '{print $4}' /proc/$p/stat)
  grep -q -z -x -F "NNLAB_SPEC_MARK=%s" /proc/$pp/environ 2>/dev/null || kill -INT $p
done
wait $pd
echo "status=$?"
wait_gone %s
]], quote(dir), quote(H.ptydrive), m, quote(H.bin), quote(script), quote(dir), m, m, m, m, m))
    local pty = H.slurp(dir .. '/pty.out')
    assert.equal('2', out:match('before=(%d+)'), out .. err .. pty)
    assert.equal('0', out:match('status=(%d+)'), out .. err .. pty)
    assert.equal('0', out:match('left=(%d+)'), out .. err .. pty)
    -- in the REPL, once interrupted, the REPL was the one nnlab process left
    assert.truthy(pty:find('marked\t1001', 1, true), pty)
  end)
end)

---------------------------------------------------------------------------
-- What is run as a set

describe('a set file', function()
  it('must begin with the marker, checked before any of its code runs', function()
    local dir = tmpdir()
    -- a submission given where the set belongs: it would write a file if run
    local sub = write(dir .. '/sub1.lua', string.format(
      "local f = io and io.open(%q, 'w') if f then f:write('ran') f:close() end\n" ..
      "return { lin = { answer = 42 } }\n", dir .. '/pwned'))
    local other = write(dir .. '/sub2.lua', GOOD)
    local out, err, code = H.nnlab({ 'grade', '--out', dir .. '/rep', sub, other })
    assert.equal(2, code)
    assert.equal('', out)
    assert.matches('sub1.lua is not an exercise set: the first line of a set file is ' ..
      "'-- nnlab exercise set'", err, 1, true)
    assert.is_false(exists(dir .. '/pwned'))
    assert.is_false(exists(dir .. '/rep'))
    -- the same code with the marker is a set (and refused for what it is)
    write(dir .. '/set.lua', MARKER .. '\n' .. H.slurp(sub))
    _, err, code = H.nnlab({ 'check', dir .. '/set.lua', other })
    assert.equal(2, code)
    assert.matches('the set has no exercises table', err, 1, true)
    assert.is_true(exists(dir .. '/pwned'))
  end)

  it('is refused when a part has points that are not a finite number >= 0', function()
    local dir = tmpdir()
    local good = write(dir .. '/good.lua', GOOD)
    for _, pts in ipairs { '0/0', '1/0', '-1/0', '-1', "'2'" } do
      local set = write(dir .. '/set.lua', (H.slurp(TOY):gsub('points = 4,', 'points = ' .. pts .. ',')))
      local _, err, code = H.nnlab({ 'check', set, good })
      assert.equal(2, code, pts)
      assert.matches('half.both: points must be a finite number >= 0', err, 1, true)
    end
    local set = write(dir .. '/set.lua', (H.slurp(TOY):gsub('points = 4,', "points = 4, visibility = 'secret',")))
    local _, err, code = H.nnlab({ 'check', set, good })
    assert.equal(2, code)
    assert.matches("half.both: visibility must be 'visible', 'hidden'", err, 1, true)
  end)

  it('nnlab strip writes the marker first', function()
    local dir = tmpdir()
    local _, err, code = H.nnlab({ 'strip', TOY, '-o', dir .. '/student.lua' })
    assert.equal(0, code, err)
    assert.equal(MARKER, H.slurp(dir .. '/student.lua'):sub(1, #MARKER))
  end)
end)

---------------------------------------------------------------------------
-- Where reports go

describe('-o and --out', function()
  it('write regular files only: a FIFO, symbolic link or device at the path is refused', function()
    local dir = tmpdir()
    local good = write(dir .. '/good.lua', GOOD)
    local target = write(dir .. '/target', 'keep')
    assert(os.execute('ln -s target ' .. quote(dir .. '/link') .. ' && mkfifo ' .. quote(dir .. '/fifo')))
    local paths = { link = 'symbolic link', fifo = 'FIFO' }
    -- a device of its own (a null device), where this may make one
    if os.execute('mknod ' .. quote(dir .. '/dev') .. ' c 1 3 2>/dev/null') then paths.dev = 'device' end
    for name, kind in pairs(paths) do
      local path = dir .. '/' .. name
      local before = filetype(path)
      for _, args in ipairs {
        { 'check', '-o', path, TOY, good },
        { 'grade', '--format', 'json', '-o', path, TOY, good },
        { 'strip', TOY, '-o', path },
      } do
        local out, err, code = H.nnlab(args)
        assert.equal(2, code, name .. ' ' .. args[1])
        assert.equal('', out)
        assert.matches('refusing to write ' .. path .. ': it is a ' .. kind .. ', not a regular file',
          err, 1, true)
        assert.equal(before, filetype(path))
      end
    end
    assert.equal('keep', H.slurp(target))
    -- a report inside --out DIR too
    assert(os.execute('mkdir ' .. quote(dir .. '/out') .. ' && ln -s ../target ' .. quote(dir .. '/out/good.json')))
    local _, err, code = H.nnlab({ 'grade', '--format', 'json', '--out', dir .. '/out', TOY, good })
    assert.equal(2, code)
    assert.matches('it is a symbolic link', err, 1, true)
    assert.equal('keep', H.slurp(target))
  end)
end)

---------------------------------------------------------------------------
-- Odd files among the submissions, names and cells

describe('a batch of submissions', function()
  it('scores a directory, FIFO, missing or binary file 0 with its own line and goes on', function()
    local dir = tmpdir()
    local subs = dir .. '/subs'
    assert(os.execute('mkdir -p ' .. quote(subs .. '/adir') .. ' && mkfifo ' .. quote(subs .. '/fifo.lua')))
    write(subs .. '/good.lua', GOOD)
    write(subs .. '/binary.lua', '\27Lua\84\0\25\147\r\n\26\n')
    write(subs .. '/nul.lua', 'return {}\0')
    local files = { subs .. '/adir', subs .. '/fifo.lua', subs .. '/binary.lua', subs .. '/nul.lua',
      subs .. '/missing.lua', subs .. '/good.lua' }
    local args = { 'grade', '--format', 'json', '--out', dir .. '/out', TOY }
    for _, f in ipairs(files) do args[#args + 1] = f end
    local out, err, code = H.nnlab(args)
    assert.equal(0, code, err)
    assert.equal('', out)
    local why = {
      adir = 'not graded: a directory, not a submission file',
      fifo = 'not graded: a FIFO, not a regular file',
      binary = 'not graded: a binary file, not Lua source',
      nul = 'not graded: a binary file, not Lua source',
      missing = 'cannot read: no such file',
    }
    for name, msg in pairs(why) do
      local r = json.decode(H.slurp(dir .. '/out/' .. name .. '.json'))
      assert.equal(0, r.score, name)
      assert.equal(msg, r.output:match('^[^\n]*'), name)
      for _, t in ipairs(r.tests) do assert.equal(report.SEE_ABOVE, t.output, name) end
      assert.truthy(err:find(': 0/7 (' .. msg .. ')\n', 1, true), name .. ': ' .. err)
    end
    assert.equal(7, json.decode(H.slurp(dir .. '/out/good.json')).score)
    local csv = H.slurp(dir .. '/out/summary.csv')
    assert.truthy(csv:find('/subs/adir,0,7,0,0,0,"' .. why.adir .. '"\n', 1, true), csv)
    assert.truthy(csv:find('/subs/good.lua,7,7,2,1,4,\n', 1, true), csv)
  end)

  it('sanitises file names on the terminal and in text reports; quotes CSV formulas', function()
    local dir = tmpdir()
    local names = { '\27[2J\27]0;title\7evil.lua', '=cmd.lua', '+1.lua', '-2.lua', '@sum.lua' }
    for _, n in ipairs(names) do write(dir .. '/' .. n, GOOD) end
    local cmd = { 'cd', quote(dir), '&&', quote(H.bin), 'grade', '--out', 'out', quote(TOY), '--' }
    for _, n in ipairs(names) do cmd[#cmd + 1] = quote(n) end
    local out, err, code = H.sh(table.concat(cmd, ' '))
    assert.equal(0, code, err)
    assert.is_nil((out .. err):find('\27', 1, true))
    assert.truthy(err:find('evil.lua: 7/7', 1, true), err)
    local text = H.slurp(dir .. '/out/_[2J_]0;title_evil.txt')
    assert.is_nil(text:find('[\27\7]'))
    local csv = H.slurp(dir .. '/out/summary.csv')
    for _, n in ipairs { '=cmd.lua', '+1.lua', '-2.lua', '@sum.lua' } do
      assert.truthy(csv:find('\n"\'' .. n .. '",7,7,', 1, true), n .. ' in\n' .. csv)
    end
    assert.is_nil(csv:find('\n[=+%-@]'))
    -- and in one submission's text report on standard output
    out, err, code = H.sh(table.concat({ 'cd', quote(dir), '&&', quote(H.bin), 'check', quote(TOY),
      quote(names[1]) }, ' '))
    assert.equal(0, code, err)
    assert.is_nil(out:find('[\27\7]'))
    assert.truthy(out:find('evil.lua: 7/7 points', 1, true))
  end)
end)

---------------------------------------------------------------------------
-- Report formats

-- A set with a pending part (a student's copy of a few-answer part), a
-- hidden one and one visible after the due date.
local PENDING_SET = [[
return {
  id = 'pend',
  exercises = { { id = 'q', parts = {
    { id = 'value', points = 2, check = function(sub) return sub:get('q', 'value') == 1, 'not 1' end },
    { id = 'choice', points = 1, visibility = 'after_due_date',
      check = function(sub)
        local v = sub:get('q', 'choice')
        if v ~= 'a' and v ~= 'b' then return false, 'give a or b' end
        return 'pending', 'a valid choice; graded on submission'
      end },
    { id = 'secret', points = 1, visibility = 'hidden',
      check = function(sub) return sub:get('q', 'secret') == 7, 'not the secret' end },
  } } },
}
]]

describe('the reports', function()
  local dir, set, right, wrong
  setup(function()
    dir = tmpdir()
    set = set_file(dir, 'pend.lua', PENDING_SET)
    right = write(dir .. '/right.lua', "return { q = { value = 1, choice = 'b', secret = 7 } }")
    wrong = write(dir .. '/wrong.lua', "return { q = { value = 2, choice = 'b', secret = 7 } }")
  end)

  it('pending parts: text, check exit status 0 when the rest pass', function()
    local out, err, code = H.nnlab({ 'check', set, right })
    assert.equal(0, code, err)
    assert.truthy(out:find('  [PEND] q.choice (0/1, graded on submission)\n', 1, true), out)
    assert.truthy(out:find('right.lua: 3/4 points (1 point graded on submission)', 1, true), out)
    _, _, code = H.nnlab({ 'check', set, wrong })
    assert.equal(1, code)
  end)

  it('JSON: visibility from the set, pending parts with score 0 and their feedback, a summary', function()
    local out, err, code = H.nnlab({ 'grade', '--format', 'json', set, wrong })
    assert.equal(0, code, err)
    local r = json.decode(out)
    assert.same({ 'visible', 'after_due_date', 'hidden' },
      { r.tests[1].visibility, r.tests[2].visibility, r.tests[3].visibility })
    assert.equal(0, r.tests[2].score)
    assert.is_nil(r.tests[2].status)
    assert.equal('graded on submission: a valid choice; graded on submission', r.tests[2].output)
    assert.equal('failed', r.tests[1].status)
    assert.equal('1/4 points: 1 of 3 parts passed; failed: q.value; graded on submission: q.choice (1 point)',
      r.output)
  end)

  it('TAP and JUnit: pending parts skipped, JUnit times in wall seconds', function()
    local tap = H.nnlab({ 'grade', '--format', 'tap', set, right })
    assert.truthy(tap:find('\nok 2 - q.choice (0/1) # SKIP graded on submission\n', 1, true), tap)
    local xml = H.nnlab({ 'grade', '--format', 'junit', set, right })
    assert.matches('<testsuite name="pend" tests="3" failures="0" skipped="1" time="[%d.]+">', xml)
    assert.truthy(xml:find('<skipped message="a valid choice; graded on submission"/>', 1, true), xml)
    -- a part that waits a second in the submission (os.clock does not count
    -- waiting, the wall clock does): its testcase time is at least that
    local slow = write(dir .. '/slow.lua', [[
local t = os.time() + 2
while os.time() < t do end
return { q = { value = 1, choice = 'a', secret = 7 } }]])
    xml = H.nnlab({ 'grade', '--format', 'junit', '--only', 'q.value', set, slow })
    local case = tonumber(xml:match('<testcase [^>]*time="([%d.]+)"'))
    local suite = tonumber(xml:match('<testsuite [^>]*time="([%d.]+)"'))
    assert.is_true(case >= 1 and suite >= case, xml)
  end)

  it('TAP and JUnit over many files: one stream without --out', function()
    local tap, err, code = H.nnlab({ 'grade', '--format', 'tap', set, right, wrong })
    assert.equal(0, code, err)
    assert.matches('^TAP version 13\n1%.%.6\n# [^\n]*right%.lua: 3/4 points', tap)
    assert.truthy(tap:find('\nnot ok 4 - ' .. wrong .. ': q.value (0/2)\n', 1, true), tap)
    local _, n = tap:gsub('\nTAP version', '')
    assert.equal(0, n)
    local xml = H.nnlab({ 'grade', '--format', 'junit', set, right, wrong })
    local _, suites = xml:gsub('<testsuite ', '')
    assert.equal(2, suites)
    local _, docs = xml:gsub('<testsuites>', '')
    assert.equal(1, docs)
    -- -o takes the stream too; text still needs --out
    local _, _, c2 = H.nnlab({ 'grade', '--format', 'junit', '-o', dir .. '/all.xml', set, right, wrong })
    assert.equal(0, c2)
    local all = H.slurp(dir .. '/all.xml')
    assert.equal(2, select(2, all:gsub('<testsuite ', '')))
    assert.equal(xml:gsub('time="[%d.]+"', ''), (all:gsub('time="[%d.]+"', '')))
    local _, err3, c3 = H.nnlab({ 'grade', set, right, wrong })
    assert.equal(2, c3)
    assert.matches('give --out DIR', err3, 1, true)
  end)

  it('nnlab --help lists the subcommands', function()
    local out = H.nnlab({ '--help' })
    for _, c in ipairs { 'check', 'grade', 'strip', 'autograder' } do
      assert.matches('\n       nnlab ' .. c .. ' SET', out)
    end
  end)
end)

---------------------------------------------------------------------------
-- Progress

-- Runs args in a terminal with a ptydrive script; returns the output.
local function pty(args, script)
  local cmd = { 'env TERM=xterm NO_COLOR=1', quote(H.ptydrive), '-t 60', quote(H.bin) }
  for _, a in ipairs(args) do cmd[#cmd + 1] = quote(a) end
  local out, err, code = H.sh(table.concat(cmd, ' '), 'timeout 30\n' .. script)
  return out, err, code
end

describe('progress', function()
  it('nnlab check prints each part as soon as it is graded', function()
    local dir = tmpdir()
    -- the first part is quick, the second hangs for minutes: its line can
    -- only be seen while the second is graded if it was printed at once
    local set = set_file(dir, 'two.lua', [[
return { id = 'two', limits = { seconds = 300, slack = 300, budget = 1000 },
  exercises = { { id = 'x', parts = {
    { id = 'quick', points = 1, check = function(sub) return sub:get('x', 'quick') == 1 end },
    { id = 'slow', points = 1, check = function(sub) return sub:get('x', 'slow') == 1 end },
  } } } }
]])
    local sub = write(dir .. '/sub.lua', [[
local slow = setmetatable({}, { __index = function() return ('a'):rep(1e5):find('.-.-.-.-b') end })
return { x = setmetatable({ quick = 1 }, { __index = slow }) }]])
    local out, err, code = pty({ 'check', set, sub }, 'wait [PASS] x.quick (1/1)\nctrl-c\n')
    -- the line was seen (ptydrive did not time out), then Ctrl-C ended it
    assert.is_true(code ~= 0 and code ~= 124, code .. ': ' .. err .. out)
    assert.truthy(out:find('sub.lua: 2 parts of two', 1, true), out)
  end)

  it('nnlab grade shows counts and time left on a terminal, nothing more on a pipe', function()
    local dir = tmpdir()
    local args = { 'grade', '--out', dir .. '/out', TOY }
    for i = 1, 3 do args[#args + 1] = write(dir .. '/s' .. i .. '.lua', GOOD) end
    local out, err, code = pty(args, 'wait graded 3 of 3, 0 running, about 0 s left\n')
    assert.equal(0, code, err .. out)
    assert.truthy(out:find('s1.lua: 7/7', 1, true))
    local _, perr, pcode = H.nnlab(args)
    assert.equal(0, pcode)
    local lines = {}
    for l in perr:gmatch('[^\n]*\n') do lines[#lines + 1] = l end
    assert.equal(3, #lines, perr)
    for _, l in ipairs(lines) do assert.matches('^/.*/s%d%.lua: 7/7\n$', l) end
  end)
end)
