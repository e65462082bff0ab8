-- The lecture set's exercise predict (module nnlab.sets.lecture.predict), a part of
-- the student copy of the set (exercises/lecture.lua; the format is in
-- exercises/README.md).
local nnlab = require 'nnlab'
local matrix, nn, data = nnlab.matrix, nnlab.nn, nnlab.data
local check = require 'nnlab.check'
local fmt = string.format

---------------------------------------------------------------------------
-- 10. Predicting on new data (problem setup, step 4)

-- The C network Linear, Tanh, ..., Linear, top (the output activation's
-- module, or nil for the identity), with the given weights.
local function modules(Ws, W0s, top)
  local mods = {}
  for l = 1, #Ws do
    mods[#mods + 1] = check.linear(Ws[l], W0s[l])
    if l < #Ws then mods[#mods + 1] = nn.Tanh() elseif top then mods[#mods + 1] = top end
  end
  return mods
end

-- Random weights for the sizes dims = {m^(1), n^(1), ..., n^(L)}.
local function weights(dims)
  local Ws, W0s = {}, {}
  for l = 1, #dims - 1 do
    Ws[l] = matrix.randn(dims[l], dims[l + 1])
    W0s[l] = matrix.randn(dims[l + 1], 1, 0, 0.5)
  end
  return Ws, W0s
end

-- The classifiers: a 2-4-3 network trained by the C core on three blobs,
-- with new points from the same blobs; and a deeper one with random
-- weights on random points.  Returns Ws, W0s, X (the new points) and the C
-- network.
local function classifier(i)
  if i == 1 then
    matrix.seed(951)
    local net = nn.Sequential(modules(weights{2, 4, 3}, {matrix.zeros(4, 1), matrix.zeros(3, 1)},
      nn.SoftMax()), nn.NLLM())
    local X, Y = data.blobs(45, {k = 3, seed = 952})
    matrix.seed(953)
    net:sgd(X, Y, 400, 0.05)
    local Xnew = data.blobs(24, {k = 3, seed = 954})
    return {net.modules[1].W, net.modules[3].W}, {net.modules[1].W0, net.modules[3].W0}, Xnew, net
  end
  matrix.seed(960 + i)
  local Ws, W0s = weights{3, 5, 4, 4}
  return Ws, W0s, matrix.randn(3, 20), nn.Sequential(modules(Ws, W0s, nn.SoftMax()), nn.NLLM())
end

-- The one-output networks of prob, dislike and J: sizes, points, seed.
local ONE_CASES = {{dims = {2, 3, 1}, b = 6, seed = 971}, {dims = {3, 4, 2, 1}, b = 7, seed = 972}}

local function one_case(i)
  local c = ONE_CASES[i]
  matrix.seed(c.seed)
  local Ws, W0s = weights(c.dims)
  local X = matrix.randn(c.dims[1], c.b)
  local Y = matrix.randn(1, c.b, 0.5, 2)
  return Ws, W0s, X, Y, fmt('network %s on %d points', table.concat(c.dims, '-'), c.b)
end

-- Calls the submission's function name on every case of the one-output
-- networks: want(Ws, W0s, X, Y) -> the reference and the opts of
-- check.matrix or check.number.
local function check_one(sub, name, want, args)
  local f, err = check.answer(sub, 'predict', name)
  if not f then return false, err end
  local t = check.tally()
  for i in ipairs(ONE_CASES) do
    local Ws, W0s, X, Y, case = one_case(i)
    local ref, opts = want(Ws, W0s, X, Y)
    local what = fmt('predict.%s(%s) on the %s', name, args, case)
    opts.name = what
    local ok, got = check.call(sub, f, what, Ws, W0s, X, Y)
    if not ok then return false, got end
    if type(ref) == 'number' then
      t:add(check.number(got, ref, opts))
    else
      t:add(check.matrix(got, ref, opts))
    end
  end
  return t:result()
end

local function sigmoid(Z) return nn.Sigmoid():forward(Z) end

local predict = {
  id = 'predict',
  title = 'Predicting on new data',
  statement = [[
The problem setup's step 4: predict on new data using the learned parameters.
Each function below gets a trained network's weights as two lists,
Ws = {W^(1), ..., W^(L)} and W0s = {W_0^(1), ..., W_0^(L)}, and new points
X (m^(1) x b, one per column).  The hidden layers are
A^(l) = tanh(W^(l)T A^(l-1) + W_0^(l)), A^(0) = x; the output layer
A^(L) = f^(L)(Z^(L)), Z^(L) = W^(L)T A^(L-1) + W_0^(L), has the activation the
part names.  The sandbox has `matrix` only.]],
  starter = [[
local predict = {}
function predict.classify(Ws, W0s, X)   -- 1 x b: the class of each point (1, 2, ...)
end
function predict.prob(Ws, W0s, X)       -- 1 x b: the probability that I won't run today
end
function predict.dislike(Ws, W0s, X)    -- 1 x b: how much will I dislike running today?
end
function predict.J(Ws, W0s, X, Y)       -- a number: J with the squared loss
end
]],
  hints = {
    'One forward pass serves every part: only f^(L) differs.',
    'm:argmax(1) gives, for each column of m, the row of its largest entry (1-based).',
    'A sigmoid squeezes any real number into (0, 1); the identity f(z) = z does not.',
  },
  libs = 'matrix',
  parts = {
    {
      id = 'classify', points = 2,
      statement = 'predict.classify(Ws, W0s, X): the class of each new point, a 1 x b matrix of '
        .. 'class indices 1, 2, ..., k, for a network with a SoftMax output of k units (the class '
        .. 'is the row of the largest output; classes are 1-based, as in net:classify).',
      check = function(sub)
        local f, err = check.answer(sub, 'predict', 'classify')
        if not f then return false, err end
        local c = check.classes()
        for i = 1, 2 do
          local Ws, W0s, X, net = classifier(i)
          local want = net:classify(X)
          local _, b = X:shape()
          local what = fmt('predict.classify(Ws, W0s, X) on the %s network with %d new points',
            i == 1 and 'trained 2-4-3' or '3-5-4-4', b)
          local ok, got = check.call(sub, f, what, Ws, W0s, X)
          if not ok then return false, got end
          local good, msg = check.matrix(got, want, {name = what, indices = true,
            wrong = {{net:forward(X), 'you returned the SoftMax outputs; the class is the row of '
              .. 'the largest one (m:argmax(1))'}}})
          local sized = matrix.is(got) and check.shapestr(got) == check.shapestr(want)
          for j = 1, b do
            local w = want:get(1, j)
            c:add('classes', w, good == true or (sized and got:get(1, j) == w), msg)
          end
        end
        return c:result()
      end,
    },
    {
      id = 'prob', points = 2,
      statement = 'predict.prob(Ws, W0s, X): the network\'s one output is "the probability that I '
        .. 'won\'t run today", f^(L)(z) = sigma(z) = 1 / (1 + exp(-z)); return the 1 x b row of '
        .. 'these probabilities.',
      check = function(sub)
        return check_one(sub, 'prob', function(Ws, W0s, X)
          local Z = check.forward(modules(Ws, W0s), X)
          local P = sigmoid(Z)
          return P, {wrong = {{Z, 'you returned Z^(L); the probability is sigma(Z^(L))'},
            {P:map(function(p) return 1 - p end), 'you returned 1 - sigma(Z^(L)), the '
              .. 'probability that I will run'},
            {matrix.ones(P:shape()), 'a SoftMax of one output is always 1: with one output unit '
              .. 'the probability is sigma(Z^(L))'}}}
        end, 'Ws, W0s, X')
      end,
    },
    {
      id = 'dislike', points = 1,
      statement = 'predict.dislike(Ws, W0s, X): regression, "how much will I dislike running '
        .. 'today?", any real number: the output activation is the identity, f^(L)(z) = z.  '
        .. 'Return the 1 x b row of predictions.',
      check = function(sub)
        return check_one(sub, 'dislike', function(Ws, W0s, X)
          local Z = check.forward(modules(Ws, W0s), X)
          return Z, {wrong = {{sigmoid(Z), 'your output went through a sigmoid, which keeps it in '
            .. '(0, 1); a regression output is any real number: f^(L)(z) = z'},
            {nn.Tanh():forward(Z), 'your output layer has a tanh; a regression output is any real '
              .. 'number: f^(L)(z) = z'}}}
        end, 'Ws, W0s, X')
      end,
    },
    {
      id = 'J', points = 1,
      statement = 'predict.J(Ws, W0s, X, Y): the objective J of the regression network on the '
        .. 'data X, Y (Y: 1 x b), with the squared loss L(a, y) = (a - y)^2: the average over the '
        .. 'b points.',
      check = function(sub)
        return check_one(sub, 'J', function(Ws, W0s, X, Y)
          local _, b = X:shape()
          local A = check.forward(modules(Ws, W0s), X)
          local sum = nn.Squared():forward(A, Y)
          local sig = nn.Squared():forward(sigmoid(A), Y)
          return sum / b, {wrong = {{sum, 'you gave the sum of the losses (the homework\'s batch '
            .. 'loss); J is their average'}, {sig / b, 'your output went through a sigmoid; the '
            .. 'regression output is the identity'}}}
        end, 'Ws, W0s, X, Y')
      end,
    },
  },
}

return predict
