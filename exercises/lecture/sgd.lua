-- The lecture set's exercise sgd (module nnlab.sets.lecture.sgd), a part of
-- the student copy of the set (exercises/lecture.lua; the format is in
-- exercises/README.md).
local nnlab = require 'nnlab'
local matrix, nn = nnlab.matrix, nnlab.nn
local check = require 'nnlab.check'
local fmt, src = string.format, check.src

---------------------------------------------------------------------------
-- 9. One SGD step by hand, a decreasing eta(t), and SGD against net:sgd

-- The one-layer 4 x 3 example of derivs (the same W, W0, x, y) and a step size.
local DER = require('nnlab.sets.lecture.derivs').lib.DER
local ETA = 0.1

-- One SGD step of the example in C: the layer's gradients at step t-1,
-- then its sgd_step.  Also the values of the usual mistakes.
local function step_reference()
  local layer = check.linear(DER.W, DER.W0)
  local loss = nn.Squared()
  loss:forward(layer:forward(DER.x), DER.y)
  layer:backward(loss:backward())
  local g, gW0 = layer.dLdW:copy(), layer.dLdW0:copy()
  layer:sgd_step(ETA)
  local r = {W = layer.W:copy(), W0 = layer.W0:copy(), dW = g, dW0 = gW0}
  -- W0 updated first, then dloss/dW computed with the new W0 (and the reverse)
  local function grads(W, W0)
    local l2 = check.linear(W, W0)
    local loss2 = nn.Squared()
    loss2:forward(l2:forward(DER.x), DER.y)
    l2:backward(loss2:backward())
    return l2.dLdW:copy(), l2.dLdW0:copy()
  end
  r.W_after_W0 = DER.W - grads(DER.W, r.W0) * ETA
  local _, gW0new = grads(r.W, DER.W0)
  r.W0_after_W = DER.W0 - gW0new * ETA
  -- W updated in place one entry at a time (row by row), each entry's
  -- derivative computed with the entries already updated
  local Win = DER.W:copy()
  local m, n = Win:shape()
  for j = 1, m do
    for k = 1, n do
      local gj = grads(Win, DER.W0)
      Win:set(j, k, Win:get(j, k) - ETA * gj:get(j, k))
    end
  end
  r.W_in_place = Win
  return r
end

-- sgd.eta: the step sizes looked at, and how fast eta falls at large t.
local ETA_TS = {1, 2, 3, 4, 5, 10, 20, 50, 100, 1000, 10000, 100000, 1000000, 2000000,
  100000000, 200000000}

-- Cases of sgd.run: sizes m x n of W, the number of points, the step sizes
-- (a constant, or falling as eta0 / t), the seed of the data and of the
-- draws of i.
local RUN_CASES = {
  {m = 4, n = 3, points = 6, steps = 8, eta0 = 0.05, falling = false, seed = 901},
  {m = 4, n = 3, points = 5, steps = 12, eta0 = 0.1, falling = true, seed = 902},
  {m = 3, n = 2, points = 7, steps = 10, eta0 = 0.08, falling = false, seed = 903},
}

local function run_case(i)
  local c = RUN_CASES[i]
  matrix.seed(c.seed)
  local W, W0 = matrix.randn(c.m, c.n, 0, 0.5), matrix.randn(c.n, 1, 0, 0.5)
  local X, Y = matrix.randn(c.m, c.points), matrix.randn(c.n, c.points)
  local etas = {}
  for t = 1, c.steps do etas[t] = c.falling and c.eta0 / t or c.eta0 end
  return W, W0, X, Y, etas
end

-- The reference: the C network Linear(m, n) with the squared loss trained
-- by net:sgd from seed s (one call of c.steps steps for a constant eta, one
-- call of one step per eta(t) otherwise: the same draws of i).  Also the
-- values of the usual mistakes, by hand with the same draws.
local function run_reference(i, s)
  local c = RUN_CASES[i]
  local W, W0, X, Y, etas = run_case(i)
  local net = nn.Sequential({check.linear(W, W0)}, nn.Squared())
  matrix.seed(s)
  if c.falling then
    for t = 1, c.steps do net:sgd(X, Y, 1, etas[t]) end
  else
    net:sgd(X, Y, c.steps, c.eta0)
  end
  local r = {W = net.modules[1].W:copy(), W0 = net.modules[1].W0:copy()}
  local function by_hand(pick, w0_first)
    matrix.seed(s)
    local w, w0 = W:copy(), W0:copy()
    for t = 1, c.steps do
      local j = pick(t)
      local x, y = X:col(j), Y:col(j)
      local d = (w:T() * x + w0 - y) * 2
      local w0new = w0 - d * etas[t]
      if w0_first then d = (w:T() * x + w0new - y) * 2 end
      w, w0 = w - x * d:T() * etas[t], w0new
    end
    return w, w0
  end
  r.first = {by_hand(function() return matrix.randint(c.points) end, true)}
  r.cycle = {by_hand(function(t) return (t - 1) % c.points + 1 end)}
  return r
