-- The lecture's exercise set: neural networks, from step functions as
-- features to backpropagation and the homework's modules.  See
-- exercises/README.md for the format.  Every checker computes its reference
-- with the C core (nnlab.nn) when it runs; numbers given in a statement are
-- data of this file, used by the statement and the checker alike.
local nnlab = require 'nnlab'
local matrix, nn = nnlab.matrix, nnlab.nn
local check = require 'nnlab.check'

local fmt = string.format

---------------------------------------------------------------------------
-- Helpers for the checkers

-- A number as it appears in a statement (and in Lua source).
local function num(x)
  return (fmt('%.10g', x))
end

-- Lua source for a matrix: matrix{{1, 2}, {3, 4}}, matrix.col{...} for a column.
local function src(m)
  local r, c = m:shape()
  if r * c == 1 then return 'matrix{{' .. num(m:get(1, 1)) .. '}}' end
  if c == 1 then
    local t = {}
    for i = 1, r do t[i] = num(m:get(i, 1)) end
    return 'matrix.col{' .. table.concat(t, ', ') .. '}'
  end
  local rows = {}
  for i = 1, r do
    local t = {}
    for j = 1, c do t[j] = num(m:get(i, j)) end
    rows[i] = '{' .. table.concat(t, ', ') .. '}'
  end
  return 'matrix{' .. table.concat(rows, ', ') .. '}'
end

local function shapestr(m)
  local r, c = m:shape()
  return r .. 'x' .. c
end

-- The answer at exercise.part: the value, or nil and feedback.
local function answer(sub, ex, part)
  local v, err = sub:get(ex, part)
  if v == nil then
    return nil, err and tostring(err) or fmt('%s.%s is missing', ex, part)
  end
  return v
end

-- Calls the submission's f (named what in feedback): true, results... or
-- false, feedback.
local function call(sub, f, what, ...)
  local ok, msg = check.func(f, what)
  if not ok then return false, msg end
  local r = table.pack(sub:call(f, ...))
  if not r[1] then return false, fmt('%s raised an error: %s', what, tostring(r[2])) end
  return table.unpack(r, 1, r.n)
end

-- obj:name(...) in the submission: true, results... or false, feedback.
local function method(sub, obj, name, what, ...)
  local r = table.pack(sub:method(obj, name, ...))
  if not r[1] then return false, fmt('%s raised an error: %s', what, tostring(r[2])) end
  return table.unpack(r, 1, r.n)
end

-- Is x an object of the submission's (a table with a metatable, or a
-- userdata such as an nn module), as opposed to plain data or a function?
local function isobject(x)
  if matrix.is(x) then return false end
  if type(x) == 'userdata' then return true end
  return type(x) == 'table' and getmetatable(x) ~= nil and rawget(x, 'type') ~= 'function'
end

-- Collects the results of several checks into one verdict: true when all
-- pass, else the fraction that passed and the feedback of the failures, each
-- diagnosis once (the first place it was seen, and how often it recurred).
local Tally = {}
Tally.__index = Tally

-- tally([every]): with every true, each failure is reported on its own.
local function tally(every)
  return setmetatable({n = 0, good = 0, notes = {}, seen = {}, every = every}, Tally)
end

