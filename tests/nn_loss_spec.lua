-- The losses: values against the formulas, gradients against finite
-- differences, sums over the batch, zeros and clamping, the fused paths from
-- logits, NaN, the 0-1 losses and every error message.
local U = require 'nn_util'
local matrix, nn = U.matrix, U.nn

local LOG_MIN = -math.log(2.2250738585072014e-308) -- 708.396..., the clamp's cost

local function sigmoid(z) return 1 / (1 + math.exp(-z)) end

-- Sum of f(g, y) over all entries.
local function total(G, Y, f)
  local r, c = G:shape()
  local s = 0
  for i = 1, r do
    for j = 1, c do s = s + f(G:get(i, j), Y:get(i, j)) end
  end
  return s
end

local function softmax(Z) return nn.SoftMax():forward(Z) end

-- Random predictions and labels each loss is meant for.
local CASES = {
  {'Squared', nn.Squared, function(k, b) return matrix.randn(k, b), matrix.randn(k, b) end,
    function(g, y) return (g - y) ^ 2 end},
  {'NLL', nn.NLL, function(k, b)
    return matrix.randn(k, b):map(sigmoid), matrix.rand(k, b):map(function(x) return x < 0.5 and 0 or 1 end)
  end, function(g, y) return -(y * math.log(g) + (1 - y) * math.log(1 - g)) end},
  {'NLL (soft labels)', nn.NLL, function(k, b) return matrix.randn(k, b):map(sigmoid), matrix.rand(k, b) end,
    function(g, y) return -(y * math.log(g) + (1 - y) * math.log(1 - g)) end},
  {'NLLM', nn.NLLM, function(k, b) return softmax(matrix.randn(k, b)), U.onehot(k, b) end,
    function(g, y) return y == 0 and 0 or -y * math.log(g) end},
  {'Hinge', nn.Hinge, function(k, b)
    -- scores kept away from the kink 1 - y z = 0
    local Y = matrix.rand(k, b):map(function(x) return x < 0.5 and -1 or 1 end)
    local Z = matrix.randn(k, b, 0, 2):map(function(z, i, j)
      local y = Y:get(i, j)
      if math.abs(1 - y * z) < 1e-3 then return z + 0.01 end
      return z
    end)
    return Z, Y
  end, function(z, y) return math.max(0, 1 - y * z) end},
}

