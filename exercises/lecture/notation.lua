-- The lecture set's exercise notation (module nnlab.sets.lecture.notation), a part of
-- the student copy of the set (exercises/lecture.lua; the format is in
-- exercises/README.md).
local nnlab = require 'nnlab'
local matrix, nn = nnlab.matrix, nnlab.nn
local check = require 'nnlab.check'

local fmt = string.format

---------------------------------------------------------------------------
-- 2. Notation: shapes, and a forward pass by hand

local SHAPE_KEYS = {'x', 'W1', 'W01', 'Z1', 'A1', 'W2', 'W02', 'Z2', 'A2'}
local BATCH_KEYS = {'X', 'W1', 'W01', 'Z1', 'A2'}

local NOT = {
  m1 = 3, n1 = 4, n2 = 2, b = 5,
  -- the forward pass by hand: f1 = ReLU, f2 = sigmoid
  W1 = matrix{{1, -1, 0.5}, {2, 0.5, -1}},
  W01 = matrix.col{-1, 0.5, 0.25},
  W2 = matrix.col{1.5, -2, 2},
  W02 = matrix{{-0.5}},
  x = matrix.col{1, 0.5},
}

-- The answer to a shape question as a table of shapes, one per key: true,
-- or false and feedback (say nothing of which shapes are right).
local function shapes_form(got, part, keys)
  if type(got) ~= 'table' or check.isobject(got) then
    return false, fmt('notation.%s: expected a table of shapes {%s = {rows, columns}, ...}, got %s',
      part, keys[1], check.kind(got))
  end
  local t = check.tally(true)
  for _, k in ipairs(keys) do
    if got[k] == nil then
      t:add(false, fmt('notation.%s.%s is missing', part, k))
    else
      t:add(check.is_shape(got[k], {name = fmt('notation.%s.%s', part, k)}))
    end
  end
  local ok = t:result()
  if ok == true then return true end
  return false, t:feedback()
end

local function check_shapes(part, keys)
  return check.pending_check('notation', part, function(got) return shapes_form(got, part, keys) end,
    'a shape for each quantity')
end

-- The forward pass by hand, in C: Z1, A1, Z2, A2, and the same without the W0s.
local function by_hand(with_bias)
  local l1 = check.linear(NOT.W1, with_bias and NOT.W01 or nil)
  local l2 = check.linear(NOT.W2, with_bias and NOT.W02 or nil)
  local r = {}
  r.Z1 = l1:forward(NOT.x)
  r.A1 = nn.ReLU():forward(r.Z1)
  r.Z2 = l2:forward(r.A1)
  r.A2 = nn.Sigmoid():forward(r.Z2)
  return r
end

local function check_by_hand(sub, part)
  local got, err = check.answer(sub, 'notation', part)
  if not got then return false, err end
  local want, nob = by_hand(true), by_hand(false)
  local wrong = {}
  if part == 'A1' then
    wrong[1] = {want.Z1, 'you gave Z^(1): A^(1) = f^(1)(Z^(1)) with f^(1) = ReLU'}
  elseif part == 'A2' then
    wrong[1] = {want.Z2, 'you gave Z^(2): A^(2) = f^(2)(Z^(2)) with f^(2) = sigmoid'}
    wrong[2] = {nn.Sigmoid():forward(check.linear(NOT.W2, NOT.W02):forward(want.Z1)),
      'you fed Z^(1) into the second layer: its input is A^(1) = ReLU(Z^(1))'}
  end
  return check.matrix(got, want[part], {name = 'notation.' .. part, without_bias = nob[part],
    wrong = wrong})
end

