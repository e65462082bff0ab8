-- nnlab.netview: a Sequential seen as the lecture's layers, for plot.graph
-- and net:explain.  Layer l is a linear module (a C Linear, or a module
-- written in Lua with matrix fields W and W0), Z^(l) = W^(l)T A^(l-1) +
-- W0^(l), followed by the modules up to the next linear one, whose
-- composition is f^(l) (none: the identity).  Modules before the first
-- linear one form a layer without W (Z^(1) = x).  Private to the library.
local core = require 'nnlab.core'
local util = require 'nnlab.util'

local matrix, kind = core.matrix, core.nn.kind
local field = util.field

local M = {}

M.ACTIVATIONS = { Sigmoid = true, Tanh = true, ReLU = true, LeakyReLU = true, Step = true,
  Identity = true, SoftMax = true }

-- Is m a linear module: a C Linear, or a Lua one with matrices W and W0?
local function linear(m)
  if kind(m) == 'Linear' then return true end
  if kind(m) ~= nil then return false end
  local W, W0 = field(m, 'W'), field(m, 'W0')
  return matrix.is(W) and matrix.is(W0)
end
M.linear = linear

-- A module's name: the C kind, else a Lua module's name field or its
-- metatable's __name, else 'Lua module'.
function M.name(m)
  local k = kind(m)
  if k then return k end
  local n = field(m, 'name')
  if type(n) == 'string' and n ~= '' then return n end
  local mt = getmetatable(m)
  if type(mt) == 'table' and type(rawget(mt, '__name')) == 'string' then return mt.__name end
  return 'Lua module'
end

-- The layers of net: {{lin = module or nil, lin_index = i, parts = {{m =
-- module, index = i}, ...}, m = inputs or nil, n = outputs or nil}, ...}.
-- m and n are known from W (m x n); through the parts n stays n when they
-- are activations or Dropout, and is unknown after a Lua module.
function M.layers(net)
  local out, cur = {}, nil
  for i, mod in ipairs(net.modules) do
    if linear(mod) or not cur then
      cur = { parts = {} }
      out[#out + 1] = cur
      if linear(mod) then
        cur.lin, cur.lin_index = mod, i
        cur.m, cur.n = field(mod, 'W'):shape()
        goto continue
      end
    end
    cur.parts[#cur.parts + 1] = { m = mod, index = i }
    ::continue::
  end
  -- the shapes as far as known: A^(l) has n^(l) rows unless a part may change it
  local prev = nil  -- rows of A^(l-1)
  for _, L in ipairs(out) do
    if not L.lin then L.m, L.n = prev, prev end
    L.an = L.n
    for _, p in ipairs(L.parts) do
      local k = kind(p.m)
      if not (M.ACTIVATIONS[k] or k == 'Dropout') then L.an = nil end
    end
    prev = L.an
  end
  return out
end

-- f^(l)'s name: the parts' names joined ('identity' for none).
function M.fname(L)
  if #L.parts == 0 then return 'identity' end
  local t = {}
  for i, p in ipairs(L.parts) do t[i] = M.name(p.m) end
  return table.concat(t, ', ')
end

-- The fused pair at the end of net, if any: SoftMax + NLLM or Sigmoid +
-- NLL, both the C ones (nn.lua's backprop fuses the same pair).
function M.fused(net)
  local last = net.modules[#net.modules]
  local lk, ak = kind(net.loss), last ~= nil and kind(last)
  if (ak == 'SoftMax' and lk == 'NLLM') or (ak == 'Sigmoid' and lk == 'NLL') then
    return ak
  end
end

return M
