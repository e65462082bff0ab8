-- nn.Dropout: the mask (numpy's random_sample >= p from the matrix stream),
-- inverted scaling, backward, evaluation mode, the net's modes, errors.
local U = require 'nn_util'
local matrix, nn = U.matrix, U.nn

-- What the mask must be after matrix.seed(seed): rand(r, c) >= p.
local function expected_mask(seed, r, c, p)
  matrix.seed(seed)
  return matrix.rand(r, c):map(function(u) return u >= p and 1 or 0 end)
end

describe('nn.Dropout', function()
  it('draws its mask as numpy\'s random_sample(shape) >= p, row by row', function()
    local d = nn.Dropout(0.3)
    local Z = matrix.randn(4, 6)
    matrix.seed(12)
    d:forward(Z)
    assert.is_true(d.mask == expected_mask(12, 4, 6, 0.3))
    -- the next forward draws a new mask, continuing the stream
    matrix.seed(12)
    matrix.rand(4, 6)
    local want = matrix.rand(4, 6):map(function(u) return u >= 0.3 and 1 or 0 end)
    matrix.seed(12)
    d:forward(Z)
    d:forward(Z)
    assert.is_true(d.mask == want)
  end)

  it('scales the kept units by 1 / (1 - p) and zeroes the others', function()
    local d = nn.Dropout(0.25)
    local Z = matrix.randn(5, 7)
    local A = d:forward(Z)
    local kept = 0
    for i = 1, 5 do
      for j = 1, 7 do
        local m = d.mask:get(i, j)
        assert.are.equal(Z:get(i, j) * m / 0.75, A:get(i, j))
        kept = kept + m
      end
    end
    assert.is_true(kept > 0 and kept < 35)
  end)

  it('keeps about 1 - p of the units and the mean of the input', function()
    local d = nn.Dropout(0.4)
    matrix.seed(3)
    local Z = matrix.ones(200, 500)
    local A = d:forward(Z)
    local n = 200 * 500
    local kept = d.mask:sum() / n
    -- binomial: standard deviation sqrt(0.24 / n) = 0.0015
    assert.is_true(math.abs(kept - 0.6) < 0.008, kept)
    assert.is_true(math.abs(A:mean() - 1) < 0.015, A:mean())
  end)

  it('backward multiplies by the same mask and scale', function()
    local d = nn.Dropout(0.5)
    local Z = matrix.randn(3, 4)
    d:forward(Z)
    local G = matrix.randn(3, 4)
    local dZ = d:backward(G)
    for i = 1, 3 do
      for j = 1, 4 do
        assert.are.equal(G:get(i, j) * d.mask:get(i, j) / 0.5, dZ:get(i, j))
      end
    end
  end)

  it('with the mask fixed, backward is the derivative of forward', function()
    local d = nn.Dropout(0.2)
    local Z = matrix.randn(3, 2)
    local A = d:forward(Z)
    local G = matrix.randn(3, 2)
    local dZ = d:backward(G)
    -- the forward is linear for a fixed mask: d(G . A)/dZ = G .* mask / 0.8
    local mask = d.mask:copy()
    local f = function() return Z:mul(mask):div(0.8):dot(G) end
    U.close(dZ, U.numgrad(f, Z), 1e-6, 1e-8, 'dLdZ')
    U.close(A, Z:mul(mask) / 0.8, 0, 0, 'A')
  end)

  it('in evaluation mode passes values and gradients through and draws nothing', function()
    local d = nn.Dropout(0.5)
    assert.is_true(d.training)
    assert.are.equal(d, d:eval())
    assert.is_false(d.training)
    local Z = matrix.randn(3, 3)
    matrix.seed(4)
    local A = d:forward(Z)
    assert.is_true(A == Z)
    local G = matrix.randn(3, 3)
    matrix.seed(4)  -- nothing was drawn
    local G2 = matrix.randn(3, 3)
    assert.is_true(G == G2)
    assert.is_true(d:backward(G) == G)
    assert.are.equal(d, d:train())
    assert.is_true(d.training)
  end)

  it('with p = 0 is the identity and draws nothing', function()
    local d = nn.Dropout(0)
    local Z = matrix.randn(2, 5)
    matrix.seed(8)
    assert.is_true(d:forward(Z) == Z)
    local after = matrix.rand(1, 1):get(1, 1)
    matrix.seed(8)
    assert.are.equal(matrix.rand(1, 1):get(1, 1), after)
  end)

  it('keeps a NaN NaN, dropped or not', function()
    local d = nn.Dropout(0.5)
    local Z = matrix.fill(4, 4, 0 / 0)
    assert.is_true(U.all_nan(d:forward(Z)))
  end)

  it('has p, a kind, a name and no parameters', function()
    local d = nn.Dropout()
    assert.are.equal(0.5, d.p)
    assert.are.equal('Dropout', d.kind)
    assert.are.equal('Dropout', nn.kind(d))
    assert.are.equal('Dropout(0.1)', tostring(nn.Dropout(0.1)))
    assert.are.same({}, d:parameters())
    assert.is_nil(d.mask)
  end)

  it('reports errors', function()
    U.fails_with("bad argument #1 to 'Dropout' (p must be in [0, 1), got 1)", function() nn.Dropout(1) end)
    U.fails_with("bad argument #1 to 'Dropout' (p must be in [0, 1), got -0.5)", function() nn.Dropout(-0.5) end)
    local d = nn.Dropout(0.5)
    U.fails_with('Dropout(0.5): backward called before forward', function() d:backward(matrix.ones(1, 1)) end)
    d:forward(matrix.ones(2, 3))
    U.fails_with('Dropout(0.5): backward: dLdA is 3x2 but the last forward gave A 2x3',
      function() d:backward(matrix.ones(3, 2)) end)
    U.fails_with("Dropout(0.5): cannot set field 'p' (use train() and eval() for the mode)",
      function() d.p = 0.1 end)
  end)
end)

describe('Sequential with Dropout', function()
  it('net:train() and net:eval() set every module that has a mode', function()
    local a, b = nn.Dropout(0.1), nn.Dropout(0.2)
    local net = nn.Sequential({nn.Linear(2, 3), a, nn.ReLU(), b, nn.Linear(3, 2)}, nn.Squared())
    net:eval()
    assert.is_false(a.training)
    assert.is_false(b.training)
    net:train()
    assert.is_true(a.training)
    assert.is_true(b.training)
  end)

  it('backprop gives the gradient of the masked network (checked with the mask frozen)', function()
    matrix.seed(5)
    local l1, d, l2 = nn.Linear(3, 4), nn.Dropout(0.5), nn.Linear(4, 2)
    local net = nn.Sequential({l1, nn.Tanh(), d, l2, nn.SoftMax()}, nn.NLLM())
    local X, Y = matrix.randn(3, 5), U.onehot(2, 5)
    net:backprop(X, Y)
    local mask = d.mask:copy()
    local G = l1.dLdW:copy()
    -- the same net with the drawn mask as a fixed Lua module
    local frozen = {forward = function(_, A) return A:mul(mask) / 0.5 end,
      backward = function(_, g) return g:mul(mask) / 0.5 end}
    local net2 = nn.Sequential({l1, nn.Tanh(), frozen, l2, nn.SoftMax()}, nn.NLLM())
    U.close(G, U.numgrad(function() return net2:evaluate(X, Y) end, l1.W), 1e-5, 1e-7, 'dLdW1')
  end)
end)
