-- The optimizers: each update against the course notes' formula computed
-- here in plain Lua, weight decay, the gradient scale, state, fields and
-- errors.
local U = require 'nn_util'
local matrix, nn = U.matrix, U.nn

-- The notes' formulas entry by entry, in the order src/core/optim.h documents,
-- on plain Lua tables {value = {...}, state = {...}}.
local function reference(kind, h)
  h.gamma = h.gamma or 0.9
  h.beta1, h.beta2, h.eps = h.beta1 or 0.9, h.beta2 or 0.999, h.eps or 1e-8
  h.weight_decay = h.weight_decay or 0
  return function(w, g, st, decay, scale)
    st.t = (st.t or 0) + 1
    if scale ~= 1 then g = scale * g end
    if decay and h.weight_decay ~= 0 then g = g + h.weight_decay * w end
    if kind == 'SGD' then
      return w - h.lr * g
    elseif kind == 'Momentum' then
      st.M = h.gamma * (st.M or 0) + h.lr * g
      return w - st.M
    elseif kind == 'Adadelta' then
      st.G = h.gamma * (st.G or 0) + (1 - h.gamma) * (g * g)
      return w - h.lr / math.sqrt(st.G + h.eps) * g
    else
      local c1, c2 = 1 - h.beta1 ^ st.t, 1 - h.beta2 ^ st.t
      st.m = h.beta1 * (st.m or 0) + (1 - h.beta1) * g
      st.v = h.beta2 * (st.v or 0) + (1 - h.beta2) * (g * g)
      return w - h.lr / math.sqrt(st.v / c2 + h.eps) * (st.m / c1)
    end
  end
end

local STATE = {SGD = {}, Momentum = {'M'}, Adadelta = {'G'}, Adam = {'m', 'v'}}

-- Run `steps` steps of opt on two parameters (W 3x2, W0 2x1) with random
-- gradients, and the same in Lua; every entry must be the same double.
local function compare(kind, h, steps, scale)
  matrix.seed(17)
  local opt = nn[kind](h)
  local ref = reference(kind, h)
  local params = {
    {name = 'W', value = matrix.randn(3, 2), grad = matrix.zeros(3, 2)},
    {name = 'W0', value = matrix.randn(2, 1), grad = matrix.zeros(2, 1)},
  }
  local lua = {}
  for k, p in ipairs(params) do
    lua[k] = {value = p.value:totable(), state = {}}
    local r, c = p.value:shape()
    for i = 1, r do for j = 1, c do lua[k].state[i .. ',' .. j] = {} end end
  end
  for s = 1, steps do
    for k, p in ipairs(params) do
      local G = matrix.randn(p.grad:shape()) * (s % 3 == 0 and 10 or 0.1)
      matrix.copy(G, p.grad)
      local r, c = G:shape()
      for i = 1, r do
        for j = 1, c do
          lua[k].value[i][j] = ref(lua[k].value[i][j], G:get(i, j), lua[k].state[i .. ',' .. j],
            p.name ~= 'W0', scale or 1)
        end
      end
    end
    opt:step(params, scale)
    for k, p in ipairs(params) do
      local r, c = p.value:shape()
      for i = 1, r do
        for j = 1, c do
          local got, want = p.value:get(i, j), lua[k].value[i][j]
          if got ~= want then
            error(string.format('%s step %d %s (%d, %d): got %.17g, expected %.17g',
              kind, s, p.name, i, j, got, want), 2)
          end
          local st = opt:state(p.value)
          assert.are.equal(s, st.t)
          for _, sn in ipairs(STATE[kind]) do
            assert.are.equal(lua[k].state[i .. ',' .. j][sn], st[sn]:get(i, j))
          end
        end
      end
    end
  end
  assert.are.equal(steps, opt.steps)
end

describe('optimizer updates against the notes\' formulas', function()
  it('SGD: W - lr g', function() compare('SGD', {lr = 0.1}, 5) end)
  it('Momentum: M = gamma M + lr g, W - M', function()
    compare('Momentum', {lr = 0.05, gamma = 0.8}, 6)
  end)
  it('Adadelta: G = gamma G + (1 - gamma) g^2, W - lr / sqrt(G + eps) g', function()
    compare('Adadelta', {lr = 0.01, gamma = 0.95, eps = 1e-6}, 6)
  end)
  it('Adam: moments with bias correction, W - lr / sqrt(v^ + eps) m^', function()
    compare('Adam', {lr = 0.003, beta1 = 0.8, beta2 = 0.99, eps = 1e-7}, 7)
  end)
  for _, kind in ipairs{'SGD', 'Momentum', 'Adadelta', 'Adam'} do
    it(kind .. ' with weight decay on W (not W0): g + lambda W', function()
      compare(kind, {lr = 0.02, weight_decay = 0.1}, 4)
    end)
    it(kind .. ' with a gradient scale (the batch mean)', function()
      compare(kind, {lr = 0.02, weight_decay = 0.01}, 3, 1 / 7)
    end)
  end
end)