describe('losses', function()
  for _, c in ipairs(CASES) do
    local nm, new, data, f = c[1], c[2], c[3], c[4]
    describe(nm, function()
      it('forward is the formula summed over outputs and batch', function()
        matrix.seed(21)
        for _, s in ipairs{{1, 1}, {3, 1}, {1, 6}, {4, 5}} do
          local G, Y = data(s[1], s[2])
          U.close_num(new():forward(G, Y), total(G, Y, f), 1e-13, 1e-14, nm)
        end
      end)

      it('the batch loss is the sum of the per-column losses', function()
        matrix.seed(22)
        local G, Y = data(3, 6)
        local loss, sum = new(), 0
        for j = 1, 6 do sum = sum + loss:forward(G:col(j), Y:col(j)) end
        U.close_num(loss:forward(G, Y), sum, 1e-13, 1e-14, nm)
      end)

      it('backward is dL/dYpred, equal to finite differences (batch 1 and > 1)', function()
        matrix.seed(23)
        for _, s in ipairs{{1, 1}, {3, 1}, {2, 5}, {4, 3}} do
          local loss = new()
          local G, Y = data(s[1], s[2])
          loss:forward(G, Y)
          local dG = loss:backward()
          assert.are.equal(U.shape(G), U.shape(dG))
          U.close(dG, U.numgrad(function() return new():forward(G, Y) end, G, 1e-7), 1e-6, 1e-7, nm)
        end
      end)

      it('propagates NaN in the prediction', function()
        local G, Y = data(2, 2)
        G:set(1, 2, 0 / 0)
        local loss = new()
        local v = loss:forward(G, Y)
        assert.is_true(v ~= v)
        assert.is_true(U.any_nan(loss:backward()))
      end)
    end)
  end

  it('Squared is the lecture\'s sum of (a - y)^2 with gradient 2 (a - y)', function()
    local loss = nn.Squared()
    assert.are.equal(1 + 4 + 0 + 9, loss:forward(matrix{{1, 2}, {3, 4}}, matrix{{0, 4}, {3, 1}}))
    assert.is_true(loss:backward() == matrix{{2, -4}, {0, 6}})
  end)

  describe('zeros and clamping', function()
    it('NLLM skips y = 0 terms: a correct one-hot prediction costs 0, not NaN', function()
      local loss = nn.NLLM()
      assert.are.equal(0, loss:forward(matrix.col{0, 1, 0}, matrix.col{0, 1, 0}))
      assert.is_true(loss:backward() == matrix.col{0, -1, 0})
      U.close_num(loss:forward(matrix.col{0, 0.25, 0.75}, matrix.col{0, 0, 1}), -math.log(0.75), 1e-15, 0)
    end)

    it('NLLM clamps a probability of 0 for a y > 0 term to DBL_MIN (cost 708.4)', function()
      local loss = nn.NLLM()
      U.close_num(loss:forward(matrix.col{1, 0}, matrix.col{0, 1}), LOG_MIN, 1e-15, 0)
      U.close_num(loss:forward(matrix.col{1, 0}, matrix.col{0, 0.5}), 0.5 * LOG_MIN, 1e-15, 0)
      local d = loss:backward()
      assert.are.equal(0, d:get(1, 1))
      assert.is_true(d:get(2, 1) > -math.huge and d:get(2, 1) < -1e307) -- -y / DBL_MIN, finite
    end)

    it('NLL skips the term whose coefficient is 0 and clamps the other', function()
      local loss = nn.NLL()
      assert.are.equal(0, loss:forward(matrix{{1, 0}}, matrix{{1, 0}}))
      assert.is_true(loss:backward() == matrix{{-1, 1}})
      U.close_num(loss:forward(matrix{{0, 1}}, matrix{{1, 0}}), 2 * LOG_MIN, 1e-15, 0)
      local d = loss:backward()
      assert.is_true(d:get(1, 1) < -1e307 and d:get(1, 1) > -math.huge)
      assert.is_true(d:get(1, 2) > 1e307 and d:get(1, 2) < math.huge)
    end)

    it('a negative "probability" gives NaN rather than a clamped number', function()
      local v = nn.NLLM():forward(matrix.col{-0.1, 1.1}, matrix.col{1, 0})
      assert.is_true(v ~= v)
    end)
  end)

  describe('fused from logits', function()
    it('NLLM: forward_logits(Z, Y) is NLLM of SoftMax(Z), with dL/dZ = SoftMax(Z) - Y', function()
      matrix.seed(24)
      for _, s in ipairs{{2, 1}, {3, 4}, {5, 2}} do
        local Z, Y = matrix.randn(s[1], s[2], 0, 3), U.onehot(s[1], s[2])
        local loss = nn.NLLM()
        local v, dZ = loss:forward_logits(Z, Y)
        local A = softmax(Z)
        U.close_num(v, nn.NLLM():forward(A, Y), 1e-13, 1e-14)
        U.close(dZ, A - Y, 1e-14, 1e-16)
        U.close(dZ, U.numgrad(function() return (nn.NLLM():forward_logits(Z, Y)) end, Z), 1e-6, 1e-8)
        -- the true chain rule through SoftMax gives the same dL/dZ
        local sm, l2 = nn.SoftMax(), nn.NLLM()
        l2:forward(sm:forward(Z), Y)
        U.close(sm:backward(l2:backward()), dZ, 1e-10, 1e-12)
        -- and backward() afterwards is dL/dA at A = SoftMax(Z)
        U.close(loss:backward(), l2:backward(), 1e-14, 0)
      end
    end)

    it('NLL: forward_logits(Z, Y) is NLL of Sigmoid(Z), with dL/dZ = Sigmoid(Z) - Y', function()
      matrix.seed(25)
      local Z = matrix.randn(1, 6, 0, 3)
      local Y = matrix{{0, 1, 1, 0, 0.3, 1}}
      local v, dZ = nn.NLL():forward_logits(Z, Y)
      local A = nn.Sigmoid():forward(Z)
      U.close_num(v, nn.NLL():forward(A, Y), 1e-13, 1e-14)
      U.close(dZ, A - Y, 1e-14, 1e-16)
      U.close(dZ, U.numgrad(function() return (nn.NLL():forward_logits(Z, Y)) end, Z), 1e-6, 1e-8)
    end)

    it('stays finite and correct for extreme logits', function()
      local loss = nn.NLLM()
      -- the wrong class by a margin of 1000: the loss is 1000, where the
      -- probabilities would have underflowed to 0
      local v, dZ = loss:forward_logits(matrix.col{1000, 0}, matrix.col{0, 1})
      assert.are.equal(1000, v)
      assert.is_true(dZ == matrix.col{1, -1})
      v = loss:forward_logits(matrix{{1e6, 3}, {-1e6, 3}}, matrix{{0, 1}, {1, 0}})
      U.close_num(v, 2e6 + math.log(2), 1e-15, 0)
      v, dZ = loss:forward_logits(matrix.col{1e300, -1e300, 0}, matrix.col{1, 0, 0})
      assert.are.equal(0, v)
      assert.is_true(dZ == matrix.zeros(3, 1))
      -- binary
      local b = nn.NLL()
      assert.are.equal(800, (b:forward_logits(matrix{{800}}, matrix{{0}})))
      assert.are.equal(800, (b:forward_logits(matrix{{-800}}, matrix{{1}})))
      assert.are.equal(0, (b:forward_logits(matrix{{800}}, matrix{{1}})))
      v, dZ = b:forward_logits(matrix{{-1e308, 1e308}}, matrix{{1, 0}})
      assert.are.equal(math.huge, v) -- 2e308 overflows, honestly, to inf
      assert.is_true(dZ == matrix{{-1, 1}})
    end)

    it('propagates NaN in the logits to the loss and that column of dL/dZ', function()
      local v, dZ = nn.NLLM():forward_logits(matrix{{1, 0 / 0}, {2, 0}}, matrix{{1, 0}, {0, 1}})
      assert.is_true(v ~= v)
      assert.is_true(U.all_nan(dZ:col(2)) and not U.any_nan(dZ:col(1)))
      v, dZ = nn.NLL():forward_logits(matrix{{0 / 0}}, matrix{{0}})
      assert.is_true(v ~= v and U.all_nan(dZ))
    end)
  end)

  describe('0-1 losses (evaluation only)', function()
    it('ZeroOne with one row: positive iff g >= threshold, true label positive iff y > 0', function()
      local l = nn.ZeroOne()
      assert.are.equal(0.5, l.threshold)
      -- probabilities against 0/1 labels
      assert.are.equal(2, l:forward(matrix{{0.9, 0.5, 0.49, 0.1}}, matrix{{1, 0, 1, 0}}))
      -- scores against -1/+1 labels with threshold 0 (the lecture's 1{z >= 0})
      local s = nn.ZeroOne(0)
      assert.are.equal('ZeroOne(0)', tostring(s))
      assert.are.equal(1, s:forward(matrix{{3, 0, -0.1, -2}}, matrix{{1, 1, 1, -1}}))
    end)

    it('ZeroOne with k rows compares the first maximum of each column with the one-hot label', function()
      local l = nn.ZeroOne()
      local G = matrix{{0.2, 0.5, 0.4, 0.1}, {0.7, 0.5, 0.4, 0.1}, {0.1, 0, 0.2, 0.8}}
      local Y = matrix{{0, 0, 1, 0}, {1, 1, 0, 0}, {0, 0, 0, 1}}
      -- column 2 ties rows 1 and 2: the first (row 1) is predicted: a mistake
      assert.are.equal(1, l:forward(G, Y))
    end)

    it('Asymmetric(c_fp, c_fn) charges false positives and false negatives differently', function()
      local l = nn.Asymmetric(1, 5)
      assert.are.equal('Asymmetric(1, 5)', tostring(l))
      assert.are.equal(1, l.c_fp)
      assert.are.equal(5, l.c_fn)
      -- one row: predictions 1, 0, 1, 0 against labels 0, 1, 1, 0: one FP, one FN
      assert.are.equal(6, l:forward(matrix{{0.8, 0.2, 0.6, 0.4}}, matrix{{0, 1, 1, 0}}))
      -- two rows: class 2 is positive; a tie predicts class 1 (negative)
      local G = matrix{{0.2, 0.5, 0.9}, {0.8, 0.5, 0.1}}
      local Y = matrix{{1, 0, 1}, {0, 1, 0}}
      assert.are.equal(1 + 5, l:forward(G, Y))
      assert.are.equal('Asymmetric(2, 3, 0)', tostring(nn.Asymmetric(2, 3, 0)))
    end)

    it('a NaN prediction makes the 0-1 loss NaN', function()
      local v = nn.ZeroOne():forward(matrix{{0 / 0, 1}}, matrix{{1, 1}})
      assert.is_true(v ~= v)
      v = nn.ZeroOne():forward(matrix{{0 / 0}, {1}}, matrix{{1}, {0}})
      assert.is_true(v ~= v)
      v = nn.Asymmetric(1, 2):forward(matrix{{1, 0 / 0}}, matrix{{1, 1}})
      assert.is_true(v ~= v)
    end)
  end)

  it('prints its name; nn.kind and .kind tell which loss it is', function()
    for _, nm in ipairs{'Squared', 'NLL', 'NLLM', 'Hinge', 'ZeroOne'} do
      assert.are.equal(nm .. '()', tostring(nn[nm]()))
      assert.are.equal(nm, nn[nm]().kind)
      assert.are.equal(nm, nn.kind(nn[nm]()))
    end
    assert.is_nil(nn.kind({}))
    assert.is_nil(nn.kind(matrix.zeros(1, 1)))
  end)

  describe('errors', function()
    it('shapes of Ypred and Y must agree', function()
      U.fails_with('NLLM(): forward: Ypred is 2x1 but Y is 2x4 (they must have the same shape)',
        function() nn.NLLM():forward(matrix.zeros(2, 1), matrix.zeros(2, 4)) end)
      U.fails_with('Squared(): forward: Ypred is 1x3 but Y is 3x1 (they must have the same shape)',
        function() nn.Squared():forward(matrix.zeros(1, 3), matrix.zeros(3, 1)) end)
      U.fails_with('NLL(): forward_logits: Z is 1x3 but Y is 1x2 (they must have the same shape)',
        function() nn.NLL():forward_logits(matrix.zeros(1, 3), matrix.zeros(1, 2)) end)
    end)

    it('backward before forward', function()
      U.fails_with('NLLM(): backward called before forward', function() nn.NLLM():backward() end)
      U.fails_with('Hinge(): backward called before forward', function() nn.Hinge():backward() end)
    end)

    it('Hinge wants labels -1 and +1', function()
      U.fails_with('Hinge(): forward: label Y(1, 2) is 0, expected -1 or +1',
        function() nn.Hinge():forward(matrix{{1, 1}}, matrix{{1, 0}}) end)
    end)

    it('the 0-1 losses have no backward', function()
      local l = nn.ZeroOne()
      l:forward(matrix{{1}}, matrix{{1}})
      U.fails_with('ZeroOne(): backward: a 0-1 loss is for evaluation only, its gradient is zero '
        .. 'or undefined (train with NLL, NLLM, Hinge or Squared)', function() l:backward() end)
      U.fails_with('Asymmetric(1, 5): backward: a 0-1 loss is for evaluation only, its gradient is zero '
        .. 'or undefined (train with NLL, NLLM, Hinge or Squared)', function() nn.Asymmetric(1, 5):backward() end)
    end)

    it('Asymmetric needs one or two rows', function()
      U.fails_with('Asymmetric(1, 5): forward: Ypred has 3 rows; the asymmetric loss needs 1 '
        .. '(a score, positive iff >= threshold) or 2 (class 2 positive)',
        function() nn.Asymmetric(1, 5):forward(matrix.zeros(3, 1), matrix.zeros(3, 1)) end)
      U.fails_with("bad argument #2 to 'Asymmetric' (number expected, got no value)",
        function() nn.Asymmetric(1) end)
    end)

    it('only NLL and NLLM have a fused path', function()
      U.fails_with('Squared(): forward_logits: only NLL (after Sigmoid) and NLLM (after SoftMax) have a fused path',
        function() nn.Squared():forward_logits(matrix.zeros(1, 1), matrix.zeros(1, 1)) end)
    end)

    it('argument errors in Lua\'s words; no fields to set', function()
      U.fails_with("bad argument #2 to 'forward' (matrix expected, got nil)",
        function() nn.NLLM():forward(matrix.zeros(1, 1), nil) end)
      U.fails_with("NLLM(): cannot set field 'Y' (losses have no settable fields)",
        function() nn.NLLM().Y = 1 end)
    end)
  end)
end)

describe('loss and activation settings', function()
  local nn = require('nnlab').nn
  local err = U.err
  it('must be finite numbers, and costs not negative', function()
    assert.matches('alpha must be a finite number', err(function() return nn.LeakyReLU(0 / 0) end))
    assert.matches('threshold must be a finite number', err(function() return nn.ZeroOne(0 / 0) end))
    assert.matches('#1 to .*cost must be finite and >= 0', err(function() return nn.Asymmetric(-1, 5) end))
    assert.matches('#2 to .*cost must be finite and >= 0', err(function() return nn.Asymmetric(1, math.huge) end))
    assert.matches('#3 to .*threshold', err(function() return nn.Asymmetric(1, 5, 0 / 0) end))
    assert.equal('Asymmetric(1, 5)', tostring(nn.Asymmetric(1, 5)))
  end)
end)
