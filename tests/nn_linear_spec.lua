-- nn.Linear: initialisation, forward, backward against finite differences,
-- fields, sgd_step, dZ_dA and every error message.
local U = require 'nn_util'
local matrix, nn = U.matrix, U.nn

-- Random shapes (m, n) and batch sizes 1 and > 1.
local SHAPES = {{1, 1}, {2, 3}, {4, 3}, {3, 7}, {6, 2}}
local BATCHES = {1, 5}

describe('nn.Linear', function()
  it('draws W as np.random.normal(0, m^-0.5, [m, n]) from the matrix stream, W0 zero', function()
    for _, s in ipairs(SHAPES) do
      local m, n = s[1], s[2]
      matrix.seed(7)
      local layer = nn.Linear(m, n)
      matrix.seed(7)
      local want = matrix.randn(m, n, 0, 1.0 * m ^ -0.5)
      assert.are.equal(U.shape(want), U.shape(layer.W))
      assert.is_true(layer.W == want) -- the same draws, exactly
      assert.is_true(layer.W0 == matrix.zeros(n, 1))
      assert.is_true(layer.dLdW == matrix.zeros(m, n))
      assert.is_true(layer.dLdW0 == matrix.zeros(n, 1))
      assert.are.equal(m, layer.m)
      assert.are.equal(n, layer.n)
    end
  end)

  it('continues the stream: two layers draw consecutive normals', function()
    matrix.seed(3)
    local a, b = nn.Linear(3, 3), nn.Linear(3, 2) -- 9 draws: a cached gaussian carries over
    matrix.seed(3)
    local all = matrix.randn(1, 15)
    for i = 1, 9 do U.close_num(a.W:get((i - 1) // 3 + 1, (i - 1) % 3 + 1), all:get(1, i) / math.sqrt(3), 1e-15, 0) end
    for i = 1, 6 do U.close_num(b.W:get((i - 1) // 2 + 1, (i - 1) % 2 + 1), all:get(1, 9 + i) / math.sqrt(3), 1e-15, 0) end
  end)

  it('forward computes Z = W^T A + W0 with the lecture shapes', function()
    matrix.seed(1)
    for _, s in ipairs(SHAPES) do
      for _, b in ipairs(BATCHES) do
        local m, n = s[1], s[2]
        local layer = nn.Linear(m, n)
        layer.W0 = matrix.randn(n, 1)
        local A = matrix.randn(m, b)
        local Z = layer:forward(A)
        assert.are.equal(n .. 'x' .. b, U.shape(Z))
        -- independently: each entry is the dot product of column k of W with column j of A
        for k = 1, n do
          for j = 1, b do
            local z = layer.W0:get(k, 1)
            for i = 1, m do z = z + layer.W:get(i, k) * A:get(i, j) end
            U.close_num(Z:get(k, j), z, 1e-12, 1e-12, 'Z')
          end
        end
      end
    end
  end)

  it('one column gives the same bits as a column of a batch and as W:T() * x + W0', function()
    -- A one-column forward has a loop of its own (the small op): the same
    -- operations in the same order as the small products' (up to 4096
    -- multiply-adds; larger ones go to BLAS).
    for _, s in ipairs{{4, 3}, {2, 10}, {10, 10}, {1, 1}, {7, 1}, {1, 7}, {30, 40}, {64, 64}} do
      local m, n = s[1], s[2]
      matrix.seed(m * 100 + n)
      local layer = nn.Linear(m, n)
      layer.W0 = matrix.randn(n, 1)
      local X = matrix.randn(m, 3)
      local Z = layer:forward(X)
      for j = 1, 3 do
        local x = X:col(j)
        local z = layer:forward(x)
        if m * n * 3 <= 4096 then assert.is_true(z == Z:col(j), m .. 'x' .. n) end
        assert.is_true(z == layer.W:T() * x + layer.W0, m .. 'x' .. n)
      end
    end
  end)

  it('backward matches finite differences for dLdW, dLdW0 and dLdA (batch 1 and > 1)', function()
    matrix.seed(2)
    for _, s in ipairs(SHAPES) do
      for _, b in ipairs(BATCHES) do
        local m, n = s[1], s[2]
        local layer = nn.Linear(m, n)
        layer.W0 = matrix.randn(n, 1)
        local A = matrix.randn(m, b)
        local G = matrix.randn(n, b) -- L = sum(G .* Z), so dL/dZ = G
        local function L() return layer:forward(A):dot(G) end
        layer:forward(A)
        local dA = layer:backward(G)
        assert.are.equal(m .. 'x' .. b, U.shape(dA))
        assert.are.equal(m .. 'x' .. n, U.shape(layer.dLdW))
        assert.are.equal(n .. 'x1', U.shape(layer.dLdW0))
        U.close(layer.dLdW, U.numgrad(L, layer.W), 1e-6, 1e-8, 'dLdW')
        U.close(layer.dLdW0, U.numgrad(L, layer.W0), 1e-6, 1e-8, 'dLdW0')
        U.close(dA, U.numgrad(L, A), 1e-6, 1e-8, 'dLdA')
        -- and the lecture's formulas
        U.close(layer.dLdW, A * G:T(), 1e-12, 1e-12, 'A dLdZ^T')
        U.close(dA, layer.W * G, 1e-12, 1e-12, 'W dLdZ')
      end
    end
  end)

  it('keeps its own copy of the input: changing A after forward does not change backward', function()
    matrix.seed(4)
    local layer = nn.Linear(3, 2)
    local A = matrix.randn(3, 4)
    local A0 = A:copy()
    local Z = layer:forward(A)
    A:fill(0)
    Z:fill(0) -- nor does changing the returned Z
    local G = matrix.randn(2, 4)
    layer:backward(G)
    U.close(layer.dLdW, A0 * G:T(), 1e-12, 1e-12)
  end)

  it('returns fresh matrices, so earlier results stay as they were', function()
    matrix.seed(5)
    local layer = nn.Linear(2, 2)
    local A1, A2 = matrix.randn(2, 3), matrix.randn(2, 3)
    local Z1 = layer:forward(A1)
    local Z1copy = Z1:copy()
    layer:forward(A2)
    assert.is_true(Z1 == Z1copy)
  end)

  it('sgd_step subtracts lr times the gradients; zero_grad clears them', function()
    matrix.seed(6)
    local layer = nn.Linear(3, 2)
    layer:forward(matrix.randn(3, 2))
    layer:backward(matrix.randn(2, 2))
    local W, W0, dW, dW0 = layer.W:copy(), layer.W0:copy(), layer.dLdW:copy(), layer.dLdW0:copy()
    layer:sgd_step(0.1)
    U.close(layer.W, W - dW * 0.1, 0, 0)
    U.close(layer.W0, W0 - dW0 * 0.1, 0, 0)
    layer:zero_grad()
    assert.is_true(layer.dLdW == matrix.zeros(3, 2))
    assert.is_true(layer.dLdW0 == matrix.zeros(2, 1))
  end)

  it('reads its matrices live and copies assigned ones in', function()
    local layer = nn.Linear(2, 3)
    local W = layer.W
    W:set(1, 1, 42) -- the layer's own matrix
    assert.are.equal(42, layer.W:get(1, 1))
    local M = matrix{{1, 2, 3}, {4, 5, 6}}
    layer.W = M
    M:set(1, 1, -1) -- a copy went in
    assert.are.equal(1, layer.W:get(1, 1))
    layer.W0 = matrix.col{1, 2, 3}
    layer.dLdW = matrix.ones(2, 3)
    layer.dLdW0 = matrix.ones(3, 1)
    assert.is_true(layer.dLdW == matrix.ones(2, 3))
    U.close(layer:forward(matrix.col{1, 1}), matrix.col{6, 9, 12}, 0, 0)
    assert.are.equal('Linear', layer.kind)
    assert.is_nil(layer.nothing)
  end)

  it('dZ_dA is W, the lecture\'s dZ/dA (m x n), equal to the numerical Jacobian', function()
    matrix.seed(8)
    local layer = nn.Linear(4, 3) -- non-square: a transposed Jacobian would be 3x4
    layer.W0 = matrix.randn(3, 1)
    local J = nn.jacobian(function(a) return layer:forward(a) end, matrix.randn(4, 1))
    assert.are.equal('4x3', U.shape(J))
    U.close(J, layer:dZ_dA(), 1e-7, 1e-9)
    local D = layer:dZ_dA()
    D:set(1, 1, 99) -- a copy
    assert.are_not.equal(99, layer.W:get(1, 1))
  end)

  it('lists its parameters with their gradients', function()
    local layer = nn.Linear(2, 3)
    local ps = layer:parameters()
    assert.are.equal(2, #ps)
    assert.are.equal('W', ps[1].name)
    assert.are.equal('W0', ps[2].name)
    assert.are.equal(rawequal(ps[1].value, layer.W), true)
    assert.are.equal(rawequal(ps[2].grad, layer.dLdW0), true)
  end)

  it('prints as Linear(m, n)', function()
    assert.are.equal('Linear(2, 3)', tostring(nn.Linear(2, 3)))
  end)

  it('handles an empty batch', function()
    local layer = nn.Linear(2, 3)
    local Z = layer:forward(matrix.zeros(2, 0))
    assert.are.equal('3x0', U.shape(Z))
    local dA = layer:backward(matrix.zeros(3, 0))
    assert.are.equal('2x0', U.shape(dA))
    assert.is_true(layer.dLdW == matrix.zeros(2, 3))
  end)

  it('propagates NaN', function()
    local layer = nn.Linear(2, 2)
    local Z = layer:forward(matrix{{0 / 0}, {1}})
    assert.is_true(U.all_nan(Z))
  end)

  describe('errors', function()
    it('rejects bad sizes', function()
      U.fails_with("bad argument #1 to 'Linear' (size must be positive, got 0)", function() nn.Linear(0, 3) end)
      U.fails_with("bad argument #2 to 'Linear' (size must be positive, got -1)", function() nn.Linear(2, -1) end)
      U.fails_with("bad argument #2 to 'Linear' (number expected, got no value)", function() nn.Linear(2) end)
      U.fails_with("bad argument #1 to 'Linear' (number has no integer representation)",
        function() nn.Linear(1.5, 2) end)
      U.fails_with("bad argument #1 to 'Linear' (size is too large, got 3000000000)",
        function() nn.Linear(3000000000, 2) end)
      U.fails_with('Linear: 1000000x1000000 matrix is too large', function() nn.Linear(1000000, 1000000) end)
    end)

    it('names the layer and both shapes in forward', function()
      local layer = nn.Linear(2, 3)
      U.fails_with('Linear(2, 3): forward: A is 3x4 but W is 2x3 (A needs 2 rows)',
        function() layer:forward(matrix.zeros(3, 4)) end)
      U.fails_with("bad argument #1 to 'forward' (matrix expected, got no value)",
        function() layer:forward() end)
      U.fails_with("bad argument #1 to 'forward' (matrix expected, got table)",
        function() layer:forward({{1}, {2}}) end)
    end)

    it('says backward before forward, and a dLdZ of the wrong shape', function()
      local layer = nn.Linear(2, 3)
      U.fails_with('Linear(2, 3): backward called before forward',
        function() layer:backward(matrix.zeros(3, 1)) end)
      layer:forward(matrix.zeros(2, 4))
      U.fails_with('Linear(2, 3): backward: dLdZ is 3x1 but the last forward gave Z 3x4',
        function() layer:backward(matrix.zeros(3, 1)) end)
      U.fails_with('Linear(2, 3): backward: dLdZ is 4x3 but the last forward gave Z 3x4',
        function() layer:backward(matrix.zeros(4, 3)) end)
    end)

    it('checks assignments', function()
      local layer = nn.Linear(2, 3)
      U.fails_with('Linear(2, 3): W must be 2x3, got 3x2', function() layer.W = matrix.zeros(3, 2) end)
      U.fails_with('Linear(2, 3): W0 must be 3x1, got 1x3', function() layer.W0 = matrix.zeros(1, 3) end)
      U.fails_with('Linear(2, 3): dLdW0 must be 3x1, got 2x1', function() layer.dLdW0 = matrix.zeros(2, 1) end)
      U.fails_with('Linear(2, 3): W must be a matrix, got table', function() layer.W = {{1, 2, 3}} end)
      U.fails_with("Linear(2, 3): cannot set field 'w' (settable: W, W0, dLdW, dLdW0)",
        function() layer.w = matrix.zeros(2, 3) end)
      U.fails_with("Linear(2, 3): cannot set field 'm' (settable: W, W0, dLdW, dLdW0)",
        function() layer.m = 4 end)
    end)

    it('says to call a method with a colon, and uses Lua\'s words for other arguments', function()
      local layer = nn.Linear(2, 3)
      U.fails_with("forward: call it as layer:forward(...) (with a colon; argument 1 is a matrix, not an nn.Linear)",
        function() layer.forward(matrix.zeros(2, 1)) end)
      U.fails_with("bad argument #1 to 'sgd_step' (number expected, got no value)",
        function() layer:sgd_step() end)
    end)
  end)
end)