describe('optimizer behaviour', function()
  it('Adam\'s first step moves every entry by lr against the gradient\'s sign', function()
    local W = matrix{{1, 2}, {3, 4}}
    local G = matrix{{0.5, -2}, {1e-3, -300}}
    nn.Adam{lr = 0.01, eps = 1e-300}:step{{name = 'W', value = W, grad = G}}
    U.close(W, matrix{{0.99, 2.01}, {2.99, 4.01}}, 1e-12, 0, 'W')
  end)

  it('Momentum with gamma 0 is SGD, and a constant gradient builds up speed', function()
    local A, B = matrix{{1, -1}}, matrix{{1, -1}}
    local G = matrix{{2, 3}}
    local m0, sgd = nn.Momentum{lr = 0.1, gamma = 0}, nn.SGD(0.1)
    for _ = 1, 3 do
      m0:step{{value = A, grad = G}}
      sgd:step{{value = B, grad = G}}
    end
    assert.is_true(A == B)
    local C = matrix{{0, 0}}
    local m = nn.Momentum{lr = 1, gamma = 0.5}
    local moves = {}
    for s = 1, 3 do
      local before = C:get(1, 1)
      m:step{{value = C, grad = matrix{{1, 1}}}}
      moves[s] = before - C:get(1, 1)
    end
    assert.are.same({1, 1.5, 1.75}, moves)
  end)

  it('weight decay alone shrinks W geometrically and leaves W0', function()
    local W, W0 = matrix{{2, -4}}, matrix{{3}}
    local opt = nn.SGD{lr = 0.5, weight_decay = 0.1}
    for _ = 1, 3 do
      opt:step{{name = 'W', value = W, grad = matrix.zeros(1, 2)},
        {name = 'W0', value = W0, grad = matrix.zeros(1, 1)}}
    end
    U.close(W, matrix{{2 * 0.95 ^ 3, -4 * 0.95 ^ 3}}, 1e-15, 0, 'W')
    assert.are.equal(3, W0:get(1, 1))
  end)

  it('keeps state per parameter matrix, follows it through net:parameters(), and resets', function()
    matrix.seed(1)
    local net = nn.Sequential({nn.Linear(2, 3), nn.Tanh(), nn.Linear(3, 2), nn.SoftMax()}, nn.NLLM())
    local opt = nn.Adam()
    net:backprop(matrix{{1}, {2}}, matrix{{0}, {1}})
    opt:step(net:parameters())
    opt:step(net:parameters())
    local st = opt:state(net.modules[3].W)
    assert.are.equal(2, st.t)
    assert.are.equal('3x2', U.shape(st.m))
    assert.are.equal('3x2', U.shape(st.v))
    assert.are.equal('2x1', U.shape(opt:state(net.modules[3].W0).m))
    assert.is_nil(opt:state(matrix.zeros(3, 2)))
    opt:reset()
    assert.is_nil(opt:state(net.modules[3].W))
    assert.are.equal(0, opt.steps)
  end)

  it('can have its state replaced (as nn.load does) and checks it on the next step', function()
    local W, G = matrix{{1, 2}}, matrix{{1, 1}}
    local opt = nn.Momentum{lr = 1, gamma = 0.5}
    opt:state(W, {t = 4, M = matrix{{2, 4}}})
    opt:step{{value = W, grad = G}}
    assert.is_true(W == matrix{{-1, -1}})  -- M = 0.5 * {2, 4} + 1
    assert.are.equal(5, opt:state(W).t)
    opt:state(W, {t = 1, M = matrix{{1, 2, 3}}})
    U.fails_with('Momentum: step: the state of parameter 1 has M 1x3, expected a 1x2 matrix',
      function() opt:step{{value = W, grad = G}} end)
    opt:state(W, {t = -1, M = matrix{{0, 0}}})
    U.fails_with('Momentum: step: the state of parameter 1 has t = -1, expected a non-negative integer',
      function() opt:step{{value = W, grad = G}} end)
    opt:state(W, nil)
    opt:step{{value = W, grad = G}}
    assert.are.equal(1, opt:state(W).t)
  end)

  it('changes nothing when any parameter is wrong', function()
    local W, W0 = matrix{{1, 2}}, matrix{{3}}
    local opt = nn.SGD(1)
    U.fails_with('SGD: step: parameter 2 (W0 of module 4): grad is 2x1 but value is 1x1', function()
      opt:step{{name = 'W', value = W, grad = matrix{{1, 1}}},
        {name = 'W0', value = W0, grad = matrix.zeros(2, 1), module = 4}}
    end)
    assert.is_true(W == matrix{{1, 2}})
    assert.are.equal(0, opt.steps)
    U.fails_with('SGD: step: parameter 1 (W) has no grad matrix',
      function() opt:step{{name = 'W', value = W}} end)
    U.fails_with('SGD: step: parameter 1 has no value matrix', function() opt:step{{grad = W}} end)
    U.fails_with('SGD: step: parameter 1 must be a table {name, value, grad}, got number',
      function() opt:step{5} end)
    U.fails_with("bad argument #1 to 'step' (table expected, got no value)", function() opt:step() end)
  end)
end)

