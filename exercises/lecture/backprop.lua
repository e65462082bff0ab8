-- The lecture set's exercise backprop (module nnlab.sets.lecture.backprop), a part of
-- the student copy of the set (exercises/lecture.lua; the format is in
-- exercises/README.md).
local nnlab = require 'nnlab'
local matrix, nn = nnlab.matrix, nnlab.nn
local check = require 'nnlab.check'

local fmt = string.format

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
  return Ws, W0s, matrix.randn(dims[1], b), check.onehot(dims[#dims], b)
end

-- The C network: Linear, Tanh, ..., Linear, SoftMax.
local function bp_modules(Ws, W0s)
  local mods = {}
  for l = 1, #Ws do
    mods[#mods + 1] = check.linear(Ws[l], W0s[l])
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
  local A = check.forward(mods, X)
  loss:forward(A, Y)
  local g = loss:backward()
  local r = {}
  r.dZ, r.dW, r.dW0 = bp_down(mods, g)
  for l = 1, #Ws do
    local fd = nn.jacobian(function(w0)
      local W0s2 = {}
      for k = 1, #W0s do W0s2[k] = W0s[k] end
      W0s2[l] = w0
      return matrix{{nn.NLLM():forward(check.forward(bp_modules(Ws, W0s2), X), Y)}}
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
  local f, err = check.answer(sub, 'backprop', what)
  if not f then return false, err end
  local t = check.tally()
  for i, dims in ipairs(BP_CASES) do
    local Ws, W0s, X, Y = bp_case(i, 1)
    local r = bp_reference(Ws, W0s, X, Y)
    local L = #Ws
    local case = fmt('network %s', table.concat(dims, '-'))
    local ok, got = check.call(sub, f, 'backprop.' .. what, X, Y, Ws, W0s)
    if not ok then
      t:add(false, fmt('%s: %s', case, got))
    elseif type(got) ~= 'table' or check.isobject(got) or #got ~= L then
      t:add(false, fmt('%s: backprop.%s must return a list of %d matrices (one per layer), got %s%s',
        case, what, L, check.kind(got), (type(got) == 'table' and not check.isobject(got))
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
        local f, err = check.answer(sub, 'backprop', 'batch')
        if not f then return false, err end
        local t = check.tally()
        for i, dims in ipairs(BP_CASES) do
          local b = 3 + i
          local Ws, W0s, X, Y = bp_case(i, b)
          local r = bp_reference(Ws, W0s, X, Y)
          local case = fmt('network %s, batch of %d', table.concat(dims, '-'), b)
          local ok, got = check.call(sub, f, 'backprop.batch', X, Y, Ws, W0s)
          if not ok then
            t:add(false, fmt('%s: %s', case, got))
          elseif type(got) ~= 'table' or check.isobject(got) then
            t:add(false, fmt('%s: backprop.batch must return a table {dW = {...}, dW0 = {...}}, got %s',
              case, check.kind(got)))
          else
            for _, what in ipairs{'dW', 'dW0'} do
              local list = got[what]
              if type(list) ~= 'table' or check.isobject(list) or #list ~= #Ws then
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

return backprop
