-- net:explain: every factor of the lecture's chain against central
-- differences (nn.jacobian) of the function it is the derivative of, their
-- product and dloss/dW^(l) against backprop, the zero factor of a Step.
local nnlab = require 'nnlab'
local matrix, nn = nnlab.matrix, nnlab.nn
local N = require 'nets_fixture'

local err = H.err_at('explain_spec.lua')

local function maxabs(M)
  local m = 0
  for _, row in ipairs(M:totable()) do
    for _, v in ipairs(row) do
      if v ~= v then return v end
      m = math.max(m, math.abs(v))
    end
  end
  return m
end

local function near(a, b, tol, what)
  assert.are.equal(table.concat({ a:shape() }, 'x'), table.concat({ b:shape() }, 'x'), what)
  local d = maxabs(a - b)
  assert.is_true(d <= tol, ('%s: off by %g\n%s\n%s'):format(what, d, tostring(a), tostring(b)))
end

-- The lecture's layers of a fixture net: for layer k the index of its
-- Linear and the modules after it.
local function layers(net)
  local out = {}
  for i, m in ipairs(net.modules) do
    if nn.kind(m) == 'Linear' then out[#out + 1] = { lin = i, parts = {} }
    else table.insert(out[#out].parts, i) end
  end
  return out
end

-- Module i .. j applied to v (forward), in order.
local function through(net, i, j, v)
  for k = i, j do v = net.modules[k]:forward(v) end
  return v
end

describe('net:explain', function()
  it('gives the chain as the lecture writes it, every factor equal to finite differences', function()
    for _, t in ipairs(N.nets()) do
      local net = t.net
      local Ls = layers(net)
      local L = #Ls
      local x, y = N.point(t)
      for l = 1, L do
        local e = net:explain(x, y, l)
        local what = t.name .. ', layer ' .. l
        assert.are.equal(2 * (L - l) + 2, #e.factors, what)
        -- Z^(k) and A^(k) at x
        local Z, A = {}, { [0] = x }
        for k, Lk in ipairs(Ls) do
          Z[k] = through(net, Lk.lin, Lk.lin, A[k - 1])
          local last = Lk.parts[#Lk.parts] or Lk.lin
          A[k] = through(net, Lk.lin + 1, last, Z[k])
        end
        local i = 0
        for k = l, L do
          -- dA^(k)/dZ^(k): n^k x n^k, entry (j, q) = dA_q/dZ_j
          i = i + 1
          local Lk = Ls[k]
          local last = Lk.parts[#Lk.parts] or Lk.lin
          local J = nn.jacobian(function(z) return through(net, Lk.lin + 1, last, z) end, Z[k])
          assert.are.equal(('dA^(%d)/dZ^(%d)'):format(k, k), e.names[i])
          near(e.factors[i], J, 1e-6, what .. ': ' .. e.names[i])
          if k < L then
            -- dZ^(k+1)/dA^(k): n^k x n^(k+1), W^(k+1)
            i = i + 1
            local nxt = Ls[k + 1].lin
            J = nn.jacobian(function(a) return net.modules[nxt]:forward(a) end, A[k])
            assert.are.equal(('dZ^(%d)/dA^(%d)'):format(k + 1, k), e.names[i])
            near(e.factors[i], J, 1e-6, what .. ': ' .. e.names[i])
            assert.is_true(e.factors[i] == net.modules[nxt].W, what)
          end
        end
        -- dloss/dA^(L): n^L x 1
        i = i + 1
        local J = nn.jacobian(function(a) return matrix.col{ net.loss:forward(a, y) } end, A[L])
        assert.are.equal(('dloss/dA^(%d)'):format(L), e.names[i])
        near(e.factors[i], J, 1e-5 * math.max(1, maxabs(J)), what .. ': dloss/dA')
        -- their product is dloss/dZ^(l), the derivative of the loss through the layers above
        local P = e.factors[1]
        for q = 2, #e.factors do P = P * e.factors[q] end
        near(P, e.dZ, 1e-12, what .. ': the product')
        local Ll = Ls[l]
        local dZ = nn.jacobian(function(z)
          return matrix.col{ net.loss:forward(through(net, Ll.lin + 1, #net.modules, z), y) }
        end, Z[l])
        near(e.dZ, dZ, 1e-5, what .. ': dloss/dZ by differences')
        -- dloss/dW^(l) = A^(l-1) dZ^T and dW0 = dZ: what backprop computes
        near(e.dW, A[l - 1] * e.dZ:T(), 1e-12, what .. ': dW')
        near(e.dW0, e.dZ, 0, what .. ': dW0')
        net:backprop(x, y)
        near(e.dW, net.modules[Ll.lin].dLdW, 1e-12, what .. ': dW against backprop')
        near(e.dW0, net.modules[Ll.lin].dLdW0, 1e-12, what .. ': dW0 against backprop')
        assert.is_true(e.agrees, what)
        assert.is_true(e.text:find('dloss/dW^(' .. l .. ') = A^(' .. (l - 1) .. ') (dloss/dZ^(' .. l
          .. '))^T', 1, true) ~= nil, e.text)
        assert.is_true(e.text:find('agrees with net.modules[' .. Ll.lin .. '].dLdW0', 1, true) ~= nil, e.text)
      end
    end
  end)

  it('writes each factor\'s shape under it, as the slides do', function()
    local t = N.nets()[4]
    local e = t.net:explain(N.point(t))
    local ls = {}
    for l in e.text:gmatch('[^\n]+') do ls[#ls + 1] = l end
    assert.are.equal('dloss/dZ^(1) = dA^(1)/dZ^(1) dZ^(2)/dA^(1) dA^(2)/dZ^(2) dZ^(3)/dA^(2) '
      .. 'dA^(3)/dZ^(3) dZ^(4)/dA^(3) dA^(4)/dZ^(4) dloss/dA^(4)', ls[2])
    local shapes = {}
    for s in ls[3]:gmatch('%S+') do shapes[#shapes + 1] = s end
    assert.are.same({ '5x1', '5x5', '5x12', '12x12', '12x4', '4x4', '4x3', '3x3', '3x1' }, shapes)
    assert.is_true(e.text:find('(backprop fuses the last two: dA^(4)/dZ^(4) dloss/dA^(4) = A^(4) - y,', 1, true) ~= nil)
  end)

  it('marks the Step\'s zero factor and says every gradient at or below it is zero', function()
    local t = N.nets()[2]
    local x, y = N.point(t)
    local e = t.net:explain(x, y)
    assert.are.equal(1, e.zero_at)
    assert.are.equal(0, maxabs(e.factors[1]))
    assert.are.equal(0, maxabs(e.dW))
    assert.is_true(e.text:find("dA^(1)/dZ^(1)  3x3  f^(1) = Step: diagonal, Step'(z) = 0   <- ALL ZEROS", 1, true) ~= nil, e.text)
    assert.is_true(e.text:find('every gradient at or below layer 1 is zero', 1, true) ~= nil, e.text)
    -- a Step in layer 2 of 3: layer 1's chain holds it, layer 3's does not
    matrix.seed(5)
    local net = nn.Sequential({ nn.Linear(2, 3), nn.Tanh(), nn.Linear(3, 3), nn.Step(), nn.Linear(3, 1) }, nn.Squared())
    local x3, y3 = matrix.randn(2, 1), matrix.col{ 0.5 }
    local e1 = net:explain(x3, y3, 1)
    assert.are.equal(2, e1.zero_at)
    assert.are.equal(0, maxabs(e1.dW))
    assert.is_true(e1.text:find('dA^(2)/dZ^(2) is all zeros, so every gradient at or below layer 2 is zero.', 1, true) ~= nil, e1.text)
    local e3 = net:explain(x3, y3, 3)
    assert.is_nil(e3.zero_at)
    assert.is_true(maxabs(e3.dW) > 0)
    assert.is_nil(e3.text:find('ALL ZEROS', 1, true))
  end)

  it('shows the difference when backward disagrees', function()
    local m = { name = 'Wrong' }
    function m.forward(_, A) return A * 2 end
    function m.backward(_, d) return d * 3 end   -- not the derivative of forward
    matrix.seed(2)
    local net = nn.Sequential({ nn.Linear(2, 2), m, nn.Linear(2, 1) }, nn.Squared())
    local e = net:explain(matrix.col{ 1, 2 }, matrix.col{ 0 })
    -- the factor is what backward says (its columns), and so is backprop: they agree
    assert.is_true(e.agrees)
    near(e.factors[1], matrix.eye(2) * 3, 0, 'from backward')
    -- a Linear whose stored gradient is spoilt is caught
    local net2 = nn.Sequential({ nn.Linear(2, 2), nn.Tanh(), nn.Linear(2, 1) }, nn.Squared())
    local lin = net2.modules[1]
    local backward = lin.backward
    local spoil = setmetatable({}, { __index = function(_, k)
      if k == 'backward' then
        return function(self, d) local r = backward(lin, d) lin.dLdW = lin.dLdW * 2 return r end
      end
      local v = lin[k]
      if type(v) == 'function' then return function(_, ...) return v(lin, ...) end end
      return v
    end })
    net2.modules[1] = spoil
    local e2 = net2:explain(matrix.col{ 1, 2 }, matrix.col{ 3 })
    assert.is_false(e2.agrees)
    assert.is_true(e2.text:find('DIFFERS from net.modules[1].dLdW by up to', 1, true) ~= nil, e2.text)
  end)

  it('refuses a batch, a bad layer and a Dropout in training mode, at the caller', function()
    local net = N.nets()[2].net
    assert.are.equal('explain: x must be one data point, a column (2 x 1), got 2x4: explain one column, X:col(j)',
      err(function() net:explain(matrix.zeros(2, 4), matrix.zeros(2, 4)) end))
    assert.are.equal('explain: l must be between 1 and 2 (the layers of this net), got 3',
      err(function() net:explain(matrix.zeros(2, 1), matrix.col{ 1, 0 }, 3) end))
    assert.are.equal("explain: y is 3x1 but the net's output A^(2) is 2x1",
      err(function() net:explain(matrix.zeros(2, 1), matrix.col{ 1, 0, 0 }) end))
    local d = nn.Sequential({ nn.Linear(2, 2), nn.Dropout(0.5), nn.Linear(2, 1) }, nn.Squared())
    assert.are.equal('explain: module 2 is a Dropout in training mode (a new mask at every forward): call net:eval() first',
      err(function() d:explain(matrix.zeros(2, 1), matrix.col{ 1 }) end))
    d:eval()
    assert.is_true(d:explain(matrix.col{ 1, 2 }, matrix.col{ 1 }).agrees)
  end)

  it('prints nothing itself: the REPL shows the result once, a script prints it', function()
    local input = table.concat({
      'net = nn.Sequential({nn.Linear(2, 1)}, nn.Squared())',
      'e = net:explain(matrix.col{1, 2}, matrix.col{0})',
      'net:explain(matrix.col{1, 2}, matrix.col{0})',
    }, '\n') .. '\n'
    local out = H.nnlab({ '-i' }, input)
    local _, n = out:gsub('net:explain: layer 1 of 1', '')
    assert.are.equal(1, n, out)
  end)
end)
