-- The lecture set's exercise homework (module nnlab.sets.lecture.homework), a part of
-- the student copy of the set (exercises/lecture.lua; the format is in
-- exercises/README.md).
local nnlab = require 'nnlab'
local matrix, nn = nnlab.matrix, nnlab.nn
local check = require 'nnlab.check'

local fmt = string.format

---------------------------------------------------------------------------
-- 7. The homework: the modules in Lua, against the C reference

-- X (2 x n) and Y (2 x n, one-hot rows {1 - y, y}) of a homework data set,
-- from the library's built-in copies (nnlab.data).
local function dataset(name)
  local X, Y = nnlab.data.load(name)
  return X, Y
end

-- homework.name(...): the object, or nil and feedback.
local function construct(sub, name, ...)
  local f, err = check.answer(sub, 'homework', name)
  if not f then return nil, err end
  local args = table.pack(...)
  local shown = {}
  for i = 1, args.n do shown[i] = tostring(args[i]) end
  local what = fmt('homework.%s(%s)', name, table.concat(shown, ', '))
  local ok, obj = check.call(sub, f, what, ...)
  if not ok then return nil, obj end
  if not check.isobject(obj) then
    return nil, fmt('%s must return an object (a table with a metatable, as in the starter), got %s',
      what, check.kind(obj))
  end
  return obj, what
end

-- One checked result: ok, got from method(); want the reference.
local function expect(a, aspect, ok, got, want, opts)
  if not ok then return a.add(aspect, false, got) end
  return a.add(aspect, check.matrix(got, want, opts))
end

local function check_linear(sub)
  local a = check.aspects{'init', 'forward', 'backward', 'dLdW', 'dLdW0', 'sgd_step'}
  for i, s in ipairs{{2, 3, 1}, {4, 3, 5}, {3, 3, 2}, {1, 4, 3}} do
    local m, n, b = s[1], s[2], s[3]
    local seed = 700 + i
    matrix.seed(seed)
    local ref = nn.Linear(m, n)
    matrix.seed(seed)
    local std1 = matrix.randn(m, n)
    sub:seed(seed)
    local obj, what = construct(sub, 'Linear', m, n)
    if not obj then return false, what end
    local W, W0 = check.index(sub, obj, 'W'), check.index(sub, obj, 'W0')
    a.add('init', check.matrix(W, ref.W, {name = what .. '.W', wrong = {{std1,
      'W is drawn with standard deviation 1: the homework draws np.random.normal(0, m^-0.5, [m, n]), '
      .. 'matrix.randn(m, n, 0, m^-0.5)'}}}))
    a.add('init', check.matrix(W0, matrix.zeros(n, 1), {name = what .. '.W0'}))
    if not (matrix.is(W) and check.shapestr(W) == check.shapestr(ref.W) and matrix.is(W0)
        and check.shapestr(W0) == check.shapestr(ref.W0)) then
      return false, a.fail.init .. '\n(the other checks need W m x n and W0 n x 1)'
    end
    -- The checks below run on the submission's own weights (a wrong draw
    -- costs init only); weights all equal would make them prove nothing.
    if a.fail.init and W:max() == W:min() then
      for _, k in ipairs{'forward', 'backward', 'dLdW', 'dLdW0', 'sgd_step'} do
        a.add(k, false, fmt('%s.W has all its entries equal: the other checks, which run on your '
          .. 'own weights, cannot be made with it', what))
      end
      return a.result()
    end
    ref.W, ref.W0 = W, W0   -- from here on, the submission's own weights
    matrix.seed(seed + 1000)
    local A, dLdZ, A2, lr = matrix.randn(m, b), matrix.randn(n, b), matrix.randn(m, b + 1), 0.1
    local on = fmt('%s with A %s, dLdZ %s', what, check.shapestr(A), check.shapestr(dLdZ))
    local ok, got = check.method(sub, obj, 'forward', what .. ':forward(A)', A)
    expect(a, 'forward', ok, got, ref:forward(A), {name = on .. ': forward(A)'})
    ok, got = check.method(sub, obj, 'backward', what .. ':backward(dLdZ)', dLdZ)
    expect(a, 'backward', ok, got, ref:backward(dLdZ), {name = on .. ': backward(dLdZ)'})
    a.add('dLdW', check.matrix(check.index(sub, obj, 'dLdW'), ref.dLdW,
      {name = on .. ': dLdW', batch = b}))
    a.add('dLdW0', check.matrix(check.index(sub, obj, 'dLdW0'), ref.dLdW0,
      {name = on .. ': dLdW0', batch = b}))
    local up, up0 = ref.W + ref.dLdW * lr, ref.W0 + ref.dLdW0 * lr
    ref:sgd_step(lr)
    local climb = 'you stepped up the gradient: W <- W - lr dLdW, W0 <- W0 - lr dLdW0'
    ok, got = check.method(sub, obj, 'sgd_step', what .. ':sgd_step(lr)', lr)
    if ok then
      a.add('sgd_step', check.matrix(check.index(sub, obj, 'W'), ref.W, {name = on .. ': W after sgd_step('
        .. lr .. ')', wrong = {{up, climb}}}))
      a.add('sgd_step', check.matrix(check.index(sub, obj, 'W0'), ref.W0, {name = on .. ': W0 after '
        .. 'sgd_step(' .. lr .. ')', wrong = {{up0, climb}}}))
    else
      a.add('sgd_step', false, got)
    end
    -- forward again, now that W0 is not zero (if sgd_step worked)
    if a.fail.sgd_step == nil then
      ok, got = check.method(sub, obj, 'forward', what .. ':forward(A)', A2)
      expect(a, 'forward', ok, got, ref:forward(A2), {name = fmt('%s after sgd_step: forward(A) with '
        .. 'A %s', what, check.shapestr(A2)), without_bias = ref.W:T() * A2})
    end
  end
  return a.result()
