-- Hostile submissions (issues 5 and 12): each one is graded together with a
-- good submission in one `nnlab grade --jobs 2` run, in a directory of its
-- own, against the probe set (tests/fixtures/sets/probe.lua, one second per
-- part and one of slack).  Every run must end within its limits, give the
-- hostile submission exactly the points its correct parts earn with a clear
-- reason on the others, give the good one full marks, write valid and
-- sanitised reports, leak no secret and leave nothing behind but its
-- reports.  A submission that does not load costs one part's time at most
-- (it is loaded once); one that hangs part after part costs its time budget
-- at most (tests/fixtures/sets/budget.lua).
--
-- Every time here scales with NNLAB_TIME_SCALE (1 unless set): the sets'
-- time limits (seconds, slack, budget), the wall-clock bounds the cases are
-- held to and the limits their feedback names.  `make test-arm64` sets it
-- to 10, as its emulator runs Lua about 9 times slower; the instruction and
-- memory limits do not scale, so a case about them still trips them before
-- its (now longer) time limit.
local json = require 'dkjson'
local report = require 'nnlab.report'

local SCALE = tonumber(os.getenv('NNLAB_TIME_SCALE') or '1')
assert(SCALE and SCALE > 0, 'NNLAB_TIME_SCALE must be a positive number')

-- secs seconds, scaled: an integer when it is one (as the grader writes it).
local function T(secs)
  local v = secs * SCALE
  return math.tointeger(v) or v
end

local write, tmpdir = H.write, H.tmpdir

-- The set file at path, or (scaled) a copy of it with every seconds, slack
-- and budget multiplied by the scale.
local function scaled_set(path)
  if SCALE == 1 then return path end
  local text, total = H.slurp(path), 0
  for _, key in ipairs { 'seconds', 'slack', 'budget' } do
    local n
    text, n = text:gsub('%f[%w_]' .. key .. ' = (%d[%d.]*)', function(v)
      return key .. ' = ' .. tostring(T(tonumber(v)))
    end)
    total = total + n
  end
  assert(total > 0, path .. ': no time limit to scale')
  return write(tmpdir() .. '/' .. path:match('[^/]+$'), text)
end

local PROBE_SOURCE = H.root .. '/tests/fixtures/sets/probe.lua'
local PROBE = scaled_set(PROBE_SOURCE)
local BUDGET_SOURCE = H.root .. '/tests/fixtures/sets/budget.lua'
local HOSTILE = H.root .. '/tests/fixtures/hostile/'
local PARTS = { 'value', 'call', 'matrix', 'product', 'text', 'secret', 'budget' }

-- The probe set's secret, from its reference solution.
local probe = dofile(PROBE_SOURCE)
local SECRET = assert(probe.solution:match("secret = '([^']+)'"))

-- The good submission: the probe set's reference solution, every part right.
local GOOD = probe.solution

-- Its answers but the secret, as source lines ('value = 42,'), by name.
local RIGHT = {}
for name, line in GOOD:gmatch('\n%s*(%w+)( = [^\n]*,)') do
  if name ~= 'secret' then RIGHT[name] = name .. line end
end

