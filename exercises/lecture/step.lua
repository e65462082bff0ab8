-- The lecture set's exercise step (module nnlab.sets.lecture.step), a part of
-- the student copy of the set (exercises/lecture.lua; the format is in
-- exercises/README.md).
local nnlab = require 'nnlab'
local matrix, nn = nnlab.matrix, nnlab.nn
local check = require 'nnlab.check'

local fmt = string.format

---------------------------------------------------------------------------
-- 6. The lecture's exercise: a step above layer l

-- The C modules step.net may use, built from a kind (and the Linear's weights).
local STEP_KINDS = {Linear = true, Step = true, Sigmoid = true, Tanh = true, ReLU = true,
  LeakyReLU = true, Identity = true}

-- The submission's network: a list of {kind =, ref =, layer =} (layer: the
-- number of the Linear the module is in), or nil and feedback.
local function inspect(sub, net, what)
  if not check.isobject(net) then
    return nil, fmt('%s must return an nn.Sequential, got %s', what, check.kind(net))
  end
  local mods = check.index(sub, net, 'modules')
  if type(mods) ~= 'table' or check.isobject(mods) or #mods == 0 then
    return nil, fmt('%s must return an nn.Sequential of nn\'s modules (its .modules is a list)', what)
  end
  local list, layer = {}, 0
  for i, ref in ipairs(mods) do
    local kind = check.isobject(ref) and check.index(sub, ref, 'kind')
    if type(kind) ~= 'string' or not STEP_KINDS[kind] then
      return nil, fmt('%s: module %d is not one of nn.Linear, nn.Step, nn.Sigmoid, nn.Tanh, nn.ReLU, '
        .. 'nn.LeakyReLU, nn.Identity', what, i)
    end
    if kind == 'Linear' then layer = layer + 1 end
    if layer == 0 then
      return nil, fmt('%s: module %d (%s) comes before the first nn.Linear', what, i, kind)
    end
    list[i] = {kind = kind, ref = ref, layer = layer}
  end
  local loss = check.index(sub, net, 'loss')
  if not check.isobject(loss) or check.index(sub, loss, 'kind') ~= 'NLL' then
    return nil, fmt('%s: the loss must be nn.NLL()', what)
  end
  return list
end

-- The same network rebuilt from C modules in the grader, with the
-- submission's weights.
local function rebuild(sub, list)
  local mods = {}
  for i, mod in ipairs(list) do
    if mod.kind == 'Linear' then
      local W, W0 = check.index(sub, mod.ref, 'W'), check.index(sub, mod.ref, 'W0')
      assert(matrix.is(W) and matrix.is(W0), 'a Linear without W and W0')
      mods[i] = check.linear(W, W0)
    elseif mod.kind == 'LeakyReLU' then
      mods[i] = nn.LeakyReLU(check.index(sub, mod.ref, 'alpha'))
    else
      mods[i] = nn[mod.kind]()
    end
  end
  return nn.Sequential(mods, nn.NLL())
end

-- The l-th Linear of a list, and the highest layer holding a module of kind.
local function layer_of(list, l)
  for _, mod in ipairs(list) do
    if mod.kind == 'Linear' and mod.layer == l then return mod end
  end
end

local function highest(list, kind)
  local k
  for _, mod in ipairs(list) do
    if mod.kind == kind then k = mod.layer end
  end
  return k
end

-- The checker's data: 8 points in 2-D with labels 0/1.
local function step_data()
  matrix.seed(601)
  return matrix.randn(2, 8), matrix.rand(1, 8):map(function(u) return u < 0.5 and 0 or 1 end)
end

-- Runs the submission's net(kind): its list, l, and its dloss/dW^(l) after
-- backprop on the checker's data next to the C network's; or nil, feedback.
local function step_run(sub, f, kind)
  local what = fmt('step.net("%s")', kind)
  local ok, net, l = check.call(sub, f, what, kind)
  if not ok then return nil, net end
  if math.type(l) ~= 'integer' and not (type(l) == 'number' and l == math.floor(l)) then
    return nil, fmt('%s must return the network and the layer l (an integer), got %s for l',
      what, check.kind(l))
  end
  local list, err = inspect(sub, net, what)
  if not list then return nil, err end
  local first = list[1]
  local L = highest(list, 'Linear')
  if l < 1 or l > L then
    return nil, fmt('%s: l must be a layer of the network, 1 to %d', what, L)
  end
  if check.index(sub, first.ref, 'm') ~= 2 then
    return nil, fmt('%s: the network must take 2 inputs (its first nn.Linear has m = 2)', what)
  end
  if check.index(sub, layer_of(list, L).ref, 'n') ~= 1 then
    return nil, fmt('%s: the network must have 1 output (its last nn.Linear has n = 1)', what)
  end
  local X, Y = step_data()
  local okb, msg = check.method(sub, net, 'backprop', what .. ':backprop(X, Y)', X, Y)
  if not okb then return nil, msg end
  local mod = layer_of(list, l)
  local got = check.index(sub, mod.ref, 'dLdW')
  local cnet = rebuild(sub, list)
  cnet:backprop(X, Y)
  local want
  for i, m in ipairs(list) do
    if m == mod then want = cnet.modules[i].dLdW end
  end
  return {list = list, l = l, got = got, want = want, what = what}
