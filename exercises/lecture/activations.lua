-- The lecture set's exercise activations (module nnlab.sets.lecture.activations), a part of
-- the student copy of the set (exercises/lecture.lua; the format is in
-- exercises/README.md).
local nnlab = require 'nnlab'
local matrix, nn = nnlab.matrix, nnlab.nn
local check = require 'nnlab.check'

local fmt = string.format

---------------------------------------------------------------------------
-- 3. Choosing activations

local ACTS = {'step', 'sigmoid', 'tanh', 'relu', 'identity'}
local ACT_KIND = {step = 'Step', sigmoid = 'Sigmoid', tanh = 'Tanh', relu = 'ReLU', identity = 'Identity'}
local ACT_ALIASES = {
  step = {'heaviside', '1{z >= 0}'},
  sigmoid = {'logistic', 'sigma', 'σ', '1 / (1 + exp(-z))'},
  tanh = {'tanh(z)', 'hyperbolic tangent'},
  relu = {'max(0, z)', 'rectifier', 'rectified linear unit'},
  identity = {'linear', 'none', 'z', 'f(z) = z', 'identity function'},
}

-- Why a step leaves SGD nothing to do: the choices, as the statement shows
-- them.
local STEP_CHOICES = {
  a = 'the step is not continuous, so SGD takes steps that are too large and diverges',
  b = 'the step outputs only 0 and 1, so the loss is always 0 and there is nothing to improve',
  c = 'the step\'s derivative is 0 wherever it exists, so dloss/dW^(1) = 0 and the update '
    .. 'W^(1) <- W^(1) - eta dloss/dW^(1) leaves W^(1) as it was',
  d = 'SGD works with a step, but only with a much smaller learning rate eta',
}

-- The choices among the activations (with their other spellings).
local function act_choices(why)
  local c = {}
  for _, id in ipairs(ACTS) do c[id] = {aliases = ACT_ALIASES[id], why = why and why[id]} end
  return c
end

local activations = {
  id = 'activations',
  title = 'Choosing activation functions',
  statement = [[
A two-layer network A^(2) = f^(2)(W^(2)T f^(1)(W^(1)T x + W_0^(1)) + W_0^(2)).
The candidates for f: "step" (1{z >= 0}), "sigmoid", "tanh", "relu",
"identity" (f(z) = z).  Answer each part with one of these names (a string).]],
  hints = {
    'Look at the range of each function: what values can f^(2) output?',
    'SGD moves W by -eta times the derivative of the loss; the chain rule multiplies by f\'(z).',
  },
  parts = {
    {
      id = 'regression', points = 1,
      statement = 'Regression: the output is a temperature, anything from -3.7 to 250.  '
        .. 'activations.regression = the f^(2) to use.',
      check = check.choice_check('activations', 'regression', act_choices(), 'one of the activations'),
    },
    {
      id = 'nll', points = 1,
      statement = 'Classification with the NLL loss, -(y log g + (1 - y) log(1 - g)): g must be '
        .. 'a probability strictly between 0 and 1, and SGD needs a non-zero derivative.  '
        .. 'activations.nll = the f^(2) to use.',
      check = check.choice_check('activations', 'nll', act_choices(), 'one of the activations'),
    },
    {
      id = 'step', points = 2,
      statement = 'Why does a step activation f^(1) leave SGD nothing to do?  activations.step = one of:\n'
        .. check.choicetext(STEP_CHOICES),
      check = check.choice_check('activations', 'step', STEP_CHOICES),
    },
    {
      id = 'hidden', points = 1,
      statement = 'Which f^(1) would you use instead, so that SGD can learn W^(1) and the network '
        .. 'is more than a linear function of x?  activations.hidden = one that works.',
      check = check.choice_check('activations', 'hidden', act_choices(), 'one of the activations'),
    },
  },
}

-- For the instructor's copy of the set: what its full checkers use.
activations.lib = {ACTS = ACTS, ACT_KIND = ACT_KIND, STEP_CHOICES = STEP_CHOICES,
  act_choices = act_choices}

return activations