-- A hostile case's file, ready to grade.  A case gives only its hostile
-- answers; a line '--@right value f ...' in it stands for the right answers
-- of those names, put on that one line so that line numbers do not move.
-- The grader gets one self-contained file named like the case, in dir or
-- a new directory.
local function hostile(name, dir)
  local text = H.slurp(HOSTILE .. name .. '.lua')
  text = text:gsub('%-%-@right ([%w ]+)', function(names)
    local t = {}
    for n in names:gmatch('%w+') do t[#t + 1] = assert(RIGHT[n], n) end
    return table.concat(t, ' ')
  end)
  return H.write((dir or H.tmpdir()) .. '/' .. name .. '.lua', text)
end

local function now()
  local p = assert(io.popen('date +%s.%N'))
  local t = tonumber(p:read('a'))
  p:close()
  return t
end

-- Every file under dir, as a sorted list of relative paths.
local function listing(dir)
  local out = H.sh('cd ' .. H.quote(dir) .. ' && find . -mindepth 1 | LC_ALL=C sort')
  local t = {}
  for line in out:gmatch('[^\n]+') do t[#t + 1] = line end
  return t
end

local function has_value(list, x)
  for _, v in ipairs(list) do if v == x then return true end end
  return false
end

-- Every string in a decoded JSON value.
local function strings(v, acc)
  acc = acc or {}
  if type(v) == 'string' then acc[#acc + 1] = v
  elseif type(v) == 'table' then
    for k, x in pairs(v) do strings(k, acc) strings(x, acc) end
  end
  return acc
end

-- A report's text is valid UTF-8 without control characters but \n and \t.
local function assert_clean(s, what)
  assert.is_truthy(utf8.len(s), what .. ': invalid UTF-8')
  local bad = s:find('[%z\1-\8\11-\31\127]')
  assert.is_nil(bad, what .. ': a control character at byte ' .. tostring(bad))
end

-- Grade the given files (paths) together with the good submission; returns
-- the run: {wall =, dir =, files = {[name] = decoded JSON report},
-- raw = {[name] = text}, csv =, stdout =, stderr =}.
local function grade(files, opts)
  opts = opts or {}
  local dir = tmpdir()
  local good = write(dir .. '/good.lua', GOOD)
  local before = listing(dir)
  local args = { 'cd', H.quote(dir), '&&', H.quote(H.bin), 'grade', H.quote(PROBE) }
  for _, f in ipairs(files) do args[#args + 1] = H.quote(f) end
  for _, a in ipairs { H.quote(good), '--out', 'out', '--jobs', '2', '--format', opts.format or 'json' } do
    args[#args + 1] = a
  end
  local t0 = now()
  local stdout, stderr, code = H.sh(table.concat(args, ' '))
  local run = { wall = now() - t0, dir = dir, stdout = stdout, stderr = stderr,
    files = {}, raw = {} }
  assert.equal(0, code, stderr)
  -- nothing but the reports appeared
  local after = listing(dir)
  for _, p in ipairs(after) do
    if not has_value(before, p) then
      assert.is_truthy(p == './out' or p:match('^%./out/[%w_%-]+%.json$') or p == './out/summary.csv',
        'an unexpected file: ' .. p)
    end
  end
  for _, p in ipairs(before) do assert.is_true(has_value(after, p), p .. ' is gone') end
  for _, p in ipairs(after) do
    local name = p:match('^%./out/([%w_%-]+)%.json$')
    if name then
      local text = H.slurp(dir .. '/out/' .. name .. '.json')
      run.raw[name] = text
      local r, _, err = json.decode(text)
      assert.is_table(r, name .. '.json is not valid JSON: ' .. tostring(err))
      for _, s in ipairs(strings(r)) do assert_clean(s, name .. '.json') end
      run.files[name] = r
    end
  end
  run.csv = H.slurp(dir .. '/out/summary.csv')
  assert_clean(run.csv, 'summary.csv')
  -- no report, and nothing on the terminal, holds the secret
  for name, text in pairs(run.raw) do
    if name ~= 'good' then
      assert.is_nil(text:find(SECRET, 1, true), name .. '.json holds the secret')
    end
  end
  assert.is_nil(stdout:find(SECRET, 1, true))
  assert.is_nil(stderr:find(SECRET, 1, true))
  -- the good submission was graded normally alongside
  local g = run.files.good
  assert.equal(7, g.score, 'the good submission: ' .. json.encode(g))
  for _, t in ipairs(g.tests) do assert.equal('passed', t.status, t.name) end
  -- the summary agrees with the reports
  local rows = 0
  for line in run.csv:gmatch('[^\n]+') do
    rows = rows + 1
    local file, score = line:match('^([^,]+),([^,]+),')
    local name = file and file:match('([%w_%-]+)%.lua$')
    if rows > 1 then
      assert.is_table(run.files[name], 'no report for ' .. tostring(file))
      assert.equal(run.files[name].score, tonumber(score), line)
    end
  end
  assert.equal(#files + 2, rows)
  return run
end

local function part(report, id)
  for _, t in ipairs(report.tests) do
    if t.name == 'probe.' .. id then return t end
  end
  error('no part ' .. id)
end

-- Check one hostile case: c.fails maps a part to a pattern (or a list of
-- patterns, any of which may match) its feedback must match; every other
-- part must pass, but the secret, which fails unless it is listed.
-- c.every: every part fails with that pattern.
-- c.load_fails: the submission does not load; the report's message says why
-- (that pattern), once, and every part fails pointing to it.
local function expect(r, c)
  if c.load_fails then
    assert.matches(c.load_fails, r.output:match('^[^\n]*'))
    assert.equal(0, r.score)
    for _, id in ipairs(PARTS) do
      local t = part(r, id)
      assert.equal('failed', t.status, id)
      assert.equal(0, t.score, id)
      assert.equal(report.SEE_ABOVE, t.output:match('^[^\n]*'), id)
    end
    return
  end
  local score = 0
  for _, id in ipairs(PARTS) do
    local t = part(r, id)
    local want = c.every or (c.fails or {})[id]
    if want == nil and id == 'secret' then want = 'that is not the secret' end
    if want then
      assert.equal('failed', t.status, id .. ' should fail: ' .. t.output)
      assert.equal(0, t.score, id)
      local ok = false
      for _, p in ipairs(type(want) == 'table' and want or { want }) do
        ok = ok or t.output:find(p) ~= nil
      end
      assert.is_true(ok, id .. ': feedback "' .. t.output:sub(1, 300) .. '" does not match ' ..
        json.encode(want))
    else
      assert.equal('passed', t.status, id .. ' should pass: ' .. t.output:sub(1, 300))
      score = score + t.score
    end
  end
  assert.equal(score, r.score)
end

-- name, expectations, the wall-clock seconds the run may take (each part has
-- 1 s in the sandbox and 1 s more before the grader kills the process; a
-- second of margin for a busy machine).  A submission that does not load
-- takes one part's 2 s at most, with the margin: the cases marked load = true
-- are held to that (their own time, as the report gives it, is below two
-- parts' 4 s, where before each of the 7 parts loaded them again).  All of
-- these times are scaled (T) where they are used.
local LOAD_SECS = 3.5
local CASES = {
  { 'loop', fails = { call = 'time limit exceeded' }, secs = 4 },
  { 'loop_pcall', fails = { call = 'time limit exceeded', matrix = 'time limit exceeded' }, secs = 5 },
  { 'coroutines', secs = 5, fails = { call = 'C stack overflow', matrix = 'time limit exceeded',
    budget = 'instruction limit exceeded' } },
  { 'gc', secs = 3, output = { 'setmetatable: refused', 'setmetatable __gc = true: refused',
    'matrix metatable: refused', 'Linear metatable: refused', 'Tanh metatable: refused',
    'Sequential metatable: refused', 'matrix module metatable: refused' } },
  { 'recursion', secs = 4, fails = { call = 'stack overflow', matrix = 'time limit exceeded',
    product = 'C stack overflow', text = 'C stack overflow' } },
  { 'memory_bomb', secs = 4, fails = { call = 'not enough memory %(the limit is 64 MiB%)',
    matrix = 'not enough memory', text = 'not enough memory' } },
  { 'matrix_bomb', secs = 4, fails = { call = '2147483647x2147483647 matrix is too large',
    matrix = 'not enough memory', product = '65536x4294967296 matrix is too large',
    text = 'not enough memory' } },
  { 'matmul_bomb', secs = 4, fails = { product = 'time limit exceeded' } },
  { 'os_exit', secs = 3, fails = { call = "attempt to call a nil value %(field 'exit'%)" },
    output = { 'os.exit at load: false' } },
  { 'error_objects', secs = 3, fails = { call = '%(error object is a nil value%)',
    matrix = '%(error object is a table value%)', product = '%(error object is a table value%)',
    text = '%(error object is a table value%)', budget = 'EEEE' } },
  { 'error_load', secs = 3, load = true,
    load_fails = 'the submission does not run: %(error object is a table value%)' },
  { 'loop_load', secs = 4, load = true,
    load_fails = '^the submission does not run: time limit exceeded %(the limit is ' .. T(1) .. ' s%)$' },
  { 'pcall_load', secs = 4, load = true,
    load_fails = '^the submission does not run: time limit exceeded %(the limit is ' .. T(1) .. ' s%)$' },
  { 'alloc_load', secs = 4, load = true,
    load_fails = '^the submission does not run: not enough memory %(the limit is 64 MiB%)$' },
  { 'coroutine_load', secs = 4, load = true,
    load_fails = '^the submission does not run: [a-z]+ limit exceeded' },
  { 'redefine', secs = 3, fails = { value = 'expected 42, got the integer 41',
    matrix = 'expected a 3x2 matrix, got 2x3', text = 'returned "PWNED", expected "HELLO, WORLD 3"' },
    output = { 'matrix metatable: false' } },
  { 'liar', secs = 3, fails = { value = 'expected an integer', call = 'f%(3%) should be 7',
    matrix = 'expected a matrix', product = 'expected a matrix', text = 'expected "HELLO' } },
  { 'nan', secs = 3, fails = { value = 'nan', call = 'got the float inf',
    matrix = 'NaN or infinite', product = 'NaN or infinite', budget = 'got the float %-inf' } },
  { 'shapes', secs = 3, fails = { value = 'expected an integer, got a table',
    call = 'got a string', matrix = 'expected a 3x2 matrix, got 2x3 %(transposed%?%)',
    product = 'expected a 3x2 matrix, got 3x4', budget = 'got a 1x1 matrix' } },
  { 'syntax', secs = 3, load = true,
    load_fails = "the submission does not run: syntax%.lua:3: unexpected symbol near ','" },
  { 'empty', secs = 3, every = 'the submission is nil, expected a table with field probe' },
  { 'bom_shebang', secs = 3, fails = { budget = 'bom_shebang%.lua:8: an error on line 8' } },
  { 'cyclic', secs = 4, fails = { value = 'probe%.value: data nested more than 64 levels deep %(or a cycle%)',
    call = 'nested more than 64 levels', matrix = 'nested more than 64 levels',
    text = { 'not enough memory', 'expected "HELLO' } } },
  { 'huge_answer', secs = 4, fails = { text = '%[feedback cut at 8192 bytes%]' } },
  -- C code of Lua's own the sandbox cannot stop: the process is killed at the
  -- part's deadline (2 s) and a fresh one grades the parts after it.
  { 'hang', secs = 8, fails = {
    call = 'stopped after ' .. T(2) .. ' s in code the sandbox cannot interrupt while the part was checked',
    text = 'stopped after ' .. T(2) .. ' s in code the sandbox cannot interrupt while the part was checked',
  } },
}

describe('the probe set', function()
  it('passes its own self-test, so the cases below test the grader', function()
    local out, err, code = H.nnlab({ 'check', '--selftest', PROBE })
    assert.equal(0, code, out .. err)
  end)
end)

describe('a hostile submission graded with a good one', function()
  for _, c in ipairs(CASES) do
    it(c[1] .. ' ends within ' .. T(c.secs) .. ' s and earns what its right parts earn', function()
      local run = grade({ hostile(c[1]) })
      local r = run.files[c[1]]
      assert.is_table(r, 'no report for ' .. c[1])
      assert.is_true(run.wall < T(c.secs), string.format('took %.1f s', run.wall))
      assert.is_true(r.execution_time < T(c.load and LOAD_SECS or c.secs),
        string.format('its own time: %.1f s', r.execution_time))
      expect(r, c)
      for _, want in ipairs(c.output or {}) do
        assert.is_truthy(part(r, 'value').output:find(want, 1, true), want)
      end
    end)
  end

  it('reading the secret: every route is closed, and nothing found is the secret', function()
    local run = grade({ hostile('read_secret') })
    local r = run.files.read_secret
    expect(r, {})
    local out = part(r, 'secret').output
    for _, route in ipairs { 'io', 'io via _G', 'loadfile', 'dofile', 'require', 'require set',
      'package.loaded', 'package.preload', 'debug.getregistry', 'debug.getupvalue',
      'debug.getlocal', 'debug.traceback', 'os.getenv', 'os.execute', 'io.popen', 'os.tmpname',
      'string.dump', 'load reader function', 'handed 1 upvalues', 'handed 2 upvalues' } do
      assert.is_truthy(out:find('\n' .. route .. ': error: ', 1, true), route .. ' is open')
    end
    for _, closed in ipairs { 'os.exit: nil', 'load binary: nil', 'load with env: nil',
      'load _ENV upvalue: nil', 'handed 1 metatable: false', 'handed 2 pairs: hint=not here' } do
      assert.is_truthy(out:find(closed, 1, true), closed)
    end
  end)

  it('walking everything reachable finds no file, process or debug function, and writes nothing', function()
    local run = grade({ hostile('walker') })
    local r = run.files.walker
    expect(r, {})
    local out = part(r, 'secret').output
    assert.is_nil(out:find('FORBIDDEN', 1, true), out)
    local called = tonumber(out:match('called (%d+) times'))
    assert.is_true(called and called > 500, out)
  end)

  it('output: fake verdicts, escapes, NUL, invalid UTF-8 and a megabyte change nothing', function()
    local run = grade({ hostile('output') })
    local r = run.files.output
    expect(r, {})
    assert.equal(6, r.score)
    for _, t in ipairs(r.tests) do
      assert.is_truthy(t.output:find('[output cut at 16384 bytes]', 1, true), t.name)
      assert.is_true(#t.output < 17000, t.name)
      assert.is_truthy(t.output:find('[PASS] probe.secret (1/1)', 1, true))
      assert.is_truthy(t.output:find('NUL: a\u{FFFD}b', 1, true))
    end
    assert.equal('', run.stdout)
    assert.is_nil(run.stderr:find('"score": 1000', 1, true))
  end)

  it('output: every report format stays well-formed and sanitised', function()
    local dir = tmpdir()
    for _, f in ipairs { 'text', 'tap', 'junit', 'json' } do
      local path = dir .. '/report.' .. f
      local _, err, code = H.nnlab({ 'grade', PROBE, hostile('output'), '--format', f, '-o', path })
      assert.equal(0, code, err)
      local text = H.slurp(path)
      assert_clean(text, f)
      assert.is_nil(text:find(SECRET, 1, true))
      if f == 'text' then
        assert.is_truthy(text:find('\n  [FAIL] probe.secret (0/1)', 1, true))
        assert.is_nil(text:find('\n  [PASS] probe.secret', 1, true))
      elseif f == 'tap' then
        assert.is_truthy(text:find('\nnot ok 6 - probe.secret (0/1)', 1, true))
        assert.is_nil(text:find('\nok 6 ', 1, true))
      elseif f == 'junit' then
        local _, cases = text:gsub('<testcase ', '')
        assert.equal(7, cases)
        assert.is_truthy(text:find('&lt;/system-out&gt;&lt;/testcase&gt;', 1, true))
        local _, opened = text:gsub('<system%-out>', '')
        local _, closed = text:gsub('</system%-out>', '')
        assert.equal(opened, closed)
      else
        assert.equal(6, json.decode(text).score)
      end
    end
  end)

  it('300,000 nested parentheses, and braces, fail to load at once', function()
    local dir = tmpdir()
    local parens = write(dir .. '/parens.lua', 'return ' .. ('('):rep(300000) .. '1' .. (')'):rep(300000))
    local braces = write(dir .. '/braces.lua', 'return ' .. ('{'):rep(300000) .. ('}'):rep(300000))
    local run = grade({ parens, braces })
    assert.is_true(run.wall < T(4), string.format('took %.1f s', run.wall))
    for _, name in ipairs { 'parens', 'braces' } do
      expect(run.files[name], { load_fails = 'the submission does not run: .*C stack overflow' })
      assert.is_true(#run.raw[name] < 20000)
    end
  end)

  it('a submission of megabytes is graded normally', function()
    local dir = tmpdir()
    local big = write(dir .. '/big.lua', '-- ' .. ('padding '):rep(250000) .. '\n' ..
      'local junk = {' .. ('1.5, '):rep(500000) .. '}\n' ..
      GOOD:gsub(SECRET:gsub('%p', '%%%0'), 'unknown'))
    local run = grade({ big })
    assert.is_true(run.wall < T(6), string.format('took %.1f s', run.wall))
    expect(run.files.big, {})
  end)

  it('a hang in C while loading: stopped at the first deadline, one reason for every part', function()
    local run = grade({ hostile('hang_load') })
    assert.is_true(run.wall < T(5), string.format('took %.1f s', run.wall))
    local r = run.files.hang_load
    assert.is_true(r.execution_time < T(LOAD_SECS), string.format('its own time: %.1f s', r.execution_time))
    expect(r, { load_fails = '^the submission does not run: time limit: stopped after ' .. T(2) ..
      ' s in code the sandbox cannot interrupt while it loaded %(the limit is ' .. T(1) .. ' s, plus ' ..
      T(1) .. ' s for the checker%)$' })
    -- the CSV's error column says it too
    assert.matches('hang_load%.lua,0,7,0,0,0,0,0,0,0,"the submission does not run: time limit', run.csv)
  end)

  it('a hang in C in every part: the time budget stops it, the parts left are not graded', function()
    local dir = tmpdir()
    local set = scaled_set(BUDGET_SOURCE)
    local good = write(dir .. '/good.lua', dofile(BUDGET_SOURCE).solution)
    local t0 = now()
    local _, err, code = H.nnlab({ 'grade', '--jobs', '2', '--format', 'json', '--out', dir .. '/out',
      set, HOSTILE .. 'index_hang.lua', good })
    local wall = now() - t0
    assert.equal(0, code, err)
    -- the budget is 5 s; six parts' deadlines would be 12 s (times unscaled)
    assert.is_true(wall < T(8), string.format('took %.1f s', wall))
    local r = json.decode(H.slurp(dir .. '/out/index_hang.json'))
    assert.is_true(r.execution_time < T(7), string.format('its own time: %.1f s', r.execution_time))
    assert.equal(0, r.score)
    assert.matches("^the submission's time budget of " .. T(5) .. ' s is spent: grading stopped at ' ..
      'budget%.p3; before that, budget%.p1: time limit', r.output)
    -- parts 1 and 2 end at their 2 s deadlines; part 3 starts after 4 s, so
    -- the budget's end (5 s) comes before its own deadline (6 s)
    for i, t in ipairs(r.tests) do
      assert.equal('failed', t.status)
      if i <= 2 then
        assert.matches('^time limit: stopped after ' .. T(2) .. ' s in code the sandbox cannot ' ..
          'interrupt while the part was checked', t.output)
      else
        assert.equal("not graded: the submission's time budget is spent", t.output)
      end
    end
    assert.equal(6, json.decode(H.slurp(dir .. '/out/good.json')).score)
  end)
end)

describe('grading hostile submissions together', function()
  it('gives the same submissions the same scores, feedback and output on every run', function()
    local files = {}
    for i, name in ipairs { 'random', 'nan', 'liar', 'error_objects', 'coroutines' } do
      files[i] = hostile(name)
    end
    local a, b = grade(files), grade(files)
    for name, r in pairs(a.files) do
      local s = b.files[name]
      assert.equal(r.score, s.score, name)
      for i, t in ipairs(r.tests) do
        assert.equal(t.status, s.tests[i].status, name .. ' ' .. t.name)
        -- the instruction limit trips at the same point; the clock may not
        if not t.output:find('time limit') then
          assert.equal(t.output, s.tests[i].output, name .. ' ' .. t.name)
        end
      end
    end
    -- random draws really happened, and were seeded
    assert.matches('%d+\t0%.%d+\t%-?%d', part(a.files.random, 'value').output)
  end)

  it('leaves the submissions and the set untouched', function()
    local dir, files, texts = tmpdir(), {}, {}
    for i, name in ipairs { 'walker', 'read_secret', 'gc', 'output' } do
      files[i] = hostile(name, dir)
      texts[i] = H.slurp(files[i])
    end
    local before, fixtures = listing(dir), listing(H.root .. '/tests/fixtures')
    grade(files)
    assert.same(before, listing(dir))
    assert.same(fixtures, listing(H.root .. '/tests/fixtures'))
    for i, f in ipairs(files) do assert.equal(texts[i], H.slurp(f), f) end
  end)
end)