end

local STEP_WHY = {
  a = 'the factor A^(l-1) in dloss/dW^(l) = A^(l-1) (dloss/dZ^(l))^T, because a step outputs zeros',
  b = 'the factor dZ^(k+1)/dA^(k) = W^(k+1), which is zero above a step',
  c = 'the factor dloss/dA^(L), because a step makes the loss constant',
  d = 'the factor dA^(k)/dZ^(k) of the step layer k: the step\'s derivative is 0, so it is the '
    .. 'zero matrix, and a product with a zero factor is zero',
}

local step = {
  id = 'step',
  title = 'A step above layer l',
  statement = [[
The lecture's exercise: use

  dloss/dW^(l) = A^(l-1) (dloss/dZ^(l))^T,
  dloss/dZ^(l) = dA^(l)/dZ^(l) dZ^(l+1)/dA^(l) ... dA^(L)/dZ^(L) dloss/dA^(L)

to show that dloss/dW^(l) is 0 when a layer at or above l (a layer k >= l)
has a step activation.  Here you show it on a network of your own, built
from nn's modules.]],
  starter = [[
local step = {}
function step.net(kind)   -- kind is "Step" or "Sigmoid": nn[kind]() goes in a layer k >= l
  local net = nil         -- an nn.Sequential: 2 inputs, 1 output, the loss nn.NLL()
  local l = nil           -- the layer whose dloss/dW^(l) the checker looks at
  return net, l
end
step.why = nil
]],
  hints = {
    'nn.Step()\'s backward passes nothing: its derivative is 0 everywhere (nn.Step():jacobian(z) is a '
      .. 'zero matrix).',
    'A step at a layer k < l only changes A^(k), which is still an input of the layers above.',
  },
  parts = {
    {
      id = 'net', points = 4,
      statement = [[
step.net(kind) returns two values: an nn.Sequential and a layer number l.  The
network takes 2 inputs, has 1 output and the loss nn.NLL(); one of its layers
k >= l has the activation nn[kind]() (kind is "Step" or "Sigmoid"), the rest
is the same for both kinds.  The checker runs backprop on data of its own and
checks that dloss/dW^(l) is exactly 0 with "Step" and not 0 with "Sigmoid".]],
      check = function(sub)
        local f, err = check.answer(sub, 'step', 'net')
        if not f then return false, err end
        local s, serr = step_run(sub, f, 'Step')
        if not s then return false, serr end
        local k = highest(s.list, 'Step')
        if not k then
          return false, s.what .. ': the network has no nn.Step()'
        end
        local t = check.tally()
        if k < s.l then
          t:add(false, fmt('%s: your Step is in layer %d, below layer l = %d: a step below l only '
            .. 'changes A^(l-1), which dloss/dW^(l) = A^(l-1) (dloss/dZ^(l))^T still multiplies by '
            .. 'a non-zero dloss/dZ^(l)', s.what, k, s.l))
        else
          local zero = matrix.zeros(s.want:shape())
          assert(s.want == zero, 'the C core gives a non-zero gradient below a step')
          if matrix.is(s.got) and s.got == zero then
            t:add(true)
          else
            t:add(false, fmt('%s: dloss/dW^(%d) of your network is not zero after backprop (%s)',
              s.what, s.l, check.kind(s.got)))
          end
        end
        local g, gerr = step_run(sub, f, 'Sigmoid')
        if not g then
          t:add(false, gerr)
        else
          local kg = highest(g.list, 'Step')
          if kg and kg >= g.l then
            t:add(false, fmt('%s still has a Step at layer %d >= l: with "Sigmoid" no layer at or '
              .. 'above l may have a step', g.what, kg))
          elseif g.l ~= s.l or #g.list ~= #s.list then
            t:add(false, fmt('%s: the network and l must be the same as with "Step", only the '
              .. 'activation differs', g.what))
          elseif not matrix.is(g.got) or g.got == matrix.zeros(g.got:shape()) then
            t:add(false, fmt('%s: dloss/dW^(%d) is zero (%s); with a sigmoid in place of the '
              .. 'step it should not be', g.what, g.l, check.kind(g.got)))
          else
            t:add(check.matrix(g.got, g.want, {name = g.what .. ': dloss/dW^(' .. g.l .. ')'}))
          end
        end
        return t:result()
      end,
    },
    {
      id = 'why', points = 2,
      statement = 'Which factor makes dloss/dW^(l) zero?  step.why = one of:\n'
        .. check.choicetext(STEP_WHY),
      check = check.choice_check('step', 'why', STEP_WHY),
    },
  },
}

-- For the instructor's copy of the set: what its full checkers use.
step.lib = {STEP_WHY = STEP_WHY, step_data = step_data}

return step
