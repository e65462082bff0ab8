-- nnlab.check: the checker helpers.  Every diagnosis is triggered by an
-- answer built with that mistake, and not by the right answer; feedback
-- never contains the reference's values.
local nnlab = require 'nnlab'
local check = require 'nnlab.check'
local matrix = nnlab.matrix

-- What a reference to a submission's value looks like in the grader: a
-- table with a metatable and the fields type and id.
local function ref(t)
  return setmetatable({type = t, id = 1}, {__tostring = function() return 'ref' end})
end

-- The feedback of a failing check; the check must fail.
local function fails(ok, msg)
  assert.is_false(ok)
  assert.are.equal('string', type(msg))
  return msg
end

-- Every entry of m printed as the feedback could print it, none of which
-- may appear in feedback.
local function assert_hides(msg, m)
  local vals = type(m) == 'number' and {m} or {}
  if matrix.is(m) then
    local r, c = m:shape()
    for i = 1, r do for j = 1, c do vals[#vals + 1] = m:get(i, j) end end
  end
  for _, v in ipairs(vals) do
    for _, f in ipairs{'%g', '%.6g', '%.4f', '%.3f', '%.10g'} do
      local s = string.format(f, v)
      assert.is_nil(msg:find(s, 1, true), 'feedback shows ' .. s .. ': ' .. msg)
    end
  end
end

-- A reference with distinctive, non-symmetric values.
local function reference()
  matrix.seed(11)
  return matrix.randn(3, 2) * 3.7 + 0.123
end

describe('check.matrix', function()
  it('accepts the reference and values within numpy-like tolerance', function()
    local W = reference()
    assert.is_true(check.matrix(W:copy(), W))
    assert.is_true(check.matrix(W * (1 + 5e-6), W))
    assert.is_true((check.matrix(W * (1 + 1e-3), W, {rtol = 1e-2})))
  end)

  it('rejects values just outside the tolerance and states the tolerance', function()
    local W = reference()
    local msg = fails(check.matrix(W * (1 + 3e-5), W))
    assert.matches('allclose', msg)
    assert.matches('1e%-08 %+ 1e%-05', msg)
    assert.matches('1e%-07 %+ 0.001', fails(check.matrix(W * 1.01, W, {rtol = 1e-3, atol = 1e-7})))
  end)

  it('counts the wrong entries and names the first one, without values', function()
    local W = reference()
    local G = W:copy()
    G:set(2, 2, G:get(2, 2) + 1)
    G:set(3, 1, G:get(3, 1) - 1)
    local msg = fails(check.matrix(G, W))
    assert.matches('2 of 6 entries are wrong, the first at %(2, 2%)', msg)
    assert.matches('shape %(3x2%) is right', msg)
    assert_hides(msg, W)
  end)

  it('checks the kind first, and names the kind it got', function()
    local W = reference()
    assert.matches('expected a 3x2 matrix, got a function$', fails(check.matrix(ref('function'), W)))
    assert.matches('expected a 3x2 matrix, got a function$', fails(check.matrix(print, W)))
    assert.matches('got an object %(a table with a metatable%)', fails(check.matrix(ref('table'), W)))
    assert.matches('got a userdata object', fails(check.matrix(ref('userdata'), W)))
    assert.matches('got nil', fails(check.matrix(nil, W)))
    assert.matches('got a string', fails(check.matrix('1 2', W)))
    assert.matches('got a boolean', fails(check.matrix(true, W)))
    local msg = fails(check.matrix(W:totable(), W))
    assert.matches('got a table %(build one with matrix{', msg)
    assert_hides(msg, W)
    assert.matches('expected a 1x1 matrix, got a number %(give a 1x1 matrix',
      fails(check.matrix(2.5, matrix{{2.5}})))
  end)

  it('checks the shape before the values', function()
    local W = reference()
    local msg = fails(check.matrix(matrix.zeros(2, 2), W))
    assert.are.equal('expected a 3x2 matrix, got a 2x2 matrix', msg)
    assert.matches('transposed shape', fails(check.matrix(matrix.zeros(2, 3), W)))
    assert.matches('^dLdW: expected', fails(check.matrix(matrix.zeros(2, 2), W, {name = 'dLdW'})))
  end)

  it('treats NaN and infinities as wrong, even where allclose would not look', function()
    local W = reference()
    local G = W:copy()
    G:set(1, 2, 0 / 0)
    local msg = fails(check.matrix(G, W))
    assert.matches('1 NaN or infinite entry %(the first, NaN, at %(1, 2%)%)', msg)
    G = W:copy()
    G:set(3, 1, math.huge)
    G:set(3, 2, -math.huge)
    assert.matches('2 NaN or infinite entries %(the first, infinite, at %(3, 1%)%)',
      fails(check.matrix(G, W)))
    -- a huge tolerance does not let NaN through
    G = W:copy()
    G:set(1, 1, 0 / 0)
    assert.is_false((check.matrix(G, W, {atol = 1e300})))
  end)

  it('diagnoses a transposed result, and not on the right one', function()
    local W = reference()
    local msg = fails(check.matrix(W:T(), W))
    assert.matches('expected a 3x2 matrix, got a 2x3 matrix: your result is the transpose', msg)
    assert_hides(msg, W)
    -- square: same shape, transposed values
    matrix.seed(3)
    local S = matrix.randn(3, 3)
    assert.matches('^your result is the transpose of the expected one', fails(check.matrix(S:T(), S)))
    assert.is_true(check.matrix(S:copy(), S))
    -- a symmetric reference cannot be told from its transpose: no diagnosis, it is right
    local Sym = S + S:T()
    assert.is_true(check.matrix(Sym:T(), Sym))
    -- vectors
    local v = matrix.col{1.5, -2, 3}
    assert.matches('you gave a row where a column is due', fails(check.matrix(v:T(), v)))
    assert.matches('you gave a column where a row is due', fails(check.matrix(v, v:T())))
  end)

  it('diagnoses a Jacobian in the wrong layout (opts.jacobian)', function()
    matrix.seed(5)
    local J = matrix.randn(4, 3) -- dA/dx for x 4x1 and A 3x1
    local msg = fails(check.matrix(J:T(), J, {jacobian = true}))
    assert.matches('Jacobian is in the wrong layout', msg)
    assert.matches('b x c with entry %(j, k%) = dv_k/du_j', msg)
    local Sq = matrix.randn(3, 3)
    assert.matches('Jacobian is in the wrong layout', fails(check.matrix(Sq:T(), Sq, {jacobian = true})))
    assert.is_true(check.matrix(J:copy(), J, {jacobian = true}))
    -- the transposed shape with other values still points at the layout
    assert.matches('transposed shape: in the lecture',
      fails(check.matrix(matrix.zeros(3, 4), J, {jacobian = true})))
  end)

  it('diagnoses a sign error, and not on the right answer', function()
    local W = reference()
    local msg = fails(check.matrix(-W, W))
    assert.matches('^sign error', msg)
    assert.matches('allclose', msg)
    assert_hides(msg, W)
    assert.is_true(check.matrix(W:copy(), W))
    -- zero is its own negative: not a sign error, just right
    assert.is_true(check.matrix(-matrix.zeros(2, 2), matrix.zeros(2, 2)))
  end)

  it('diagnoses sum vs mean over the batch (opts.batch)', function()
    local W = reference()
    local msg = fails(check.matrix(W / 4, W, {batch = 4}))
    assert.matches('mean over the batch where the sum is due', msg)
    assert.matches('b = 4', msg)
    assert.matches('sum over the batch where the mean is due', fails(check.matrix(W * 4, W, {batch = 4})))
    assert.is_true(check.matrix(W:copy(), W, {batch = 4}))
    -- without opts.batch there is no such diagnosis
    assert.is_nil(select(2, check.matrix(W / 4, W)):find('batch'))
  end)

  it('diagnoses a batch that was not summed: n x b where n x 1 is due', function()
    matrix.seed(8)
    local dLdZ = matrix.randn(3, 5)
    local want = dLdZ:sum(2)
    local msg = fails(check.matrix(dLdZ, want, {batch = 5}))
    assert.matches('expected a 3x1 matrix, got 3x5: you did not sum over the batch', msg)
    assert_hides(msg, want)
    assert.matches('one column, summed over the batch',
      fails(check.matrix(matrix.zeros(3, 5), want, {batch = 5})))
  end)

  it('diagnoses a missing W0 (opts.without_bias)', function()
    matrix.seed(9)
    local W, x, W0 = matrix.randn(4, 3), matrix.randn(4, 1), matrix.randn(3, 1)
    local Z, Zb = W:T() * x + W0, W:T() * x
    local msg = fails(check.matrix(Zb, Z, {without_bias = Zb}))
    assert.matches('without the offset W0', msg)
    assert_hides(msg, Z)
    assert.is_true(check.matrix(Z:copy(), Z, {without_bias = Zb}))
  end)

  it('diagnoses an off-by-one class index (opts.indices)', function()
    local want = matrix.row{1, 2, 2, 1, 3}
    assert.matches('one too small: class indices here are 1%-based',
      fails(check.matrix(want - 1, want, {indices = true})))
    assert.matches('one too large', fails(check.matrix(want + 1, want, {indices = true})))
    assert.is_true(check.matrix(want:copy(), want, {indices = true}))
  end)

  it('diagnoses a factor of 2', function()
    local W = reference()
    assert.matches('half the expected one', fails(check.matrix(W / 2, W)))
    assert.matches('twice the expected one', fails(check.matrix(W * 2, W)))
  end)

  it('reports known mistakes the checker passes in (opts.wrong), of any shape', function()
    local W = reference()
    local other = W:copy():fill(1)
    assert.matches('^you used the diagonal', fails(check.matrix(other, W,
      {wrong = {{other, 'you used the diagonal'}}})))
    local col = matrix.col{1, 2}
    assert.matches('got a 2x1 matrix: special', fails(check.matrix(col, W,
      {wrong = {{col, 'special'}}})))
    assert.is_true(check.matrix(W:copy(), W, {wrong = {{other, 'you used the diagonal'}}}))
  end)

  it('refuses a reference with NaN (a checker bug, not the student\'s)', function()
    assert.has_error(function() check.matrix(matrix.zeros(1, 1), matrix{{0 / 0}}) end)
    assert.has_error(function() check.matrix(matrix.zeros(1, 1), {{1}}) end)
  end)
end)

describe('check.number', function()
  it('accepts within tolerance, rejects outside, states the tolerance', function()
    assert.is_true(check.number(2.0, 2.0))
    assert.is_true(check.number(3, 3.0))
    assert.is_true(check.number(1.0 + 1e-6, 1.0))
    local msg = fails(check.number(1.001, 1.0))
    assert.matches('the number is wrong', msg)
    assert.matches('1e%-08 %+ 1e%-05', msg)
  end)

  it('checks the kind: numbers only, saying what it got', function()
    assert.matches('expected a number, got a string', fails(check.number('2', 2)))
    assert.matches('got a function', fails(check.number(ref('function'), 2)))
    assert.matches('got a 1x1 matrix %(a number is due: take the entry', fails(check.number(matrix{{2}}, 2)))
    assert.matches('got nil', fails(check.number(nil, 2)))
  end)

  it('treats NaN and infinities as wrong', function()
    assert.matches('got NaN', fails(check.number(0 / 0, 2)))
    assert.matches('got an infinite number', fails(check.number(math.huge, 2)))
    assert.is_false((check.number(-math.huge, 2, {atol = math.huge})))
  end)

  it('diagnoses sign, batch, missing W0, off-by-one, and hides the value', function()
    local want = 3.4567
    local msg = fails(check.number(-want, want))
    assert.matches('sign error', msg)
    assert_hides(msg, want)
    assert.matches('mean over the batch', fails(check.number(want / 5, want, {batch = 5})))
    assert.matches('sum over the batch', fails(check.number(want * 5, want, {batch = 5})))
    assert.matches('without the offset W0', fails(check.number(1.25, want, {without_bias = 1.25})))
    assert.matches('one too small', fails(check.number(2, 3, {indices = true})))
    assert.matches('one too large', fails(check.number(4, 3, {indices = true})))
    assert.is_true(check.number(3, 3, {indices = true, batch = 5, without_bias = 1.25}))
  end)
end)

describe('check.shape', function()
  it('accepts {rows, cols} of integers (floats with integer values too)', function()
    assert.is_true(check.shape({3, 4}, 3, 4))
    assert.is_true(check.shape({3.0, 4.0}, 3, 4))
  end)

  it('diagnoses swapped rows and columns, and which half is wrong', function()
    assert.matches('rows and columns are swapped', fails(check.shape({4, 3}, 3, 4)))
    assert.matches('you gave 3x5: the number of rows is right, the number of columns not',
      fails(check.shape({3, 5}, 3, 4)))
    assert.matches('number of columns is right, the number of rows not', fails(check.shape({2, 4}, 3, 4)))
    assert.matches('both the rows and the columns are wrong', fails(check.shape({1, 1}, 3, 4)))
    -- a square shape is never "swapped"
    assert.is_nil(select(2, check.shape({2, 3}, 3, 3)):find('swapped'))
  end)

  it('checks the kind and the form of the pair', function()
    assert.matches('expected a shape, a pair {rows, columns} of integers, got a 3x4 matrix',
      fails(check.shape(matrix.zeros(3, 4), 3, 4)))
    assert.matches('got a string', fails(check.shape('3x4', 3, 4)))
    assert.matches('got a function', fails(check.shape(ref('function'), 3, 4)))
    assert.matches('table with 3 entries', fails(check.shape({3, 4, 1}, 3, 4)))
    assert.matches('table with 1 entry', fails(check.shape({3}, 3, 4)))
    assert.matches('got {a number, an integer}', fails(check.shape({3.5, 4}, 3, 4)))
    assert.matches('got {NaN, an integer}', fails(check.shape({0 / 0, 4}, 3, 4)))
    assert.matches('got {a string, an integer}', fails(check.shape({'3', 4}, 3, 4)))
    assert.matches('of integers >= 0', fails(check.shape({-3, 4}, 3, 4)))
  end)
end)

describe('check.choice', function()
  local choices = {
    a = 'the derivative of the step is zero',
    b = {text = 'the step is too steep', why = 'steepness is not the problem'},
    c = {text = 'identity', aliases = {'the identity', 'linear'}},
  }

  it('accepts the right id, ignoring case, blanks and parentheses', function()
    assert.is_true(check.choice('a', 'a', choices))
    assert.is_true(check.choice(' A ', 'a', choices))
    assert.is_true(check.choice('(a)', 'a', choices))
    assert.is_true(check.choice('a)', 'a', choices))
    assert.is_true(check.choice('Linear', 'c', choices))
    assert.is_true(check.choice('the  Identity', 'c', choices))
  end)

  it('rejects a wrong choice with its explanation, without naming the right one', function()
    local msg = fails(check.choice('b', 'a', choices))
    assert.matches('"b" is not the right choice: steepness is not the problem', msg)
    assert.is_nil(msg:find('"a"'))
    assert.are.equal('"c" is not the right choice', fails(check.choice('c', 'a', choices)))
  end)

  it('rejects what is not a choice, listing the choices', function()
    assert.matches('not one of the choices "a", "b", "c"', fails(check.choice('d', 'a', choices)))
    assert.matches('expected one of "a", "b", "c" %(a string%), got a function',
      fails(check.choice(ref('function'), 'a', choices)))
    assert.matches('got nil', fails(check.choice(nil, 'a', choices)))
  end)

  it('takes a list of ids, and the index of one', function()
    assert.is_true(check.choice('y', 'y', {'x', 'y'}))
    assert.is_true(check.choice(2, 'y', {'x', 'y'}))
    assert.is_false((check.choice(1, 'y', {'x', 'y'})))
    assert.is_false((check.choice(3, 'y', {'x', 'y'})))
  end)

  it('checks a set of answers: all of them, nothing else, in any order', function()
    assert.is_true(check.choice({'c', 'a'}, {'a', 'c'}, choices))
    assert.is_true(check.choice({'a', 'c', 'a'}, {'a', 'c'}, choices))
    assert.matches('right but incomplete %(1 of 2%)', fails(check.choice({'a'}, {'a', 'c'}, choices)))
    assert.matches('"b" should not be among your choices: steepness',
      fails(check.choice({'a', 'b', 'c'}, {'a', 'c'}, choices)))
    assert.matches('"z" is not one of the choices', fails(check.choice({'a', 'z'}, {'a', 'c'}, choices)))
    assert.matches('expected a list of choices', fails(check.choice(ref('table'), {'a', 'c'}, choices)))
  end)

  it('refuses a reference answer that is not a choice (a set bug)', function()
    assert.has_error(function() check.choice('a', 'q', choices) end)
  end)
end)

describe('check.kind and check.func', function()
  it('name what a value is', function()
    assert.are.equal('a 2x3 matrix', check.kind(matrix.zeros(2, 3)))
    assert.are.equal('an integer', check.kind(3))
    assert.are.equal('a number', check.kind(3.5))
    assert.are.equal('an empty table', check.kind({}))
    assert.are.equal('a coroutine', check.kind(ref('thread')))
    assert.is_true(check.func(ref('function')))
    assert.is_true(check.func(print))
    assert.are.equal('Linear: expected a function, got a table',
      select(2, check.func({1}, 'Linear')))
  end)

  it('is a module: a table, no globals', function()
    assert.are.equal('table', type(check))
    local before = {}
    for k in pairs(_G) do before[k] = true end
    package.loaded['nnlab.check'] = nil
    require 'nnlab.check'
    for k in pairs(_G) do assert.is_true(before[k], 'new global ' .. k) end
  end)
end)

describe('the helpers for few-answer parts and labels', function()
  local choices = {a = 'one', b = {text = 'two', aliases = {'second'}}, c = 'three'}

  it('check.is_choice checks the form only, and says nothing of the answer', function()
    assert.is_true(check.is_choice('B', choices))
    assert.is_true(check.is_choice('(c)', choices))
    assert.is_true(check.is_choice('second', choices))
    local msg = fails(check.is_choice('d', choices, {name = 'q'}))
    assert.matches('q: your answer is not one of the choices "a", "b", "c"', msg, 1, true)
    msg = fails(check.is_choice(matrix.zeros(1, 1), choices))
    assert.matches('expected one of', msg, 1, true)
    assert.is_nil(msg:find('right', 1, true))
  end)

  it('check.is_shape wants a pair of integers >= 0; check.pending is the verdict', function()
    assert.is_true(check.is_shape({3, 1}))
    fails(check.is_shape({3, -1}))
    fails(check.is_shape({3}))
    fails(check.is_shape(ref('table')))
    local status, msg = check.pending('a valid choice')
    assert.are.equal('pending', status)
    assert.are.equal('a valid choice; graded on submission', msg)
  end)

  it('check.classes gives a constant answer nothing, and a perfect one everything', function()
    local labels = {1, 1, 1, -1, -1, 1, -1, 1}
    local function grade(answer)
      local c = check.classes()
      for i, y in ipairs(labels) do c:add('h', y, answer(i) == y, 'wrong at ' .. i) end
      return c:result()
    end
    assert.is_true(grade(function(i) return labels[i] end))
    assert.is_false((grade(function() return 1 end)))
    assert.is_false((grade(function() return -1 end)))
    -- one mistake on each label: (4/5 + 2/3) / 2, rescaled to 0..1
    local credit, msg = grade(function(i) return (i == 1 or i == 4) and -labels[i] or labels[i] end)
    assert.is_true(math.abs(credit - (4 / 5 + 2 / 3 - 1)) < 1e-12)
    assert.matches('wrong at 1', msg, 1, true)
    assert.matches('6 of 8 test points right', msg, 1, true)
  end)

  it('check.tally and check.aspects collect verdicts', function()
    local t = check.tally()
    t:add(true)
    t:add(false, 'off at 1')
    t:add(false, 'off at 2')
    local frac, msg = t:result()
    assert.are.equal(1 / 3, frac)
    assert.matches('off at 1 [and 1 more like this]', msg, 1, true)
    local a = check.aspects({'forward', 'backward'})
    a.add('forward', true)
    a.add('backward', false, 'bad backward')
    frac, msg = a.result()
    assert.are.equal(0.5, frac)
    assert.are.equal('bad backward', msg)
  end)
end)