local notation = {
  id = 'notation',
  title = 'Notation: shapes and a forward pass',
  statement = [[
Layer l takes m^(l) inputs and gives n^(l) outputs (n^(l) = m^(l+1); n^(l) is
NOT the number of data points):

  Z^(l) = W^(l)T A^(l-1) + W_0^(l),   A^(l) = f^(l)(Z^(l)),   A^(0) = x,
  W^(l): m^(l) x n^(l),   W_0^(l): n^(l) x 1.

A data point is a column; a batch of b points is the m^(1) x b matrix X whose
columns are the points, and then Z^(l) and A^(l) have b columns too.
A shape is given as a pair {rows, columns}.  This exercise's sandbox has
`matrix` only.]],
  starter = [[
local notation = {}
notation.shapes = {x = {}, W1 = {}, W01 = {}, Z1 = {}, A1 = {}, W2 = {}, W02 = {}, Z2 = {}, A2 = {}}
notation.batch = {X = {}, W1 = {}, W01 = {}, Z1 = {}, A2 = {}}
notation.Z1 = matrix.col{0, 0, 0}
notation.A1 = matrix.col{0, 0, 0}
notation.A2 = matrix{{0}}
function notation.forward(X, W1, W01, W2, W02)
end
]],
  hints = {
    'W^(l)T A^(l-1) is (n^(l) x m^(l)) (m^(l) x b) = n^(l) x b; W_0^(l) is added to every column.',
    'In Lua: W:T() * A + W0 (a column added to a matrix is added to each of its columns).',
    'Lua 5.4 has math.exp; the sigmoid is 1 / (1 + exp(-z)), elementwise: Z:map(function(z) ... end).',
  },
  libs = 'matrix',
  parts = {
    {
      id = 'shapes', points = 2,
      statement = fmt([[
A two-layer network has m^(1) = %d inputs, n^(1) = %d hidden units and n^(2) = %d
outputs.  For one data point x, give the shape of each quantity:
notation.shapes = {x = {rows, cols}, W1 = ..., W01 = ..., Z1 = ..., A1 = ...,
W2 = ..., W02 = ..., Z2 = ..., A2 = ...} (W1 is W^(1), W01 is W_0^(1)).]], NOT.m1, NOT.n1, NOT.n2),
      check = check_shapes('shapes', SHAPE_KEYS),
    },
    {
      id = 'batch', points = 1,
      statement = fmt([[
The same network on a batch of b = %d data points: notation.batch = {X = ...,
W1 = ..., W01 = ..., Z1 = ..., A2 = ...}.]], NOT.b),
      check = check_shapes('batch', BATCH_KEYS),
    },
    {
      id = 'Z1', points = 1,
      statement = 'A forward pass by hand, f^(1) = ReLU and f^(2) = sigmoid, with\n'
        .. '  W^(1) = ' .. check.src(NOT.W1) .. ',  W_0^(1) = ' .. check.src(NOT.W01) .. ',\n'
        .. '  W^(2) = ' .. check.src(NOT.W2) .. ',  W_0^(2) = ' .. check.src(NOT.W02) .. ',\n'
        .. '  x = ' .. check.src(NOT.x) .. '.\n'
        .. 'notation.Z1 = Z^(1), a 3x1 matrix.',
      check = function(sub) return check_by_hand(sub, 'Z1') end,
    },
    {
      id = 'A1', points = 1,
      statement = 'notation.A1 = A^(1) of the same pass, a 3x1 matrix.',
      check = function(sub) return check_by_hand(sub, 'A1') end,
    },
    {
      id = 'A2', points = 2,
      statement = 'notation.A2 = A^(2), the network\'s output, a 1x1 matrix.',
      check = function(sub) return check_by_hand(sub, 'A2') end,
    },
    {
      id = 'forward', points = 2,
      statement = [[
Write notation.forward(X, W1, W01, W2, W02): the output A^(2) of the same kind
of network (f^(1) = ReLU, f^(2) = sigmoid) for a batch X (m^(1) x b), any
sizes.]],
      check = function(sub)
        local f, err = check.answer(sub, 'notation', 'forward')
        if not f then return false, err end
        local t = check.tally()
        for i, s in ipairs{{2, 3, 1, 1}, {3, 3, 3, 4}, {4, 2, 3, 5}, {1, 5, 2, 3}} do
          matrix.seed(210 + i)
          local m, n1, n2, b = s[1], s[2], s[3], s[4]
          local W1, W01 = matrix.randn(m, n1), matrix.randn(n1, 1)
          local W2, W02 = matrix.randn(n1, n2), matrix.randn(n2, 1)
          local X = matrix.randn(m, b)
          local want = check.forward(
            {check.linear(W1, W01), nn.ReLU(), check.linear(W2, W02), nn.Sigmoid()}, X)
          local nob = check.forward({check.linear(W1), nn.ReLU(), check.linear(W2), nn.Sigmoid()}, X)
          local ok, got = check.call(sub, f, 'notation.forward', X, W1, W01, W2, W02)
          if not ok then
            t:add(false, got)
          else
            t:add(check.matrix(got, want, {without_bias = nob, name = fmt(
              'notation.forward with m^(1) = %d, n^(1) = %d, n^(2) = %d, b = %d', m, n1, n2, b)}))
          end
        end
        return t:result()
      end,
    },
  },
}

-- For the instructor's copy of the set: what its full checkers use.
notation.lib = {NOT = NOT, SHAPE_KEYS = SHAPE_KEYS, BATCH_KEYS = BATCH_KEYS,
  shapes_form = shapes_form}

return notation
