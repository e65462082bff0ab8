-- The course homework reproduced: after matrix.seed(s), building the
-- homework's network and running sgd must give the weights that the
-- homework's numpy code gives (tests/reference/homework.py, run by
-- tools/gen_nn_fixtures.py into tests/fixtures/homework.lua), to 1e-12.
local U = require 'nn_util'
local matrix, nn = U.matrix, U.nn

local cases = dofile(H.root .. '/tests/fixtures/homework.lua')

local build = U.build

local function linears(net)
  local out = {}
  for _, m in ipairs(net.modules) do
    if nn.kind(m) == 'Linear' then out[#out + 1] = m end
  end
  return out
end

local function check_weights(net, want, tol, what)
  local ls = linears(net)
  assert.are.equal(#want, #ls)
  for k, l in ipairs(ls) do
    U.close(l.W, matrix(want[k].W), 0, tol, string.format('%s: layer %d W', what, k))
    U.close(l.W0, matrix(want[k].W0), 0, tol, string.format('%s: layer %d W0', what, k))
  end
end

describe('the homework reproduced against numpy', function()
  it('has the issue\'s case first: seed 0, 2-3 Tanh 3-2 SoftMax, NLLM, one step of sgd', function()
    local c = cases[1]
    assert.are.equal('sss_tanh_1', c.name)
    assert.are.equal(0, c.seed)
    assert.are.equal(1, c.iters)
    assert.are.equal(0.005, c.lr)
  end)

  for _, c in ipairs(cases) do
    describe(c.name, function()
      local X, Y = U.load_data(c.data)

      it('draws the same initial weights', function()
        matrix.seed(c.seed)
        check_weights(build(c.arch), c.init, 0, 'init')
      end)

      it(string.format('sgd(X, Y, %d, %g) gives the same weights to 1e-12', c.iters, c.lr), function()
        matrix.seed(c.seed)
        local net = build(c.arch)
        local mean = net:sgd(X, Y, c.iters, c.lr)
        check_weights(net, c.final, 1e-12, 'final')
        U.close_num(mean * c.iters, c.sum_loss, 1e-12, 1e-12, 'sum of the losses')
        local cls = net:classify(X)
        assert.are.equal('1x' .. #c.classify, U.shape(cls))
        for j, k in ipairs(c.classify) do assert.are.equal(k, cls:get(1, j)) end
      end)

      it('a student-style loop samples the same columns and sees the same losses', function()
        matrix.seed(c.seed)
        local net = build(c.arch)
        local _, N = X:shape()
        for t = 1, c.iters do
          local i = matrix.randint(N)
          assert.are.equal(c.indices[t], i)
          local Xt, Yt = X:col(i), Y:col(i)
          local loss = net.loss:forward(net:forward(Xt), Yt)
          U.close_num(loss, c.losses[t], 1e-11, 1e-13, 'loss at step ' .. t)
          net:backward(net.loss:backward()) -- the plain chain rule, no fusing
          net:sgd_step(c.lr)
        end
        -- the chain rule through SoftMax and the fused A - Y agree closely
        check_weights(net, c.final, 1e-9, 'final (chain rule)')
      end)
    end)
  end
end)
