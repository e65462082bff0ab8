-- The grader as instructors and students use it: nnlab check / grade /
-- strip / check --selftest, the report formats, and the REPL's ex API.
local json = require 'dkjson'

local TOY = H.root .. '/tests/fixtures/sets/toy.lua'

local GOOD = [[
print('hello from the submission')
return {
  lin = { forward = function(W, W0, A) return W:T() * A + W0 end, answer = 42 },
  half = { a = 1, b = 2 },
}
]]

local WRONG = [[
return {
  lin = { forward = function(W, W0, A) return W * A end, answer = 41 },
  half = { a = 1, b = 3 },
}
]]

local tmpdir, write = H.tmpdir, H.write

local function exists(path)
  local f = io.open(path, 'rb')
  if f then f:close() end
  return f ~= nil
end

describe('nnlab check', function()
  local dir, good, wrong
  setup(function()
    dir = tmpdir()
    good = write(dir .. '/good.lua', GOOD)
    wrong = write(dir .. '/wrong.lua', WRONG)
  end)

  it('reports every part of a correct submission as passed, exit status 0', function()
    local out, err, code = H.nnlab({ 'check', TOY, good })
    assert.equal(0, code, err)
    assert.matches('good.lua: 7/7 points', out, 1, true)
    assert.matches('[PASS] lin.forward (2/2)', out, 1, true)
    assert.matches('[PASS] lin.answer (1/1)', out, 1, true)
    assert.matches('[PASS] half.both (4/4)', out, 1, true)
    assert.matches('hello from the submission', out, 1, true)
  end)

  it('gives feedback and partial credit for a wrong one, exit status 1', function()
    local out, _, code = H.nnlab({ 'check', TOY, wrong })
    assert.equal(1, code)
    assert.matches('wrong.lua: 2/7 points', out, 1, true)
    assert.matches('[FAIL] lin.forward (0/2)', out, 1, true)
    assert.matches('matrix product: 3x2 * 3x4 does not align', out, 1, true)
    assert.matches('[FAIL] half.both (2/4)', out, 1, true)
    assert.matches('a must be 1 and b must be 2', out, 1, true)
  end)

  it('checks one exercise or part with --only', function()
    local out, _, code = H.nnlab({ 'check', '--only', 'half', TOY, wrong })
    assert.equal(1, code)
    assert.matches('2/4 points', out, 1, true)
    assert.not_matches('lin.forward', out, 1, true)
  end)

  it('writes Gradescope results.json', function()
    local out, err, code = H.nnlab({ 'check', '--format', 'json', TOY, wrong })
    assert.equal(1, code, err)
    local r = assert(json.decode(out))
    assert.equal(2, r.score)
    assert.is_number(r.execution_time)
    assert.is_string(r.output)
    assert.equal(3, #r.tests)
    for i, t in ipairs(r.tests) do
      assert.equal(tostring(i), t.number)
      assert.is_string(t.name)
      assert.is_number(t.score)
      assert.is_number(t.max_score)
      assert.equal('visible', t.visibility)
      assert.is_string(t.output)
    end
    assert.equal('failed', r.tests[1].status)
    assert.equal(0, r.tests[1].score)
    assert.equal(2, r.tests[1].max_score)
    assert.equal(2, r.tests[3].score)
  end)

  it('writes TAP and JUnit', function()
    local tap = H.nnlab({ 'check', '--format', 'tap', TOY, good })
    assert.matches('^TAP version 13\n1%.%.3\nok 1 %- lin%.forward', tap)
    local bad = H.nnlab({ 'check', '--format', 'tap', TOY, wrong })
    assert.matches('\nnot ok 1 %- lin%.forward', bad)
    local xml = H.nnlab({ 'check', '--format', 'junit', TOY, wrong })
    assert.matches('<testsuite name="toy" tests="3" failures="3"', xml, 1, true)
    assert.matches('<failure message=', xml, 1, true)
  end)

  it('writes the report to a file with -o, atomically, and nothing on stdout', function()
    local path = dir .. '/report.json'
    local out, err, code = H.nnlab({ 'check', '--format', 'json', '-o', path, TOY, good })
    assert.equal(0, code, err)
    assert.equal('', out)
    assert.equal(7, json.decode(H.slurp(path)).score)
  end)

  it('says what is wrong with the command line, exit status 2', function()
    local _, err, code = H.nnlab({ 'check', TOY })
    assert.equal(2, code)
    assert.matches('check takes one submission', err, 1, true)
    _, err, code = H.nnlab({ 'check', 'nosuchset', good })
    assert.equal(2, code)
    assert.matches("no exercise set 'nosuchset'", err, 1, true)
    _, err, code = H.nnlab({ 'check', '--format', 'xml', TOY, good })
    assert.equal(2, code)
    assert.matches("unknown format 'xml'", err, 1, true)
    local out
    out, _, code = H.nnlab({ 'check', '--help' })
    assert.equal(0, code)
    assert.matches('usage: nnlab check', out, 1, true)
  end)
end)

describe('nnlab grade', function()
  it('grades many submissions in parallel into a report directory and a CSV', function()
    local dir = tmpdir()
    local files = {}
    for i = 1, 5 do
      files[i] = write(string.format('%s/s%d.lua', dir, i), i % 2 == 1 and GOOD or WRONG)
    end
    local args = { 'grade', '--jobs', '2', '--format', 'json', '--out', dir .. '/out', TOY }
    for _, f in ipairs(files) do args[#args + 1] = f end
    local _, err, code = H.nnlab(args)
    assert.equal(0, code, err)
    for i = 1, 5 do
      local r = json.decode(H.slurp(string.format('%s/out/s%d.json', dir, i)))
      assert.equal(i % 2 == 1 and 7 or 2, r.score)
    end
    local csv = H.slurp(dir .. '/out/summary.csv')
    local lines = {}
    for l in csv:gmatch('[^\n]+') do lines[#lines + 1] = l end
    assert.equal('submission,score,max_score,lin.forward,lin.answer,half.both,error', lines[1])
    assert.equal(6, #lines)
    assert.matches('s2%.lua,2,7,0,0,2,$', lines[3])
    -- the same submissions, the same scores
    local _, _, code2 = H.nnlab(args)
    assert.equal(0, code2)
    assert.equal(csv, H.slurp(dir .. '/out/summary.csv'))
  end)

  it('needs --out for several submissions', function()
    local _, err, code = H.nnlab({ 'grade', TOY, 'a.lua', 'b.lua' })
    assert.equal(2, code)
    assert.matches('--out DIR', err, 1, true)
  end)

  it('scores an unreadable file 0 with the reason and grades the others', function()
    local dir = tmpdir()
    local good = write(dir .. '/good.lua', GOOD)
    local _, err, code = H.nnlab({ 'grade', '--out', dir .. '/out', TOY, good, dir .. '/missing.lua' })
    assert.equal(0, code, err)
    local csv = H.slurp(dir .. '/out/summary.csv')
    assert.matches('good%.lua,7,7', csv)
    assert.matches('missing%.lua,0,7,0,0,0,cannot read', csv)
  end)
end)

describe('nnlab strip and --selftest', function()
  it('the shipped set passes its self-test', function()
    local out, err, code = H.nnlab({ 'check', '--selftest', TOY })
    assert.equal(0, code, err)
    assert.matches('ok    reference solution: 7/7', out, 1, true)
    assert.matches('ok    wrong: no W0: loses lin.forward', out, 1, true)
  end)

  it('a known-wrong solution that does not lose its points fails the self-test', function()
    local dir = tmpdir()
    local set = H.slurp(TOY):gsub("name = 'a float', loses = { 'lin.answer' }",
      "name = 'a float', loses = { 'half.both' }")
    write(dir .. '/set.lua', set)
    local out, _, code = H.nnlab({ 'check', '--selftest', dir .. '/set.lua' })
    assert.equal(1, code)
    assert.matches('FAIL  wrong: a float: loses half.both; but earned full marks on half.both',
      out, 1, true)
  end)

  it('strip removes the private parts; the public checkers still work', function()
    local dir = tmpdir()
    local _, err, code = H.nnlab({ 'strip', TOY, '-o', dir .. '/student.lua' })
    assert.equal(0, code, err)
    local text = H.slurp(dir .. '/student.lua')
    assert.not_matches('solution', text, 1, true)
    assert.not_matches('@private', text, 1, true)
    assert.matches('check = function', text, 1, true)
    local good = write(dir .. '/good.lua', GOOD)
    local out
    out, err, code = H.nnlab({ 'check', dir .. '/student.lua', good })
    assert.equal(0, code, err)
    assert.matches('7/7 points', out, 1, true)
    out, _, code = H.nnlab({ 'check', '--selftest', dir .. '/student.lua' })
    assert.equal(1, code)
    assert.matches('no reference solution', out, 1, true)
  end)

  it('strip refuses unbalanced markers and a private part left outside them', function()
    local dir = tmpdir()
    write(dir .. '/a.lua', (H.slurp(TOY):gsub('  %-%- @private end\n', '')))
    local _, err, code = H.nnlab({ 'strip', dir .. '/a.lua', '-o', dir .. '/out.lua' })
    assert.equal(2, code)
    assert.matches('no matching end', err, 1, true)
    write(dir .. '/b.lua', (H.slurp(TOY):gsub("id = 'both', points = 4,", "id = 'both', points = 4, private = true,")))
    _, err, code = H.nnlab({ 'strip', dir .. '/b.lua', '-o', dir .. '/out.lua' })
    assert.equal(2, code)
    assert.matches('part half.both is private but outside the private markers', err, 1, true)
    assert.is_false(exists(dir .. '/out.lua'))
  end)
end)

describe('the ex API in the REPL', function()
  local function repl(code)
    return H.nnlab({}, string.format('ex.use(%q)\n%s\n', TOY, code))
  end

  it('lists the exercises with their progress', function()
    local out, err, code = repl([[
ex.check('lin.forward', function(W, W0, A) return W:T() * A + W0 end)
ex.check('half', { a = 1, b = 5 })
ex.list()]])
    assert.equal(0, code, err)
    assert.matches('[PASS] lin.forward (2/2)', out, 1, true)
    assert.matches('[FAIL] half.both (2/4)', out, 1, true)
    assert.matches('lin%s+A linear layer%s+2/3%s+started', out)
    assert.matches('half%s+Partial credit%s+2/4%s+started', out)
    assert.matches('total%s+4/7', out)
  end)

  it('shows an exercise and cycles through its hints', function()
    local out = repl([[
ex.show('lin')
ex.hint('lin')
ex.hint('lin')
ex.hint('lin')]])
    assert.matches('lin: A linear layer', out, 1, true)
    assert.matches('Z = W^T A + W0', out, 1, true)
    assert.matches('part lin.forward (2 points)', out, 1, true)
    assert.matches('starter code:', out, 1, true)
    assert.matches('hint 1/2: W:T%(%) transposes.-hint 2/2.-hint 1/2', out)
  end)

  it('check_file grades a file in the sandbox, as the grader does', function()
    local dir = tmpdir()
    local f = write(dir .. '/mine.lua', "return { lin = { answer = 42, forward = function() return io.open('x') end } }")
    local out, err, code = repl(string.format('ex.check_file(%q)', f))
    assert.equal(0, code, err)
    assert.matches('[PASS] lin.answer (1/1)', out, 1, true)
    assert.matches("[FAIL] lin.forward (0/2)", out, 1, true)
    assert.matches("attempt to index a nil value (global 'io')", out, 1, true)
  end)

  it('names an unknown exercise', function()
    local _, err = repl("ex.show('nope')")
    assert.matches("no exercise 'nope'", err, 1, true)
  end)
end)

describe('the sets shipped in exercises/', function()
  it('each pass their self-test (the lecture set in detail in exercises_spec)', function()
    local listing = H.sh('ls ' .. H.quote(H.root .. '/exercises'))
    local n = 0
    for name in listing:gmatch('([%w_]+)%.lua\n') do
      n = n + 1
      if name ~= 'lecture' then
        local out, err, code = H.nnlab({ 'check', '--selftest', name })
        assert.equal(0, code, name .. ':\n' .. out .. err)
      end
    end
    assert.is_true(n >= 1)
  end)
end)

describe('a submission', function()
  it('cannot change the grading process\'s BLAS threads (no matrix.threads)', function()
    local d = os.tmpname()
    local f = assert(io.open(d, 'wb'))
    f:write("return { lin = { answer = (matrix.threads == nil and matrix.zeros ~= nil) and 42 or 0 } }")
    f:close()
    local out = H.nnlab({ 'check', '--only', 'lin.answer', TOY, d })
    os.remove(d)
    assert.matches('[PASS] lin.answer (1/1)', out, 1, true)
  end)
end)