end

-- An activation module against the C one: forward on random Z, backward
-- on random dLdA.  opts.fwrong(Z, A), opts.bwrong(Z, A, dLdA): known
-- mistakes; opts.special: a list of {aspect =, what =, Z =, dLdA =, bwrong =},
-- more inputs, each checked under an aspect of its own.
local function check_activation(sub, name, opts)
  opts = opts or {}
  local names, seen = {'forward', 'backward'}, {forward = true, backward = true}
  for _, sp in ipairs(opts.special or {}) do
    if not seen[sp.aspect] then names[#names + 1], seen[sp.aspect] = sp.aspect, true end
  end
  local a = check.aspects(names)
  for i, s in ipairs{{3, 1}, {2, 4}, {5, 3}} do
    matrix.seed(720 + i)
    local Z = matrix.randn(s[1], s[2], 0, 2)
    local dLdA = matrix.randn(s[1], s[2])
    local ref = nn[name]()
    local obj, what = construct(sub, name)
    if not obj then return false, what end
    local on = fmt('%s with Z %s', what, check.shapestr(Z))
    local A = ref:forward(Z)
    local ok, got = check.method(sub, obj, 'forward', what .. ':forward(Z)', Z)
    expect(a, 'forward', ok, got, A, {name = on .. ': forward(Z)', wrong = opts.fwrong and opts.fwrong(Z, A)})
    ok, got = check.method(sub, obj, 'backward', what .. ':backward(dLdA)', dLdA)
    expect(a, 'backward', ok, got, ref:backward(dLdA), {name = on .. ': backward(dLdA)',
      wrong = opts.bwrong and opts.bwrong(Z, A, dLdA)})
  end
  for _, sp in ipairs(opts.special or {}) do
    local obj, what = construct(sub, name)
    if not obj then return false, what end
    local ref = nn[name]()
    local ok, got = check.method(sub, obj, 'forward', what .. ':forward(Z)', sp.Z)
    expect(a, sp.aspect, ok, got, ref:forward(sp.Z), {name = what .. ':forward(Z) ' .. sp.what})
    if sp.dLdA and ok then
      ok, got = check.method(sub, obj, 'backward', what .. ':backward(dLdA)', sp.dLdA)
      expect(a, sp.aspect, ok, got, ref:backward(sp.dLdA), {name = what .. ':backward(dLdA) '
        .. sp.what, wrong = sp.bwrong})
    end
  end
  return a.result()
end

-- Z with entries exactly 0 (ReLU's kink), and large |z| (overflow in exp).
local function kinky()
  matrix.seed(731)
  local Z = matrix.randn(3, 4)
  Z:set(1, 1, 0):set(2, 3, 0):set(3, 4, 0)
  return Z, matrix.randn(3, 4)
end

local function check_nllm(sub)
  local a = check.aspects{'forward', 'backward'}
  for i, s in ipairs{{2, 1}, {3, 4}, {4, 6}} do
    local k, b = s[1], s[2]
    matrix.seed(740 + i)
    local P = nn.SoftMax():forward(matrix.randn(k, b))
    local Y = check.onehot(k, b)
    local ref = nn.NLLM()
    local obj, what = construct(sub, 'NLLM')
    if not obj then return false, what end
    local on = fmt('%s with Ypred and Y %s', what, check.shapestr(Y))
    local want = ref:forward(P, Y)
    local ok, got = check.method(sub, obj, 'forward', what .. ':forward(Ypred, Y)', P, Y)
    if ok then
      a.add('forward', check.number(got, want, {name = on .. ': forward(Ypred, Y)',
        batch = b > 1 and b or nil}))
    else
      a.add('forward', false, got)
    end
    ok, got = check.method(sub, obj, 'backward', what .. ':backward()')
    expect(a, 'backward', ok, got, ref:backward(), {name = on .. ': backward()', wrong = {{P - Y,
      'you returned Ypred - Y, as the homework\'s NLL.backward does (it is dL/dZ through the '
      .. 'SoftMax); here backward is dL/dYpred = -Y ./ Ypred, and SoftMax.backward does the rest'}}})
  end
  return a.result()
end

-- The homework's small network, from the submission's modules: the modules,
-- the net, and a C network with the same weights.
local function homework_net(sub, sizes, act, nocopy)
  local mods, cmods = {}, {}
  for l = 1, #sizes - 1 do
    local lin, err = construct(sub, 'Linear', sizes[l], sizes[l + 1])
    if not lin then return nil, err end
    local W, W0 = check.index(sub, lin, 'W'), check.index(sub, lin, 'W0')
    if not (matrix.is(W) and matrix.is(W0)) then
      return nil, 'homework.Linear objects need the fields W and W0 (see homework.Linear)'
    end
    local f, ferr = construct(sub, l < #sizes - 1 and act or 'SoftMax')
    if not f then return nil, ferr end
    mods[#mods + 1], mods[#mods + 2] = lin, f
    if not nocopy then
      cmods[#cmods + 1] = check.linear(W, W0)
      cmods[#cmods + 1] = nn[l < #sizes - 1 and act or 'SoftMax']()
    end
  end
  local loss, lerr = construct(sub, 'NLLM')
  if not loss then return nil, lerr end
  local sf, serr = check.answer(sub, 'homework', 'Sequential')
  if not sf then return nil, serr end
  local ok, net = check.call(sub, sf, 'homework.Sequential(modules, loss)', mods, loss)
  if not ok then return nil, net end
  if not check.isobject(net) then
    return nil, fmt('homework.Sequential(modules, loss) must return an object (a table with a '
      .. 'metatable), got %s', check.kind(net))
  end
  return {mods = mods, net = net, cnet = not nocopy and nn.Sequential(cmods, nn.NLLM()) or nil}
end

-- The weights of the submission's net against the C net's.
local function same_weights(sub, a, aspect, h, what, opts)
  for i = 1, #h.mods, 2 do
    local l = (i + 1) // 2
    for _, p in ipairs{'W', 'W0'} do
      local o = {name = fmt('%s: %s of layer %d', what, p, l)}
      for k, v in pairs(opts or {}) do o[k] = v end
      if not a.add(aspect, check.matrix(check.index(sub, h.mods[i], p), h.cnet.modules[i][p], o)) then
        return false
      end
    end
  end
  return true
end

local SEQ_NOTE = '(homework.Sequential runs your own Linear, Tanh, SoftMax and NLLM: make them '
  .. 'pass first)'

-- One run of sgd on a data set: the submission's net against the C one.
local function sgd_run(sub, a, set, sizes, act, seed, iters, lr)
  local X, Y = dataset(set)
  sub:seed(seed)
  local h, err = homework_net(sub, sizes, act)
  if not h then return a.add('sgd', false, err) end
  matrix.seed(seed + 1)
  local want = h.cnet:sgd(X, Y, iters, lr)
  sub:seed(seed + 1)
  local what = fmt('net:sgd(X, Y, %d, %g) on %s', iters, lr, set)
  local ok, got = check.method(sub, h.net, 'sgd', what, X, Y, iters, lr)
  if not ok then return a.add('sgd', false, got) end
  if not same_weights(sub, a, 'sgd', h, what, {rtol = 1e-6, atol = 1e-9}) then return false end
  return a.add('sgd', check.number(got, want, {name = what .. ': the value returned',
    rtol = 1e-6, atol = 1e-9, wrong = {{want * iters,
      'you returned the sum of the losses; the mean loss per step is due'}}}))
end

local function check_sequential(sub)
  local a = check.aspects({'forward', 'backward', 'sgd_step', 'sgd'}, SEQ_NOTE)
  local X = dataset('super_simple_separable')
  sub:seed(750)
  local h, err = homework_net(sub, {2, 3, 2}, 'Tanh')
  if not h then return false, err end
  local ok, got = check.method(sub, h.net, 'forward', 'net:forward(X)', X)
  expect(a, 'forward', ok, got, h.cnet:forward(X), {name = 'net:forward(X), X 2x4'})
  matrix.seed(751)
  local delta = matrix.randn(2, 4)
  ok, got = check.method(sub, h.net, 'backward', 'net:backward(delta)', delta)
  expect(a, 'backward', ok, got, h.cnet:backward(delta), {name = 'net:backward(delta), delta 2x4 '
    .. '(the return value, dL/dX)'})
  if not a.fail.backward then
    a.add('backward', check.matrix(check.index(sub, h.mods[1], 'dLdW'), h.cnet.modules[1].dLdW,
      {name = 'net:backward(delta): dLdW of layer 1'}))
  end
  ok, got = check.method(sub, h.net, 'sgd_step', 'net:sgd_step(0.1)', 0.1)
  h.cnet:sgd_step(0.1)
  if ok then same_weights(sub, a, 'sgd_step', h, 'net:sgd_step(0.1)') else a.add('sgd_step', false, got) end
  for i, set in ipairs{'super_simple_separable', 'xor', 'xor_more'} do
    if not a.fail.sgd then sgd_run(sub, a, set, {2, 3, 2}, 'Tanh', 760 + i, 200, 0.05) end
  end
  return a.result()
end

-- Training on hard: architecture, seed and schedule (several calls of sgd
-- with a falling learning rate).  The C reference reaches 100% this way.
-- The checker follows the first `checked` steps of each stage of the
-- schedule, comparing the submission's weights and mean losses with the C
-- reference's after each call, to the tolerance TOL: a training that
-- follows the C one step by step ends where it does.
local HARD = {sizes = {2, 10, 10, 2}, act = 'Tanh', seed = 0,
  schedule = {{10000, 0.05}, {10000, 0.01}, {5000, 0.002}}, checked = {300, 200, 100}}
local TOL = {rtol = 1e-6, atol = 1e-9}

local function accuracy(A, Y)
  local pc, yc = A:argmax(1), Y:argmax(1)
  local _, n = Y:shape()
  local right = 0
  for j = 1, n do
    if pc:get(1, j) == yc:get(1, j) then right = right + 1 end
  end
  return right, n
end

-- The C network of hard, as built after matrix.seed(HARD.seed).
local function hard_net()
  matrix.seed(HARD.seed)
  local cmods = {}
  for l = 1, #HARD.sizes - 1 do
    cmods[#cmods + 1] = nn.Linear(HARD.sizes[l], HARD.sizes[l + 1])
    cmods[#cmods + 1] = l < #HARD.sizes - 1 and nn[HARD.act]() or nn.SoftMax()
  end
  return nn.Sequential(cmods, nn.NLLM())
end

local function check_hard(sub)
  local X, Y = dataset('hard')
  -- the C reference, trained with the whole schedule, classifies every point
  local full = hard_net()
  for _, st in ipairs(HARD.schedule) do full:sgd(X, Y, st[1], st[2]) end
  local cright, n = accuracy(full:forward(X), Y)
  assert(cright == n, 'the C reference does not reach 100% on hard')
  -- the C network from the seed, step by step: its weights after each call
  -- (all of it before the submission's, which in the REPL draws from the
  -- same random stream)
  local cnet = hard_net()
  local function snapshot()
    local mods = {}
    for i, m in ipairs(cnet.modules) do
      mods[i] = i % 2 == 1 and {W = m.W:copy(), W0 = m.W0:copy()} or {}
    end
    return {modules = mods}
  end
  local snaps, losses = {[0] = snapshot()}, {}
  for i, st in ipairs(HARD.schedule) do
    losses[i] = cnet:sgd(X, Y, HARD.checked[i], st[2])
    snaps[i] = snapshot()
  end
  local A = cnet:forward(X)
  -- the submission's, from the same seed
  sub:seed(HARD.seed)
  local h, err = homework_net(sub, HARD.sizes, HARD.act, true)
  if not h then return false, err end
  local a = check.aspects({'training'}, SEQ_NOTE)
  h.cnet = snaps[0]
  if not same_weights(sub, a, 'training', h, fmt('the initial weights after the seed %d', HARD.seed),
      TOL) then
    return a.result()
  end
  for i, st in ipairs(HARD.schedule) do
    local steps, lr = HARD.checked[i], st[2]
    local what = fmt('net:sgd(X, Y, %d, %g) on hard', steps, lr)
    local ok, got = check.method(sub, h.net, 'sgd', what, X, Y, steps, lr)
    if not ok then return false, got .. '\n' .. SEQ_NOTE end
    h.cnet = snaps[i]
    if not same_weights(sub, a, 'training', h, what, TOL) then return a.result() end
    if not a.add('training', check.number(got, losses[i], {name = what .. ': the value returned',
        rtol = TOL.rtol, atol = TOL.atol})) then
      return a.result()
    end
  end
  local ok, got = check.method(sub, h.net, 'forward', 'net:forward(X) on hard', X)
  if not ok then return false, got end
  a.add('training', check.matrix(got, A, {name = 'net:forward(X) on hard after training',
    rtol = TOL.rtol, atol = TOL.atol}))
  return a.result()
end

local homework = {
  id = 'homework',
  title = 'The homework: modules in Lua',
  statement = [[
Implement the homework's modules in Lua, from matrix operations only (this
exercise's sandbox has `matrix` and no `nn`).  Each constructor returns an
object (a table with a metatable, as in the starter); they follow nnlab's C
modules, which the checker runs next to yours on random shapes and seeds and
on the homework's data sets:

  Linear(m, n): fields m, n, W (m x n, drawn as np.random.normal(0, m^-0.5,
    [m, n]), i.e. matrix.randn(m, n, 0, m^-0.5), and nothing else drawn),
    W0 (n x 1 zeros), dLdW, dLdW0;
    forward(A): A m x b -> Z = W^T A + W0, n x b (keep A for backward);
    backward(dLdZ): -> dLdA = W dLdZ (m x b); sets dLdW = A dLdZ^T and
    dLdW0 = dLdZ summed over the batch (n x 1);
    sgd_step(lr): W <- W - lr dLdW, W0 <- W0 - lr dLdW0.
  Tanh(), ReLU(), SoftMax(): forward(Z) -> A, backward(dLdA) -> dLdZ,
    sgd_step(lr) does nothing.  ReLU's derivative at 0 is 0 (the homework's
    A != 0); SoftMax works column by column, and its backward is the true
    dL/dZ = a .* (g - a^T g) for each column a of A and g of dLdA.
  NLLM() (the homework calls it NLL): forward(Ypred, Y) -> the number
    -sum Y .* log(Ypred), summed over the batch; backward() -> dL/dYpred =
    -Y ./ Ypred (0 where Y is 0).  Note: the homework's NLL.backward returns
    Ypred - Y and its SoftMax.backward passes that through; here every
    module's backward is its own derivative, and the product is the same.
  Sequential(modules, loss): forward(X), backward(delta) (delta = dL/d(last
    output); runs every module's backward in reverse, returns dL/dX),
    sgd_step(lr), and sgd(X, Y, iters, lr): each iteration takes the column
    i = matrix.randint(N) of X and Y (N columns), forward, loss, backward,
    sgd_step; returns the mean loss per step.]],
  starter = [[
local homework = {}

local Linear = {}
Linear.__index = Linear
function homework.Linear(m, n)
  local self = setmetatable({m = m, n = n}, Linear)
  -- self.W, self.W0, self.dLdW, self.dLdW0
  return self
end
function Linear:forward(A) end
function Linear:backward(dLdZ) end
function Linear:sgd_step(lr) end

-- Tanh, ReLU, SoftMax and NLLM the same way (sgd_step of an activation
-- does nothing)

local Sequential = {}
Sequential.__index = Sequential
function homework.Sequential(modules, loss)
  return setmetatable({modules = modules, loss = loss}, Sequential)
end
function Sequential:forward(X) end
function Sequential:backward(delta) end
function Sequential:sgd_step(lr) end
function Sequential:sgd(X, Y, iters, lr) end
]],
  hints = {
    'Lua 5.4 has no math.tanh, but matrix.tanh(Z) is numpy\'s np.tanh (also matrix.exp, log, '
      .. 'maximum, where, and masks Z:gt(0)); by hand: tanh(z) = 1 - 2 / (exp(2 z) + 1).',
    'SoftMax: subtract each column\'s maximum before exp, so that logits like 1000 do not overflow.',
    'Column-wise work: m:max(1) and m:sum(1) give 1 x b rows; m:map(function(x, i, j) ... end) '
      .. 'sees each entry with its position.',
    'matrix.randint(N) is numpy\'s np.random.randint(N) + 1: the column to take, 1-based.',
  },
  libs = 'matrix',
  parts = {
    {id = 'Linear', points = 3, statement = 'homework.Linear(m, n).', check = check_linear},
    {
      id = 'Tanh', points = 1, statement = 'homework.Tanh(). (numpy\'s np.tanh(Z) is matrix.tanh(Z).)',
      check = function(sub)
        return check_activation(sub, 'Tanh', {special = {{aspect = 'large |z|',
          what = 'with entries up to 400 in size (exp(2 z) overflows: tanh must not)',
          Z = matrix{{400, -400, 30}, {-30, 0, 1e-8}}, dLdA = matrix{{1, 2, 3}, {-1, 1, 2}}}}})
      end,
    },
    {
      id = 'ReLU', points = 1,
      statement = 'homework.ReLU(). (Z:gt(0) is the mask of Z > 0, 1 and 0: Z:mul(Z:gt(0)) is ReLU.)',
      check = function(sub)
        local Z, dLdA = kinky()
        return check_activation(sub, 'ReLU', {special = {{aspect = 'z = 0',
          what = 'with entries exactly 0', Z = Z, dLdA = dLdA,
          bwrong = {{dLdA:mul(Z:map(function(z) return z >= 0 and 1 or 0 end)),
            'at z = 0 ReLU\'s derivative is taken to be 0 (the homework\'s A != 0), not 1'}}}}})
      end,
    },
    {
      id = 'SoftMax', points = 2,
      statement = 'homework.SoftMax(). (E = matrix.exp(Z); E:sum(1) is the 1 x b row of column sums; '
        .. 'E:div(matrix.ones(k, 1) * E:sum(1)) divides each column by its sum.)',
      check = function(sub)
        return check_activation(sub, 'SoftMax', {
          bwrong = function(_, A, g)
            return {{g, 'your backward returns dLdA unchanged, as the homework\'s SoftMax does (its '
              .. 'NLL.backward already gives dL/dZ); here backward is the true dL/dZ = a .* (g - a^T g) '
              .. 'for each column'},
              {A:mul(A:map(function(a) return 1 - a end)):mul(g), 'you used only the diagonal of the '
                .. 'SoftMax Jacobian, a_k (1 - a_k); the full one has entries a_k (delta_jk - a_j)'}}
          end,
          special = {{aspect = 'large logits', what = 'with logits up to 1000 (subtract each '
            .. 'column\'s maximum before exp)', Z = matrix{{1000, -1000, 5}, {999, -999, 5}, {-1000, 0, 5}}}},
        })
      end,
    },
    {id = 'NLLM', points = 2, statement = 'homework.NLLM().', check = check_nllm},
    {
      id = 'Sequential', points = 3,
      statement = 'homework.Sequential(modules, loss), checked with your modules on the homework\'s '
        .. 'data sets (super_simple_separable, xor, xor_more): 200 steps of sgd must give the C '
        .. 'reference\'s weights.',
      check = check_sequential,
    },
    {
      id = 'hard', points = 3,
      statement = fmt('Training: your modules, Linear(2, 10), %s, Linear(10, 10), %s, Linear(10, 2), '
        .. 'SoftMax with NLLM, after the seed %d, trained on the data set hard with net:sgd %s, '
        .. 'classify all of its points right, as nnlab\'s C modules trained the same way do.  The '
        .. 'checker follows the first %s steps of these calls and compares your weights and mean '
        .. 'losses with the C reference\'s after each (|yours - C| <= %g + %g |C|): training that '
        .. 'follows the C one step by step ends where it does.',
        HARD.act, HARD.act, HARD.seed, (function()
          local t = {}
          for _, st in ipairs(HARD.schedule) do t[#t + 1] = fmt('%d steps at lr = %g', st[1], st[2]) end
          return table.concat(t, ', then ')
        end)(), (function()
          local t = {}
          for i = 1, #HARD.checked do t[i] = tostring(HARD.checked[i]) end
          return table.concat(t, ', ')
        end)(), TOL.atol, TOL.rtol),
      check = check_hard,
    },
  },
}

-- For the instructor's copy of the set: what its private part uses.
homework.lib = {sgd_run = sgd_run, SEQ_NOTE = SEQ_NOTE}

return homework