describe('optimizer objects', function()
  it('have the notes\' defaults', function()
    local d = {
      {nn.SGD(), {lr = 0.01, weight_decay = 0}},
      {nn.Momentum(), {lr = 0.01, gamma = 0.9, weight_decay = 0}},
      {nn.Adadelta(), {lr = 0.01, gamma = 0.9, eps = 1e-8, weight_decay = 0}},
      {nn.Adam(), {lr = 0.001, beta1 = 0.9, beta2 = 0.999, eps = 1e-8, weight_decay = 0}},
    }
    for _, c in ipairs(d) do
      for k, v in pairs(c[2]) do assert.are.equal(v, c[1][k]) end
      assert.are.equal(0, c[1].steps)
    end
    assert.is_nil(nn.SGD().gamma)
    assert.is_nil(nn.Momentum().beta1)
  end)

  it('take a learning rate alone or a table, print themselves and have a kind', function()
    assert.are.equal(0.5, nn.Adam(0.5).lr)
    assert.are.equal('Adam(lr = 0.001, beta1 = 0.9, beta2 = 0.999, eps = 1e-08)', tostring(nn.Adam()))
    assert.are.equal('SGD(lr = 0.1, weight_decay = 0.001)', tostring(nn.SGD{lr = 0.1, weight_decay = 1e-3}))
    assert.are.equal('Momentum(lr = 0.01, gamma = 0.5)', tostring(nn.Momentum{gamma = 0.5}))
    assert.are.equal('Adadelta', nn.kind(nn.Adadelta()))
    assert.are.equal('Adadelta', nn.Adadelta().kind)
  end)

  it('let hyperparameters be changed, within their ranges', function()
    local o = nn.Adam()
    o.lr = 0.2
    o.beta1 = 0.5
    assert.are.equal(0.2, o.lr)
    assert.are.equal(0.5, o.beta1)
    U.fails_with('Adam: beta2 must be in [0, 1), got 1', function() o.beta2 = 1 end)
    U.fails_with('Adam: lr must be a number, got string', function() o.lr = 'x' end)
    U.fails_with('Adam: cannot set field \'gamma\' (settable: lr, beta1, beta2, eps, weight_decay, steps)',
      function() o.gamma = 0.5 end)
    U.fails_with('Adam: steps must be a non-negative integer, got 1.5', function() o.steps = 1.5 end)
  end)

  it('reject bad options', function()
    local cases = {
      {function() return nn.SGD{lr = -0.1} end, 'SGD: lr must be non-negative, got -0.1'},
      {function() return nn.SGD{lr = math.huge} end, 'SGD: lr must be a finite number, got inf'},
      {function() return nn.SGD{gamma = 0.9} end, "SGD: unknown option 'gamma' (options: lr, weight_decay)"},
      {function() return nn.Momentum{gamma = 1} end, 'Momentum: gamma must be in [0, 1), got 1'},
      {function() return nn.Adadelta{eps = 0} end, 'Adadelta: eps must be positive, got 0'},
      {function() return nn.Adam{beta1 = -0.1} end, 'Adam: beta1 must be in [0, 1), got -0.1'},
      {function() return nn.Adam{weight_decay = -1} end, 'Adam: weight_decay must be non-negative, got -1'},
      {function() return nn.Adam{lr = '1'} end, 'Adam: lr must be a number, got string'},
      {function() return nn.Adam{[1] = 0.1} end, "Adam: unknown option '1' (options: lr, beta1, beta2, eps, weight_decay)"},
      {function() return nn.Adam(true) end, "bad argument #1 to 'Adam' (table of options or learning rate expected, got boolean)"},
    }
    for _, c in ipairs(cases) do U.fails_with(c[2], c[1]) end
  end)
end)
