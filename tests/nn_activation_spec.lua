-- The activations: forward against the formulas, backward and jacobian
-- against finite differences, extreme inputs, NaN, errors.
local U = require 'nn_util'
local matrix, nn = U.matrix, U.nn

local function sigmoid(z) return 1 / (1 + math.exp(-z)) end

-- name, constructor, the function written out independently
local ELEMENTWISE = {
  {'Step', function() return nn.Step() end, function(z) return z >= 0 and 1 or 0 end},
  {'Sigmoid', function() return nn.Sigmoid() end, sigmoid},
  {'Tanh', function() return nn.Tanh() end, function(z)
    local e = math.exp(2 * z); return (e - 1) / (e + 1) end},
  {'ReLU', function() return nn.ReLU() end, function(z) return z > 0 and z or 0 end},
  {'LeakyReLU', function() return nn.LeakyReLU(0.1) end, function(z) return z > 0 and z or 0.1 * z end},
  {'Identity', function() return nn.Identity() end, function(z) return z end},
}

local function softmax_ref(Z)
  local r, c = Z:shape()
  local A = matrix.zeros(r, c)
  for j = 1, c do
    local s = 0
    for i = 1, r do s = s + math.exp(Z:get(i, j)) end
    for i = 1, r do A:set(i, j, math.exp(Z:get(i, j)) / s) end
  end
  return A
end

local SHAPES = {{1, 1}, {3, 1}, {1, 4}, {4, 5}, {7, 3}}

