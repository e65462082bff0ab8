-- The lecture set's exercise losses (module nnlab.sets.lecture.losses), a part of
-- the student copy of the set (exercises/lecture.lua; the format is in
-- exercises/README.md).
local nnlab = require 'nnlab'
local matrix, nn = nnlab.matrix, nnlab.nn
local check = require 'nnlab.check'
local fmt = string.format

---------------------------------------------------------------------------
-- 8. Choosing a loss and setting up the objective (problem setup, step 2)

-- Test cases: guesses G (1 x n, probabilities g = P(y = 1)) and labels Y
-- (1 x n, 0 or 1), drawn so that every case holds a true positive, a true
-- negative, a false positive, a false negative and a g of exactly 0.5 (a
-- guess of 1: the step is 1{g - 0.5 >= 0}), with the costs of the
-- asymmetric loss (a false positive, a false negative) different.
local CASES = {{n = 7, seed = 801, cfp = 1, cfn = 5}, {n = 9, seed = 802, cfp = 3, cfn = 0.5},
  {n = 12, seed = 803, cfp = 0.25, cfn = 2}}

local function case(i)
  local c = CASES[i]
  matrix.seed(c.seed)
  local G = matrix.rand(1, c.n):map(function(u) return 0.02 + 0.96 * u end)
  local Y = matrix.rand(1, c.n):map(function(u) return u < 0.5 and 0 or 1 end)
  -- the patterns every case must hold: (g, y) of a TP, TN, FP, FN, and g = 0.5
  for j, p in ipairs{{0.9, 1}, {0.2, 0}, {0.7, 0}, {0.1, 1}, {0.5, i % 2}} do
    G:set(1, j, p[1])
    Y:set(1, j, p[2])
  end
  return G, Y, c.cfp, c.cfn
end

-- The references in C: the guesses 1{g - 0.5 >= 0} by nn.Step, whether each
-- guess is wrong, false positives and negatives, and the NLL of each point
-- by nn.NLL on its column.
local function reference(G, Y, cfp, cfn)
  local _, n = G:shape()
  local r = {guess = nn.Step():forward(G - 0.5)}
  r.fp = r.guess:mul(Y:map(function(y) return 1 - y end))
  r.fn = Y:mul(r.guess:map(function(a) return 1 - a end))
  r.zero_one = r.fp + r.fn
  if cfp then r.asym = r.fp * cfp + r.fn * cfn end
  r.strict = (G:map(function(g) return g > 0.5 and 1 or 0 end) - Y):map(math.abs)
  r.nll = matrix.zeros(1, n)
  local loss = nn.NLL()
  for j = 1, n do r.nll:set(1, j, loss:forward(G:col(j), Y:col(j))) end
  r.sum = loss:forward(G, Y)   -- the homework's: the sum over the batch
  assert(math.abs(r.sum - r.nll:sum()) <= 1e-12 * (1 + r.sum), 'nn.NLL is not a sum of point losses')
  r.J = r.sum / n
  return r
end

-- A part whose answer is a function of (G, Y [, cfp, cfn]) giving a 1 x n
-- row: checked on every case, with the usual mistakes of each.
local function row_part(id, points, statement, mistakes)
  return {
    id = id, points = points, statement = statement,
    check = function(sub)
      local f, err = check.answer(sub, 'losses', id)
      if not f then return false, err end
      local t = check.tally()
      for i in ipairs(CASES) do
        local G, Y, cfp, cfn = case(i)
        local r = reference(G, Y, cfp, cfn)
        local what = fmt('losses.%s(G, Y%s) on test case %d', id, id == 'asym' and ', cfp, cfn' or '', i)
        local ok, got = check.call(sub, f, what, G:copy(), Y:copy(), cfp, cfn)
        if not ok then return false, got end
        t:add(check.matrix(got, r[id], {name = what, wrong = mistakes(r, G, Y, cfp, cfn)}))
      end
      return t:result()
    end,
  }
end

local STEP = 'a guess g of exactly 0.5 is a 1: the guess is 1{g - 0.5 >= 0}, and a step is 1 at 0'

