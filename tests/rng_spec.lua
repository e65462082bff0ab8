-- matrix.seed / rand / randn / randint against numpy's legacy np.random.
-- The expected streams are in tests/fixtures/rng.lua, written by
-- tools/gen_fixtures.py from numpy itself.
--
-- Every comparison is exact (==), randn included: numpy's legacy_gauss and
-- rng_gauss do the same double operations in the same order, and both call
-- the C library's sqrt (correctly rounded) and log (the same glibc function
-- numpy calls), so the bits agree.  Only a different libm could move randn by
-- an ulp; then these checks would say so rather than hide it.
local matrix = require('nnlab').matrix

local cases = dofile(H.root .. '/tests/fixtures/rng.lua')

-- Check matrix m against numpy's row-major values, element by element.
local function check_matrix(m, step, adjust)
  local r, c = m:shape()
  assert.are.equal(step.rows, r)
  assert.are.equal(step.cols, c)
  for i = 1, r do
    for j = 1, c do
      local want = step.values[(i - 1) * c + j] + adjust
      local got = m:get(i, j)
      if got ~= want then
        error(string.format('%s (%d, %d): got %.17g, numpy gives %.17g',
          step.op, i, j, got, want), 0)
      end
    end
  end
end

local function run(step)
  if step.op == 'seed' then
    matrix.seed(step.seed)
  elseif step.op == 'rand' then
    check_matrix(matrix.rand(step.rows, step.cols), step, 0)
  elseif step.op == 'randn' then
    local m
    if step.mean == 0 and step.std == 1 then -- the defaults
      m = matrix.randn(step.rows, step.cols)
    else
      m = matrix.randn(step.rows, step.cols, step.mean, step.std)
    end
    check_matrix(m, step, 0)
  elseif step.op == 'randint' then -- numpy's 0 .. n-1 is 1 .. n here
    for k, want in ipairs(step.values) do
      local got = matrix.randint(step.n)
      assert.are.equal('integer', math.type(got))
      if got ~= want + 1 then
        error(string.format('randint(%d) draw %d: got %d, numpy + 1 gives %d',
          step.n, k, got, want + 1), 0)
      end
    end
  elseif step.op == 'randint_matrix' then
    check_matrix(matrix.randint(step.n, step.rows, step.cols), step, 1)
  else
    error('unknown fixture step ' .. tostring(step.op))
  end
end

describe('random numbers match numpy legacy np.random', function()
  for _, case in ipairs(cases) do
    it(case.name, function()
      for _, step in ipairs(case.steps) do run(step) end
    end)
  end

  it('the same seed gives the same stream again', function()
    matrix.seed(99)
    local a = matrix.randn(4, 5)
    matrix.rand(3, 3)
    matrix.seed(99)
    assert.is_true(a == matrix.randn(4, 5))
  end)

  it('the stream starts as after seed(0) when never seeded', function()
    -- a fresh process: earlier specs have drawn from this one
    local code = [[
      local m = require('nnlab').matrix.rand(3, 4)
      for i = 1, 3 do for j = 1, 4 do io.write(string.format('%.17g\n', m:get(i, j))) end end]]
    local out, err, status = H.sh('lua5.4 -e ' .. H.quote(code))
    assert.are.equal('', err)
    assert.are.equal(0, status)
    local want = {}
    for _, step in ipairs(cases[1].steps) do
      if step.op == 'rand' then want = step.values end
    end
    assert.are.equal('seed 0: rand(3, 4)', cases[1].name)
    local got = {}
    for line in out:gmatch('[^\n]+') do got[#got + 1] = tonumber(line) end
    assert.are.same(want, got)
  end)

  it('rand, randn and randint(n, r, c) accept 0 rows or columns', function()
    assert.are.same({0, 3}, {matrix.rand(0, 3):shape()})
    assert.are.same({2, 0}, {matrix.randn(2, 0):shape()})
    assert.are.same({0, 0}, {matrix.randint(5, 0, 0):shape()})
  end)
end)

describe('random number functions reject bad arguments', function()
  -- f calls the function as a user would (not as a tail call, so that Lua
  -- knows its name); the error must name it.
  local function fails(fname, f)
    local ok, err = pcall(f)
    assert.is_false(ok)
    assert.is_truthy(tostring(err):find(fname, 1, true),
      'error should name ' .. fname .. ': ' .. tostring(err))
  end

  it('seed outside 0 .. 2^32-1 or not an integer', function()
    fails('seed', function() matrix.seed(-1) end)
    fails('seed', function() matrix.seed(2^32) end)
    fails('seed', function() matrix.seed(1 << 40) end)
    fails('seed', function() matrix.seed(1.5) end)
    fails('seed', function() matrix.seed('x') end)
    fails('seed', function() matrix.seed() end)
    matrix.seed(0)
    matrix.seed(2^32 - 1) -- the ends of the range are fine
  end)

  it('randint with n < 1 or not an integer', function()
    fails('randint', function() matrix.randint(0) end)
    fails('randint', function() matrix.randint(-5) end)
    fails('randint', function() matrix.randint(0, 2, 2) end)
    fails('randint', function() matrix.randint(2.5) end)
  end)

  it('randn with a negative std', function()
    fails('randn', function() matrix.randn(2, 2, 0, -1) end)
    fails('randn', function() matrix.randn(2, 2, 0, -1e-300) end)
    assert.are.same({2, 2}, {matrix.randn(2, 2, 0, 0):shape()})
  end)

  it('negative sizes', function()
    fails('rand', function() matrix.rand(-1, 2) end)
    fails('randn', function() matrix.randn(2, -1) end)
    fails('randint', function() matrix.randint(3, -1, 2) end)
  end)
end)
