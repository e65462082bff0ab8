-- ex's progress lasts from one run of the program to the next (a file per
-- set under $XDG_STATE_HOME/nnlab), a corrupt file is ignored with a
-- notice, ex.reset forgets, and ex.save writes the answers checked as a
-- submission that nnlab check grades as ex.check did.

local SET = H.TOY_SET .. [=[
return {
  id = 'toy', limits = { seconds = 5, slack = 2 },
  exercises = {
    { id = 'toy', title = 'Toy', parts = {
      { id = 'twice', points = 1, check = calls('twice', 2, 4) },
      { id = 'square', points = 2, check = calls('square', 3, 9) },
      { id = 'plus', points = 1, check = calls('plus', 1, 11) },
      { id = 'rows', points = 1, check = function(sub)
          local m = sub:get('toy', 'rows')
          return matrix.is(m) and m:shape() == 2, 'a 2-row matrix'
        end },
    } },
  },
}
]=]

-- The verdict marks by part id in a report.
local function marks(text)
  local v = {}
  for mark, id in text:gmatch('%[(%u+)%] ([%w_.]+)') do v[id] = mark end
  return v
end

describe('ex progress and ex.save', function()
  local dir, state, set
  before_each(function()
    dir = H.tmpdir()
    state = dir .. '/state'
    set = H.write(dir .. '/toy.lua', SET)
  end)
  after_each(function() H.sh('rm -rf ' .. H.quote(dir)) end)

  local function run(args, stdin)
    return H.nnlab(args, stdin, {XDG_STATE_HOME = state})
  end

  it('keeps the progress across runs, and ex.save + nnlab check give the same verdicts', function()
    local answers = H.write(dir .. '/answers.lua', [[
ex.use(]] .. string.format('%q', set) .. [[)
local toy = {}
local k = 10
function toy.square(x) return x * x end
toy.plus = function(x) return x + k end
ex.check('toy.twice', function(x) return x * 3 end)  -- wrong
ex.check('toy.square', toy.square)
ex.check('toy.plus', toy.plus)
ex.check('toy.rows', matrix{{1, 2}, {3, 4}})
]])
    local out1, err1, code1 = run({answers})
    assert.are.equal(0, code1, err1)
    local first = marks(out1)
    assert.are.same({['toy.twice'] = 'FAIL', ['toy.square'] = 'PASS', ['toy.plus'] = 'PASS',
      ['toy.rows'] = 'PASS'}, first)
    -- the file lives in the state directory, one per set
    assert.are.same({'ex-' .. set:gsub('[^%w_.-]', '_') .. '.txt'}, H.ls(state .. '/nnlab'))
    -- a new run: ex.list shows the progress, ex.save writes the submission
    local mine = dir .. '/mine.lua'
    local out2, err2 = run({}, 'ex.use(' .. string.format('%q', set) .. ')\nex.save(' ..
      string.format('%q', mine) .. ')\n')
    assert.matches('toy%s+Toy%s+4/5%s+started', out2, nil, err2)
    assert.matches('ex.save: 1 exercise written to', out2)
    local out3 = H.nnlab({'check', set, mine})
    assert.are.same(first, marks(out3))
    assert.matches('4/5 points', out3)
  end)

  it('ex.save says what it cannot write; ex.check still gives its verdict', function()
    local mine = dir .. '/mine.lua'
    local out, err = run({}, 'ex.use(' .. string.format('%q', set) .. ')\n'
      .. 'ex.check("toy.twice", io.write)\n'
      .. 'ex.check("toy.square", setmetatable({}, {__call = function() return 9 end}))\n'
      .. 'ex.check("toy.plus", function(x) return x + 10 end)\n'  -- a piped script: one chunk, text not kept
      .. 'ex.check("toy.rows", matrix{{1}, {2}})\n'
      .. 'ex.save(' .. string.format('%q', mine) .. ')\n')
    assert.are.equal('', err)
    assert.are.equal('FAIL', marks(out)['toy.twice'], out)
    assert.matches('ex.save: toy.plus is not written: the source of the function defined at stdin:%d+ is not known', out)
    assert.matches('ex.save: toy.square is not written: a table with a metatable', out)
    assert.matches('ex.save: toy.twice is not written: it is a C function', out)
    local gout = H.nnlab({'check', set, mine})
    assert.are.equal('PASS', marks(gout)['toy.rows'], gout)
  end)

  it('ignores a corrupt progress file with a notice, and ex.reset forgets', function()
    local answers = H.write(dir .. '/a.lua', 'ex.use(' .. string.format('%q', set) .. ')\n'
      .. 'ex.check("toy.square", function(x) return x * x end)\n')
    run({answers})
    local file = state .. '/nnlab/' .. H.ls(state .. '/nnlab')[1]
    local good = H.slurp(file)
    H.write(file, 'garbage\n')
    local out, err, code = run({}, 'ex.use(' .. string.format('%q', set) .. ')\n')
    assert.are.equal(0, code, err)
    assert.matches('^ex: ignoring the saved progress in .- %(not a progress file%)\n$', err)
    assert.matches('toy%s+Toy%s+0/5%s+not tried', out)
    H.write(file, good)
    out = run({}, 'ex.use(' .. string.format('%q', set) .. ')\nex.reset()\nex.list()\n')
    assert.matches('2/5%s+started', out)  -- before the reset
    assert.matches('forgotten.*toy%s+Toy%s+0/5%s+not tried', out)
    assert.are.same({}, H.ls(state .. '/nnlab'))
  end)
end)
