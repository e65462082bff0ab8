-- nnlab.explain: net:explain(x, y [, l]), the lecture's backward chain for
-- layer l of a Sequential at one data point, factor by factor:
--
--   dloss/dZ^(l) = dA^(l)/dZ^(l) dZ^(l+1)/dA^(l) ... dA^(L)/dZ^(L) dloss/dA^(L)
--                   n^l x n^l     n^l x n^(l+1)       n^L x n^L    n^L x 1
--
-- in the lecture's layout (for v c x 1 and u b x 1, dv/du is b x c with
-- entry (j, k) = dv_k/du_j), then dloss/dW^(l) = A^(l-1) (dloss/dZ^(l))^T
-- and dloss/dW0^(l) = dloss/dZ^(l), checked against what backprop computes.
-- Layers are nnlab.netview's.  The factors come from the modules
-- themselves: act:jacobian(Z) for the C activations, layer:dZ_dA() (= W)
-- for a C Linear, the loss's backward for dloss/dA^(L), and for any other
-- module (Dropout, modules written in Lua) the columns of its Jacobian from
-- its backward (module:backward(e_k) is column k).
--
-- The result prints nothing by itself: like a plot, it is a table whose
-- tostring is the explanation, so the REPL shows it when the value is not
-- used (e = net:explain(x, y) is quiet; print(e) prints it).
local core = require 'nnlab.core'
local util = require 'nnlab.util'
local view = require 'nnlab.netview'

local matrix, kind = core.matrix, core.nn.kind
local fmt, shape, field, has_method = string.format, util.shapestr, util.field, util.has_method

local E = {}

local function fail(f, ...)
  error('explain: ' .. fmt(f, ...), 3)
end

-- Is every entry of M zero?
local function allzero(M)
  local r, c = M:shape()
  for i = 1, r do
    for j = 1, c do
      if M:get(i, j) ~= 0 then return false end
    end
  end
  return true
end

local function finite(M)
  local r, c = M:shape()
  for i = 1, r do
    for j = 1, c do
      local v = M:get(i, j)
      if v ~= v or v == math.huge or v == -math.huge then return false end
    end
  end
  return true
end

local function maxabs(M)
  local r, c = M:shape()
  local m = 0
  for i = 1, r do
    for j = 1, c do
      local v = math.abs(M:get(i, j))
      if v ~= v then return v end
      if v > m then m = v end
    end
  end
  return m
end

-- The Jacobian of module mod at its last forward (input u b x 1, output v
-- c x 1) from its backward: column k is mod:backward(e_k).
local function jacobian_by_backward(mod, u, v, i)
  local b, c = u:shape(), v:shape()
  local J = matrix.zeros(b, c)
  for k = 1, c do
    local e = matrix.zeros(c, 1)
    e:set(k, 1, 1)
    local g = mod:backward(e)
    if not matrix.is(g) or shape(g) ~= shape(u) then
      fail('module %d (%s): backward returned %s, expected a %s matrix', i, view.name(mod),
        matrix.is(g) and shape(g) or type(g), shape(u))
    end
    for j = 1, b do J:set(j, k, g:get(j, 1)) end
  end
  return J
end

-- A part of f^(k): its Jacobian and how it was formed.
local function part_jacobian(p, U)
  local u, v, k = U[p.index - 1], U[p.index], kind(p.m)
  if view.ACTIVATIONS[k] then
    local how = k == 'SoftMax' and 'its Jacobian, a_k (delta_jk - a_j)'
      or k == 'Step' and "diagonal, Step'(z) = 0"
      or k == 'Identity' and 'the identity'
      or fmt("diagonal, %s'(Z)", k)
    return p.m:jacobian(u), how
  end
  return jacobian_by_backward(p.m, u, v, p.index), view.name(p.m) .. ', columns from its backward'
end

-- Matrix text without its "matrix RxC" line, indented.
local function mtext(M)
  local s = tostring(M):gsub('^[^\n]*\n', '')
  return s
end

local function close(a, b)
  if not matrix.is(b) or shape(a) ~= shape(b) then return false end
  local d = maxabs(a - b)
  return d <= 1e-9 * math.max(1, maxabs(a), maxabs(b)), d
end

