-- ex.check in the REPL gives the verdict nnlab check gives for the same
-- answer: the exercise's libs (and the sandbox's rule named when an answer
-- reaches past them), its limits, its seeds; a time limit or Ctrl-C gives
-- one line and leaves no child process; and, on every part of the lecture
-- set, the REPL's verdicts equal nnlab check's for the same answers.

local grader = require 'nnlab.grader'

-- A toy set with parts for each rule (the first line marks a set file).
local TOY = H.TOY_SET .. [=[
local function answer(sub, part)
  local f, err = sub:get('toy', part)
  if f == nil then return nil, err end
  return f
end
return {
  id = 'toy', limits = { seconds = 1, slack = 1 },
  exercises = {
    { id = 'toy', libs = 'matrix', parts = {
      { id = 'twice', points = 1, check = calls('twice', 2, 4) },
      { id = 'square', points = 2, check = calls('square', 3, 9) },
      { id = 'steps', points = 1, instructions = 1e6, seconds = 30, check = calls('steps', 1, 1) },
      { id = 'memory', points = 1, memory = 16 * 2^20, seconds = 30, check = calls('memory', 1, 1) },
      -- the answer's random stream is its own, seeded as the sandbox's: after
      -- sub:seed(7) it draws what the checker draws after matrix.seed(7),
      -- though the checker drew first
      { id = 'seeded', points = 1, check = function(sub)
          local f, err = answer(sub, 'seeded')
          if not f then return false, err end
          sub:seed(7)
          matrix.seed(7)
          local want = matrix.rand(1, 1):get(1, 1)
          local ok, got = sub:call(f)
          if not ok then return false, got end
          return got == want, string.format('drew %s, expected %s', tostring(got), want)
        end },
    } },
    { id = 'full', parts = {  -- libs: the default, 'matrix nn'
      { id = 'layer', points = 1, check = function(sub)
          local f, err = sub:get('full', 'layer')
          if not f then return false, err end
          local ok, r = sub:call(f)
          if not ok then return false, r end
          return r == 'Linear', 'expected Linear, got ' .. tostring(r)
        end },
    } },
  },
}
]=]