end

-- The checker of a part on the step's result: sgd.<key> against the
-- reference's r[key], with the slips wrong(r) lists.
local function step_check(key, wrong)
  return function(sub)
    local got, err = check.answer(sub, 'sgd', key)
    if not got then return false, err end
    local r = step_reference()
    return check.matrix(got, r[key], {name = 'sgd.' .. key, wrong = wrong(r)})
  end
end

local sgd = {
  id = 'sgd',
  title = 'SGD by hand',
  statement = [[
The problem setup's step 3: learn the parameters.  Part of SGD step t:
randomly choose a data point (x, y) and update

  W_0,j^(1) <- W_0,j^(1) - eta(t) dloss/dW_0,j^(1)      (the same for every W_jk^(1))

where every value on the right-hand side is from step t-1: the derivatives
are taken at the old W and W_0, and W and W_0 change together, at the end of
the step.  The lecture's one-layer example (as in the exercise derivs):
m^(1) = 4 inputs, n^(1) = 3 outputs, A^(1) = W^(1)T x + W_0^(1) and
loss = sum_k (A^(1)_k - y_k)^2, with

  W^(1) = ]] .. src(DER.W) .. [[,
  W_0^(1) = ]] .. src(DER.W0) .. [[,
  x = ]] .. src(DER.x) .. ', y = ' .. src(DER.y) .. [[,
  eta = ]] .. ETA .. [[.

The sandbox has `matrix` only.]],
  starter = [[
local sgd = {}
local W = ]] .. src(DER.W) .. [[

local W0 = ]] .. src(DER.W0) .. [[

local x, y = ]] .. src(DER.x) .. ', ' .. src(DER.y) .. [[

local eta = ]] .. ETA .. [[

sgd.W0 = nil                           -- W_0^(1) at the end of the step
sgd.W = nil                            -- W^(1) at the end of the step
function sgd.eta(t)                    -- a step size for step t = 1, 2, ...
end
function sgd.run(W, W0, X, Y, etas)    -- #etas steps of SGD; returns W, W0
end
]],
  hints = {
    'derivs: dloss/dA = 2 (A - y), dloss/dW = x (dloss/dA)^T, dloss/dW_0 = dloss/dA.',
    'Compute both derivatives first, then update both matrices: a new W_0 must not go into '
      .. 'the derivative for W.',
    'net:sgd draws i = matrix.randint(n) at each step (n: the number of columns of X); draw yours '
      .. 'the same way and, after the same matrix.seed, you visit the same points.',
  },
  libs = 'matrix',
  parts = {
    {
      id = 'W0', points = 2,
      statement = 'sgd.W0 = W_0^(1) at the end of one SGD step on (x, y) with eta = ' .. ETA .. '.',
      check = step_check('W0', function(r)
        return {
          {DER.W0 + r.dW0 * ETA, 'you moved W_0 up the gradient: the update subtracts '
            .. 'eta(t) dloss/dW_0'},
          {r.dW0, 'you gave dloss/dW_0; the step\'s result is W_0 - eta dloss/dW_0'},
          {DER.W0 - r.dW0, 'you left out the step size eta'},
          {r.W0_after_W, 'you took dloss/dW_0 at the updated W: every value on the right of the '
            .. 'update is from step t-1'}}
      end),
    },
    {
      id = 'W', points = 2,
      statement = 'sgd.W = W^(1) at the end of the same step (updated from the values of step '
        .. 't-1 only, not in place one entry at a time).',
      check = step_check('W', function(r)
        return {
          {DER.W + r.dW * ETA, 'you moved W up the gradient: the update subtracts '
            .. 'eta(t) dloss/dW'},
          {r.dW, 'you gave dloss/dW; the step\'s result is W - eta dloss/dW'},
          {DER.W - r.dW, 'you left out the step size eta'},
          {r.W_after_W0, 'you took dloss/dW with W_0 already updated: every value on the right '
            .. 'of the update is from step t-1'},
          {r.W_in_place, 'you updated W in place one entry at a time, so later entries used a '
            .. 'derivative taken at a W partly updated: take dloss/dW at the old W, then update'}}
      end),
    },
    {
      id = 'eta', points = 1,
      statement = [[
sgd.eta(t): a step size for step t = 1, 2, ... that decreases, slowly enough
that sum_t eta(t) = infinity (SGD can still go anywhere) and fast enough
that sum_t eta(t)^2 < infinity (it settles).  The checker calls it for t up
to 2 10^8 and estimates from eta(T) and eta(2T), at large T, how fast it
falls: like t^-p with 1/2 < p <= 1 passes.]],
      check = function(sub)
        local f, err = check.answer(sub, 'sgd', 'eta')
        if not f then return false, err end
        local v = {}
        for k, t in ipairs(ETA_TS) do
          local ok, e = check.call(sub, f, fmt('sgd.eta(%d)', t), t)
          if not ok then return false, e end
          if type(e) ~= 'number' or e ~= e or math.abs(e) == math.huge then
            return false, fmt('sgd.eta(%d): expected a finite number, got %s', t, check.kind(e))
          end
          if e <= 0 then
            return false, fmt('sgd.eta(%d) is %s: a step size must stay positive (sum_t eta(t) '
              .. 'must be infinite)', t, e == 0 and '0' or 'negative')
          end
          if k > 1 and e > v[k - 1] then
            return false, fmt('sgd.eta(%d) is larger than sgd.eta(%d): eta(t) must not increase',
              t, ETA_TS[k - 1])
          end
          v[k] = e
        end
        if not (v[#v] < v[1]) then
          return false, 'sgd.eta(t) does not decrease: a constant step keeps SGD jumping around '
            .. 'the minimum (sum_t eta(t)^2 is infinite)'
        end
        -- the decay exponents at T = 10^6 and 10^8: eta(2T) / eta(T) = 2^-p
        for _, k in ipairs{13, 15} do
          local p = math.log(v[k] / v[k + 1], 2)
          if p <= 0.5 + 1e-3 then
            return false, fmt('sgd.eta(t) falls too slowly at large t (around t = %d, like '
              .. 't^-p with p <= 1/2): sum_t eta(t)^2 is infinite', ETA_TS[k])
          end
          if p > 1 + 1e-3 then
            return false, fmt('sgd.eta(t) falls too fast at large t (around t = %d, faster '
              .. 'than 1/t): sum_t eta(t) is finite, so SGD can stop short of the minimum',
              ETA_TS[k])
          end
        end
        return true
      end,
    },
    {
      id = 'run', points = 3,
      statement = [[
sgd.run(W, W0, X, Y, etas): #etas steps of SGD on the one-layer network
A = W^T x + W_0 with the squared loss, for data X (m x n_data) and Y
(n x n_data, one point per column) and any sizes m, n.  Step t picks
i = matrix.randint(n_data), as net:sgd does, and updates W and W_0 with
eta(t) = etas[t].  Return W and W_0 at the end.  The checker runs
net:sgd from the same seed (one step per eta(t)) and compares.]],
      check = function(sub)
        local f, err = check.answer(sub, 'sgd', 'run')
        if not f then return false, err end
        local t = check.tally()
        for i, c in ipairs(RUN_CASES) do
          local W, W0, X, Y, etas = run_case(i)
          local s = 910 + i
          local r = run_reference(i, s)
          local what = fmt('sgd.run on a %dx%d W, %d points, %d steps (%s eta)', c.m, c.n,
            c.points, c.steps, c.falling and 'a falling' or 'a constant')
          sub:seed(s)
          local ok, gW, gW0 = check.call(sub, f, what, W, W0, X, Y, etas)
          if not ok then return false, gW end
          local first = 'you took dloss/dW with W_0 already updated: every value on the right '
            .. 'of the update is from step t-1'
          local cycle = 'you visited the points in order; SGD picks i = matrix.randint(n_data) '
            .. 'at each step, as net:sgd does'
          t:add(check.matrix(gW, r.W, {name = what .. ': W', wrong = {{r.first[1], first},
            {r.cycle[1], cycle}}}))
          t:add(check.matrix(gW0, r.W0, {name = what .. ': W_0', wrong = {{r.cycle[2], cycle}}}))
        end
        return t:result()
      end,
    },
  },
}

-- For the instructor's copy of the set: what its full checkers use.
sgd.lib = {ETA = ETA, step_reference = step_reference, run_case = run_case,
  run_reference = run_reference}

return sgd
