-- nnlab exercise set: the lecture (the instructor's copy; never embedded or installed)
-- The instructor's copy of the lecture set.  It loads the student copy
-- (exercises/lecture.lua next to this folder, or the built-in one when this
-- file is used on its own) and adds what students must not have: the full
-- checkers of the parts whose answers are few (the student copy checks
-- their form only), the reference solution, the known-wrong submissions
-- for `nnlab check --selftest`, and the private part homework.extra.
--
--   nnlab grade exercises/private/lecture.lua subs/*.lua
--   nnlab check --selftest exercises/private/lecture.lua
--
-- The build never embeds nor installs anything under exercises/private/.
-- `nnlab strip` of this file leaves only the lines that load the student
-- copy (everything else is between the private markers).
local grader = require 'nnlab.grader'

local set
do
  local source = debug.getinfo(1, 'S').source
  local dir = source:match('^@(.*)[/\\][^/\\]*$') or (source:match('^@') and '.')
  local student = dir and dir .. '/../lecture.lua'
  local f = student and io.open(student, 'rb')
  if f then f:close() else student = 'lecture' end
  set = grader.load_set(student)
end

-- @private begin
-- Everything from here to the end marker is the instructor's.
local nnlab = require 'nnlab'
local matrix, nn = nnlab.matrix, nnlab.nn
local check = require 'nnlab.check'

local fmt = string.format
local num, answer, isobject, tally = check.num, check.answer, check.isobject, check.tally
local linear, forward = check.linear, check.forward

set.title = set.title .. ', the instructor\'s copy'

local function exercise(id)
  for _, e in ipairs(set.exercises) do
    if e.id == id then return e end
  end
  error('no exercise ' .. id)
end

-- The part ex.part of the set, whose check the full one replaces.
local function part(id)
  local exid, pid = id:match('^([^.]+)%.(.+)$')
  for _, p in ipairs(exercise(exid).parts) do
    if p.id == pid then return p end
  end
  error('no part ' .. id)
end

---------------------------------------------------------------------------
-- The full checkers of the few-answer parts

-- features.labels and features.and_theta0
do
  local L = exercise('features').lib
  local FEAT, sign = L.FEAT, L.sign

  part('features.labels').check = function(sub)
    local got, err = answer(sub, 'features', 'labels')
    if not got then return false, err end
    local ok, msg = L.check_labels_form(got)
    if not ok then return false, msg end
    local mods = L.feature_classifier(2)
    local c = check.classes()
    for j = 1, select(2, FEAT.planets:shape()) do
      local want = sign(forward(mods, FEAT.planets:col(j)):get(1, 1))
      c:add('labels', want, check.number(got[j], want, {name = fmt('planet %d', j)}))
    end
    return c:result()
  end

  part('features.and_theta0').check = function(sub)
    local got, err = answer(sub, 'features', 'and_theta0')
    if not got then return false, err end
    if type(got) ~= 'number' or got ~= got or math.abs(got) == math.huge then
      return false, 'features.and_theta0: expected a finite number, got ' .. check.kind(got)
    end
    -- The output unit, a C Linear(2, 1) and Step, on the four feature values.
    local out = {linear(matrix.col{1, 1}, matrix{{got}}), nn.Step()}
    for _, phi in ipairs{{1, 1}, {1, 0}, {0, 1}, {0, 0}} do
      local a = forward(out, matrix.col(phi)):get(1, 1)
      local want = (phi[1] == 1 and phi[2] == 1) and 1 or 0
      if a ~= want then
        return false, fmt('with your theta_0, phi = (%d, %d) gives z %s 0, so 1{z >= 0} = %d; '
          .. 'the AND must give %d', phi[1], phi[2], a == 1 and '>=' or '<', a, want)
      end
    end
    return true
  end
end

-- notation.shapes and notation.batch
do
  local L = exercise('notation').lib
  local NOT = L.NOT

  -- The shapes of every quantity of the two-layer network, from the C modules
  -- run on a batch of b points.
  local function net_shapes(b)
    matrix.seed(201)
    local l1, l2 = nn.Linear(NOT.m1, NOT.n1), nn.Linear(NOT.n1, NOT.n2)
    local X = matrix.randn(NOT.m1, b)
    local Z1 = l1:forward(X)
    local A1 = nn.Sigmoid():forward(Z1)
    local Z2 = l2:forward(A1)
    local A2 = nn.Sigmoid():forward(Z2)
    local s = {}
    for k, v in pairs{x = X, X = X, W1 = l1.W, W01 = l1.W0, Z1 = Z1, A1 = A1, W2 = l2.W, W02 = l2.W0,
        Z2 = Z2, A2 = A2} do
      s[k] = {v:shape()}
    end
    return s
  end

  local function check_shapes(sub, part_id, keys, b)
    local got, err = answer(sub, 'notation', part_id)
    if not got then return false, err end
    if type(got) ~= 'table' or isobject(got) then
      return L.shapes_form(got, part_id, keys)
    end
    local want = net_shapes(b)
    local t = tally(true)
    for _, k in ipairs(keys) do
      local w = want[k]
      if got[k] == nil then
        t:add(false, fmt('notation.%s.%s is missing', part_id, k))
      else
        t:add(check.shape(got[k], w[1], w[2], {name = fmt('notation.%s.%s', part_id, k)}))
      end
    end
    return t:result()
  end

  part('notation.shapes').check = function(sub) return check_shapes(sub, 'shapes', L.SHAPE_KEYS, 1) end
  part('notation.batch').check = function(sub) return check_shapes(sub, 'batch', L.BATCH_KEYS, NOT.b) end
end

-- activations: which f the C modules' facts call for
do
  local L = exercise('activations').lib
  local ACTS, ACT_KIND, STEP_CHOICES, act_choices = L.ACTS, L.ACT_KIND, L.STEP_CHOICES, L.act_choices

  -- A grid of z values (1 x N) with the given extra values in it.
  local function zgrid(lo, hi, step, extra)
    local vals = {}
    for z = lo, hi, step do vals[#vals + 1] = z end
    for _, z in ipairs(extra or {}) do vals[#vals + 1] = z end
    return matrix.row(vals)
  end

  -- Does activation kind reach the value y (within 1e-9) somewhere on grid?
  local function reaches(kind, grid, y)
    local A = nn[kind]():forward(grid)
    return A:map(function(a) return math.abs(a - y) <= 1e-9 and 1 or 0 end):sum() > 0
  end

  -- Is the derivative of kind non-zero somewhere on grid (the C Jacobian)?
  local function slopes(kind, grid)
    local act = nn[kind]()
    local _, N = grid:shape()
    for j = 1, N do
      if act:jacobian(matrix{{grid:get(1, j)}}):get(1, 1) ~= 0 then return true end
    end
    return false
  end

  -- Is kind non-linear: f(z1 + z2) ~= f(z1) + f(z2) for some random pair?
  local function nonlinear(kind)
    local act = nn[kind]()
    matrix.seed(301)
    local Z1, Z2 = matrix.randn(1, 20), matrix.randn(1, 20)
    return not act:forward(Z1 + Z2):allclose(act:forward(Z1) + act:forward(Z2), 1e-12, 1e-12)
  end

  -- Facts about a network with a step hidden layer, from the C core: its
  -- dloss/dW^(1) after backprop, W^(1) after SGD steps of two sizes, the loss.
  local function step_facts()
    matrix.seed(311)
    local X, Y = matrix.randn(2, 6), matrix.rand(1, 6):map(function(u) return u < 0.5 and 0 or 1 end)
    local net = nn.Sequential({nn.Linear(2, 4), nn.Step(), nn.Linear(4, 1), nn.Sigmoid()}, nn.NLL())
    local f = {loss = net:backprop(X, Y)}
    local W = net.modules[1].W:copy()
    f.zero = net.modules[1].dLdW == matrix.zeros(2, 4)
    net:sgd_step(0.1)
    f.unchanged_big = net.modules[1].W == W
    net:backprop(X, Y)
    net:sgd_step(1e-6)
    f.unchanged_small = net.modules[1].W == W
    return f
  end


  part('activations.regression').check = function(sub)
    local got, err = answer(sub, 'activations', 'regression')
    if not got then return false, err end
    local targets = {-3.7, 250}
    local grid = zgrid(-1000, 1000, 0.25, targets)
    local right, why = {}, {}
    for _, id in ipairs(ACTS) do
      local missed
      for _, y in ipairs(targets) do
        if not reaches(ACT_KIND[id], grid, y) then missed = missed or y end
      end
      if missed then
        why[id] = fmt('%s never outputs %s', id, num(missed))
      else
        right[#right + 1] = id
      end
    end
    assert(#right == 1, 'exactly one activation should reach every target')
    return check.choice(got, right[1], act_choices(why), {name = 'activations.regression'})
  end

  part('activations.nll').check = function(sub)
    local got, err = answer(sub, 'activations', 'nll')
    if not got then return false, err end
    local grid = zgrid(-30, 30, 0.25)
    local right, why = {}, {}
    for _, id in ipairs(ACTS) do
      local A = nn[ACT_KIND[id]]():forward(grid)
      local inside = A:min() > 0 and A:max() < 1
      if not inside then
        why[id] = fmt('%s outputs values outside (0, 1), where log g or log(1 - g) is undefined', id)
      elseif not slopes(ACT_KIND[id], grid) then
        why[id] = fmt('%s has a zero derivative', id)
      else
        right[#right + 1] = id
      end
    end
    assert(#right == 1, 'exactly one activation should give probabilities')
    return check.choice(got, right[1], act_choices(why), {name = 'activations.nll'})
  end

  part('activations.step').check = function(sub)
    local got, err = answer(sub, 'activations', 'step')
    if not got then return false, err end
    -- The reference follows from what the C core computes on a step network.
    local f = step_facts()
    local want
    if f.zero and f.unchanged_big and f.unchanged_small and f.loss > 0 then want = 'c' end
    assert(want, 'the C core does not show the step network\'s facts')
    return check.choice(got, want, {
      a = {why = 'SGD does not diverge: it does not move W^(1) at all'},
      b = {why = 'the loss is not 0: the step network misclassifies, and still SGD cannot help'},
      c = STEP_CHOICES.c,
      d = {why = 'with any learning rate, eta times a zero derivative is zero'},
    }, {name = 'activations.step'})
  end

  part('activations.hidden').check = function(sub)
    local got, err = answer(sub, 'activations', 'hidden')
    if not got then return false, err end
    local grid = zgrid(-5, 5, 0.125)
    local right, why = {}, {}
    for _, id in ipairs(ACTS) do
      if not slopes(ACT_KIND[id], grid) then
        why[id] = fmt('%s has a zero derivative: dloss/dW^(1) would be 0', id)
      elseif not nonlinear(ACT_KIND[id]) then
        why[id] = fmt('with %s the whole network is linear in x: W^(2)T (W^(1)T x + W_0^(1)) + '
          .. 'W_0^(2) is just another linear function', id)
      else
        right[#right + 1] = id
      end
    end
    local choices = act_choices(why)
    for _, id in ipairs(right) do
      if check.choice(got, id, choices) == true then return true end
    end
    return check.choice(got, right[1], choices, {name = 'activations.hidden'})
  end
end

-- derivs.why
do
  local L = exercise('derivs').lib
  local WHY_CHOICES = L.WHY_CHOICES

  -- The partial derivatives dA_k/dW_ij of the example, by central differences
  -- of the C layer at size (m, n): their number and how many are non-zero.
  local function partials(m, n)
    matrix.seed(401)
    local W, W0, x = matrix.randn(m, n), matrix.randn(n, 1), matrix.randn(m, 1)
    local count, nonzero = 0, 0
    for i = 1, m do
      for j = 1, n do
        local w = W:get(i, j)
        local Wp, Wm = W:copy():set(i, j, w + 1e-6), W:copy():set(i, j, w - 1e-6)
        local d = (linear(Wp, W0):forward(x) - linear(Wm, W0):forward(x)) / 2e-6
        for k = 1, n do
          count = count + 1
          if math.abs(d:get(k, 1)) > 1e-9 then nonzero = nonzero + 1 end
        end
      end
    end
    return count, nonzero
  end


  part('derivs.why').check = function(sub)
    local got, err = answer(sub, 'derivs', 'why')
    if not got then return false, err end
    -- The facts the choices rest on, by differences of the C layer:
    -- 4 x 3 x 3 partials, some non-zero, and the same with a square W.
    local count, nonzero = partials(4, 3)
    local count_sq = partials(3, 3)
    assert(count == 36 and nonzero == 12 and count_sq == 27, 'unexpected partial derivatives')
    return check.choice(got, 'b', {
      a = {why = 'a square W (3x3) has the same problem: 27 partials dA_k/dW_ij for a 3x1 A'},
      b = WHY_CHOICES.b,
      c = {why = 'A does depend on W: dA_k/dW_jk = x_j, which is not 0'},
      d = {why = 'the order of the sum does not matter; W can be differentiated entry by entry, '
        .. 'as the lecture does next'},
    }, {name = 'derivs.why'})
  end
end

-- step.why
do
  local L = exercise('step').lib
  local STEP_WHY = L.STEP_WHY

  part('step.why').check = function(sub)
    local got, err = answer(sub, 'step', 'why')
    if not got then return false, err end
    -- The factors of a step network, from the C core.
    local X, Y = L.step_data()
    local x, y = X:col(1), Y:col(1)
    matrix.seed(602)
    local l1, st, l2, sg, loss = nn.Linear(2, 3), nn.Step(), nn.Linear(3, 1), nn.Sigmoid(), nn.NLL()
    local z1 = l1:forward(x)
    local z2 = l2:forward(st:forward(z1))
    loss:forward(sg:forward(z2), y)
    local facts = st:jacobian(z1) == matrix.zeros(3, 3) and l2:dZ_dA() ~= matrix.zeros(3, 1)
      and loss:backward() ~= matrix.zeros(1, 1) and x ~= matrix.zeros(2, 1)
    assert(facts, 'unexpected factors')
    return check.choice(got, 'd', {
      a = {why = 'A^(l-1) is not zero (a step outputs ones too, and x is not zero)'},
      b = {why = 'the weights above a step are whatever they are, not zero'},
      c = {why = 'dloss/dA^(L) is not zero: the loss still depends on the output'},
      d = STEP_WHY.d,
    }, {name = 'step.why'})
  end
end

-- losses.scale and losses.pick
do
  local L = exercise('losses').lib
  local SCALE_CHOICES, SITUATIONS, loss_choices = L.SCALE_CHOICES, L.SITUATIONS, L.loss_choices

  part('losses.scale').check = function(sub)
    local got, err = answer(sub, 'losses', 'scale')
    if not got then return false, err end
    -- The facts, from the C core: the gradient of the batch loss (a sum) is
    -- n_data times the average of the points' gradients, dJ/dW.
    matrix.seed(821)
    local n = 5
    local X, Y = matrix.randn(2, n), matrix.rand(1, n):map(function(u) return u < 0.5 and 0 or 1 end)
    local net = nn.Sequential({linear(matrix.randn(2, 1), matrix{{0.1}}), nn.Sigmoid()}, nn.NLL())
    net:backprop(X, Y)
    local sum = net.modules[1].dLdW:copy()
    local mean = matrix.zeros(2, 1)
    for j = 1, n do
      net:backprop(X:col(j), Y:col(j))
      mean = mean + net.modules[1].dLdW / n
    end
    assert(sum:allclose(mean * n, 1e-9, 1e-12) and not sum:allclose(mean, 1e-3, 1e-6),
      'the batch gradient is not n_data times dJ/dW')
    return check.choice(got, 'b', {
      a = {why = 'the gradient of the sum is n_data times dJ/dW, not the same'},
      b = SCALE_CHOICES.b,
      c = {why = 'the sum of n_data gradients is larger than their average, not smaller'},
      d = {why = 'scaling the objective scales its gradient, and so the step: eta must change '
        .. 'with it'},
    }, {name = 'losses.scale'})
  end

  -- The loss for each situation, and why each other one does not fit.
  local PICK = {screening = 'asymmetric', probability = 'nll', dislike = 'squared',
    report = 'zero_one'}
  local WHY = {
    zero_one = 'the 0-1 loss weighs every mistake alike, and its derivative is 0 wherever it '
      .. 'exists (SGD cannot train with it)',
    asymmetric = 'the asymmetric loss weighs two kinds of classification mistakes; its '
      .. 'derivative is 0 wherever it exists',
    nll = 'the NLL loss needs an output g in (0, 1) and labels 0 or 1',
    squared = 'the squared loss is for an output that is any real number',
  }

  part('losses.pick').check = function(sub)
    local got, err = answer(sub, 'losses', 'pick')
    if not got then return false, err end
    local ok, msg = L.pick_form(got)
    if not ok then return false, msg end
    -- The facts the choices rest on, from the C core: a step's derivative
    -- (the 0-1 and asymmetric losses of a thresholded g) is zero, the NLL's
    -- is not.
    local z = matrix{{0.3}}
    assert(nn.Step():jacobian(z) == matrix{{0}}, 'a step with a derivative')
    local nll = nn.NLL()
    nll:forward(nn.Sigmoid():forward(z), matrix{{1}})
    assert(nll:backward() ~= matrix{{0}}, 'the NLL is flat')
    local t = tally(true)
    for _, s in ipairs(SITUATIONS) do
      t:add(check.choice(got[s.key], PICK[s.key], loss_choices(WHY), {name = 'losses.pick.' .. s.key}))
    end
    return t:result()
  end
end

---------------------------------------------------------------------------
-- The reference solution, known-wrong submissions and the private part

set.solution = [==[
-- The reference solution of the lecture set.

local features = {}
local Wf = matrix{{-1, 1, 0}, {0.5, -0.5, -1}}
local W0f = matrix.col{0.5, -1, 0.1}

local function step(z) return z >= 0 and 1 or 0 end

-- the first k features of x
local function phi(x, k)
  local out = {}
  for i = 1, k do
    out[i] = step(Wf:get(1, i) * x:get(1, 1) + Wf:get(2, i) * x:get(2, 1) + W0f:get(i, 1))
  end
  return matrix.col(out)
end

function features.phi(x) return phi(x, 2) end

local function classify(x, k)
  local z = phi(x, k):sum() - 0.5
  return z >= 0 and 1 or -1
end

function features.h(x) return classify(x, 2) end
function features.h3(x) return classify(x, 3) end
features.labels = {}
for j, p in ipairs{{0.7, 1.0}, {1.2, 1.0}, {2.0, 1.0}, {1.3, 0.8}, {0.3, 0.05}} do
  features.labels[j] = features.h(matrix.col(p))
end
features.and_theta0 = -1.5

local notation = {
  shapes = {x = {3, 1}, W1 = {3, 4}, W01 = {4, 1}, Z1 = {4, 1}, A1 = {4, 1},
            W2 = {4, 2}, W02 = {2, 1}, Z2 = {2, 1}, A2 = {2, 1}},
  batch = {X = {3, 5}, W1 = {3, 4}, W01 = {4, 1}, Z1 = {4, 5}, A2 = {2, 5}},
}
local function relu(Z) return Z:map(function(z) return z > 0 and z or 0 end) end
local function sigmoid(Z) return Z:map(function(z) return 1 / (1 + math.exp(-z)) end) end
do
  local W1, W01 = matrix{{1, -1, 0.5}, {2, 0.5, -1}}, matrix.col{-1, 0.5, 0.25}
  local W2, W02 = matrix.col{1.5, -2, 2}, matrix{{-0.5}}
  local x = matrix.col{1, 0.5}
  notation.Z1 = W1:T() * x + W01
  notation.A1 = relu(notation.Z1)
  notation.A2 = sigmoid(W2:T() * notation.A1 + W02)
end
function notation.forward(X, W1, W01, W2, W02)
  return sigmoid(W2:T() * relu(W1:T() * X + W01) + W02)
end

local activations = {regression = 'identity', nll = 'sigmoid', step = 'c', hidden = 'tanh'}

local derivs = {}
do
  local W = matrix{{1, -2, 0.5}, {0, 1, 1}, {-1, 0.5, 2}, {2, 0, -1}}
  local W0 = matrix.col{0.5, -1, 0}
  local x, y = matrix.col{1, 2, -1, 0.5}, matrix.col{1, 0, 2}
  local A = W:T() * x + W0
  derivs.dA_dW0 = matrix.eye(3)
  derivs.dA_dx = W:copy()
  derivs.dloss_dA = (A - y) * 2
  derivs.dloss_dW = x * derivs.dloss_dA:T()
  derivs.dloss_dW0 = derivs.dA_dW0 * derivs.dloss_dA
  derivs.why = 'b'
end

local function tanh(Z)
  return Z:map(function(z) return 1 - 2 / (math.exp(2 * z) + 1) end)
end

local function softmax(Z)
  local mx = Z:max(1)
  local E = Z:map(function(z, _, j) return math.exp(z - mx:get(1, j)) end)
  local s = E:sum(1)
  return E:map(function(e, _, j) return e / s:get(1, j) end)
end

local backprop = {}

-- forward through the L-layer network; the list A[0..L]
local function bp_forward(x, Ws, W0s)
  local A = {[0] = x}
  for l = 1, #Ws do
    local Z = Ws[l]:T() * A[l - 1] + W0s[l]
    A[l] = l < #Ws and tanh(Z) or softmax(Z)
  end
  return A
end

-- dloss/dZ^(l) for one point, by the chain product
function backprop.dZ(x, y, Ws, W0s)
  local L = #Ws
  local A = bp_forward(x, Ws, W0s)
  local a = A[L]
  local n = a:shape()
  local J = matrix.zeros(n, n)            -- dA^(L)/dZ^(L), SoftMax
  for j = 1, n do
    for k = 1, n do
      J:set(j, k, a:get(k, 1) * ((j == k and 1 or 0) - a:get(j, 1)))
    end
  end
  local dloss_dA = y:map(function(v, i) return -v / a:get(i, 1) end)
  local dZ = {}
  dZ[L] = J * dloss_dA
  for l = L - 1, 1, -1 do
    local D = matrix.diag(A[l]:map(function(v) return 1 - v * v end))
    dZ[l] = D * (Ws[l + 1] * dZ[l + 1])
  end
  return dZ, A
end

function backprop.dW(x, y, Ws, W0s)
  local dZ, A = backprop.dZ(x, y, Ws, W0s)
  local dW = {}
  for l = 1, #Ws do dW[l] = A[l - 1] * dZ[l]:T() end
  return dW
end

function backprop.dW0(x, y, Ws, W0s)
  return (backprop.dZ(x, y, Ws, W0s))
end

function backprop.batch(X, Y, Ws, W0s)
  local dW, dW0 = {}, {}
  for l = 1, #Ws do
    dW[l] = Ws[l] * 0
    dW0[l] = W0s[l] * 0
  end
  local _, b = X:shape()
  for i = 1, b do
    local gW = backprop.dW(X:col(i), Y:col(i), Ws, W0s)
    local gW0 = backprop.dW0(X:col(i), Y:col(i), Ws, W0s)
    for l = 1, #Ws do
      dW[l] = dW[l] + gW[l]
      dW0[l] = dW0[l] + gW0[l]
    end
  end
  return {dW = dW, dW0 = dW0}
end

local stepex = {why = 'd'}
function stepex.net(kind)
  local net = nn.Sequential({nn.Linear(2, 3), nn.Sigmoid(), nn.Linear(3, 3), nn[kind](),
    nn.Linear(3, 1), nn.Sigmoid()}, nn.NLL())
  return net, 2
end

-- The homework's modules, from matrix operations
local homework = {}

local Linear = {}
Linear.__index = Linear
function homework.Linear(m, n)
  local self = setmetatable({m = m, n = n}, Linear)
  self.W = matrix.randn(m, n, 0, 1.0 * m ^ -0.5)
  self.W0 = matrix.zeros(n, 1)
  self.dLdW = matrix.zeros(m, n)
  self.dLdW0 = matrix.zeros(n, 1)
  return self
end
function Linear:forward(A)
  self.A = A
  return self.W:T() * A + self.W0
end
function Linear:backward(dLdZ)
  self.dLdW = self.A * dLdZ:T()
  self.dLdW0 = dLdZ:sum(2)
  return self.W * dLdZ
end
function Linear:sgd_step(lr)
  self.W = self.W - self.dLdW * lr
  self.W0 = self.W0 - self.dLdW0 * lr
end

local Tanh = {}
Tanh.__index = Tanh
function homework.Tanh() return setmetatable({}, Tanh) end
function Tanh:forward(Z)
  self.A = Z:map(function(z)
    local t = 1 - 2 / (math.exp(2 * math.abs(z)) + 1)
    return z < 0 and -t or t
  end)
  return self.A
end
function Tanh:backward(dLdA)
  return dLdA:mul(self.A:map(function(a) return 1 - a * a end))
end
function Tanh:sgd_step() end

local ReLU = {}
ReLU.__index = ReLU
function homework.ReLU() return setmetatable({}, ReLU) end
function ReLU:forward(Z)
  self.A = Z:map(function(z) return z > 0 and z or 0 end)
  return self.A
end
function ReLU:backward(dLdA)
  return dLdA:mul(self.A:map(function(a) return a ~= 0 and 1 or 0 end))
end
function ReLU:sgd_step() end

local SoftMax = {}
SoftMax.__index = SoftMax
function homework.SoftMax() return setmetatable({}, SoftMax) end
function SoftMax:forward(Z)
  self.A = softmax(Z)
  return self.A
end
function SoftMax:backward(dLdA)
  local A = self.A
  local dot = A:mul(dLdA):sum(1)
  return A:map(function(a, i, j) return a * (dLdA:get(i, j) - dot:get(1, j)) end)
end
function SoftMax:sgd_step() end

local NLLM = {}
NLLM.__index = NLLM
function homework.NLLM() return setmetatable({}, NLLM) end
function NLLM:forward(Ypred, Y)
  self.Ypred, self.Y = Ypred, Y
  return -Y:map(function(y, i, j)
    return y ~= 0 and y * math.log(Ypred:get(i, j)) or 0
  end):sum()
end
function NLLM:backward()
  local P = self.Ypred
  return self.Y:map(function(y, i, j) return y ~= 0 and -y / P:get(i, j) or 0 end)
end

local Sequential = {}
Sequential.__index = Sequential
function homework.Sequential(modules, loss)
  return setmetatable({modules = modules, loss = loss}, Sequential)
end
function Sequential:forward(X)
  for _, m in ipairs(self.modules) do X = m:forward(X) end
  return X
end
function Sequential:backward(delta)
  for i = #self.modules, 1, -1 do delta = self.modules[i]:backward(delta) end
  return delta
end
function Sequential:sgd_step(lr)
  for _, m in ipairs(self.modules) do m:sgd_step(lr) end
end
function Sequential:sgd(X, Y, iters, lr)
  local _, N = X:shape()
  local sum = 0
  for _ = 1, iters do
    local i = matrix.randint(N)
    local Xt, Yt = X:col(i), Y:col(i)
    sum = sum + self.loss:forward(self:forward(Xt), Yt)
    self:backward(self.loss:backward())
    self:sgd_step(lr)
  end
  return sum / iters
end

-- The loss and the objective J
local losses = {}
local function guess(g) return g >= 0.5 and 1 or 0 end
function losses.zero_one(G, Y)
  return G:map(function(g, i, j) return guess(g) == Y:get(i, j) and 0 or 1 end)
end
function losses.asym(G, Y, cfp, cfn)
  return G:map(function(g, i, j)
    local y = Y:get(i, j)
    return guess(g) * (1 - y) * cfp + (1 - guess(g)) * y * cfn
  end)
end
function losses.nll(G, Y)
  return G:map(function(g, i, j)
    local y = Y:get(i, j)
    return -(y * math.log(g) + (1 - y) * math.log(1 - g))
  end)
end
function losses.J(G, Y)
  local _, n = G:shape()
  return losses.nll(G, Y):sum() / n
end
losses.scale = 'b'
losses.pick = {screening = 'asymmetric', probability = 'nll', dislike = 'squared', report = 'zero_one'}

-- One SGD step by hand, eta(t), and SGD as net:sgd runs it
local sgd = {}
do
  local W = matrix{{1, -2, 0.5}, {0, 1, 1}, {-1, 0.5, 2}, {2, 0, -1}}
  local W0 = matrix.col{0.5, -1, 0}
  local x, y = matrix.col{1, 2, -1, 0.5}, matrix.col{1, 0, 2}
  local eta = 0.1
  local g = (W:T() * x + W0 - y) * 2          -- dloss/dA at step t-1
  sgd.W0 = W0 - g * eta
  sgd.W = W - x * g:T() * eta
end
function sgd.eta(t) return 0.5 / t end
function sgd.run(W, W0, X, Y, etas)
  local _, n = X:shape()
  for t = 1, #etas do
    local i = matrix.randint(n)
    local x, y = X:col(i), Y:col(i)
    local d = (W:T() * x + W0 - y) * 2
    W, W0 = W - x * d:T() * etas[t], W0 - d * etas[t]
  end
  return W, W0
end

-- Predicting on new data
local predict = {}
local function logits(Ws, W0s, X)
  local A = X
  for l = 1, #Ws - 1 do A = tanh(Ws[l]:T() * A + W0s[l]) end
  return Ws[#Ws]:T() * A + W0s[#Ws]
end
function predict.classify(Ws, W0s, X) return logits(Ws, W0s, X):argmax(1) end
function predict.prob(Ws, W0s, X)
  return logits(Ws, W0s, X):map(function(z) return 1 / (1 + math.exp(-z)) end)
end
function predict.dislike(Ws, W0s, X) return logits(Ws, W0s, X) end
function predict.J(Ws, W0s, X, Y)
  local _, b = X:shape()
  local E = predict.dislike(Ws, W0s, X) - Y
  return E:mul(E):sum() / b
end

return {features = features, notation = notation, activations = activations, derivs = derivs,
  backprop = backprop, step = stepex, homework = homework, losses = losses, sgd = sgd,
  predict = predict}
]==]

-- A known-wrong submission: the solution with each {old, new} replaced
-- (each old must occur exactly once).  loses: the parts it must lose all
-- the points of ('ex.part'), or at least so many (['ex.part'] = x: partial
-- credit, for a module with one method wrong, a mistake that shows on
-- some test points only).
local function patch(name, loses, ...)
  local source = set.solution
  for _, p in ipairs{...} do
    local i, j = source:find(p[1], 1, true)
    assert(i and not source:find(p[1], j + 1, true), name .. ': the patch does not apply once: ' .. p[1])
    source = source:sub(1, i - 1) .. p[2] .. source:sub(j + 1)
  end
  return {name = name, loses = loses, source = source}
end

set.wrong = {
  patch('strict steps', {['features.phi'] = 0.6, ['features.h'] = 0.6, ['features.h3'] = 0.57},
    {'return z >= 0 and 1 or 0 end', 'return z > 0 and 1 or 0 end'}),
  patch('labels 1/0 instead of +1/-1', {'features.h', 'features.h3', 'features.labels'},
    {'return z >= 0 and 1 or -1', 'return z >= 0 and 1 or 0'}),
  patch('theta0 of an OR', {'features.and_theta0'},
    {'features.and_theta0 = -1.5', 'features.and_theta0 = -1'}),
  patch('rows and columns swapped in shapes', {['notation.shapes'] = 0.22},
    {'W1 = {3, 4}, W01 = {4, 1}, Z1 = {4, 1}', 'W1 = {4, 3}, W01 = {4, 1}, Z1 = {4, 1}'}),
  patch('n^(l) taken for the batch size', {['notation.batch'] = 0.4},
    {'W1 = {3, 4}, W01 = {4, 1}, Z1 = {4, 5}', 'W1 = {3, 5}, W01 = {5, 1}, Z1 = {4, 5}'}),
  patch('forward without W0', {'notation.Z1', 'notation.A1', 'notation.A2', 'notation.forward'},
    {'notation.Z1 = W1:T() * x + W01', 'notation.Z1 = W1:T() * x'},
    {'notation.A2 = sigmoid(W2:T() * notation.A1 + W02)', 'notation.A2 = sigmoid(W2:T() * notation.A1)'},
    {'return sigmoid(W2:T() * relu(W1:T() * X + W01) + W02)', 'return sigmoid(W2:T() * relu(W1:T() * X))'}),
  patch('forward returns b x n', {['notation.forward'] = 1.5},
    {'return sigmoid(W2:T() * relu(W1:T() * X + W01) + W02)',
     'return sigmoid(W2:T() * relu(W1:T() * X + W01) + W02):T()'}),
  patch('activation choices', {'activations.regression', 'activations.nll', 'activations.step',
      'activations.hidden'},
    {"regression = 'identity', nll = 'sigmoid', step = 'c', hidden = 'tanh'",
     "regression = 'relu', nll = 'step', step = 'd', hidden = 'identity'"}),
  patch('Jacobian transposed', {'derivs.dA_dx'},
    {'derivs.dA_dx = W:copy()', 'derivs.dA_dx = W:T()'}),
  patch('missing factor 2', {'derivs.dloss_dA', 'derivs.dloss_dW', 'derivs.dloss_dW0'},
    {'derivs.dloss_dA = (A - y) * 2', 'derivs.dloss_dA = A - y'}),
  patch('dloss/dW transposed', {'derivs.dloss_dW'},
    {'derivs.dloss_dW = x * derivs.dloss_dA:T()', 'derivs.dloss_dW = derivs.dloss_dA * x:T()'}),
  patch('sign error in dloss/dA', {'derivs.dloss_dA', 'derivs.dloss_dW', 'derivs.dloss_dW0'},
    {'derivs.dloss_dA = (A - y) * 2', 'derivs.dloss_dA = (y - A) * 2'}),
  patch('why: W not square', {'derivs.why'}, {"derivs.why = 'b'", "derivs.why = 'a'"}),
  patch('diagonal SoftMax Jacobian', {'backprop.dZ', 'backprop.dW', 'backprop.dW0', 'backprop.batch'},
    {'J:set(j, k, a:get(k, 1) * ((j == k and 1 or 0) - a:get(j, 1)))',
     'J:set(j, k, j == k and a:get(k, 1) * (1 - a:get(j, 1)) or 0)'}),
  patch('tanh derivative left out', {['backprop.dZ'] = 1.8, ['backprop.dW'] = 1.2,
      ['backprop.dW0'] = 0.6, ['backprop.batch'] = 1.2},
    {'dZ[l] = D * (Ws[l + 1] * dZ[l + 1])', 'dZ[l] = Ws[l + 1] * dZ[l + 1]'}),
  patch('dW transposed', {'backprop.dW', 'backprop.batch'},
    {'for l = 1, #Ws do dW[l] = A[l - 1] * dZ[l]:T() end', 'for l = 1, #Ws do dW[l] = dZ[l] * A[l - 1]:T() end'}),
  patch('mean over the batch', {'backprop.batch'},
    {'  return {dW = dW, dW0 = dW0}', '  for l = 1, #Ws do dW[l] = dW[l] / b; dW0[l] = dW0[l] / b end\n'
      .. '  return {dW = dW, dW0 = dW0}'}),
  patch('Step below layer l', {['step.net'] = 2},
    {'nn.Linear(2, 3), nn.Sigmoid(), nn.Linear(3, 3), nn[kind](),',
     'nn.Linear(2, 3), nn[kind](), nn.Linear(3, 3), nn.Sigmoid(),'}),
  patch('why: the weights', {'step.why'}, {"local stepex = {why = 'd'}", "local stepex = {why = 'b'}"}),
  patch('Linear W drawn with std 1', {['homework.Linear'] = 0.5},
    {'self.W = matrix.randn(m, n, 0, 1.0 * m ^ -0.5)', 'self.W = matrix.randn(m, n)'}),
  patch('Linear forward without W0', {'homework.extra', ['homework.Linear'] = 0.5,
      ['homework.Sequential'] = 0.75},
    {'return self.W:T() * A + self.W0', 'return self.W:T() * A'}),
  patch('dLdW0 averaged', {['homework.Linear'] = 1, ['homework.Sequential'] = 0.75},
    {'self.dLdW0 = dLdZ:sum(2)', 'self.dLdW0 = dLdZ:mean(2)'}),
  patch('sgd_step climbs', {'homework.hard', 'homework.extra', ['homework.Linear'] = 0.5,
      ['homework.Sequential'] = 1.5},
    {'self.W = self.W - self.dLdW * lr', 'self.W = self.W + self.dLdW * lr'}),
  patch('naive tanh', {['homework.Tanh'] = 0.33},
    {'local t = 1 - 2 / (math.exp(2 * math.abs(z)) + 1)\n    return z < 0 and -t or t',
     'local e = math.exp(2 * z)\n    return (e - 1) / (e + 1)'}),
  patch('ReLU derivative 1 at 0', {['homework.ReLU'] = 0.33},
    {"self.A = Z:map(function(z) return z > 0 and z or 0 end)",
     "self.Z = Z\n  self.A = Z:map(function(z) return z > 0 and z or 0 end)"},
    {"return dLdA:mul(self.A:map(function(a) return a ~= 0 and 1 or 0 end))",
     "return dLdA:mul(self.Z:map(function(z) return z >= 0 and 1 or 0 end))"}),
  patch('naive SoftMax', {['homework.SoftMax'] = 0.67},
    {'return math.exp(z - mx:get(1, j))', 'return math.exp(z)'}),
  patch('homework NLL/SoftMax backward', {['homework.SoftMax'] = 0.67, ['homework.NLLM'] = 1,
      ['homework.Sequential'] = 1.5},
    {'return A:map(function(a, i, j) return a * (dLdA:get(i, j) - dot:get(1, j)) end)', 'return dLdA'},
    {'return self.Y:map(function(y, i, j) return y ~= 0 and -y / P:get(i, j) or 0 end)',
     'return P - self.Y'}),
  patch('sgd returns the sum', {'homework.extra', ['homework.Sequential'] = 0.75},
    {'  return sum / iters', '  return sum'}),
  patch('sgd samples a fixed column', {'homework.hard', 'homework.extra', ['homework.Sequential'] = 0.75},
    {'local i = matrix.randint(N)', 'local i = 1'}),
  patch('strict 0-1 threshold', {'losses.zero_one', 'losses.asym'},
    {'local function guess(g) return g >= 0.5 and 1 or 0 end',
     'local function guess(g) return g > 0.5 and 1 or 0 end'}),
  patch('asymmetric costs swapped', {'losses.asym'},
    {'return guess(g) * (1 - y) * cfp + (1 - guess(g)) * y * cfn',
     'return guess(g) * (1 - y) * cfn + (1 - guess(g)) * y * cfp'}),
  patch('NLL in log base 10', {'losses.nll', 'losses.J'},
    {'return -(y * math.log(g) + (1 - y) * math.log(1 - g))',
     'return -(y * math.log(g, 10) + (1 - y) * math.log(1 - g, 10))'}),
  patch('J as the sum', {'losses.J'},
    {'return losses.nll(G, Y):sum() / n', 'return losses.nll(G, Y):sum()'}),
  patch('scale: the same gradient', {'losses.scale'}, {"losses.scale = 'b'", "losses.scale = 'a'"}),
  patch('NLL and squared swapped', {['losses.pick'] = 1},
    {"probability = 'nll', dislike = 'squared'", "probability = 'squared', dislike = 'nll'"}),
  patch('SGD: W0 climbs', {'sgd.W0'}, {'sgd.W0 = W0 - g * eta', 'sgd.W0 = W0 + g * eta'}),
  patch('SGD: W after the new W0', {'sgd.W'},
    {'sgd.W = W - x * g:T() * eta', 'sgd.W = W - x * ((W:T() * x + sgd.W0 - y) * 2):T() * eta'}),
  patch('eta constant', {'sgd.eta'}, {'function sgd.eta(t) return 0.5 / t end',
    'function sgd.eta(t) return 0.5 end'}),
  patch('eta 1/sqrt(t)', {'sgd.eta'}, {'function sgd.eta(t) return 0.5 / t end',
    'function sgd.eta(t) return 0.5 / math.sqrt(t) end'}),
  patch('run: W0 updated first', {['sgd.run'] = 1.5},
    {'W, W0 = W - x * d:T() * etas[t], W0 - d * etas[t]',
     'W0 = W0 - d * etas[t]\n    d = (W:T() * x + W0 - y) * 2\n    W = W - x * d:T() * etas[t]'}),
  patch('run visits the points in order', {'sgd.run'},
    {'local i = matrix.randint(n)', 'local i = (t - 1) % n + 1'}),
  patch('classes 0-based', {'predict.classify'},
    {'return logits(Ws, W0s, X):argmax(1) end', 'return logits(Ws, W0s, X):argmax(1) - 1 end'}),
  patch('probability without the sigmoid', {'predict.prob'},
    {'return logits(Ws, W0s, X):map(function(z) return 1 / (1 + math.exp(-z)) end)',
     'return logits(Ws, W0s, X)'}),
  patch('regression through a sigmoid', {'predict.dislike', 'predict.J'},
    {'function predict.dislike(Ws, W0s, X) return logits(Ws, W0s, X) end',
     'function predict.dislike(Ws, W0s, X) return predict.prob(Ws, W0s, X) end'}),
  patch('regression J as the sum', {'predict.J'},
    {'return E:mul(E):sum() / b', 'return E:mul(E):sum()'}),
  {name = 'empty', loses = {'features.phi', 'features.h', 'features.labels', 'features.h3',
    'features.and_theta0', 'notation.shapes', 'notation.batch', 'notation.Z1', 'notation.A1',
    'notation.A2', 'notation.forward', 'activations.regression', 'activations.nll',
    'activations.step', 'activations.hidden', 'derivs.dA_dW0', 'derivs.dA_dx', 'derivs.dloss_dA',
    'derivs.dloss_dW', 'derivs.dloss_dW0', 'derivs.why', 'backprop.dZ', 'backprop.dW',
    'backprop.dW0', 'backprop.batch', 'step.net', 'step.why', 'homework.Linear', 'homework.Tanh',
    'homework.ReLU', 'homework.SoftMax', 'homework.NLLM', 'homework.Sequential', 'homework.hard',
    'homework.extra', 'losses.zero_one', 'losses.asym', 'losses.nll', 'losses.J', 'losses.scale',
    'losses.pick', 'sgd.W0', 'sgd.W', 'sgd.eta', 'sgd.run', 'predict.classify', 'predict.prob',
    'predict.dislike', 'predict.J'}, source = 'return {}'},
}

-- A private part: the homework's Sequential with ReLU on the other data sets.
table.insert(exercise('homework').parts, {
  id = 'extra', points = 2, private = true,
  statement = 'homework.Sequential with ReLU networks on xor_more and '
    .. 'super_simple_separable_through_origin.',
  check = function(sub)
    local L = exercise('homework').lib
    local a = check.aspects({'sgd'}, L.SEQ_NOTE)
    for i, set_name in ipairs{'xor_more', 'super_simple_separable_through_origin'} do
      if not a.fail.sgd then L.sgd_run(sub, a, set_name, {2, 4, 3, 2}, 'ReLU', 780 + i, 300, 0.02) end
    end
    return a.result()
  end,
})
-- @private end

return set