-- A set whose checker tells the terminal when it runs the answer (a checker
-- is the instructor's code: it has io), so that a spec types Ctrl-C while a
-- child process runs the answer's endless loop.
local TTY = [=[
-- nnlab exercise set
return {
  id = 'tty', limits = { seconds = 60, slack = 5 },
  exercises = {
    { id = 'tty', parts = {
      { id = 'loop', points = 1, check = function(sub)
          local t = io.open('/dev/tty', 'w')
          if t then t:write('checker ' .. 'running\n') t:close() end
          local ok, r = sub:call(sub:get('tty', 'loop'))
          return ok and r == 1
        end },
    } },
  },
}
]=]

local dir, toy, tty

setup(function()
  dir = H.tmpdir()
  toy = H.write(dir .. '/toy.lua', TOY)
  tty = H.write(dir .. '/tty.lua', TTY)
end)

teardown(function()
  os.execute('rm -rf ' .. H.quote(dir))
end)

-- The REPL over a pipe, with the toy set.
-- Each run starts with no progress (a state directory of its own: the
-- progress lasts from run to run, tests/ex_progress_spec.lua).
local runs = 0
local function repl(code, set)
  runs = runs + 1
  return H.nnlab({}, string.format('ex.use(%q)\n%s\n', set or toy, code),
    {XDG_STATE_HOME = H.state_home .. '/excheck' .. runs})
end

-- {id = {mark =, score =, line =}} from a text report (the REPL's or nnlab
-- check's), and the ids in order.
local function verdicts(text)
  local t, ids = {}, {}
  for line in text:gmatch('[^\n]+') do
    local mark, id, score = line:match('^%s*%[(%u+)%] ([%w_]+%.[%w_]+) %(([%d.]+)/')
    if mark then
      t[id] = { mark = mark, score = tonumber(score), line = line }
      ids[#ids + 1] = id
    end
  end
  return t, ids
end

describe('ex.check in the program', function()
  it('runs an answer under its exercise\'s libs and names the rule, as nnlab check does', function()
    local f = 'function(x) return nn.Linear(1, 1) and x * 2 end'
    local out, err, code = repl('ex.check(\'toy.twice\', ' .. f .. ')\n'
      .. 'ex.check(\'full.layer\', function() return nn.Linear and \'Linear\' end)')
    assert.are.equal(0, code, err)
    assert.are.equal('', err)
    local v = verdicts(out)
    assert.are.equal('FAIL', v['toy.twice'].mark, out)
    assert.matches("global 'nn'", out, 1, true)
    assert.matches("this exercise's sandbox has matrix only (libs = 'matrix'): no nn", out, 1, true)
    assert.are.equal('PASS', v['full.layer'].mark, out)  -- the default libs have nn
    -- the same answer as a file, graded
    local sub = H.write(dir .. '/nn.lua', 'return {toy = {twice = ' .. f .. '}}')
    local gout = H.nnlab({ 'check', '--only', 'toy.twice', toy, sub })
    assert.are.equal('FAIL', verdicts(gout)['toy.twice'].mark, gout)
    assert.matches("this exercise's sandbox has matrix only (libs = 'matrix'): no nn", gout, 1, true)
  end)

  it('keeps the session apart: the answer\'s effects stay in the child, io is out of reach, '
    .. 'print is shown', function()
    local out, err = repl([[
n = 0
ex.check('toy.twice', function(x) n = n + 1; print('hello from ' .. 'the answer'); return x * 2 end)
ex.check('toy.square', function(x) return io.open and x * x end)
print('n is ' .. n .. ', io is ' .. type(io) .. ', nn is ' .. type(nn))]])
    assert.are.equal('', err)
    local v = verdicts(out)
    assert.are.equal('PASS', v['toy.twice'].mark, out)
    assert.matches('output:%s+hello from the answer', out)
    assert.are.equal('FAIL', v['toy.square'].mark, out)
    assert.matches("a submission's sandbox has no io", out, 1, true)
    assert.matches('n is 0, io is table, nn is table', out, 1, true)
  end)

  it('stops an answer at the part\'s limits with one line each, as the sandbox does', function()
    local out, err, code = repl([[
ex.check('toy.twice', function(x) while true do end end)
ex.check('toy.square', function(x) return string.rep('a', 100000):find('.-.-.-.-.-.-b') end)
ex.check('toy.steps', function(x) local co = coroutine.wrap(function() while true do coroutine.yield() end end) while true do co() end end)
ex.check('toy.memory', function(x) local t = {} for i = 1, 1e6 do t[i] = matrix.zeros(100, 100) end end)
print('still ' .. 'here')]])
    assert.are.equal(0, code, err)
    assert.are.equal('', err)
    assert.not_matches('traceback', out)
    local v = verdicts(out)
    assert.are.equal('FAIL', v['toy.twice'].mark, out)
    assert.matches('time limit exceeded (the limit is 1 s)', out, 1, true)
    -- a C function the hook cannot stop: the parent kills the child
    assert.are.equal('FAIL', v['toy.square'].mark, out)
    assert.matches('time limit: stopped after 2 s in code the sandbox cannot interrupt', out, 1, true)
    assert.are.equal('FAIL', v['toy.steps'].mark, out)
    assert.matches('instruction limit exceeded (the limit is 1000000 instructions)', out, 1, true)
    assert.are.equal('FAIL', v['toy.memory'].mark, out)
    assert.matches('not enough memory (the limit is 16 MiB)', out, 1, true)
    assert.matches('still here', out, 1, true)
  end)

  it('gives the answer a random stream of its own, seeded as the sandbox\'s', function()
    local f = 'function() return matrix.rand(1, 1):get(1, 1) end'
    local out = repl('ex.check(\'toy.seeded\', ' .. f .. ')')
    assert.are.equal('PASS', verdicts(out)['toy.seeded'].mark, out)
    local sub = H.write(dir .. '/seeded.lua', 'return {toy = {seeded = ' .. f .. '}}')
    local gout = H.nnlab({ 'check', '--only', 'toy.seeded', toy, sub })
    assert.are.equal('PASS', verdicts(gout)['toy.seeded'].mark, gout)
  end)

  it('shows a part checked for form only as pending, in ex.check, ex.list and ex.show', function()
    -- the grader's verdict for a few-answer part of a student copy, stood in for
    local out, err = repl([[
g = require 'nnlab.grader'
g.verdict = function(e) return {id = e.id, points = e.part.points, score = 0, status = 'pending', feedback = 'a valid ' .. 'choice; graded on submission'} end
ex.check('toy.square', function(x) return x end)
ex.check('toy.twice', function(x) return x end)
ex.list()
ex.show('toy')]])
    assert.are.equal('', err)
    assert.matches('toy.square (0/2, graded on submission)', out, 1, true)
    assert.matches('a valid choice; graded on submission', out, 1, true)
    assert.matches('toy +0/6 +started', out)
    assert.matches('part toy.square (2 points) - checked for form; graded on submission', out, 1, true)
    local all = repl([[
g = require 'nnlab.grader'
g.verdict = function(e) return {id = e.id, points = e.part.points, score = 0, status = 'pending', feedback = 'later'} end
ex.check('toy', {})]])
    assert.matches('toy: 0/6 points', all, 1, true)
    local list = repl([[
g = require 'nnlab.grader'
v0 = g.verdict
g.verdict = function(e, s) if e.id == 'toy.square' then return {id = e.id, points = 2, score = 0, status = 'pending'} end return v0(e, s) end
ex.check('toy', {twice = function(x) return 2 * x end, steps = function() return 1 end, memory = function() return 1 end, seeded = function() return matrix.rand(1, 1):get(1, 1) end})
ex.list()]])
    assert.matches('toy +4/6 +done %(2 pending: graded on submission%)', list)
  end)

  it('in stock Lua checks in this process, in the same world', function()
    -- The program's globals are those of the Lua state (the registry's),
    -- which this spec file does not see directly: answers are loaded there.
    local G = debug.getregistry()[2]
    local ex = require 'nnlab.ex'
    require('nnlab.util').state_dir = function() return H.state_home .. '/nnlab' end  -- never the user's
    local nn, matrix = require 'nnlab.nn', require('nnlab.core').matrix
    local function answer(code) return assert(load('return ' .. code, '=answer', 't', G))() end
    local lines = {}
    local print0, nn0, matrix0, stdout = G.print, G.nn, G.matrix, io.stdout
    local function capture(...) lines[#lines + 1] = table.concat({ ... }, '\t') .. '\n' end
    G.print, G.nn, G.matrix = capture, nn, matrix  -- as in the REPL
    io.stdout = { write = function(_, s) lines[#lines + 1] = s end }
    local ok, err = pcall(function()
      ex.use(toy)
      ex.check('toy.twice', answer('function(x) return nn.Linear and x * 2 end'))
      ex.check('toy.square', answer('function(x) while true do end end'))
      ex.check('toy.seeded', answer('function() return matrix.rand(1, 1):get(1, 1) end'))
      ex.check('full.layer', answer('function() return io == nil and nn.Linear and "Linear" end'))
    end)
    local after = { print = G.print, nn = G.nn, matrix = G.matrix, io = G.io, require = G.require }
    G.print, G.nn, G.matrix, io.stdout = print0, nn0, matrix0, stdout
    assert(ok, err)
    -- the globals are back
    assert.are.equal(capture, after.print)
    assert.are.equal(nn, after.nn)
    assert.are.equal(matrix, after.matrix)
    assert.are.equal(io, after.io)
    assert.are.equal(require, after.require)
    local out = table.concat(lines)
    local v = verdicts(out)
    assert.are.equal('FAIL', v['toy.twice'].mark, out)
    assert.matches("global 'nn'", out, 1, true)
    assert.matches("sandbox has matrix only (libs = 'matrix')", out, 1, true)
    assert.matches('time limit exceeded (the limit is 1 s)', out, 1, true)
    assert.are.equal('PASS', v['toy.seeded'].mark, out)
    assert.are.equal('PASS', v['full.layer'].mark, out)
  end)
end)

-- Run nnlab in a terminal with a ptydrive script (as tests/repl_spec.lua).
local function pty(script)
  local hist = os.tmpname()
  local out, err, code = H.sh('env TERM=xterm NO_COLOR=1 NNLAB_HISTORY=' .. H.quote(hist) .. ' '
    .. H.quote(H.ptydrive) .. ' -t 90 ' .. H.quote(H.bin), 'timeout 30\n' .. script)
  os.remove(hist)
  out = out:gsub('\r', '')
  assert(code == 0 and err == '', 'ptydrive status ' .. code .. ': ' .. err .. '\n--- output:\n' .. out)
  return out
end

-- The REPL's children, counted from /proc (a REPL line; prints "children: N").
local KIDS = [[line function kids() local pid = io.open('/proc/self/stat'):read('l'):match('^%d+') ]]
  .. [[local s = io.open('/proc/self/task/' .. pid .. '/children'):read('a') local n = 0 ]]
  .. [[for _ in s:gmatch('%d+') do n = n + 1 end return n end]]

describe('ex.check on a terminal', function()
  it('Ctrl-C in ex.check and in ex.check_file: one line, no child left, the session kept', function()
    local sub = H.write(dir .. '/loop.lua', 'return {tty = {loop = function() while true do end end}}')
    local out = pty(([[
wait > 
%s
wait > 
line x = 6
wait > 
line ex.use(%q)
wait total
wait > 
line ex.check('tty.loop', function() while true do end end)
wait checker running
ctrl-c
wait ex.check: interrupted
wait > 
line print('chil' .. 'dren: ' .. kids())
wait children: 0
wait > 
line ex.check_file('tty.loop', %q)
wait checker running
ctrl-c
wait ex.check_file: interrupted
wait > 
line print('chil' .. 'dren: ' .. kids())
wait children: 0
wait > 
line x * 7
wait 42
wait > 
ctrl-d
]]):format(KIDS, tty, sub))
    assert.not_matches('traceback', out)
    assert.not_matches('interrupted!', out, 1, true)
  end)

  it('a part\'s time limit: one line, and the prompt comes back', function()
    local out = pty(([[
wait > 
line ex.use(%q)
wait total
wait > 
line ex.check('toy.twice', function(x) while true do end end)
wait time limit exceeded (the limit is 1 s)
wait > 
line 6 * 7
wait 42
wait > 
ctrl-d
]]):format(toy))
    assert.not_matches('traceback', out)
  end)
end)

---------------------------------------------------------------------------
-- The REPL's verdicts against nnlab check's on the lecture set

-- The instructor's copy when there is one (it holds the reference solution),
-- else the built-in set (which holds it).
local function lecture()
  local private = H.root .. '/exercises/private/lecture.lua'
  local f = io.open(private)
  if f then
    f:close()
    return private
  end
  return 'lecture'
end

local function patch(source, old, new)
  local i, j = source:find(old, 1, true)
  assert(i and not source:find(old, j + 1, true), 'the patch does not apply once: ' .. old)
  return source:sub(1, i - 1) .. new .. source:sub(j + 1)
end

describe('ex.check agrees with nnlab check on the lecture set', function()
  local spec, set, cases

  setup(function()
    spec = lecture()
    set = grader.load_set(spec)
    assert(type(set.solution) == 'string', 'no reference solution in ' .. spec)
    local all = {}
    for _, e in ipairs(set.exercises) do all[#all + 1] = e.id end
    cases = { { name = 'reference solution', source = set.solution, exercises = all } }
    -- a known-wrong submission for each exercise: the first that claims one of its parts
    local used = {}
    for _, e in ipairs(set.exercises) do
      for _, w in ipairs(set.wrong or {}) do
        local touched, mine = {}, false
        for k, v in pairs(w.loses or {}) do
          local id = type(k) == 'string' and k or v
          local exid = id:match('^([^.]+)%.')
          if exid then
            touched[exid] = true
            mine = mine or exid == e.id
          end
        end
        if mine and not used[w] then
          used[w] = true
          local exs = {}
          for _, x in ipairs(all) do if touched[x] then exs[#exs + 1] = x end end
          cases[#cases + 1] = { name = w.name, source = w.source, exercises = exs }
          break
        end
      end
    end
    -- the issue's case: notation.forward with nn, which that exercise's sandbox lacks
    cases[#cases + 1] = { name = 'notation.forward with nn', exercises = { 'notation' },
      source = patch(set.solution, 'return sigmoid(W2:T() * relu(W1:T() * X + W01) + W02)',
        'return nn.Sigmoid():forward(W2:T() * nn.ReLU():forward(W1:T() * X + W01) + W02)') }
  end)

  it('on every part, for the reference solution and a wrong submission per exercise', function()
    local covered = {}
    for i, c in ipairs(cases) do
      local file = H.write(string.format('%s/case%d.lua', dir, i), c.source)
      local gout, gerr = H.nnlab({ 'check', spec, file })
      assert.are.equal('', gerr, c.name)
      local graded = verdicts(gout)
      local code = { string.format('ex.use(%q)', spec), string.format('answers = dofile(%q)', file) }
      for _, x in ipairs(c.exercises) do
        code[#code + 1] = string.format('ex.check(%q, answers[%q])', x, x)
      end
      local out, err = H.nnlab({}, table.concat(code, '\n') .. '\n')
      assert.are.equal('', err, c.name)
      local checked, ids = verdicts(out)
      local want = 0
      for _, e in ipairs(grader.parts(set)) do
        for _, x in ipairs(c.exercises) do if e.ex.id == x then want = want + 1 end end
      end
      assert.are.equal(want, #ids, c.name .. ': the REPL checked ' .. #ids .. ' parts\n' .. out)
      for _, id in ipairs(ids) do
        local g, r = graded[id], checked[id]
        assert(g, c.name .. ': nnlab check has no ' .. id .. '\n' .. gout)
        assert(g.mark == r.mark and g.score == r.score, string.format(
          '%s: %s\n  REPL:        %s\n  nnlab check: %s', c.name, id, r.line, g.line))
        covered[id] = true
      end
      if i == 1 then
        for _, id in ipairs(ids) do
          assert.are.equal('PASS', checked[id].mark, 'reference solution: ' .. checked[id].line)
        end
      elseif c.name == 'notation.forward with nn' then
        assert.are.equal('FAIL', checked['notation.forward'].mark)
        for _, text in ipairs { out, gout } do
          assert.matches("this exercise's sandbox has matrix only (libs = 'matrix')", text, 1, true)
        end
      end
    end
    for _, e in ipairs(grader.parts(set)) do
      assert(covered[e.id], 'no case compared ' .. e.id)
    end
    assert(#cases >= #set.exercises + 2, 'a wrong submission for each exercise')
  end)
end)