-- How averaging changes the gradient step: the choices.
local SCALE_CHOICES = {
  a = 'nothing: the sum and the average have the same gradient, so the same eta takes the same '
    .. 'steps',
  b = 'the gradient of the sum is n_data times the gradient of J, so a gradient step of size eta on '
    .. 'the sum is a step of size n_data eta on J: on the sum, eta / n_data takes the steps that '
    .. 'eta takes on J',
  c = 'the gradient of the sum is the gradient of J divided by n_data, so the sum needs the larger '
    .. 'step n_data eta to move as far',
  d = 'the average is smaller than the sum, so gradient descent on J converges in fewer steps '
    .. 'whatever eta is',
}

-- The losses to pick from, with their other spellings, and the situations.
local LOSS_NAMES = {'zero_one', 'asymmetric', 'nll', 'squared'}
local LOSS_ALIASES = {
  zero_one = {'0-1', '0/1', 'zero-one', 'zero one', 'zero_one loss', '0-1 loss'},
  asymmetric = {'asym', 'asymmetric loss', 'weighted'},
  nll = {'negative log-likelihood', 'negative log likelihood', 'log loss', 'cross-entropy',
    'cross entropy'},
  squared = {'square', 'squared loss', 'squared error', 'mse'},
}
local SITUATIONS = {
  {key = 'screening', text = 'a screening test: the network says whether a patient needs a '
    .. 'follow-up, and sending a healthy patient to one costs far less than missing a sick one'},
  {key = 'probability', text = 'the output is "the probability that I won\'t run today" (a '
    .. 'sigmoid), and SGD must be able to train it'},
  {key = 'dislike', text = 'the output is "how much will I dislike running today?", a real '
    .. 'number on no fixed scale (an identity output)'},
  {key = 'report', text = 'not for training: the number to report of a trained classifier on '
    .. 'new data, the share of its guesses that are wrong'},
}

local function loss_choices(why)
  local c = {}
  for _, id in ipairs(LOSS_NAMES) do c[id] = {aliases = LOSS_ALIASES[id], why = why and why[id]} end
  return c
end

-- losses.pick has the form of an answer: a table with one loss per
-- situation.
local function pick_form(got)
  if type(got) ~= 'table' or check.isobject(got) then
    return false, 'losses.pick: expected a table {screening = ..., probability = ..., dislike = '
      .. '..., report = ...}, got ' .. check.kind(got)
  end
  for _, s in ipairs(SITUATIONS) do
    if got[s.key] == nil then return false, fmt('losses.pick.%s is missing', s.key) end
    local ok, msg = check.is_choice(got[s.key], loss_choices(), {name = 'losses.pick.' .. s.key})
    if not ok then return false, msg end
  end
  return true
end