describe('activations', function()
  for _, a in ipairs(ELEMENTWISE) do
    local nm, new, f = a[1], a[2], a[3]
    describe(nm, function()
      it('forward matches the formula', function()
        matrix.seed(11)
        for _, s in ipairs(SHAPES) do
          local Z = matrix.randn(s[1], s[2], 0, 3)
          U.close(new():forward(Z), Z:map(f), 1e-14, 1e-15, nm)
        end
      end)

      it('backward matches finite differences (batch 1 and > 1)', function()
        matrix.seed(12)
        for _, s in ipairs(SHAPES) do
          local act = new()
          local Z = matrix.randn(s[1], s[2], 0, 2)
          local G = matrix.randn(s[1], s[2]) -- L = sum(G .* f(Z))
          act:forward(Z)
          local dZ = act:backward(G)
          assert.are.equal(U.shape(Z), U.shape(dZ))
          U.close(dZ, U.numgrad(function() return act:forward(Z):dot(G) end, Z), 1e-6, 1e-8, nm)
        end
      end)

      it('jacobian(z) is the diagonal dA/dZ, equal to the numerical Jacobian', function()
        matrix.seed(13)
        local act = new()
        local z = matrix.randn(5, 1, 0, 2)
        local J = act:jacobian(z)
        assert.are.equal('5x5', U.shape(J))
        U.close(J, nn.jacobian(function(u) return act:forward(u) end, z), 1e-6, 1e-8, nm)
        for i = 1, 5 do
          for j = 1, 5 do
            if i ~= j then assert.are.equal(0, J:get(i, j)) end
          end
        end
      end)

      it('propagates NaN through forward, backward and jacobian', function()
        local act = new()
        local A = act:forward(matrix{{0 / 0, 1}})
        assert.is_true(A:get(1, 1) ~= A:get(1, 1))
        assert.is_true(A:get(1, 2) == A:get(1, 2))
        local dZ = act:backward(matrix{{1, 1}})
        assert.is_true(dZ:get(1, 1) ~= dZ:get(1, 1))
        local J = act:jacobian(matrix.col{0 / 0})
        assert.is_true(J:get(1, 1) ~= J:get(1, 1))
        -- a NaN coming from above is not swallowed either
        act:forward(matrix{{1}})
        local d = act:backward(matrix{{0 / 0}})
        assert.is_true(d:get(1, 1) ~= d:get(1, 1))
      end)

      it('prints as ' .. nm .. '()', function()
        local s = tostring(new())
        if nm == 'LeakyReLU' then assert.are.equal('LeakyReLU(0.1)', s)
        else assert.are.equal(nm .. '()', s) end
        assert.are.equal(nm, new().kind)
        assert.are.equal(nm, nn.kind(new()))
      end)
    end)
  end

  it('Step is 1{z >= 0} with derivative 0 everywhere, z = 0 included', function()
    local act = nn.Step()
    U.close(act:forward(matrix{{-1, 0, 1e-300, -1e-300}}), matrix{{0, 1, 1, 0}}, 0, 0)
    local dZ = act:backward(matrix{{5, 5, 5, 5}})
    assert.is_true(dZ == matrix.zeros(1, 4))
    assert.is_true(act:jacobian(matrix.col{0, 1, -1}) == matrix.zeros(3, 3))
    -- +0, not -0, even where dLdA is negative or infinite; NaN stays NaN
    local d = act:backward(matrix{{-5, -math.huge, math.huge, 0 / 0}})
    assert.are.equal(math.huge, 1 / d:get(1, 1))
    assert.are.equal(math.huge, 1 / d:get(1, 2))
    assert.are.equal(0, d:get(1, 3))
    assert.is_true(d:get(1, 4) ~= d:get(1, 4))
  end)

  it('ReLU has derivative 0 at z = 0; LeakyReLU has alpha there; default alpha 0.01', function()
    local r = nn.ReLU()
    r:forward(matrix{{0, -2, 3}})
    assert.is_true(r:backward(matrix{{1, 1, 1}}) == matrix{{0, 0, 1}})
    local l = nn.LeakyReLU()
    assert.are.equal(0.01, l.alpha)
    assert.are.equal('LeakyReLU(0.01)', tostring(l))
    l:forward(matrix{{0, -2, 3}})
    assert.is_true(l:backward(matrix{{1, 1, 1}}) == matrix{{0.01, 0.01, 1}})
  end)

  it('Sigmoid and Tanh stay finite and exact for large |z|', function()
    local s = nn.Sigmoid():forward(matrix{{-1000, -40, 0, 40, 1000}})
    assert.are.equal(0, s:get(1, 1))
    U.close_num(s:get(1, 2), math.exp(-40) / (1 + math.exp(-40)), 1e-15, 0)
    assert.are.equal(0.5, s:get(1, 3))
    assert.are.equal(1, s:get(1, 5))
    local t = nn.Tanh():forward(matrix{{-1000, 1000}})
    assert.is_true(t == matrix{{-1, 1}})
    -- the gradients there are 0, not NaN
    local act = nn.Sigmoid()
    act:forward(matrix{{-1000, 1000}})
    assert.is_true(act:backward(matrix{{1, 1}}) == matrix{{0, 0}})
  end)

  describe('SoftMax', function()
    it('forward is exp(z) / sum exp(z) column by column', function()
      matrix.seed(14)
      for _, s in ipairs(SHAPES) do
        local Z = matrix.randn(s[1], s[2], 0, 3)
        local A = nn.SoftMax():forward(Z)
        U.close(A, softmax_ref(Z), 1e-14, 1e-16)
        U.close(A:sum(1), matrix.ones(1, s[2]), 1e-15, 0)
      end
    end)

    it('is stable for large inputs (subtracts the column maximum)', function()
      local A = nn.SoftMax():forward(matrix{{1000, -1000, 1e300}, {1000, 0, 0}, {999, 1000, -1e300}})
      U.close(A, matrix{
        {1 / (2 + math.exp(-1)), 0, 1},
        {1 / (2 + math.exp(-1)), 0, 0}, -- exp(-1000) underflows to 0
        {math.exp(-1) / (2 + math.exp(-1)), 1, 0}}, 1e-15, 1e-300)
    end)

    it('backward is the true Jacobian-vector product (batch 1 and > 1)', function()
      matrix.seed(15)
      for _, s in ipairs(SHAPES) do
        local act = nn.SoftMax()
        local Z = matrix.randn(s[1], s[2], 0, 2)
        local G = matrix.randn(s[1], s[2])
        act:forward(Z)
        U.close(act:backward(G), U.numgrad(function() return act:forward(Z):dot(G) end, Z),
          1e-6, 1e-9, 'SoftMax backward')
      end
    end)

    it('jacobian(z) is the full matrix a_k (delta_jk - a_j)', function()
      matrix.seed(16)
      local act = nn.SoftMax()
      local z = matrix.randn(4, 1)
      local J = act:jacobian(z)
      local a = act:forward(z)
      for j = 1, 4 do
        for k = 1, 4 do
          U.close_num(J:get(j, k), a:get(k, 1) * ((j == k and 1 or 0) - a:get(j, 1)), 1e-15, 1e-17)
        end
      end
      U.close(J, nn.jacobian(function(u) return act:forward(u) end, z), 1e-6, 1e-9)
      -- the chain rule in the lecture's layout: dL/dz = (dA/dz) dL/dA
      local g = matrix.randn(4, 1)
      act:forward(z)
      U.close(act:backward(g), J * g, 1e-12, 1e-15)
    end)

    it('turns a column holding NaN into NaN, and leaves the other columns alone', function()
      local A = nn.SoftMax():forward(matrix{{1, 0 / 0}, {2, 3}})
      assert.is_true(A:get(1, 2) ~= A:get(1, 2) and A:get(2, 2) ~= A:get(2, 2))
      U.close(A:col(1), softmax_ref(matrix.col{1, 2}), 1e-15, 0)
    end)
  end)

  it('keeps copies of its input and output: changing them does not change backward', function()
    local act = nn.Tanh()
    local Z = matrix{{0.5, -1}}
    local A = act:forward(Z)
    local want = act:backward(matrix{{1, 1}})
    Z:fill(7); A:fill(7)
    assert.is_true(act:backward(matrix{{1, 1}}) == want)
  end)

  it('has no parameters; sgd_step and zero_grad do nothing', function()
    local act = nn.Tanh()
    assert.are.same({}, act:parameters())
    act:sgd_step(0.1)
    act:zero_grad()
  end)

  describe('errors', function()
    it('backward before forward and a wrong dLdA name the activation', function()
      local act = nn.Tanh()
      U.fails_with('Tanh(): backward called before forward', function() act:backward(matrix.zeros(2, 1)) end)
      act:forward(matrix.zeros(3, 2))
      U.fails_with('Tanh(): backward: dLdA is 2x3 but the last forward gave A 3x2',
        function() act:backward(matrix.zeros(2, 3)) end)
      local lr = nn.LeakyReLU(0.2)
      lr:forward(matrix.zeros(1, 1))
      U.fails_with('LeakyReLU(0.2): backward: dLdA is 1x2 but the last forward gave A 1x1',
        function() lr:backward(matrix.zeros(1, 2)) end)
      local sm = nn.SoftMax()
      U.fails_with('SoftMax(): backward called before forward', function() sm:backward(matrix.zeros(2, 1)) end)
    end)

    it('jacobian wants one column', function()
      U.fails_with('SoftMax(): jacobian: z must be a column (n x 1), got 3x2',
        function() nn.SoftMax():jacobian(matrix.zeros(3, 2)) end)
      U.fails_with('ReLU(): jacobian: z must be a column (n x 1), got 1x3',
        function() nn.ReLU():jacobian(matrix.zeros(1, 3)) end)
    end)

    it('argument errors in Lua\'s words; no fields to set', function()
      U.fails_with("bad argument #1 to 'forward' (matrix expected, got number)", function() nn.Tanh():forward(3) end)
      U.fails_with("bad argument #1 to 'LeakyReLU' (number expected, got string)", function() nn.LeakyReLU('x') end)
      U.fails_with("Tanh(): cannot set field 'A' (activations have no settable fields)",
        function() nn.Tanh().A = 1 end)
    end)
  end)
end)
