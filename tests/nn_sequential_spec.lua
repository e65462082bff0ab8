-- nn.Sequential, nn.jacobian and nn.gradcheck: backprop against finite
-- differences for every activation and loss, the fused pairs, modules
-- written in Lua, the lecture's Step exercise, printing and errors.
local U = require 'nn_util'
local matrix, nn = U.matrix, U.nn

-- A student's Linear in Lua, the homework's way.  broken = true gets dLdW0
-- wrong for batches (only the first column is used).
local LuaLinear = {}
LuaLinear.__index = LuaLinear
local function lua_linear(m, n, broken)
  return setmetatable({m = m, n = n, W = matrix.randn(m, n, 0, m ^ -0.5),
    W0 = matrix.zeros(n, 1), broken = broken}, LuaLinear)
end
function LuaLinear:forward(A)
  self.A = A
  return self.W:T() * A + self.W0
end
function LuaLinear:backward(dLdZ)
  self.dLdW = self.A * dLdZ:T()
  self.dLdW0 = self.broken and dLdZ:col(1) or dLdZ:sum(2)
  return self.W * dLdZ
end
function LuaLinear:sgd_step(lr)
  self.W = self.W - self.dLdW * lr
  self.W0 = self.W0 - self.dLdW0 * lr
end

-- The gradient of net:evaluate(X, Y) with respect to every parameter, by
-- central differences, against what backprop stored.
local function check_backprop(net, X, Y, rtol, atol)
  net:backprop(X, Y)
  local ps = net:parameters()
  assert.is_true(#ps > 0)
  for _, p in ipairs(ps) do
    local want = U.numgrad(function() return net:evaluate(X, Y) end, p.value)
    net:backprop(X, Y)
    U.close(p.grad, want, rtol or 1e-5, atol or 1e-7,
      string.format('module %d %s', p.module, p.name))
  end
end

-- Data for each output activation + loss pair: X (3 x b), Y.
local PAIRS = {
  {'Identity + Squared', nn.Identity, nn.Squared, function(b) return matrix.randn(2, b) end},
  {'Sigmoid + NLL (fused)', nn.Sigmoid, nn.NLL, function(b)
    return matrix.rand(1, b):map(function(x) return x < 0.5 and 0 or 1 end) end, 1},
  {'SoftMax + NLLM (fused)', nn.SoftMax, nn.NLLM, function(b) return U.onehot(3, b) end, 3},
  {'Tanh + Hinge', nn.Tanh, nn.Hinge, function(b)
    return matrix.rand(2, b):map(function(x) return x < 0.5 and -1 or 1 end) end},
  {'Sigmoid + Squared', nn.Sigmoid, nn.Squared, function(b) return matrix.rand(2, b) end},
  {'SoftMax + Squared (not fused)', nn.SoftMax, nn.Squared, function(b) return U.onehot(2, b) end},
  {'SoftMax + NLLM in a Lua wrapper (not fused)', nn.SoftMax, function()
    local l = nn.NLLM() -- a loss written in Lua is never fused: the chain rule runs
    return {forward = function(_, G, Y) return l:forward(G, Y) end, backward = function() return l:backward() end}
  end, function(b) return U.onehot(3, b) end},
}

describe('nn.Sequential', function()
  for _, p in ipairs(PAIRS) do
    local nm, act, loss, labels = p[1], p[2], p[3], p[4]
    it('backprop matches finite differences: ' .. nm .. ' (batch 1 and > 1)', function()
      matrix.seed(31)
      for _, b in ipairs{1, 4} do
        local Y = labels(b)
        local k = Y:shape()
        local net = nn.Sequential({nn.Linear(3, 4), nn.Tanh(), nn.Linear(4, 5), nn.LeakyReLU(0.1),
          nn.Linear(5, k), act()}, loss())
        local X = matrix.randn(3, b)
        check_backprop(net, X, Y)
      end
    end)
  end

  it('with SoftMax + NLLM, the fused gradient agrees with the plain chain rule', function()
    matrix.seed(32)
    local net = nn.Sequential({nn.Linear(2, 3), nn.Sigmoid(), nn.Linear(3, 4), nn.SoftMax()}, nn.NLLM())
    local X, Y = matrix.randn(2, 5), U.onehot(4, 5)
    net:backprop(X, Y)
    local fusedW = net.modules[1].dLdW:copy()
    local A = net:forward(X)
    net.loss:forward(A, Y)
    net:backward(net.loss:backward())
    U.close(net.modules[1].dLdW, fusedW, 1e-10, 1e-13)
  end)

  it('with extreme logits the fused loss and gradients stay finite and right', function()
    matrix.seed(33)
    local net = nn.Sequential({nn.Linear(2, 2), nn.SoftMax()}, nn.NLLM())
    net.modules[1].W = matrix{{1000, -1000}, {0, 0}}
    local X, Y = matrix.col{1, 0}, matrix.col{0, 1} -- logits (1000, -1000), the wrong class
    local loss = net:backprop(X, Y)
    assert.are.equal(2000, loss)
    U.close(net.modules[1].dLdW, matrix{{1, -1}, {0, 0}}, 0, 0) -- X (A - Y)^T
    assert.are.equal(2000, net:evaluate(X, Y))
    -- binary
    local bnet = nn.Sequential({nn.Linear(1, 1), nn.Sigmoid()}, nn.NLL())
    bnet.modules[1].W = matrix{{-900}}
    assert.are.equal(900, bnet:backprop(matrix{{1}}, matrix{{1}}))
    U.close(bnet.modules[1].dLdW, matrix{{-1}}, 0, 0)
  end)

  it('forward returns the last module\'s output; backward returns dL/dX', function()
    matrix.seed(34)
    local l1, l2 = nn.Linear(3, 2), nn.Linear(2, 2)
    local net = nn.Sequential({l1, nn.Tanh(), l2}, nn.Squared())
    local X = matrix.randn(3, 2)
    local A = net:forward(X)
    U.close(A, l2.W:T() * nn.Tanh():forward(l1.W:T() * X + l1.W0) + l2.W0, 1e-14, 1e-15)
    local G = matrix.randn(2, 2)
    local dX = net:backward(G)
    U.close(dX, U.numgrad(function() return net:forward(X):dot(G) end, X), 1e-6, 1e-8)
  end)

  it('classify gives 1-based class indices in a 1 x b row', function()
    local net = nn.Sequential({nn.Identity()}, nn.NLLM())
    local cls = net:classify(matrix{{0.1, 0.7, 0.3}, {0.8, 0.2, 0.3}, {0.1, 0.1, 0.4}})
    assert.is_true(cls == matrix{{2, 1, 3}})
    -- one output row: 2 where >= threshold (0.5 by default), else 1
    local bin = nn.Sequential({nn.Identity()}, nn.NLL())
    assert.is_true(bin:classify(matrix{{0.2, 0.5, 0.9}}) == matrix{{1, 2, 2}})
    assert.is_true(bin:classify(matrix{{-0.2, 0, 0.9}}, 0) == matrix{{1, 2, 2}})
  end)

  it('sgd_step, zero_grad and parameters reach every module', function()
    matrix.seed(35)
    local net = nn.Sequential({nn.Linear(2, 3), nn.ReLU(), nn.Linear(3, 1)}, nn.Squared())
    local ps = net:parameters()
    assert.are.equal(4, #ps)
    assert.are.same({1, 1, 3, 3}, {ps[1].module, ps[2].module, ps[3].module, ps[4].module})
    assert.are.same({'W', 'W0', 'W', 'W0'}, {ps[1].name, ps[2].name, ps[3].name, ps[4].name})
    assert.are.equal(net.modules[3], ps[3].layer)
    net:backprop(matrix.randn(2, 3), matrix.randn(1, 3))
    local W, dW = net.modules[3].W:copy(), net.modules[3].dLdW:copy()
    assert.is_true(dW:norm() > 0)
    net:sgd_step(0.5)
    U.close(net.modules[3].W, W - dW * 0.5, 0, 0)
    net:zero_grad()
    for _, p in ipairs(net:parameters()) do assert.are.equal(0, p.grad:norm()) end
  end)

  it('prints each layer with its shapes, and says when the loss is fused', function()
    local net = nn.Sequential({nn.Linear(2, 3), nn.Tanh(), nn.Linear(3, 2), nn.SoftMax()}, nn.NLLM())
    assert.are.equal(table.concat({
      'Sequential: 4 modules, loss NLLM()',
      '  1  Linear(2, 3)  2 -> 3   W 2x3  W0 3x1',
      '  2  Tanh()',
      '  3  Linear(3, 2)  3 -> 2   W 3x2  W0 2x1',
      '  4  SoftMax()',
      '  (SoftMax + NLLM() fused: the loss from the logits, dL/dZ = A - Y)'}, '\n'), tostring(net))
    matrix.seed(1)
    local lnet = nn.Sequential({lua_linear(2, 4), nn.ReLU()}, nn.Squared())
    assert.are.equal(table.concat({
      'Sequential: 2 modules, loss Squared()',
      '  1  (Lua module)  2 -> 4   W 2x4  W0 4x1',
      '  2  ReLU()'}, '\n'), tostring(lnet))
  end)

  describe('with modules written in Lua', function()
    it('trains exactly as the C modules do from the same weights', function()
      matrix.seed(36)
      local a1, a2 = lua_linear(2, 4), lua_linear(4, 2)
      local c1, c2 = nn.Linear(2, 4), nn.Linear(4, 2)
      c1.W, c2.W = a1.W, a2.W
      local X, Y = U.load_data('xor_more')
      local lnet = nn.Sequential({a1, nn.Tanh(), a2, nn.SoftMax()}, nn.NLLM())
      local cnet = nn.Sequential({c1, nn.Tanh(), c2, nn.SoftMax()}, nn.NLLM())
      matrix.seed(5)
      lnet:sgd(X, Y, 200, 0.05)
      matrix.seed(5)
      cnet:sgd(X, Y, 200, 0.05)
      U.close(a1.W, c1.W, 0, 1e-12)
      U.close(a2.W0, c2.W0, 0, 1e-12)
    end)

    it('finds their W and W0 as parameters', function()
      local net = nn.Sequential({lua_linear(2, 3), nn.Tanh(), nn.Linear(3, 2)}, nn.Squared())
      net:backprop(matrix.randn(2, 2), matrix.randn(2, 2))
      local ps = net:parameters()
      assert.are.equal(4, #ps)
      assert.are.equal(net.modules[1].dLdW, ps[1].grad)
    end)
  end)

  describe('errors', function()
    it('checks its arguments', function()
      U.fails_with('Sequential: modules must be a list of modules, got nil', function() nn.Sequential() end)
      U.fails_with('Sequential: module 2 (table: x) has no forward method',
        function() nn.Sequential({nn.Linear(1, 1), setmetatable({}, {__tostring = function() return 'table: x' end})},
          nn.Squared()) end)
      U.fails_with('Sequential: the loss (argument 2) must have a forward method, got nil',
        function() nn.Sequential({nn.Tanh()}) end)
      U.fails_with('Sequential: module 1 (Tanh()) has no backward method',
        function() nn.Sequential({setmetatable({forward = function() end}, {__tostring = function() return 'Tanh()' end})},
          nn.Squared()) end)
    end)

    it('names the modules where the shapes break, when it is made', function()
      U.fails_with('nn.Sequential: module 3 Linear(4, 2) takes 4 inputs but module 1 Linear(2, 3) gives 3',
        function() nn.Sequential({nn.Linear(2, 3), nn.Tanh(), nn.Linear(4, 2)}, nn.Squared()) end)
      -- a module written in Lua may change the size: not judged across it
      local lua_mod = {forward = function(_, A) return A end, backward = function(_, d) return d end}
      local net = nn.Sequential({nn.Linear(2, 3), lua_mod, nn.Linear(4, 2)}, nn.Squared())
      U.fails_with('Linear(4, 2): forward: A is 3x5 but W is 4x2 (A needs 4 rows)',
        function() net:forward(matrix.zeros(2, 5)) end)
      net = nn.Sequential({nn.Linear(2, 3), nn.Tanh(), nn.Linear(3, 2)}, nn.Squared())
      U.fails_with('forward: X is 3x5 but module 1 Linear(2, 3) takes 2 inputs (X needs 2 rows)',
        function() net:forward(matrix.zeros(3, 5)) end)
    end)

    it('backward before forward names the last layer', function()
      local net = nn.Sequential({nn.Linear(2, 3), nn.SoftMax()}, nn.NLLM())
      U.fails_with('SoftMax(): backward called before forward', function() net:backward(matrix.zeros(3, 1)) end)
      net:forward(matrix.zeros(2, 2))
      U.fails_with('SoftMax(): backward: dLdA is 3x1 but the last forward gave A 3x2',
        function() net:backward(matrix.zeros(3, 1)) end)
    end)

    it('sgd checks X, Y, iters and lr', function()
      local net = nn.Sequential({nn.Linear(2, 2), nn.SoftMax()}, nn.NLLM())
      U.fails_with('sgd: X is 2x4 but Y is 2x5 (need one column of Y per column of X)',
        function() net:sgd(matrix.zeros(2, 4), matrix.zeros(2, 5), 1, 0.1) end)
      U.fails_with('sgd: X has no columns', function() net:sgd(matrix.zeros(2, 0), matrix.zeros(2, 0), 1, 0.1) end)
      U.fails_with('sgd: X must be a matrix, got table', function() net:sgd({}, matrix.zeros(2, 0), 1, 0.1) end)
      U.fails_with('sgd: iters must be a non-negative integer, got 1.5',
        function() net:sgd(matrix.zeros(2, 4), matrix.zeros(2, 4), 1.5, 0.1) end)
      U.fails_with('sgd: lr must be a number, got nil',
        function() net:sgd(matrix.zeros(2, 4), matrix.zeros(2, 4), 1) end)
      U.fails_with("sgd: Y is 3x4 but the net's output is 2x4 (Y needs 2 rows)",
        function() net:sgd(matrix.zeros(2, 4), matrix.zeros(3, 4), 1, 0.1) end)
    end)
  end)
end)

describe('the lecture\'s exercise: a Step above layer l makes dloss/dW^(l) zero', function()
  local X, Y = U.load_data('super_simple_separable')

  it('one Step above layer 1: exactly zero there, not at the layer above it', function()
    matrix.seed(0)
    local net = nn.Sequential({nn.Linear(2, 3), nn.Step(), nn.Linear(3, 2), nn.SoftMax()}, nn.NLLM())
    net:backprop(X, Y)
    assert.is_true(net.modules[1].dLdW == matrix.zeros(2, 3))
    assert.is_true(net.modules[1].dLdW0 == matrix.zeros(3, 1))
    assert.is_true(net.modules[3].dLdW:norm() > 0)
    -- the same weights with Sigmoid: not zero
    net.modules[2] = nn.Sigmoid()
    net:backprop(X, Y)
    assert.is_true(net.modules[1].dLdW:norm() > 0)
  end)

  it('a Step anywhere above: every layer below it gets zero, the layers above do not', function()
    matrix.seed(1)
    local net = nn.Sequential({nn.Linear(2, 4), nn.Sigmoid(), nn.Linear(4, 3), nn.Step(),
      nn.Linear(3, 2), nn.SoftMax()}, nn.NLLM())
    net:backprop(X, Y)
    assert.is_true(net.modules[1].dLdW == matrix.zeros(2, 4))
    assert.is_true(net.modules[3].dLdW == matrix.zeros(4, 3))
    assert.is_true(net.modules[5].dLdW:norm() > 0)
  end)

  it('and the chain product in the REPL says the same: dA/dZ of a Step is the zero matrix', function()
    matrix.seed(0)
    local l1, step, l2 = nn.Linear(2, 3), nn.Step(), nn.Linear(3, 2)
    local sm, loss = nn.SoftMax(), nn.NLLM()
    local x, y = X:col(1), Y:col(1)
    local z1 = l1:forward(x)
    local z2 = l2:forward(step:forward(z1))
    loss:forward(sm:forward(z2), y)
    -- dloss/dZ1 = dA1/dZ1 dZ2/dA1 dA2/dZ2 dloss/dA2 (n x 1), the lecture's order
    local dZ1 = step:jacobian(z1) * l2:dZ_dA() * sm:jacobian(z2) * loss:backward()
    assert.is_true(dZ1 == matrix.zeros(3, 1))
    -- dloss/dW1 = x dZ1^T
    assert.is_true(x * dZ1:T() == matrix.zeros(2, 3))
  end)
end)

describe('the lecture\'s chain product, typed as in the README', function()
  it('gives the dLdW that backward stores', function()
    matrix.seed(42)
    local l1, act, l2, sm, loss = nn.Linear(2, 3), nn.Sigmoid(), nn.Linear(3, 2), nn.SoftMax(), nn.NLLM()
    local x, y = matrix.col{0.5, -1.5}, matrix.col{0, 1}
    local z1 = l1:forward(x); local z2 = l2:forward(act:forward(z1)); loss:forward(sm:forward(z2), y)
    local dZ1 = act:jacobian(z1) * l2:dZ_dA() * sm:jacobian(z2) * loss:backward()
    local dW1 = x * dZ1:T()
    local net = nn.Sequential({l1, act, l2, sm}, loss)
    net:backprop(x, y)
    U.close(dW1, l1.dLdW, 1e-12, 1e-15)
    U.close(dZ1, l1.dLdW0, 1e-12, 1e-15)
  end)
end)

describe('nn.jacobian', function()
  it('is b x c with entry (j, k) = df_k/du_j (a non-square case)', function()
    -- f: 2 -> 3, f(u) = (u1 u2, u1^2, sin u2); df/du is 2 x 3
    local function f(u)
      local a, b = u:get(1, 1), u:get(2, 1)
      return matrix.col{a * b, a * a, math.sin(b)}
    end
    local J = nn.jacobian(f, matrix.col{2, 3})
    assert.are.equal('2x3', U.shape(J))
    U.close(J, matrix{{3, 4, 0}, {2, 0, math.cos(3)}}, 1e-8, 1e-9)
  end)

  it('matches the layers\' own derivatives in the lecture\'s chain product', function()
    matrix.seed(41)
    local l1, t, l2 = nn.Linear(3, 4), nn.Tanh(), nn.Linear(4, 2)
    local x = matrix.randn(3, 1)
    local function net(a) return l2:forward(t:forward(l1:forward(a))) end
    local z1 = l1:forward(x)
    -- dZ2/dx = dZ1/dx dA1/dZ1 dZ2/dA1: 3x4 * 4x4 * 4x2
    local chain = l1:dZ_dA() * t:jacobian(z1) * l2:dZ_dA()
    U.close(nn.jacobian(net, x), chain, 1e-7, 1e-9)
  end)

  it('takes h and does not change u', function()
    local u = matrix.col{1, 2}
    local J = nn.jacobian(function(v) return v * 3 end, u, 1e-3)
    U.close(J, matrix.eye(2) * 3, 1e-12, 1e-12)
    assert.is_true(u == matrix.col{1, 2})
  end)

  it('says what is wrong with its arguments', function()
    local id = function(v) return v end
    U.fails_with('jacobian: f must be a function, got nil', function() nn.jacobian(nil, matrix.col{1}) end)
    U.fails_with('jacobian: u must be a matrix, got table', function() nn.jacobian(id, {1}) end)
    U.fails_with('jacobian: u must be a column (b x 1), got 1x2', function() nn.jacobian(id, matrix{{1, 2}}) end)
    U.fails_with('jacobian: h must be a positive number, got 0', function() nn.jacobian(id, matrix.col{1}, 0) end)
    U.fails_with('jacobian: f must return a column (c x 1), got 1x2',
      function() nn.jacobian(function() return matrix{{1, 2}} end, matrix.col{1}) end)
    U.fails_with('jacobian: f must return a matrix, got number',
      function() nn.jacobian(function() return 1 end, matrix.col{1}) end)
  end)
end)

describe('nn.gradcheck', function()
  local function quiet(f)
    local old = _G.print
    local out = {}
    _G.print = function(...) out[#out + 1] = table.concat({...}, '\t') end
    local ok, r = pcall(f)
    _G.print = old
    if not ok then error(r, 0) end
    return r, table.concat(out, '\n')
  end

  it('passes a smooth net and prints a table per parameter', function()
    matrix.seed(51)
    local net = nn.Sequential({nn.Linear(3, 5), nn.Tanh(), nn.Linear(5, 4), nn.Sigmoid(), nn.Linear(4, 3),
      nn.SoftMax()}, nn.NLLM())
    local X, Y = matrix.randn(3, 6), U.onehot(3, 6)
    local r, out = quiet(function() return nn.gradcheck(net, X, Y) end)
    assert.is_true(r.ok)
    assert.are.equal(6, #r)
    for _, row in ipairs(r) do
      assert.is_true(row.ok)
      assert.is_true(row.max_abs < 1e-7)
      assert.are.equal(0, row.kinks)
    end
    assert.are.equal('1 Linear(3, 5) W', r[1].name)
    assert.are.equal('3x5', r[1].shape)
    assert.are.equal('5 Linear(4, 3) W0', r[6].name)
    assert.is_truthy(out:find('1 Linear(3, 5) W ', 1, true))
    assert.is_truthy(out:find('gradcheck: ok', 1, true))
    -- the gradients are left as backprop set them
    local g = net.modules[1].dLdW:copy()
    net:backprop(X, Y)
    assert.is_true(net.modules[1].dLdW == g)
  end)

  it('passes nets of every activation and the other losses', function()
    matrix.seed(52)
    for _, act in ipairs{nn.Sigmoid, nn.Tanh, nn.ReLU, nn.Identity, function() return nn.LeakyReLU(0.2) end} do
      local net = nn.Sequential({nn.Linear(2, 4), act(), nn.Linear(4, 2)}, nn.Squared())
      local r = nn.gradcheck(net, matrix.randn(2, 3), matrix.randn(2, 3), {print = false})
      assert.is_true(r.ok, tostring(net))
    end
  end)

  it('flags a wrong backward in a Lua module, for the wrong parameter only', function()
    matrix.seed(53)
    local net = nn.Sequential({lua_linear(2, 3, true), nn.Tanh(), nn.Linear(3, 2), nn.SoftMax()}, nn.NLLM())
    local X, Y = matrix.randn(2, 4), U.onehot(2, 4)
    local r, out = quiet(function() return nn.gradcheck(net, X, Y) end)
    assert.is_false(r.ok)
    assert.are.equal('1 (Lua module) W', r[1].name)
    assert.is_true(r[1].ok)
    assert.are.equal('1 (Lua module) W0', r[2].name)
    assert.is_false(r[2].ok)
    assert.is_true(r[3].ok and r[4].ok)
    assert.is_truthy(out:find('FAIL', 1, true))
    assert.is_truthy(out:find('worst at', 1, true))
    assert.is_truthy(out:find('gradcheck: FAILED', 1, true))
    -- with one column the bug does not show, and gradcheck agrees
    assert.is_true(nn.gradcheck(net, X:col(1), Y:col(1), {print = false}).ok)
  end)

  it('does not judge differences that cross a ReLU kink, and says so', function()
    local net = nn.Sequential({nn.Linear(1, 2), nn.ReLU(), nn.Linear(2, 1)}, nn.Squared())
    net.modules[1].W = matrix{{1, -1}}
    net.modules[1].W0 = matrix.col{-1, 0.5} -- at x = 1 the first unit sits exactly on its kink
    net.modules[3].W = matrix.col{2, 3}
    local r, out = quiet(function() return nn.gradcheck(net, matrix{{1}}, matrix{{0}}) end)
    assert.is_true(r.ok)
    assert.is_true(r[1].kinks > 0)
    assert.is_truthy(out:find('crossed a ReLU/LeakyReLU/Step kink', 1, true))
  end)

  it('takes its thresholds from opts', function()
    matrix.seed(54)
    local net = nn.Sequential({nn.Linear(2, 2), nn.Tanh()}, nn.Squared())
    local r = nn.gradcheck(net, matrix.randn(2, 2), matrix.randn(2, 2),
      {h = 1e-3, rtol = 0, atol = 1e-30, print = false})
    assert.is_false(r.ok) -- nothing passes a zero tolerance with h = 1e-3
    assert.are.equal(1e-3, r.h)
  end)

  it('checks its arguments', function()
    U.fails_with('gradcheck: net must be an nn.Sequential, got nil', function() nn.gradcheck() end)
    local net = nn.Sequential({nn.Linear(2, 2)}, nn.Squared())
    U.fails_with('gradcheck: X must be a matrix, got nil', function() nn.gradcheck(net) end)
  end)
end)
