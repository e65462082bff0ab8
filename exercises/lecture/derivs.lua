-- The lecture set's exercise derivs (module nnlab.sets.lecture.derivs), a part of
-- the student copy of the set (exercises/lecture.lua; the format is in
-- exercises/README.md).
local nnlab = require 'nnlab'
local matrix, nn = nnlab.matrix, nnlab.nn
local check = require 'nnlab.check'

local fmt = string.format

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
  local layer = check.linear(DER.W, DER.W0)
  local loss = nn.Squared()
  local r = {}
  r.A = layer:forward(DER.x)
  r.loss = loss:forward(r.A, DER.y)
  r.dloss_dA = loss:backward()
  layer:backward(r.dloss_dA)
  r.dloss_dW, r.dloss_dW0 = layer.dLdW:copy(), layer.dLdW0:copy()
  -- Jacobians by central differences of the C layer, in the lecture's layout
  r.dA_dW0 = nn.jacobian(function(w0)
    local l = check.linear(DER.W, w0)
    return l:forward(DER.x)
  end, DER.W0)
  r.dA_dx = nn.jacobian(function(x) return check.linear(DER.W, DER.W0):forward(x) end, DER.x)
  return r
end

local WHY_CHOICES = {
  a = 'because W is not square',
  b = 'dA/dW would be the derivative of a 3x1 vector by a 4x3 matrix: 3 x 4 x 3 partial '
    .. 'derivatives dA_k/dW_ij, which our convention (vectors by vectors) does not arrange into '
    .. 'a matrix, so the product dA/dW dloss/dA is not defined',
  c = 'because A does not depend on W',
  d = 'because W_0 is added after the product W^T x, so only W_0 can be differentiated',
}

local function der_part(id, points, statement, opts)
  return {
    id = id, points = points, statement = statement,
    check = function(sub)
      local got, err = check.answer(sub, 'derivs', id)
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
  W^(1) = ]] .. check.src(DER.W) .. [[,
  W_0^(1) = ]] .. check.src(DER.W0) .. [[,
  x = ]] .. check.src(DER.x) .. ', y = ' .. check.src(DER.y) .. '.',
  starter = [[
local derivs = {}
local W = ]] .. check.src(DER.W) .. [[

local W0 = ]] .. check.src(DER.W0) .. [[

local x, y = ]] .. check.src(DER.x) .. ', ' .. check.src(DER.y) .. [[

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
        .. check.choicetext(WHY_CHOICES),
      check = check.choice_check('derivs', 'why', WHY_CHOICES),
    },
  },
}

-- For the instructor's copy of the set: what its full checkers use.
derivs.lib = {DER = DER, WHY_CHOICES = WHY_CHOICES}

return derivs