local losses = {
  id = 'losses',
  title = 'Choosing a loss, and the objective J',
  statement = [[
The problem setup's step 2: choose a loss, and set up an objective.  For
classification with labels y in {0, 1} and a network whose output g is the
probability that y = 1 (a sigmoid), the guess is 1 when g >= 0.5 (the step
1{g - 0.5 >= 0}) and 0 otherwise, and

  0-1 loss:          L(g, y) = 0 if the guess equals y, else 1
  asymmetric loss:   L(g, y) = cfp if the guess is 1 and y = 0 (a false positive),
                               cfn if the guess is 0 and y = 1 (a false negative),
                               0 otherwise
  NLL loss:          L(g, y) = -(y log g + (1 - y) log(1 - g))   (log: the natural log)

The objective is the average of the losses over the data:

  J(W, W_0) = (1/n_data) sum_{i=1}^{n_data} L(NN(x^(i); W, W_0), y^(i)).

In a submission G is a 1 x n matrix of guesses g (one data point per
column) and Y the 1 x n matrix of their labels; the sandbox has `matrix`
only.]],
  starter = [[
local losses = {}
function losses.zero_one(G, Y)          -- 1 x n: the 0-1 loss of each point
end
function losses.asym(G, Y, cfp, cfn)    -- 1 x n: the asymmetric loss of each point
end
function losses.nll(G, Y)               -- 1 x n: the NLL loss of each point
end
function losses.J(G, Y)                 -- a number: the objective J with the NLL loss
end
losses.scale = nil                      -- "a", "b", "c" or "d"
losses.pick = {screening = nil, probability = nil, dislike = nil, report = nil}
]],
  hints = {
    'A matrix maps entry by entry: G:map(function(g, i, j) return ... end) (i, j: the entry\'s '
      .. 'place, to read Y:get(i, j)).',
    'The 0-1 and asymmetric losses only count mistakes; which costs more depends on which '
      .. 'mistake it is.',
    'The homework\'s losses (nn.NLL(), nn.NLLM(), nn.Squared()) are sums over the batch; J '
      .. 'divides by n_data.',
  },
  libs = 'matrix',
  parts = {
    row_part('zero_one', 1, 'losses.zero_one(G, Y): the 1 x n row of the 0-1 losses.',
      function(r)
        return {{r.guess, 'you returned the guesses; the loss is whether each guess is wrong'},
          {r.zero_one:map(function(v) return 1 - v end), 'you returned 1 where the guess is '
            .. 'right; the 0-1 loss is 1 where it is wrong'},
          {r.strict, STEP}}
      end),
    row_part('asym', 2, 'losses.asym(G, Y, cfp, cfn): the 1 x n row of the asymmetric losses, '
      .. 'with cfp the cost of a false positive and cfn that of a false negative.',
      function(r, _, _, cfp, cfn)
        return {{r.fp * cfn + r.fn * cfp, 'you swapped the costs: a false positive (guess 1, '
            .. 'y = 0) costs cfp, a false negative (guess 0, y = 1) costs cfn'},
          {r.zero_one, 'you gave the 0-1 loss: each mistake costs cfp or cfn, by its kind'},
          {r.fp * cfp, 'your losses leave the false negatives out (guess 0, y = 1: cost cfn)'},
          {r.fn * cfn, 'your losses leave the false positives out (guess 1, y = 0: cost cfp)'}}
      end),
    row_part('nll', 2, 'losses.nll(G, Y): the 1 x n row of the NLL losses.',
      function(r, G, Y)
        local ln10 = math.log(10)
        return {{r.nll / ln10, 'you used log base 10; the NLL uses the natural log (math.log(g))'},
          {G:map(function(g, i, j) return -Y:get(i, j) * math.log(g) end), 'your losses leave '
            .. 'out the term (1 - y) log(1 - g), the one that counts for y = 0'},
          {G:map(function(g, i, j) return -(1 - Y:get(i, j)) * math.log(1 - g) end), 'your '
            .. 'losses leave out the term y log g, the one that counts for y = 1'}}
      end),
    {
      id = 'J', points = 1,
      statement = 'losses.J(G, Y): the objective J with the NLL loss, a number (the average, not '
        .. 'the homework\'s sum).',
      check = function(sub)
        local f, err = check.answer(sub, 'losses', 'J')
        if not f then return false, err end
        local t = check.tally()
        for i in ipairs(CASES) do
          local G, Y = case(i)
          local r = reference(G, Y)
          local what = fmt('losses.J(G, Y) on test case %d', i)
          local ok, got = check.call(sub, f, what, G:copy(), Y:copy())
          if not ok then return false, got end
          t:add(check.number(got, r.J, {name = what, wrong = {{r.sum, 'you gave the sum of the '
            .. 'losses (the homework\'s batch loss); J is their average, the sum divided by n_data'},
            {-r.J, 'sign error: the NLL loss is -(y log g + (1 - y) log(1 - g)), which is >= 0'}}}))
        end
        return t:result()
      end,
    },
    {
      id = 'scale', points = 1,
      statement = 'The homework\'s batch loss is the sum of the losses, not their average J.  '
        .. 'What does that do to a gradient descent step W <- W - eta dJ/dW?  losses.scale = '
        .. 'one of:\n'
        .. check.choicetext(SCALE_CHOICES),
      check = check.choice_check('losses', 'scale', SCALE_CHOICES),
    },
    {
      id = 'pick', points = 2,
      statement = (function()
        local lines = {'Which loss fits?  losses.pick = {screening = ..., probability = ..., '
          .. 'dislike = ..., report = ...}, each one of "zero_one", "asymmetric", "nll", '
          .. '"squared":'}
        for _, s in ipairs(SITUATIONS) do lines[#lines + 1] = fmt('  %s: %s', s.key, s.text) end
        return table.concat(lines, '\n')
      end)(),
      check = check.pending_check('losses', 'pick', pick_form, 'a loss for each situation'),
    },
  },
}

-- For the instructor's copy of the set: what its full checkers use.
losses.lib = {SCALE_CHOICES = SCALE_CHOICES, SITUATIONS = SITUATIONS, loss_choices = loss_choices,
  pick_form = pick_form, case = case, reference = reference}

return losses
