-- The lecture set's exercise features (module nnlab.sets.lecture.features), a part of
-- the student copy of the set (exercises/lecture.lua; the format is in
-- exercises/README.md).
local nnlab = require 'nnlab'
local matrix, nn = nnlab.matrix, nnlab.nn
local check = require 'nnlab.check'

local fmt, num = string.format, check.num

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
  return {check.linear(W, W0), nn.Step()}
end

-- The classifier on k features: sign(theta^T phi(x) + theta0), theta all ones.
local function feature_classifier(k, theta0)
  local mods = feature_layers(k)
  mods[3] = check.linear(matrix.ones(k, 1), matrix{{theta0 or FEAT.theta0}})
  return mods
end

local function sign(z) return z < 0 and -1 or 1 end   -- the label of z: +1 when z >= 0

-- Points to test features at: on each feature's boundary (w^T x + w0 = 0
-- exactly, where a step is 1), and random ones drawn so that every pattern
-- of the three features that decides a label is there: only phi_1, only
-- phi_2, only phi_3 (each the one term that makes z >= 0), none (where
-- theta_0 decides), and phi_3 with phi_1 or phi_2.  Both labels of h and
-- of h3, and both values of each feature, are well represented.
local PATTERNS = {['100'] = 2, ['010'] = 2, ['000'] = 6, ['001'] = 3, ['101'] = 1, ['011'] = 1}

local function feature_points()
  local pts = {matrix.col{1, 1}, matrix.col{1.5, 1}, matrix.col{0.5, 0.1}, matrix.col{2, 2},
    matrix.col{0.75, 0.1}}
  local layers = feature_layers(3)
  local want, have = 0, {}
  for _, n in pairs(PATTERNS) do want = want + n end
  matrix.seed(101)
  while want > 0 do
    local u = matrix.rand(1, 3)
    local x2 = u:get(1, 3) < 0.5 and 2 * u:get(1, 2) or 0.2 * u:get(1, 2)
    local x = matrix.col{3 * u:get(1, 1), x2}
    local A = check.forward(layers, x)
    local key = fmt('%d%d%d', A:get(1, 1), A:get(2, 1), A:get(3, 1))
    if (have[key] or 0) < (PATTERNS[key] or 0) then
      have[key] = (have[key] or 0) + 1
      want = want - 1
      pts[#pts + 1] = x
    end
  end
  return pts
end

-- What strict steps 1{z > 0} would give, for the diagnosis.
local function strict(Z)
  return Z:map(function(z) return z > 0 and 1 or 0 end)
end

local STRICT = 'at a point on a feature\'s boundary (w^T x + w0 = 0) you gave 0: the lecture\'s '
  .. 'step is 1{z >= 0}, so it is 1 there'

-- A classifier part: h (name) on k features, against the C modules.  The
-- credit is balanced over the labels +1 and -1 (check.classes).
local function check_classifier(sub, name, k)
  local h, err = check.answer(sub, 'features', name)
  if not h then return false, err end
  local mods = feature_classifier(k)
  local c = check.classes()
  for i, x in ipairs(feature_points()) do
    local z = check.forward(mods, x):get(1, 1)
    local want = sign(z)
    local zstrict = mods[3]:forward(strict(mods[1]:forward(x))):get(1, 1)
    local ok, got = check.call(sub, h, fmt('features.%s(x)', name), x:copy())
    if not ok then return false, got end
    local what = fmt('features.%s(x) at test point %d', name, i)
    local wrong = {{want == -1 and 0 or nil, 'the classifier\'s labels are +1 and -1, not 1 and 0'},
      {z, 'you returned z = theta^T phi(x) + theta0; the classifier is sign(z)'}}
    if sign(zstrict) ~= want then wrong[#wrong + 1] = {sign(zstrict), STRICT} end
    c:add('h', want, check.number(got, want, {name = what, wrong = wrong}))
  end
  return c:result()
end

-- features.labels has the form of an answer: a list of 5 labels, +1 or -1.
local function check_labels_form(got)
  local n = select(2, FEAT.planets:shape())
  if type(got) ~= 'table' or check.isobject(got) or #got ~= n then
    return false, fmt('features.labels: expected a list of %d labels (+1 or -1), got %s%s', n,
      check.kind(got),
      type(got) == 'table' and not check.isobject(got) and (' of ' .. #got .. ' entries') or '')
  end
  for j = 1, n do
    if got[j] ~= 1 and got[j] ~= -1 then
      return false, fmt('features.labels[%d]: expected +1 or -1, got %s%s', j, check.kind(got[j]),
        got[j] == 0 and ' (labels are +1 and -1, not 1 and 0)' or '')
    end
  end
  return true
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
        local phi, err = check.answer(sub, 'features', 'phi')
        if not phi then return false, err end
        local mods = feature_layers(2)
        local c = check.classes()
        for i, x in ipairs(feature_points()) do
          local Z = mods[1]:forward(x)
          local want = mods[2]:forward(Z)
          local ok, got = check.call(sub, phi, 'features.phi(x)', x:copy())
          if not ok then return false, got end
          local wrong = {{matrix.col{want:get(2, 1), want:get(1, 1)},
            'your features are in the wrong order: phi_1 (too close) first, then phi_2'}}
          if strict(Z) ~= want then wrong[#wrong + 1] = {strict(Z), STRICT} end
          local good, msg = check.matrix(got, want, {name = fmt('features.phi(x) at test point %d', i),
            wrong = wrong})
          -- each feature is credited on its own, balanced over its values 0 and 1
          local sized = matrix.is(got) and check.shapestr(got) == '2x1'
          for f = 1, 2 do
            local w = want:get(f, 1)
            c:add(f, w, good == true or (sized and got:get(f, 1) == w), msg)
          end
        end
        return c:result()
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
      check = check.pending_check('features', 'labels', check_labels_form,
        'five labels, each +1 or -1'),
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
      check = check.pending_check('features', 'and_theta0', function(got)
        if type(got) ~= 'number' or got ~= got or math.abs(got) == math.huge then
          return false, 'features.and_theta0: expected a finite number, got ' .. check.kind(got)
        end
        return true
      end, 'a finite number'),
    },
  },
}

-- For the instructor's copy of the set: what its full checkers use.
features.lib = {FEAT = FEAT, feature_classifier = feature_classifier, sign = sign,
  check_labels_form = check_labels_form}

return features
