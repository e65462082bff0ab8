-- The fused SoftMax + NLLM and Sigmoid + NLL paths (forward_logits, the
-- Sequential's backprop, the C training loop) give the true derivative for
-- any target: against the unfused chain and central differences, with
-- targets whose columns do not sum to 1 (issue 14), and to the bit A - Y for
-- one-hot targets.
local U = require 'nn_util'
local matrix, nn = U.matrix, U.nn

-- dL/dZ through the unfused chain: SoftMax (or Sigmoid), then the loss.
local function unfused(act, loss, Z, Y)
  local A = act:forward(Z)
  local v = loss:forward(A, Y)
  return v, act:backward(loss:backward())
end

local function bits_equal(a, b, what)
  local r, c = a:shape()
  for i = 1, r do
    for j = 1, c do
      assert.are.equal(string.format('%a', b:get(i, j)), string.format('%a', a:get(i, j)),
        string.format('%s (%d, %d)', what, i, j))
    end
  end
end

describe('fused losses for any target', function()
  local Z = matrix{{0.5, -1.0, 2.0, 0.3}, {1.5, 0.25, -0.5, 0.3}, {-0.7, 0.9, 0.1, 0.3}}

  it('NLLM: dL/dZ = A * colsum(Y) - Y, the unfused chain and finite differences agree', function()
    -- columns summing to 0, 0.8, 2 and 1 (soft)
    local Y = matrix{{0, 0.3, 1, 0.2}, {0, 0.5, 1, 0.5}, {0, 0, 0, 0.3}}
    local v, dZ = nn.NLLM():forward_logits(Z, Y)
    local uv, udZ = unfused(nn.SoftMax(), nn.NLLM(), Z, Y)
    assert.is_true(math.abs(v - uv) < 1e-12)
    U.close(dZ, udZ, 1e-9, 1e-12, 'fused vs unfused')
    U.close(dZ, U.numgrad(function() return (nn.NLLM():forward_logits(Z, Y)) end, Z), 1e-6, 1e-8,
      'fused vs finite differences')
    -- the column of zeros: no loss, no gradient
    for i = 1, 3 do assert.are.equal(0, dZ:get(i, 1)) end
  end)

  it('NLL: dL/dZ = A - Y is exact for any y in [0, 1]', function()
    local Zs = matrix{{0.5, -1.0, 2.0, 0.3}}
    local Y = matrix{{0, 0.3, 1, 0.75}}
    local v, dZ = nn.NLL():forward_logits(Zs, Y)
    local uv, udZ = unfused(nn.Sigmoid(), nn.NLL(), Zs, Y)
    assert.is_true(math.abs(v - uv) < 1e-12)
    U.close(dZ, udZ, 1e-9, 1e-12, 'fused vs unfused')
    U.close(dZ, U.numgrad(function() return (nn.NLL():forward_logits(Zs, Y)) end, Zs), 1e-6, 1e-8,
      'fused vs finite differences')
  end)

  it('one-hot targets: dL/dZ is SoftMax(Z) - Y to the bit', function()
    local Y = matrix{{1, 0, 0, 0}, {0, 1, 0, 1}, {0, 0, 1, 0}}
    local _, dZ = nn.NLLM():forward_logits(Z, Y)
    bits_equal(dZ, nn.SoftMax():forward(Z) - Y, 'dL/dZ')
  end)

  it('Sequential:backprop and fit (the C loop) give no gradient for a zero target', function()
    for _, loop in ipairs{'backprop', 'fit'} do
      local net = nn.Sequential({nn.Linear(2, 3), nn.Tanh(), nn.Linear(3, 3), nn.SoftMax()}, nn.NLLM())
      local X = matrix{{0.5, -1}, {2, 0.25}}
      local Y = matrix.zeros(3, 2)
      local W = net.modules[1].W:copy()
      if loop == 'backprop' then
        assert.are.equal(0, net:backprop(X, Y))
        assert.are.equal(0, net.modules[1].dLdW:norm())
        assert.are.equal(0, net.modules[3].dLdW:norm())
      else
        net:fit(X, Y, {epochs = 3, batch = 2, lr = 0.5, verbose = false})
        assert.is_true(net.modules[1].W == W)
      end
    end
  end)
end)

describe('the issue\'s three lines, through the program', function()
  it('loss 0: fused and unfused dLdW are both (0, 0)', function()
    local script = H.tmpfile([[
local function net_of(last, loss)
  local l = nn.Linear(1, 2)
  l.W:set(1, 1, 2); l.W:set(1, 2, 0); l.W0:set(1, 1, 0); l.W0:set(2, 1, 0)
  return nn.Sequential({l, last}, loss)
end
local fused = net_of(nn.SoftMax(), nn.NLLM())
local x, y = matrix{{1}}, matrix{{0}, {0}}
print('fused', fused:backprop(x, y), fused.modules[1].dLdW:get(1, 1), fused.modules[1].dLdW:get(1, 2))
-- the unfused chain: a Lua SoftMax the Sequential does not fuse
local sm = nn.SoftMax()
local lua_sm = {forward = function(_, Z) return sm:forward(Z) end,
  backward = function(_, d) return sm:backward(d) end}
local plain = net_of(lua_sm, nn.NLLM())
print('unfused', plain:backprop(x, y), plain.modules[1].dLdW:get(1, 1), plain.modules[1].dLdW:get(1, 2))
]])
    local out, err, code = H.nnlab({script})
    os.remove(script)
    assert.are.equal(0, code, err)
    assert.matches('fused\t0%.0\t0%.0\t0%.0\n', out)
    assert.matches('unfused\t0%.0\t0%.0\t0%.0\n', out)
  end)
end)