-- t:add(ok, msg): feedback that differs only in its numbers is reported once.
function Tally:add(ok, msg)
  self.n = self.n + 1
  if ok == true then
    self.good = self.good + 1
    return true
  end
  msg = msg or 'wrong'
  local what = msg:gsub('[%d%-]+', '#')   -- the same but for sizes, layers, test points
  local note = not self.every and self.seen[what]
  if note then
    note.again = note.again + 1
  else
    note = {text = msg, again = 0}
    self.seen[what] = note
    self.notes[#self.notes + 1] = note
  end
  return false
end

function Tally:result()
  if self.good == self.n then return true end
  local lines = {}
  for i, note in ipairs(self.notes) do
    if i > 4 then
      lines[#lines + 1] = fmt('(and %d more different failures)', #self.notes - 4)
      break
    end
    lines[i] = note.text .. (note.again > 0 and fmt(' [and %d more like this]', note.again) or '')
  end
  local text = table.concat(lines, '\n')
  if self.good == 0 then return false, text end
  return self.good / self.n, text
end

-- A C layer with the given weights (the constructor's draws are replaced).
local function linear(W, W0)
  local m, n = W:shape()
  local layer = nn.Linear(m, n)
  layer.W = W
  layer.W0 = W0 or matrix.zeros(n, 1)
  return layer
end

local function forward(modules, X)
  for _, m in ipairs(modules) do X = m:forward(X) end
  return X
end

-- A one-hot k x b matrix with a random class in each column.
local function onehot(k, b)
  local Y = matrix.zeros(k, b)
  for j = 1, b do Y:set(matrix.randint(k), j, 1) end
  return Y
end

-- X (2 x n) and Y (2 x n, one-hot rows {1 - y, y}) of a homework data set,
-- from the library's built-in copies (nnlab.data).
local function dataset(name)
  local X, Y = nnlab.data.load(name)
  return X, Y
end

---------------------------------------------------------------------------
-- 1. Step functions as features

-- x = (x1, x2): x1 the planet's distance from its star (AU), x2 the star's
-- luminosity (in suns).  Feature i is 1{w_i^T x + w0_i >= 0}.
local FEAT = {
  W = matrix{{-1, 1, 0}, {0.5, -0.5, -1}},  -- columns: w, w~, w~~
  W0 = matrix.col{0.5, -1, 0.1},            -- w0, w~0, w~~0
  theta0 = -0.5,
  planets = matrix{{0.7, 1.2, 2.0, 1.3, 0.3}, {1.0, 1.0, 1.0, 0.8, 0.05}},
}

-- The first k step features as C modules: Linear(2, k) and Step.
local function feature_layers(k)
  local W = matrix.zeros(2, k)
  local W0 = matrix.zeros(k, 1)
  for i = 1, 2 do for j = 1, k do W:set(i, j, FEAT.W:get(i, j)) end end
  for j = 1, k do W0:set(j, 1, FEAT.W0:get(j, 1)) end
  return {linear(W, W0), nn.Step()}
end

-- The classifier on k features: sign(theta^T phi(x) + theta0), theta all ones.
local function feature_classifier(k, theta0)
  local mods = feature_layers(k)
  mods[3] = linear(matrix.ones(k, 1), matrix{{theta0 or FEAT.theta0}})
  return mods
end

local function sign(z) return z >= 0 and 1 or -1 end

-- Points to test features at: on each feature's boundary (w^T x + w0 = 0
-- exactly), and random ones.
local function feature_points()
  local pts = {matrix.col{1, 1}, matrix.col{1.5, 1}, matrix.col{0.5, 0.1}, matrix.col{2, 2}}
  matrix.seed(101)
  for _ = 1, 10 do
    pts[#pts + 1] = matrix.col{3 * matrix.rand(1, 1):get(1, 1), 2 * matrix.rand(1, 1):get(1, 1)}
  end
  return pts
end

-- What strict steps 1{z > 0} would give, for the diagnosis.
local function strict(Z)
  return Z:map(function(z) return z > 0 and 1 or 0 end)
end

local STRICT = 'at a point on a feature\'s boundary (w^T x + w0 = 0) you gave 0: the lecture\'s '
  .. 'step is 1{z >= 0}, so it is 1 there'

-- A classifier part: h (name) on k features, against the C modules.
local function check_classifier(sub, name, k)
  local h, err = answer(sub, 'features', name)
  if not h then return false, err end
  local mods = feature_classifier(k)
  local t = tally()
  for i, x in ipairs(feature_points()) do
    local z = forward(mods, x):get(1, 1)
    local want = sign(z)
    local zstrict = mods[3]:forward(strict(mods[1]:forward(x))):get(1, 1)
    local ok, got = call(sub, h, fmt('features.%s(x)', name), x:copy())
    if not ok then return false, got end
    local what = fmt('features.%s(x) at test point %d', name, i)
    local wrong = {{want == -1 and 0 or nil, 'the classifier\'s labels are +1 and -1, not 1 and 0'},
      {z, 'you returned z = theta^T phi(x) + theta0; the classifier is sign(z)'}}
    if sign(zstrict) ~= want then wrong[#wrong + 1] = {sign(zstrict), STRICT} end
    t:add(check.number(got, want, {name = what, wrong = wrong}))
  end
  return t:result()
end

local features = {
  id = 'features',
  title = 'Step functions as features',
  statement = [[
Is an exoplanet outside the habitable zone of its star?  A data point is
x = (x1, x2): x1 is the planet's distance from its star (in AU) and x2 the
star's luminosity (in suns).  Two step functions serve as features:

  phi_1(x) = 1{w^T x + w_0 >= 0},    w = (]] .. num(FEAT.W:get(1, 1)) .. ', ' .. num(FEAT.W:get(2, 1))
  .. '), w_0 = ' .. num(FEAT.W0:get(1, 1)) .. [[    (too close: too hot)
  phi_2(x) = 1{w~^T x + w~_0 >= 0},  w~ = (]] .. num(FEAT.W:get(1, 2)) .. ', ' .. num(FEAT.W:get(2, 2))
  .. '), w~_0 = ' .. num(FEAT.W0:get(2, 1)) .. [[    (too far: too cold)

and the classifier is linear in the features:

  z = theta^T phi(x) + theta_0 = 1 phi_1(x) + 1 phi_2(x) + (-0.5),
  h(x) = +1 (outside the habitable zone) if z >= 0, else -1.

Note 1{z >= 0}: a step is 1 at 0.  In a submission, x is a 2x1 matrix.]],
  starter = [[
local features = {}
function features.phi(x)        -- x: 2x1 matrix -> 2x1 matrix (phi_1(x), phi_2(x))
end
function features.h(x)          -- +1 or -1
end
features.labels = {}            -- the labels of the five planets, in order
function features.h3(x)         -- three features
end
features.and_theta0 = nil       -- a number
]],
  hints = {
    'phi(x) is Step(W^T x + W_0) with W the 2x2 matrix whose columns are w and w~, '
      .. 'and W_0 = (w_0, w~_0): the first layer of a network.',
    'With two features z is -0.5, 0.5 or 1.5, never 0: h(x) = +1 exactly when at least one feature is 1.',
    'For the AND: z = phi_1 + phi_2 + theta_0 must be >= 0 for (1, 1) and < 0 for (1, 0), (0, 1), (0, 0).',
  },
  libs = 'matrix nn',
  parts = {
    {
      id = 'phi', points = 2,
      statement = 'Write features.phi(x): the 2x1 matrix (phi_1(x), phi_2(x)).',
      check = function(sub)
        local phi, err = answer(sub, 'features', 'phi')
        if not phi then return false, err end
        local mods = feature_layers(2)
        local t = tally()
        for i, x in ipairs(feature_points()) do
          local Z = mods[1]:forward(x)
          local want = mods[2]:forward(Z)
          local ok, got = call(sub, phi, 'features.phi(x)', x:copy())
          if not ok then return false, got end
          local wrong = {{matrix.col{want:get(2, 1), want:get(1, 1)},
            'your features are in the wrong order: phi_1 (too close) first, then phi_2'}}
          if strict(Z) ~= want then wrong[#wrong + 1] = {strict(Z), STRICT} end
          t:add(check.matrix(got, want, {name = fmt('features.phi(x) at test point %d', i), wrong = wrong}))
        end
        return t:result()
      end,
    },
    {
      id = 'h', points = 2,
      statement = 'Write features.h(x): the label, +1 or -1, with theta = (1, 1) and theta_0 = -0.5.',
      check = function(sub) return check_classifier(sub, 'h', 2) end,
    },
    {
      id = 'labels', points = 1,
      statement = (function()
        local cols = {}
        for j = 1, select(2, FEAT.planets:shape()) do
          cols[j] = fmt('(%s, %s)', num(FEAT.planets:get(1, j)), num(FEAT.planets:get(2, j)))
        end
        return 'Classify these five planets x = (x1, x2), by hand or with your h: '
          .. table.concat(cols, ', ') .. '.  features.labels = {l1, ..., l5}, each +1 or -1.'
      end)(),
      check = function(sub)
        local got, err = answer(sub, 'features', 'labels')
        if not got then return false, err end
        local n = select(2, FEAT.planets:shape())
        if type(got) ~= 'table' or isobject(got) or #got ~= n then
          return false, fmt('features.labels: expected a list of %d labels (+1 or -1), got %s%s', n,
            check.kind(got), type(got) == 'table' and not isobject(got) and (' of ' .. #got .. ' entries') or '')
        end
        local mods = feature_classifier(2)
        local t = tally()
        for j = 1, n do
          local want = sign(forward(mods, FEAT.planets:col(j)):get(1, 1))
          t:add(check.number(got[j], want, {name = fmt('planet %d', j),
            wrong = {{want == -1 and 0 or nil, 'labels are +1 and -1, not 1 and 0'}}}))
        end
        return t:result()
      end,
    },
    {
      id = 'h3', points = 2,
      statement = [[
A third feature: the star is too dim,

  phi_3(x) = 1{w~~^T x + w~~_0 >= 0},  w~~ = (]] .. num(FEAT.W:get(1, 3)) .. ', ' .. num(FEAT.W:get(2, 3))
  .. '), w~~_0 = ' .. num(FEAT.W0:get(3, 1)) .. [[.

Write features.h3(x), the label with theta = (1, 1, 1) and theta_0 = -0.5:
z = phi_1(x) + phi_2(x) + phi_3(x) - 0.5.]],
      check = function(sub) return check_classifier(sub, 'h3', 3) end,
    },
    {
      id = 'and_theta0', points = 1,
      statement = [[
With theta = (1, 1), which theta_0 makes z = theta^T phi(x) + theta_0 >= 0 only
when both features are 1 (an AND instead of an OR)?  features.and_theta0 = a
number that works.]],
      check = function(sub)
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
      end,
    },
  },
}

---------------------------------------------------------------------------
-- 2. Notation: shapes, and a forward pass by hand

local NOT = {
  m1 = 3, n1 = 4, n2 = 2, b = 5,
  -- the forward pass by hand: f1 = ReLU, f2 = sigmoid
  W1 = matrix{{1, -1, 0.5}, {2, 0.5, -1}},
  W01 = matrix.col{-1, 0.5, 0.25},
  W2 = matrix.col{1.5, -2, 2},
  W02 = matrix{{-0.5}},
  x = matrix.col{1, 0.5},
}

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

local function check_shapes(sub, part, keys, b)
  local got, err = answer(sub, 'notation', part)
  if not got then return false, err end
  if type(got) ~= 'table' or isobject(got) then
    return false, fmt('notation.%s: expected a table of shapes {%s = {rows, columns}, ...}, got %s',
      part, keys[1], check.kind(got))
  end
  local want = net_shapes(b)
  local t = tally(true)
  for _, k in ipairs(keys) do
    local w = want[k]
    if got[k] == nil then
      t:add(false, fmt('notation.%s.%s is missing', part, k))
    else
      t:add(check.shape(got[k], w[1], w[2], {name = fmt('notation.%s.%s', part, k)}))
    end
  end
  return t:result()
end

-- The forward pass by hand, in C: Z1, A1, Z2, A2, and the same without the W0s.
local function by_hand(with_bias)
  local l1 = linear(NOT.W1, with_bias and NOT.W01 or nil)
  local l2 = linear(NOT.W2, with_bias and NOT.W02 or nil)
  local r = {}
  r.Z1 = l1:forward(NOT.x)
  r.A1 = nn.ReLU():forward(r.Z1)
  r.Z2 = l2:forward(r.A1)
  r.A2 = nn.Sigmoid():forward(r.Z2)
  return r
end

local function check_by_hand(sub, part)
  local got, err = answer(sub, 'notation', part)
  if not got then return false, err end
  local want, nob = by_hand(true), by_hand(false)
  local wrong = {}
  if part == 'A1' then
    wrong[1] = {want.Z1, 'you gave Z^(1): A^(1) = f^(1)(Z^(1)) with f^(1) = ReLU'}
  elseif part == 'A2' then
    wrong[1] = {want.Z2, 'you gave Z^(2): A^(2) = f^(2)(Z^(2)) with f^(2) = sigmoid'}
    wrong[2] = {nn.Sigmoid():forward(linear(NOT.W2, NOT.W02):forward(want.Z1)),
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
      check = function(sub)
        return check_shapes(sub, 'shapes', {'x', 'W1', 'W01', 'Z1', 'A1', 'W2', 'W02', 'Z2', 'A2'}, 1)
      end,
    },
    {
      id = 'batch', points = 1,
      statement = fmt([[
The same network on a batch of b = %d data points: notation.batch = {X = ...,
W1 = ..., W01 = ..., Z1 = ..., A2 = ...}.]], NOT.b),
      check = function(sub)
        return check_shapes(sub, 'batch', {'X', 'W1', 'W01', 'Z1', 'A2'}, NOT.b)
      end,
    },
    {
      id = 'Z1', points = 1,
      statement = 'A forward pass by hand, f^(1) = ReLU and f^(2) = sigmoid, with\n'
        .. '  W^(1) = ' .. src(NOT.W1) .. ',  W_0^(1) = ' .. src(NOT.W01) .. ',\n'
        .. '  W^(2) = ' .. src(NOT.W2) .. ',  W_0^(2) = ' .. src(NOT.W02) .. ',\n'
        .. '  x = ' .. src(NOT.x) .. '.\n'
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
        local f, err = answer(sub, 'notation', 'forward')
        if not f then return false, err end
        local t = tally()
        for i, s in ipairs{{2, 3, 1, 1}, {3, 3, 3, 4}, {4, 2, 3, 5}, {1, 5, 2, 3}} do
          matrix.seed(210 + i)
          local m, n1, n2, b = s[1], s[2], s[3], s[4]
          local W1, W01 = matrix.randn(m, n1), matrix.randn(n1, 1)
          local W2, W02 = matrix.randn(n1, n2), matrix.randn(n2, 1)
          local X = matrix.randn(m, b)
          local want = forward({linear(W1, W01), nn.ReLU(), linear(W2, W02), nn.Sigmoid()}, X)
          local nob = forward({linear(W1), nn.ReLU(), linear(W2), nn.Sigmoid()}, X)
          local ok, got = call(sub, f, 'notation.forward', X, W1, W01, W2, W02)
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

-- The choices among the activations, with why each wrong one is wrong.
local function act_choices(why)
  local c = {}
  for _, id in ipairs(ACTS) do c[id] = {aliases = ACT_ALIASES[id], why = why[id]} end
  return c
end

local STEP_CHOICES = {
  a = 'the step\'s derivative is 0 wherever it exists, so dloss/dW^(1) = 0 and the update '
    .. 'W^(1) <- W^(1) - eta dloss/dW^(1) leaves W^(1) as it was',
  b = 'the step is not continuous, so SGD takes steps that are too large and diverges',
  c = 'the step outputs only 0 and 1, so the loss is always 0 and there is nothing to improve',
  d = 'SGD works with a step, but only with a much smaller learning rate eta',
}

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
      check = function(sub)
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
      end,
    },
    {
      id = 'nll', points = 1,
      statement = 'Classification with the NLL loss, -(y log g + (1 - y) log(1 - g)): g must be '
        .. 'a probability strictly between 0 and 1, and SGD needs a non-zero derivative.  '
        .. 'activations.nll = the f^(2) to use.',
      check = function(sub)
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
      end,
    },
    {
      id = 'step', points = 2,
      statement = 'Why does a step activation f^(1) leave SGD nothing to do?  activations.step = one of:\n'
        .. '  "a": ' .. STEP_CHOICES.a .. '\n'
        .. '  "b": ' .. STEP_CHOICES.b .. '\n'
        .. '  "c": ' .. STEP_CHOICES.c .. '\n'
        .. '  "d": ' .. STEP_CHOICES.d,
      check = function(sub)
        local got, err = answer(sub, 'activations', 'step')
        if not got then return false, err end
        -- The reference follows from what the C core computes on a step network.
        local f = step_facts()
        local want
        if f.zero and f.unchanged_big and f.unchanged_small and f.loss > 0 then want = 'a' end
        assert(want, 'the C core does not show the step network\'s facts')
        return check.choice(got, want, {
          a = STEP_CHOICES.a,
          b = {why = 'SGD does not diverge: it does not move W^(1) at all'},
          c = {why = 'the loss is not 0: the step network misclassifies, and still SGD cannot help'},
          d = {why = 'with any learning rate, eta times a zero derivative is zero'},
        }, {name = 'activations.step'})
      end,
    },
    {
      id = 'hidden', points = 1,
      statement = 'Which f^(1) would you use instead, so that SGD can learn W^(1) and the network '
        .. 'is more than a linear function of x?  activations.hidden = one that works.',
      check = function(sub)
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
      end,
    },
  },
}

---------------------------------------------------------------------------
-- 4. Derivative conventions: the one-layer 4 x 3 example

local DER = {
  W = matrix{{1, -2, 0.5}, {0, 1, 1}, {-1, 0.5, 2}, {2, 0, -1}},
  W0 = matrix.col{0.5, -1, 0},
  x = matrix.col{1, 2, -1, 0.5},
  y = matrix.col{1, 0, 2},
}

-- The example in C: A = W^T x + W0 (f = identity), loss = sum_k (A_k - y_k)^2.
local function der_reference()
  local layer = linear(DER.W, DER.W0)
  local loss = nn.Squared()
  local r = {}
  r.A = layer:forward(DER.x)
  r.loss = loss:forward(r.A, DER.y)
  r.dloss_dA = loss:backward()
  layer:backward(r.dloss_dA)
  r.dloss_dW, r.dloss_dW0 = layer.dLdW:copy(), layer.dLdW0:copy()
  -- Jacobians by central differences of the C layer, in the lecture's layout
  r.dA_dW0 = nn.jacobian(function(w0)
    local l = linear(DER.W, w0)
    return l:forward(DER.x)
  end, DER.W0)
  r.dA_dx = nn.jacobian(function(x) return linear(DER.W, DER.W0):forward(x) end, DER.x)
  return r
end

local WHY_CHOICES = {
  a = 'dA/dW would be the derivative of a 3x1 vector by a 4x3 matrix: 3 x 4 x 3 partial '
    .. 'derivatives dA_k/dW_ij, which our convention (vectors by vectors) does not arrange into '
    .. 'a matrix, so the product dA/dW dloss/dA is not defined',
  b = 'because W is not square',
  c = 'because A does not depend on W',
  d = 'because W_0 is added after the product W^T x, so only W_0 can be differentiated',
}

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

local function der_part(id, points, statement, opts)
  return {
    id = id, points = points, statement = statement,
    check = function(sub)
      local got, err = answer(sub, 'derivs', id)
      if not got then return false, err end
      local r = der_reference()
      local o = {name = 'derivs.' .. id}
      for k, v in pairs(opts and opts(r) or {}) do o[k] = v end
      return check.matrix(got, r[id], o)
    end,
  }
end

local derivs = {
  id = 'derivs',
  title = 'Derivatives: the conventions',
  statement = [[
The lecture's conventions: for v (c x 1) and u (b x 1), dv/du is the b x c
matrix with entry (j, k) = dv_k/du_j; the derivative of a scalar by a matrix
has that matrix's shape.  The one-layer example has m^(1) = 4 inputs, n^(1) = 3
outputs and the identity activation:

  A^(1) = W^(1)T x + W_0^(1),   loss = L(A^(1), y) = sum_k (A^(1)_k - y_k)^2,

with (in this exercise, every answer is a matrix)
  W^(1) = ]] .. src(DER.W) .. [[,
  W_0^(1) = ]] .. src(DER.W0) .. [[,
  x = ]] .. src(DER.x) .. ', y = ' .. src(DER.y) .. '.',
  starter = [[
local derivs = {}
local W = ]] .. src(DER.W) .. [[

local W0 = ]] .. src(DER.W0) .. [[

local x, y = ]] .. src(DER.x) .. ', ' .. src(DER.y) .. [[

derivs.dA_dW0 = nil
derivs.dA_dx = nil
derivs.dloss_dA = nil
derivs.dloss_dW = nil
derivs.dloss_dW0 = nil
derivs.why = nil
]],
  hints = {
    'dA/dW0 is n^(1) x n^(1): entry (j, k) = dA_k/dW0_j.',
    'dA/dx is m^(1) x n^(1): entry (j, k) = dA_k/dx_j, and A_k = sum_j W_jk x_j + W0_k.',
    'dloss/dW = x (dloss/dA)^T: a 4x1 column times a 1x3 row.',
  },
  parts = {
    der_part('dA_dW0', 2, 'derivs.dA_dW0 = dA^(1)/dW_0^(1), the 3x3 matrix of the lecture\'s exercise.',
      function() return {atol = 1e-6, jacobian = true} end),
    der_part('dA_dx', 2, 'derivs.dA_dx = dA^(1)/dx (it is dZ^(l)/dA^(l-1) of a deeper network).',
      function() return {atol = 1e-6, jacobian = true} end),
    der_part('dloss_dA', 1, 'derivs.dloss_dA = dloss/dA^(1).'),
    der_part('dloss_dW', 2, 'derivs.dloss_dW = dloss/dW^(1), with the lecture\'s formula x (dloss/dA^(1))^T.',
      function(r)
        return {wrong = {{DER.x * (r.A - DER.y):T(), 'your result is missing the factor 2 of '
          .. 'd/dA (A - y)^2 = 2 (A - y)'}}}
      end),
    der_part('dloss_dW0', 1, 'derivs.dloss_dW0 = dloss/dW_0^(1) = dA/dW_0 dloss/dA.'),
    {
      id = 'why', points = 2,
      statement = 'The lecture derives dloss/dW_0 = dA/dW_0 dloss/dA.  Why can we not just '
        .. 'substitute the weight matrix W for W_0 in this formula?  derivs.why = one of:\n'
        .. '  "a": ' .. WHY_CHOICES.a .. '\n'
        .. '  "b": ' .. WHY_CHOICES.b .. '\n'
        .. '  "c": ' .. WHY_CHOICES.c .. '\n'
        .. '  "d": ' .. WHY_CHOICES.d,
      check = function(sub)
        local got, err = answer(sub, 'derivs', 'why')
        if not got then return false, err end
        -- The facts the choices rest on, by differences of the C layer:
        -- 4 x 3 x 3 partials, some non-zero, and the same with a square W.
        local count, nonzero = partials(4, 3)
        local count_sq = partials(3, 3)
        assert(count == 36 and nonzero == 12 and count_sq == 27, 'unexpected partial derivatives')
        return check.choice(got, 'a', {
          a = WHY_CHOICES.a,
          b = {why = 'a square W (3x3) has the same problem: 27 partials dA_k/dW_ij for a 3x1 A'},
          c = {why = 'A does depend on W: dA_k/dW_jk = x_j, which is not 0'},
          d = {why = 'the order of the sum does not matter; W can be differentiated entry by entry, '
            .. 'as the lecture does next'},
        }, {name = 'derivs.why'})
      end,
    },
  },
}

---------------------------------------------------------------------------
-- 5. Backpropagation for L layers

-- Test networks: the sizes m^(1), n^(1), ..., n^(L).
local BP_CASES = {{3, 4, 2}, {2, 3, 3, 3}, {4, 2, 5, 3, 2}, {3, 2}}

-- Weights and data for case i: Ws, W0s (lists), X (m x b), Y (one-hot k x b).
local function bp_case(i, b)
  local dims = BP_CASES[i]
  matrix.seed(500 + i)
  local Ws, W0s = {}, {}
  for l = 1, #dims - 1 do
    Ws[l] = matrix.randn(dims[l], dims[l + 1])
    W0s[l] = matrix.randn(dims[l + 1], 1, 0, 0.5)
  end
  return Ws, W0s, matrix.randn(dims[1], b), onehot(dims[#dims], b)
end

-- The C network: Linear, Tanh, ..., Linear, SoftMax.
local function bp_modules(Ws, W0s)
  local mods = {}
  for l = 1, #Ws do
    mods[#mods + 1] = linear(Ws[l], W0s[l])
    mods[#mods + 1] = l < #Ws and nn.Tanh() or nn.SoftMax()
  end
  return mods
end

-- Propagate delta = dloss/dA^(L) down through mods; skip: the kinds of
-- modules to leave out of the chain; top: replaces the SoftMax's backward.
-- Returns the lists dZ, dW, dW0.
local function bp_down(mods, delta, top, skip)
  local dZ, dW, dW0 = {}, {}, {}
  for i = #mods, 1, -1 do
    local m = mods[i]
    local l = (i + 1) // 2
    if i % 2 == 0 then
      if i == #mods and top then
        delta = top(delta)
      elseif not (skip and skip[nn.kind(m)]) then
        delta = m:backward(delta)
      end
      dZ[l] = delta
    else
      delta = m:backward(delta)
      dW[l], dW0[l] = m.dLdW:copy(), m.dLdW0:copy()
    end
  end
  return dZ, dW, dW0
end

-- The reference gradients (C backprop, checked against central differences
-- of the loss), and the values of the usual mistakes.
local function bp_reference(Ws, W0s, X, Y)
  local mods = bp_modules(Ws, W0s)
  local loss = nn.NLLM()
  local A = forward(mods, X)
  loss:forward(A, Y)
  local g = loss:backward()
  local r = {}
  r.dZ, r.dW, r.dW0 = bp_down(mods, g)
  for l = 1, #Ws do
    local fd = nn.jacobian(function(w0)
      local W0s2 = {}
      for k = 1, #W0s do W0s2[k] = W0s[k] end
      W0s2[l] = w0
      return matrix{{nn.NLLM():forward(forward(bp_modules(Ws, W0s2), X), Y)}}
    end, W0s[l])
    assert(fd:allclose(r.dW0[l], 1e-4, 1e-6), 'C backprop disagrees with finite differences')
  end
  -- Mistakes: SoftMax's Jacobian taken as its diagonal a (1 - a); the
  -- tanh derivatives left out of the chain.
  local function diag(d)
    return A:mul(A:map(function(a) return 1 - a end)):mul(d)
  end
  r.diag = {bp_down(mods, g, diag)}
  r.notanh = {bp_down(mods, g, nil, {Tanh = true})}
  return r
end

local function bp_opts(r, what, l, name, batch)
  local o = {name = name, batch = batch, wrong = {}}
  local k = ({dZ = 1, dW = 2, dW0 = 3})[what]
  o.wrong[1] = {r.diag[k][l], 'you used only the diagonal of the SoftMax Jacobian, a_k (1 - a_k); '
    .. 'dA/dZ of SoftMax is the full n x n matrix with entry (j, k) = a_k (delta_jk - a_j)'}
  if l < #r.dW then
    o.wrong[2] = {r.notanh[k][l], 'you left the tanh derivatives out of the chain product: '
      .. 'dA^(l)/dZ^(l) = diag(1 - A^(l)^2) for every tanh layer at l or above'}
  end
  return o
end

-- Checks the list the submission's f returned for what (dZ, dW or dW0) on
-- every case.
local function check_bp(sub, what)
  local f, err = answer(sub, 'backprop', what)
  if not f then return false, err end
  local t = tally()
  for i, dims in ipairs(BP_CASES) do
    local Ws, W0s, X, Y = bp_case(i, 1)
    local r = bp_reference(Ws, W0s, X, Y)
    local L = #Ws
    local case = fmt('network %s', table.concat(dims, '-'))
    local ok, got = call(sub, f, 'backprop.' .. what, X, Y, Ws, W0s)
    if not ok then
      t:add(false, fmt('%s: %s', case, got))
    elseif type(got) ~= 'table' or isobject(got) or #got ~= L then
      t:add(false, fmt('%s: backprop.%s must return a list of %d matrices (one per layer), got %s%s',
        case, what, L, check.kind(got), (type(got) == 'table' and not isobject(got))
          and (' of ' .. #got .. ' entries') or ''))
    else
      for l = 1, L do
        local name = fmt('%s: dloss/d%s^(%d)', case, what == 'dW0' and 'W_0' or what:sub(2), l)
        t:add(check.matrix(got[l], r[what][l], bp_opts(r, what, l, name)))
      end
    end
  end
  return t:result()
end

local backprop = {
  id = 'backprop',
  title = 'Backpropagation for L layers',
  statement = [[
An L-layer network: Z^(l) = W^(l)T A^(l-1) + W_0^(l), A^(0) = x, with
A^(l) = tanh(Z^(l)) for l < L and A^(L) = SoftMax(Z^(L)), and the loss
loss = -sum_k y_k log A^(L)_k (y one-hot).  The lecture's chain product:

  dloss/dZ^(l) = dA^(l)/dZ^(l) dZ^(l+1)/dA^(l) dA^(l+1)/dZ^(l+1) ... dZ^(L)/dA^(L-1) dA^(L)/dZ^(L) dloss/dA^(L)
  dloss/dW^(l) = A^(l-1) (dloss/dZ^(l))^T,      dloss/dW_0^(l) = dloss/dZ^(l)

with dZ^(l+1)/dA^(l) = W^(l+1), dA/dZ = diag(1 - A^2) for tanh, dA/dZ of
SoftMax the n x n matrix with entry (j, k) = a_k (delta_jk - a_j), and
dloss/dA^(L)_k = -y_k / a_k.

Each function takes (x, y, Ws, W0s): x an m^(1) x 1 column, y the one-hot
n^(L) x 1 label, Ws = {W^(1), ..., W^(L)}, W0s = {W_0^(1), ..., W_0^(L)}, any
L >= 1 and any sizes, and returns a list of L matrices.  The sandbox has
`matrix` only: build the chain yourself.  Your results are checked against
backprop in the C core, which is itself checked against central differences
of the loss.]],
  starter = [[
local backprop = {}
local function tanh(z) end       -- Lua 5.4 has no math.tanh
function backprop.dZ(x, y, Ws, W0s)   -- {dloss/dZ^(1), ..., dloss/dZ^(L)}
end
function backprop.dW(x, y, Ws, W0s)   -- {dloss/dW^(1), ...}
end
function backprop.dW0(x, y, Ws, W0s)  -- {dloss/dW_0^(1), ...}
end
function backprop.batch(X, Y, Ws, W0s) -- {dW = {...}, dW0 = {...}} for a batch
end
]],
  hints = {
    'Run forward first and keep every A^(l); then go down from l = L, carrying dloss/dZ^(l).',
    'dloss/dZ^(l) = dA^(l)/dZ^(l) (W^(l+1) dloss/dZ^(l+1)): the shared part of the product is '
      .. 'computed once.',
    'tanh(z) = 1 - 2 / (exp(2 z) + 1) does not overflow for large z.',
    'matrix.diag(v) builds a diagonal matrix from a column.',
  },
  libs = 'matrix',
  parts = {
    {
      id = 'dZ', points = 3,
      statement = 'backprop.dZ(x, y, Ws, W0s): the list of dloss/dZ^(l), each n^(l) x 1.',
      check = function(sub) return check_bp(sub, 'dZ') end,
    },
    {
      id = 'dW', points = 2,
      statement = 'backprop.dW(x, y, Ws, W0s): the list of dloss/dW^(l), each m^(l) x n^(l).',
      check = function(sub) return check_bp(sub, 'dW') end,
    },
    {
      id = 'dW0', points = 1,
      statement = 'backprop.dW0(x, y, Ws, W0s): the list of dloss/dW_0^(l), each n^(l) x 1.',
      check = function(sub) return check_bp(sub, 'dW0') end,
    },
    {
      id = 'batch', points = 2,
      statement = [[
backprop.batch(X, Y, Ws, W0s): a batch of b points (X m^(1) x b, Y n^(L) x b,
one column per point).  The batch loss is the SUM of the points' losses;
return {dW = {...}, dW0 = {...}}, the gradients of the batch loss: dW^(l) is
m^(l) x n^(l) and dW_0^(l) is n^(l) x 1, as for one point.]],
      check = function(sub)
        local f, err = answer(sub, 'backprop', 'batch')
        if not f then return false, err end
        local t = tally()
        for i, dims in ipairs(BP_CASES) do
          local b = 3 + i
          local Ws, W0s, X, Y = bp_case(i, b)
          local r = bp_reference(Ws, W0s, X, Y)
          local case = fmt('network %s, batch of %d', table.concat(dims, '-'), b)
          local ok, got = call(sub, f, 'backprop.batch', X, Y, Ws, W0s)
          if not ok then
            t:add(false, fmt('%s: %s', case, got))
          elseif type(got) ~= 'table' or isobject(got) then
            t:add(false, fmt('%s: backprop.batch must return a table {dW = {...}, dW0 = {...}}, got %s',
              case, check.kind(got)))
          else
            for _, what in ipairs{'dW', 'dW0'} do
              local list = got[what]
              if type(list) ~= 'table' or isobject(list) or #list ~= #Ws then
                t:add(false, fmt('%s: %s must be a list of %d matrices, got %s', case, what, #Ws,
                  check.kind(list)))
              else
                for l = 1, #Ws do
                  local name = fmt('%s: dloss/d%s^(%d)', case, what == 'dW0' and 'W_0' or 'W', l)
                  t:add(check.matrix(list[l], r[what][l], bp_opts(r, what, l, name, b)))
                end
              end
            end
          end
        end
        return t:result()
      end,
    },
  },
}

---------------------------------------------------------------------------
-- 6. The lecture's exercise: a step above layer l

-- obj[key] in the submission: the value, or nil and feedback.  (Takes
-- sub:index answering either true, value / false, message, as sub:call
-- does, or the value itself.)
local function index(sub, obj, key)
  local a, b = sub:index(obj, key)
  if a == true then return b end
  if a == false then return nil, tostring(b) end
  return a
end

-- The C modules step.net may use, built from a kind (and the Linear's weights).
local STEP_KINDS = {Linear = true, Step = true, Sigmoid = true, Tanh = true, ReLU = true,
  LeakyReLU = true, Identity = true}

-- The submission's network: a list of {kind =, ref =, layer =} (layer: the
-- number of the Linear the module is in), or nil and feedback.
local function inspect(sub, net, what)
  if not isobject(net) then
    return nil, fmt('%s must return an nn.Sequential, got %s', what, check.kind(net))
  end
  local mods = index(sub, net, 'modules')
  if type(mods) ~= 'table' or isobject(mods) or #mods == 0 then
    return nil, fmt('%s must return an nn.Sequential of nn\'s modules (its .modules is a list)', what)
  end
  local list, layer = {}, 0
  for i, ref in ipairs(mods) do
    local kind = isobject(ref) and index(sub, ref, 'kind')
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
  local loss = index(sub, net, 'loss')
  if not isobject(loss) or index(sub, loss, 'kind') ~= 'NLL' then
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
      local W, W0 = index(sub, mod.ref, 'W'), index(sub, mod.ref, 'W0')
      assert(matrix.is(W) and matrix.is(W0), 'a Linear without W and W0')
      mods[i] = linear(W, W0)
    elseif mod.kind == 'LeakyReLU' then
      mods[i] = nn.LeakyReLU(index(sub, mod.ref, 'alpha'))
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
  local ok, net, l = call(sub, f, what, kind)
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
  if index(sub, first.ref, 'm') ~= 2 then
    return nil, fmt('%s: the network must take 2 inputs (its first nn.Linear has m = 2)', what)
  end
  if index(sub, layer_of(list, L).ref, 'n') ~= 1 then
    return nil, fmt('%s: the network must have 1 output (its last nn.Linear has n = 1)', what)
  end
  local X, Y = step_data()
  local okb, msg = method(sub, net, 'backprop', what .. ':backprop(X, Y)', X, Y)
  if not okb then return nil, msg end
  local mod = layer_of(list, l)
  local got = index(sub, mod.ref, 'dLdW')
  local cnet = rebuild(sub, list)
  cnet:backprop(X, Y)
  local want
  for i, m in ipairs(list) do
    if m == mod then want = cnet.modules[i].dLdW end
  end
  return {list = list, l = l, got = got, want = want, what = what}
end

local STEP_WHY = {
  a = 'the factor dA^(k)/dZ^(k) of the step layer k: the step\'s derivative is 0, so it is the '
    .. 'zero matrix, and a product with a zero factor is zero',
  b = 'the factor dZ^(k+1)/dA^(k) = W^(k+1), which is zero above a step',
  c = 'the factor dloss/dA^(L), because a step makes the loss constant',
  d = 'the factor A^(l-1) in dloss/dW^(l) = A^(l-1) (dloss/dZ^(l))^T, because a step outputs zeros',
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
        local f, err = answer(sub, 'step', 'net')
        if not f then return false, err end
        local s, serr = step_run(sub, f, 'Step')
        if not s then return false, serr end
        local k = highest(s.list, 'Step')
        if not k then
          return false, s.what .. ': the network has no nn.Step()'
        end
        local t = tally()
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
        .. '  "a": ' .. STEP_WHY.a .. '\n'
        .. '  "b": ' .. STEP_WHY.b .. '\n'
        .. '  "c": ' .. STEP_WHY.c .. '\n'
        .. '  "d": ' .. STEP_WHY.d,
      check = function(sub)
        local got, err = answer(sub, 'step', 'why')
        if not got then return false, err end
        -- The factors of a step network, from the C core.
        local X, Y = step_data()
        local x, y = X:col(1), Y:col(1)
        matrix.seed(602)
        local l1, st, l2, sg, loss = nn.Linear(2, 3), nn.Step(), nn.Linear(3, 1), nn.Sigmoid(), nn.NLL()
        local z1 = l1:forward(x)
        local z2 = l2:forward(st:forward(z1))
        loss:forward(sg:forward(z2), y)
        local facts = st:jacobian(z1) == matrix.zeros(3, 3) and l2:dZ_dA() ~= matrix.zeros(3, 1)
          and loss:backward() ~= matrix.zeros(1, 1) and x ~= matrix.zeros(2, 1)
        assert(facts, 'unexpected factors')
        return check.choice(got, 'a', {
          a = STEP_WHY.a,
          b = {why = 'the weights above a step are whatever they are, not zero'},
          c = {why = 'dloss/dA^(L) is not zero: the loss still depends on the output'},
          d = {why = 'A^(l-1) is not zero (a step outputs ones too, and x is not zero)'},
        }, {name = 'step.why'})
      end,
    },
  },
}

---------------------------------------------------------------------------
-- 7. The homework: the modules in Lua, against the C reference

-- Checks grouped by aspect: an aspect passes when every check in it does;
-- the verdict is the fraction of aspects that pass, with the first failure
-- of each failing aspect.
local function aspects(names, note)
  local a = {names = names, fail = {}}
  function a.add(name, ok, msg)
    if ok ~= true and not a.fail[name] then a.fail[name] = msg or 'wrong' end
    return ok == true
  end
  function a.result()
    local good, notes = 0, {}
    for _, name in ipairs(names) do
      if a.fail[name] then notes[#notes + 1] = a.fail[name] else good = good + 1 end
    end
    if good == #names then return true end
    if note then notes[#notes + 1] = note end
    local text = table.concat(notes, '\n')
    if good == 0 then return false, text end
    return good / #names, text
  end
  return a
end

-- homework.name(...): the object, or nil and feedback.
local function construct(sub, name, ...)
  local f, err = answer(sub, 'homework', name)
  if not f then return nil, err end
  local args = table.pack(...)
  local shown = {}
  for i = 1, args.n do shown[i] = tostring(args[i]) end
  local what = fmt('homework.%s(%s)', name, table.concat(shown, ', '))
  local ok, obj = call(sub, f, what, ...)
  if not ok then return nil, obj end
  if not isobject(obj) then
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
  local a = aspects{'init', 'forward', 'backward', 'dLdW', 'dLdW0', 'sgd_step'}
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
    local W, W0 = index(sub, obj, 'W'), index(sub, obj, 'W0')
    a.add('init', check.matrix(W, ref.W, {name = what .. '.W', wrong = {{std1,
      'W is drawn with standard deviation 1: the homework draws np.random.normal(0, m^-0.5, [m, n]), '
      .. 'matrix.randn(m, n, 0, m^-0.5)'}}}))
    a.add('init', check.matrix(W0, matrix.zeros(n, 1), {name = what .. '.W0'}))
    if not (matrix.is(W) and shapestr(W) == shapestr(ref.W) and matrix.is(W0)
        and shapestr(W0) == shapestr(ref.W0)) then
      return false, a.fail.init .. '\n(the other checks need W m x n and W0 n x 1)'
    end
    ref.W, ref.W0 = W, W0   -- from here on, the submission's own weights
    matrix.seed(seed + 1000)
    local A, dLdZ, A2, lr = matrix.randn(m, b), matrix.randn(n, b), matrix.randn(m, b + 1), 0.1
    local on = fmt('%s with A %s, dLdZ %s', what, shapestr(A), shapestr(dLdZ))
    local ok, got = method(sub, obj, 'forward', what .. ':forward(A)', A)
    expect(a, 'forward', ok, got, ref:forward(A), {name = on .. ': forward(A)'})
    ok, got = method(sub, obj, 'backward', what .. ':backward(dLdZ)', dLdZ)
    expect(a, 'backward', ok, got, ref:backward(dLdZ), {name = on .. ': backward(dLdZ)'})
    a.add('dLdW', check.matrix(index(sub, obj, 'dLdW'), ref.dLdW, {name = on .. ': dLdW', batch = b}))
    a.add('dLdW0', check.matrix(index(sub, obj, 'dLdW0'), ref.dLdW0, {name = on .. ': dLdW0', batch = b}))
    local up, up0 = ref.W + ref.dLdW * lr, ref.W0 + ref.dLdW0 * lr
    ref:sgd_step(lr)
    local climb = 'you stepped up the gradient: W <- W - lr dLdW, W0 <- W0 - lr dLdW0'
    ok, got = method(sub, obj, 'sgd_step', what .. ':sgd_step(lr)', lr)
    if ok then
      a.add('sgd_step', check.matrix(index(sub, obj, 'W'), ref.W, {name = on .. ': W after sgd_step('
        .. lr .. ')', wrong = {{up, climb}}}))
      a.add('sgd_step', check.matrix(index(sub, obj, 'W0'), ref.W0, {name = on .. ': W0 after '
        .. 'sgd_step(' .. lr .. ')', wrong = {{up0, climb}}}))
    else
      a.add('sgd_step', false, got)
    end
    -- forward again, now that W0 is not zero (if sgd_step worked)
    if a.fail.sgd_step == nil then
      ok, got = method(sub, obj, 'forward', what .. ':forward(A)', A2)
      expect(a, 'forward', ok, got, ref:forward(A2), {name = fmt('%s after sgd_step: forward(A) with '
        .. 'A %s', what, shapestr(A2)), without_bias = ref.W:T() * A2})
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
  local a = aspects(names)
  for i, s in ipairs{{3, 1}, {2, 4}, {5, 3}} do
    matrix.seed(720 + i)
    local Z = matrix.randn(s[1], s[2], 0, 2)
    local dLdA = matrix.randn(s[1], s[2])
    local ref = nn[name]()
    local obj, what = construct(sub, name)
    if not obj then return false, what end
    local on = fmt('%s with Z %s', what, shapestr(Z))
    local A = ref:forward(Z)
    local ok, got = method(sub, obj, 'forward', what .. ':forward(Z)', Z)
    expect(a, 'forward', ok, got, A, {name = on .. ': forward(Z)', wrong = opts.fwrong and opts.fwrong(Z, A)})
    ok, got = method(sub, obj, 'backward', what .. ':backward(dLdA)', dLdA)
    expect(a, 'backward', ok, got, ref:backward(dLdA), {name = on .. ': backward(dLdA)',
      wrong = opts.bwrong and opts.bwrong(Z, A, dLdA)})
  end
  for _, sp in ipairs(opts.special or {}) do
    local obj, what = construct(sub, name)
    if not obj then return false, what end
    local ref = nn[name]()
    local ok, got = method(sub, obj, 'forward', what .. ':forward(Z)', sp.Z)
    expect(a, sp.aspect, ok, got, ref:forward(sp.Z), {name = what .. ':forward(Z) ' .. sp.what})
    if sp.dLdA and ok then
      ok, got = method(sub, obj, 'backward', what .. ':backward(dLdA)', sp.dLdA)
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
  local a = aspects{'forward', 'backward'}
  for i, s in ipairs{{2, 1}, {3, 4}, {4, 6}} do
    local k, b = s[1], s[2]
    matrix.seed(740 + i)
    local P = nn.SoftMax():forward(matrix.randn(k, b))
    local Y = onehot(k, b)
    local ref = nn.NLLM()
    local obj, what = construct(sub, 'NLLM')
    if not obj then return false, what end
    local on = fmt('%s with Ypred and Y %s', what, shapestr(Y))
    local want = ref:forward(P, Y)
    local ok, got = method(sub, obj, 'forward', what .. ':forward(Ypred, Y)', P, Y)
    if ok then
      a.add('forward', check.number(got, want, {name = on .. ': forward(Ypred, Y)',
        batch = b > 1 and b or nil}))
    else
      a.add('forward', false, got)
    end
    ok, got = method(sub, obj, 'backward', what .. ':backward()')
    expect(a, 'backward', ok, got, ref:backward(), {name = on .. ': backward()', wrong = {{P - Y,
      'you returned Ypred - Y, as the homework\'s NLL.backward does (it is dL/dZ through the '
      .. 'SoftMax); here backward is dL/dYpred = -Y ./ Ypred, and SoftMax.backward does the rest'}}})
  end
  return a.result()
end

-- The homework's small network, from the submission's modules: the modules,
-- the net, and a C network with the same weights.
local function homework_net(sub, sizes, act)
  local mods, cmods = {}, {}
  for l = 1, #sizes - 1 do
    local lin, err = construct(sub, 'Linear', sizes[l], sizes[l + 1])
    if not lin then return nil, err end
    local W, W0 = index(sub, lin, 'W'), index(sub, lin, 'W0')
    if not (matrix.is(W) and matrix.is(W0)) then
      return nil, 'homework.Linear objects need the fields W and W0 (see homework.Linear)'
    end
    local f, ferr = construct(sub, l < #sizes - 1 and act or 'SoftMax')
    if not f then return nil, ferr end
    mods[#mods + 1], mods[#mods + 2] = lin, f
    cmods[#cmods + 1] = linear(W, W0)
    cmods[#cmods + 1] = nn[l < #sizes - 1 and act or 'SoftMax']()
  end
  local loss, lerr = construct(sub, 'NLLM')
  if not loss then return nil, lerr end
  local sf, serr = answer(sub, 'homework', 'Sequential')
  if not sf then return nil, serr end
  local ok, net = call(sub, sf, 'homework.Sequential(modules, loss)', mods, loss)
  if not ok then return nil, net end
  if not isobject(net) then
    return nil, fmt('homework.Sequential(modules, loss) must return an object (a table with a '
      .. 'metatable), got %s', check.kind(net))
  end
  return {mods = mods, net = net, cnet = nn.Sequential(cmods, nn.NLLM())}
end

-- The weights of the submission's net against the C net's.
local function same_weights(sub, a, aspect, h, what, opts)
  for i = 1, #h.mods, 2 do
    local l = (i + 1) // 2
    for _, p in ipairs{'W', 'W0'} do
      local o = {name = fmt('%s: %s of layer %d', what, p, l)}
      for k, v in pairs(opts or {}) do o[k] = v end
      if not a.add(aspect, check.matrix(index(sub, h.mods[i], p), h.cnet.modules[i][p], o)) then
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
  local ok, got = method(sub, h.net, 'sgd', what, X, Y, iters, lr)
  if not ok then return a.add('sgd', false, got) end
  if not same_weights(sub, a, 'sgd', h, what, {rtol = 1e-6, atol = 1e-9}) then return false end
  return a.add('sgd', check.number(got, want, {name = what .. ': the value returned',
    rtol = 1e-6, atol = 1e-9, wrong = {{want * iters,
      'you returned the sum of the losses; the mean loss per step is due'}}}))
end

local function check_sequential(sub)
  local a = aspects({'forward', 'backward', 'sgd_step', 'sgd'}, SEQ_NOTE)
  local X = dataset('super_simple_separable')
  sub:seed(750)
  local h, err = homework_net(sub, {2, 3, 2}, 'Tanh')
  if not h then return false, err end
  local ok, got = method(sub, h.net, 'forward', 'net:forward(X)', X)
  expect(a, 'forward', ok, got, h.cnet:forward(X), {name = 'net:forward(X), X 2x4'})
  matrix.seed(751)
  local delta = matrix.randn(2, 4)
  ok, got = method(sub, h.net, 'backward', 'net:backward(delta)', delta)
  expect(a, 'backward', ok, got, h.cnet:backward(delta), {name = 'net:backward(delta), delta 2x4 '
    .. '(the return value, dL/dX)'})
  if not a.fail.backward then
    a.add('backward', check.matrix(index(sub, h.mods[1], 'dLdW'), h.cnet.modules[1].dLdW,
      {name = 'net:backward(delta): dLdW of layer 1'}))
  end
  ok, got = method(sub, h.net, 'sgd_step', 'net:sgd_step(0.1)', 0.1)
  h.cnet:sgd_step(0.1)
  if ok then same_weights(sub, a, 'sgd_step', h, 'net:sgd_step(0.1)') else a.add('sgd_step', false, got) end
  for i, set in ipairs{'super_simple_separable', 'xor', 'xor_more'} do
    if not a.fail.sgd then sgd_run(sub, a, set, {2, 3, 2}, 'Tanh', 760 + i, 200, 0.05) end
  end
  return a.result()
end

-- Training on hard: architecture, seed and schedule (several calls of sgd
-- with a falling learning rate).  The C reference reaches 100% this way.
local HARD = {sizes = {2, 10, 10, 2}, act = 'Tanh', seed = 0,
  schedule = {{10000, 0.05}, {10000, 0.01}, {5000, 0.002}}}

local function accuracy(A, Y)
  local pc, yc = A:argmax(1), Y:argmax(1)
  local _, n = Y:shape()
  local right = 0
  for j = 1, n do
    if pc:get(1, j) == yc:get(1, j) then right = right + 1 end
  end
  return right, n
end

local function check_hard(sub)
  local X, Y = dataset('hard')
  -- the C reference, trained the same way
  matrix.seed(HARD.seed)
  local cmods = {}
  for l = 1, #HARD.sizes - 1 do
    cmods[#cmods + 1] = nn.Linear(HARD.sizes[l], HARD.sizes[l + 1])
    cmods[#cmods + 1] = l < #HARD.sizes - 1 and nn[HARD.act]() or nn.SoftMax()
  end
  local cnet = nn.Sequential(cmods, nn.NLLM())
  for _, st in ipairs(HARD.schedule) do cnet:sgd(X, Y, st[1], st[2]) end
  local cright, n = accuracy(cnet:forward(X), Y)
  assert(cright == n, 'the C reference does not reach 100% on hard')
  -- the submission's
  sub:seed(HARD.seed)
  local h, err = homework_net(sub, HARD.sizes, HARD.act)
  if not h then return false, err end
  for _, st in ipairs(HARD.schedule) do
    local ok, msg = method(sub, h.net, 'sgd', fmt('net:sgd(X, Y, %d, %g) on hard', st[1], st[2]),
      X, Y, st[1], st[2])
    if not ok then return false, msg end
  end
  local ok, A = method(sub, h.net, 'forward', 'net:forward(X) on hard', X)
  if not ok then return false, A end
  local good, msg = check.matrix(A, cnet:forward(X), {atol = math.huge, rtol = 0,
    name = 'net:forward(X) on hard after training'})
  if not good then return false, msg .. '\n' .. SEQ_NOTE end
  local right = accuracy(A, Y)
  if right == n then return true end
  return false, fmt('after training, your network classifies %d of the %d points of hard correctly; '
    .. 'all %d are due (the C reference, trained the same way, gets them all)\n%s', right, n, n, SEQ_NOTE)
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
    'Lua 5.4 has no math.tanh: tanh(z) = 1 - 2 / (exp(2 z) + 1) (use the sign of z for z < 0, or '
      .. 'just this formula, which does not overflow).',
    'SoftMax: subtract each column\'s maximum before exp, so that logits like 1000 do not overflow.',
    'Column-wise work: m:max(1) and m:sum(1) give 1 x b rows; m:map(function(x, i, j) ... end) '
      .. 'sees each entry with its position.',
    'matrix.randint(N) is numpy\'s np.random.randint(N) + 1: the column to take, 1-based.',
  },
  libs = 'matrix',
  parts = {
    {id = 'Linear', points = 3, statement = 'homework.Linear(m, n).', check = check_linear},
    {
      id = 'Tanh', points = 1, statement = 'homework.Tanh().',
      check = function(sub)
        return check_activation(sub, 'Tanh', {special = {{aspect = 'large |z|',
          what = 'with entries up to 400 in size (exp(2 z) overflows: tanh must not)',
          Z = matrix{{400, -400, 30}, {-30, 0, 1e-8}}, dLdA = matrix{{1, 2, 3}, {-1, 1, 2}}}}})
      end,
    },
    {
      id = 'ReLU', points = 1, statement = 'homework.ReLU().',
      check = function(sub)
        local Z, dLdA = kinky()
        return check_activation(sub, 'ReLU', {special = {{aspect = 'z = 0',
          what = 'with entries exactly 0', Z = Z, dLdA = dLdA,
          bwrong = {{dLdA:mul(Z:map(function(z) return z >= 0 and 1 or 0 end)),
            'at z = 0 ReLU\'s derivative is taken to be 0 (the homework\'s A != 0), not 1'}}}}})
      end,
    },
    {
      id = 'SoftMax', points = 2, statement = 'homework.SoftMax().',
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
      id = 'hard', points = 3, seconds = 60,
      statement = fmt('Training: your modules, Linear(2, 10), %s, Linear(10, 10), %s, Linear(10, 2), '
        .. 'SoftMax with NLLM, after the seed %d, trained on the data set hard with net:sgd %s, must '
        .. 'classify all of its points right.', HARD.act, HARD.act, HARD.seed, (function()
          local t = {}
          for _, st in ipairs(HARD.schedule) do t[#t + 1] = fmt('%d steps at lr = %g', st[1], st[2]) end
          return table.concat(t, ', then ')
        end)()),
      check = check_hard,
    },
  },
}

local set = {
  id = 'lecture',
  title = 'Neural networks (the lecture)',
  exercises = {features, notation, activations, derivs, backprop, step, homework},
}

-- @private begin
-- Everything from here to the end marker is the instructor's: the reference
-- solution, the known-wrong submissions and the private part.

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

local activations = {regression = 'identity', nll = 'sigmoid', step = 'a', hidden = 'tanh'}

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
  derivs.why = 'a'
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

local stepex = {why = 'a'}
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

return {features = features, notation = notation, activations = activations, derivs = derivs,
  backprop = backprop, step = stepex, homework = homework}
]==]

-- A known-wrong submission: the solution with each {old, new} replaced
-- (each old must occur exactly once).
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
  patch('strict steps', {'features.phi', 'features.h', 'features.h3'},
    {'return z >= 0 and 1 or 0 end', 'return z > 0 and 1 or 0 end'}),
  patch('labels 1/0 instead of +1/-1', {'features.h', 'features.h3', 'features.labels'},
    {'return z >= 0 and 1 or -1', 'return z >= 0 and 1 or 0'}),
  patch('theta0 of an OR', {'features.and_theta0'},
    {'features.and_theta0 = -1.5', 'features.and_theta0 = -1'}),
  patch('rows and columns swapped in shapes', {'notation.shapes'},
    {'W1 = {3, 4}, W01 = {4, 1}, Z1 = {4, 1}', 'W1 = {4, 3}, W01 = {4, 1}, Z1 = {4, 1}'}),
  patch('n^(l) taken for the batch size', {'notation.batch'},
    {'W1 = {3, 4}, W01 = {4, 1}, Z1 = {4, 5}', 'W1 = {3, 5}, W01 = {5, 1}, Z1 = {4, 5}'}),
  patch('forward without W0', {'notation.Z1', 'notation.A1', 'notation.A2', 'notation.forward'},
    {'notation.Z1 = W1:T() * x + W01', 'notation.Z1 = W1:T() * x'},
    {'notation.A2 = sigmoid(W2:T() * notation.A1 + W02)', 'notation.A2 = sigmoid(W2:T() * notation.A1)'},
    {'return sigmoid(W2:T() * relu(W1:T() * X + W01) + W02)', 'return sigmoid(W2:T() * relu(W1:T() * X))'}),
  patch('forward returns b x n', {'notation.forward'},
    {'return sigmoid(W2:T() * relu(W1:T() * X + W01) + W02)',
     'return sigmoid(W2:T() * relu(W1:T() * X + W01) + W02):T()'}),
  patch('activation choices', {'activations.regression', 'activations.nll', 'activations.step',
      'activations.hidden'},
    {"regression = 'identity', nll = 'sigmoid', step = 'a', hidden = 'tanh'",
     "regression = 'relu', nll = 'step', step = 'd', hidden = 'identity'"}),
  patch('Jacobian transposed', {'derivs.dA_dx'},
    {'derivs.dA_dx = W:copy()', 'derivs.dA_dx = W:T()'}),
  patch('missing factor 2', {'derivs.dloss_dA', 'derivs.dloss_dW', 'derivs.dloss_dW0'},
    {'derivs.dloss_dA = (A - y) * 2', 'derivs.dloss_dA = A - y'}),
  patch('dloss/dW transposed', {'derivs.dloss_dW'},
    {'derivs.dloss_dW = x * derivs.dloss_dA:T()', 'derivs.dloss_dW = derivs.dloss_dA * x:T()'}),
  patch('sign error in dloss/dA', {'derivs.dloss_dA', 'derivs.dloss_dW', 'derivs.dloss_dW0'},
    {'derivs.dloss_dA = (A - y) * 2', 'derivs.dloss_dA = (y - A) * 2'}),
  patch('why: W not square', {'derivs.why'}, {"derivs.why = 'a'", "derivs.why = 'b'"}),
  patch('diagonal SoftMax Jacobian', {'backprop.dZ', 'backprop.dW', 'backprop.dW0', 'backprop.batch'},
    {'J:set(j, k, a:get(k, 1) * ((j == k and 1 or 0) - a:get(j, 1)))',
     'J:set(j, k, j == k and a:get(k, 1) * (1 - a:get(j, 1)) or 0)'}),
  patch('tanh derivative left out', {'backprop.dZ', 'backprop.dW', 'backprop.dW0', 'backprop.batch'},
    {'dZ[l] = D * (Ws[l + 1] * dZ[l + 1])', 'dZ[l] = Ws[l + 1] * dZ[l + 1]'}),
  patch('dW transposed', {'backprop.dW', 'backprop.batch'},
    {'for l = 1, #Ws do dW[l] = A[l - 1] * dZ[l]:T() end', 'for l = 1, #Ws do dW[l] = dZ[l] * A[l - 1]:T() end'}),
  patch('mean over the batch', {'backprop.batch'},
    {'  return {dW = dW, dW0 = dW0}', '  for l = 1, #Ws do dW[l] = dW[l] / b; dW0[l] = dW0[l] / b end\n'
      .. '  return {dW = dW, dW0 = dW0}'}),
  patch('Step below layer l', {'step.net'},
    {'nn.Linear(2, 3), nn.Sigmoid(), nn.Linear(3, 3), nn[kind](),',
     'nn.Linear(2, 3), nn[kind](), nn.Linear(3, 3), nn.Sigmoid(),'}),
  patch('why: the weights', {'step.why'}, {"local stepex = {why = 'a'}", "local stepex = {why = 'b'}"}),
  patch('Linear W drawn with std 1', {'homework.Linear'},
    {'self.W = matrix.randn(m, n, 0, 1.0 * m ^ -0.5)', 'self.W = matrix.randn(m, n)'}),
  patch('Linear forward without W0', {'homework.Linear', 'homework.Sequential', 'homework.extra'},
    {'return self.W:T() * A + self.W0', 'return self.W:T() * A'}),
  patch('dLdW0 averaged', {'homework.Linear', 'homework.Sequential'},
    {'self.dLdW0 = dLdZ:sum(2)', 'self.dLdW0 = dLdZ:mean(2)'}),
  patch('sgd_step climbs', {'homework.Linear', 'homework.Sequential', 'homework.hard', 'homework.extra'},
    {'self.W = self.W - self.dLdW * lr', 'self.W = self.W + self.dLdW * lr'}),
  patch('naive tanh', {'homework.Tanh'},
    {'local t = 1 - 2 / (math.exp(2 * math.abs(z)) + 1)\n    return z < 0 and -t or t',
     'local e = math.exp(2 * z)\n    return (e - 1) / (e + 1)'}),
  patch('ReLU derivative 1 at 0', {'homework.ReLU'},
    {"self.A = Z:map(function(z) return z > 0 and z or 0 end)",
     "self.Z = Z\n  self.A = Z:map(function(z) return z > 0 and z or 0 end)"},
    {"return dLdA:mul(self.A:map(function(a) return a ~= 0 and 1 or 0 end))",
     "return dLdA:mul(self.Z:map(function(z) return z >= 0 and 1 or 0 end))"}),
  patch('naive SoftMax', {'homework.SoftMax'},
    {'return math.exp(z - mx:get(1, j))', 'return math.exp(z)'}),
  patch('homework NLL/SoftMax backward', {'homework.SoftMax', 'homework.NLLM', 'homework.Sequential'},
    {'return A:map(function(a, i, j) return a * (dLdA:get(i, j) - dot:get(1, j)) end)', 'return dLdA'},
    {'return self.Y:map(function(y, i, j) return y ~= 0 and -y / P:get(i, j) or 0 end)',
     'return P - self.Y'}),
  patch('sgd returns the sum', {'homework.Sequential', 'homework.extra'},
    {'  return sum / iters', '  return sum'}),
  patch('sgd samples a fixed column', {'homework.Sequential', 'homework.hard', 'homework.extra'},
    {'local i = matrix.randint(N)', 'local i = 1'}),
  {name = 'empty', loses = {'features.phi', 'features.h', 'features.labels', 'features.h3',
    'features.and_theta0', 'notation.shapes', 'notation.batch', 'notation.Z1', 'notation.A1',
    'notation.A2', 'notation.forward', 'activations.regression', 'activations.nll',
    'activations.step', 'activations.hidden', 'derivs.dA_dW0', 'derivs.dA_dx', 'derivs.dloss_dA',
    'derivs.dloss_dW', 'derivs.dloss_dW0', 'derivs.why', 'backprop.dZ', 'backprop.dW',
    'backprop.dW0', 'backprop.batch', 'step.net', 'step.why', 'homework.Linear', 'homework.Tanh',
    'homework.ReLU', 'homework.SoftMax', 'homework.NLLM', 'homework.Sequential', 'homework.hard',
    'homework.extra'}, source = 'return {}'},
}

-- A private part: the homework's Sequential with ReLU on the other data sets.
table.insert(homework.parts, {
  id = 'extra', points = 2, private = true,
  statement = 'homework.Sequential with ReLU networks on xor_more and '
    .. 'super_simple_separable_through_origin.',
  check = function(sub)
    local a = aspects({'sgd'}, SEQ_NOTE)
    for i, set_name in ipairs{'xor_more', 'super_simple_separable_through_origin'} do
      if not a.fail.sgd then sgd_run(sub, a, set_name, {2, 4, 3, 2}, 'ReLU', 780 + i, 300, 0.02) end
    end
    return a.result()
  end,
})
-- @private end

return set