function E.explain(net, x, y, l)
  if type(net) ~= 'table' or type(net.modules) ~= 'table' then
    fail('call it as net:explain(x, y [, l]) on an nn.Sequential, got %s as self', type(net))
  end
  for _, a in ipairs{ { 'x', x }, { 'y', y } } do
    if not matrix.is(a[2]) then fail('%s must be a matrix, got %s', a[1], type(a[2])) end
    local r, c = a[2]:shape()
    if c ~= 1 then
      fail('%s must be one data point, a column (%d x 1), got %dx%d: explain one column, %s:col(j)',
        a[1], r, r, c, a[1] == 'x' and 'X' or 'Y')
    end
  end
  local layers = view.layers(net)
  local L = #layers
  if L == 0 then fail('the net has no modules') end
  if l == nil then l = 1 end
  if math.type(l) ~= 'integer' and not (type(l) == 'number' and l == math.floor(l)) then
    fail('l must be a layer number, got %s', tostring(l))
  end
  l = math.tointeger(l)
  if l < 1 or l > L then fail('l must be between 1 and %d (the layers of this net), got %d', L, l) end
  if not layers[l].lin then
    fail('layer %d has no W (it starts with module %d, %s, not a Linear)', l,
      layers[l].parts[1].index, view.name(layers[l].parts[1].m))
  end
  for i, mod in ipairs(net.modules) do
    if kind(mod) == 'Dropout' and field(mod, 'training') and field(mod, 'p') > 0 then
      fail('module %d is a Dropout in training mode (a new mask at every forward): call net:eval() first', i)
    end
  end
  if not has_method(net.loss, 'backward') then fail('the loss %s has no backward', view.name(net.loss)) end

  -- forward, keeping every module's input and output: U[0] = x, U[i]
  local U = { [0] = x }
  for i, mod in ipairs(net.modules) do
    U[i] = mod:forward(U[i - 1])
    if not matrix.is(U[i]) or select(2, U[i]:shape()) ~= 1 then
      fail('module %d (%s) returned %s for a column', i, view.name(mod),
        matrix.is(U[i]) and shape(U[i]) or type(U[i]))
    end
  end
  local function A(k)  -- A^(k), k = 0 .. L
    if k == 0 then return x end
    local Lk = layers[k]
    local last = #Lk.parts > 0 and Lk.parts[#Lk.parts].index or Lk.lin_index
    return U[last]
  end
  local function Z(k)
    local Lk = layers[k]
    return Lk.lin and U[Lk.lin_index] or A(k - 1)
  end
  local AL = A(L)
  if shape(AL) ~= shape(y) then
    fail("y is %s but the net's output A^(%d) is %s", shape(y), L, shape(AL))
  end
  local loss = net.loss:forward(AL, y)
  local dLdA = net.loss:backward()

  -- the factors, left to right
  local F, names, hows, owner = {}, {}, {}, {}
  local function add(M, name, how, k)
    F[#F + 1], names[#names + 1], hows[#hows + 1], owner[#owner + 1] = M, name, how, k
  end
  for k = l, L do
    local Lk = layers[k]
    local J, how
    if #Lk.parts == 0 then
      J, how = matrix.eye((Z(k):shape())), 'no activation: the identity'
    else
      J, how = part_jacobian(Lk.parts[1], U)
      for pi = 2, #Lk.parts do
        local Jp, hp = part_jacobian(Lk.parts[pi], U)
        J, how = J * Jp, how .. '; then ' .. hp
      end
      if #Lk.parts > 1 then how = 'the product of its modules\' Jacobians: ' .. how end
    end
    add(J, fmt('dA^(%d)/dZ^(%d)', k, k), fmt('f^(%d) = %s: %s', k, view.fname(Lk), how), k)
    if k < L then
      local nxt = layers[k + 1]
      local W
      if not nxt.lin then
        W, how = matrix.eye((A(k):shape())), 'no linear module: Z = A, the identity'
      elseif kind(nxt.lin) == 'Linear' then
        W, how = nxt.lin:dZ_dA(), fmt('W^(%d)', k + 1)
      else
        W, how = jacobian_by_backward(nxt.lin, U[nxt.lin_index - 1], U[nxt.lin_index], nxt.lin_index),
          fmt('%s, columns from its backward (W^(%d) if Z = W^T A + W0)', view.name(nxt.lin), k + 1)
      end
      add(W, fmt('dZ^(%d)/dA^(%d)', k + 1, k), how, k)
    end
  end
  add(dLdA, fmt('dloss/dA^(%d)', L), fmt("%s's derivative at A^(%d)", view.name(net.loss), L), L)

  local fused = view.fused(net)
  local tail = F[#F]
  local fusednote
  if fused then
    local zl = Z(L)
    local _, direct = net.loss:forward_logits(zl, y)
    fusednote = fmt('(backprop fuses the last two: dA^(%d)/dZ^(%d) dloss/dA^(%d) = A^(%d) - y,\n from the logits Z^(%d))',
      L, L, L, L, L)
    if not finite(dLdA) then
      -- a probability underflowed: -y/a is infinite, the product is taken from A - y
      tail = direct
      fusednote = fusednote .. fmt('\n(dloss/dA^(%d) is not finite here: the product below uses A^(%d) - y)', L, L)
    end
  end
  local dZ
  if tail ~= F[#F] then
    dZ = tail
    for i = #F - 2, 1, -1 do dZ = F[i] * dZ end
  else
    dZ = tail
    for i = #F - 1, 1, -1 do dZ = F[i] * dZ end
  end
  local Aprev = U[layers[l].lin_index - 1]
  local dW = Aprev * dZ:T()
  local dW0 = dZ:copy()

  -- what backward computes (and the modules' state as backprop leaves it)
  net:backprop(x, y)
  local lin = layers[l].lin
  local bW, bW0 = field(lin, 'dLdW'), field(lin, 'dLdW0')
  local okW, dWdiff = close(dW, bW)
  local okW0, dW0diff = close(dW0, bW0)

  -- the zero factors: the highest layer they belong to
  local zeros, zk = {}, nil
  for i, M in ipairs(F) do
    if allzero(M) then
      zeros[i] = true
      if not zk or owner[i] > zk then zk = owner[i] end
    end
  end

  -- the text
  local out = {}
  local function put(s) out[#out + 1] = s end
  put(fmt('net:explain: layer %d of %d at one point, x %s, y %s; loss %s = %.6g',
    l, L, shape(x), shape(y), view.name(net.loss), loss))
  local lhs = fmt('dloss/dZ^(%d)', l)
  local line, under = lhs .. ' = ', {}
  local cols = { { #lhs, shape(dZ), 0 } }
  for i, name in ipairs(names) do
    cols[#cols + 1] = { #name, shape(F[i]), #line }
    line = line .. name .. (i < #names and ' ' or '')
  end
  put(line)
  cols[1][3] = 0
  local u = ''
  for _, c in ipairs(cols) do
    local s = c[2]
    local at = c[3] + (c[1] - #s) // 2
    if at < #u + 1 then at = #u + (#u > 0 and 1 or 0) end
    u = u .. string.rep(' ', at - #u) .. s
  end
  put(u)
  for i, M in ipairs(F) do
    put('')
    put(fmt('%s  %s  %s%s', names[i], shape(M), hows[i], zeros[i] and '   <- ALL ZEROS' or ''))
    put(mtext(M))
  end
  if fusednote then put(fusednote) end
  put('')
  put(fmt('%s  %s  the product', lhs, shape(dZ)))
  put(mtext(dZ))
  local where = function(what)
    return fmt('net.modules[%d].%s', layers[l].lin_index, what)
  end
  local function verdict(ok, diff, got, what, want)
    if ok then return 'agrees with ' .. where(what) end
    if not matrix.is(got) then return 'backward left no ' .. where(what) .. ' to compare' end
    if shape(got) ~= shape(want) then return fmt('backward gave %s %s', where(what), shape(got)) end
    return fmt('DIFFERS from %s by up to %.3g; that is\n%s', where(what), diff, mtext(got))
  end
  put('')
  put(fmt('dloss/dW^(%d) = A^(%d) %s^T  %s: %s', l, l - 1, '(' .. lhs .. ')', shape(dW),
    verdict(okW, dWdiff, bW, 'dLdW', dW)))
  put(mtext(dW))
  put(fmt('dloss/dW0^(%d) = %s  %s: %s', l, lhs, shape(dW0), verdict(okW0, dW0diff, bW0, 'dLdW0', dW0)))
  if zk then
    local which = {}
    for i in pairs(zeros) do which[#which + 1] = i end
    table.sort(which)
    for i, k in ipairs(which) do which[i] = names[k] end
    put('')
    put(fmt('%s %s all zeros, so every gradient at or below layer %d is zero.',
      table.concat(which, ', '), #which > 1 and 'are' or 'is', zk))
  end
  local text = table.concat(out, '\n')
  local r = { factors = F, names = names, dZ = dZ, dW = dW, dW0 = dW0, loss = loss, layer = l,
    agrees = (okW and okW0) or false, zero_at = zk, text = text }
  return setmetatable(r, { __tostring = function(t) return t.text end, __name = 'explain' })
end

return E
