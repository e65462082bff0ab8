-- nnlab.complete: what Tab completion at the REPL's prompt
-- (src/host/repl_complete.c) asks of the library about an object, answered
-- from the help entries (nnlab.doc) so that help and completion agree.  The
-- strings a module's functions take (ex.show('fea<Tab>, data.load('ha<Tab>)
-- come from the module's own __complete hook (see ex.lua and data.lua).
local M = {}

local cache = {}

local function calls(e)
  return type(e.call) == 'table' and e.call or { e.call }
end

-- The names after obj: for a matrix: the module's functions that take a
-- matrix first, as their help entries show them: in a method form,
-- m:name(...), or with a matrix as the first argument, matrix.name(a, ...)
-- (a, b, m, u, src: the names the entries give matrices).  The others are
-- constructors and helpers (matrix.zeros(r, c), matrix.seed(s),
-- matrix.load(path), matrix.hstack{...}), not methods.
local MATRIX_ARG = { a = true, b = true, m = true, u = true, src = true }
local function matrix_methods(doc)
  local names = {}
  for _, e in ipairs(doc.entries) do
    for _, c in ipairs(e.name:match('^matrix%.') and calls(e) or {}) do
      local name = c:match('^[%a_][%w_]*:([%a_][%w_]*)%(')
      local fname, arg = c:match('^matrix%.([%a_][%w_]*)%(%s*([%a_][%w_]*)')
      if name then names[#names + 1] = name end
      if fname and MATRIX_ARG[arg] then names[#names + 1] = fname end
    end
  end
  return names
end

-- The fields of the class of a C object (metatable __name 'nn.Linear'):
-- the names in its help entry's fields ('layer.W, layer.W0'), or in that of
-- its class ('Activation' for nn.Tanh).
local function class_fields(doc, tname)
  local byname = {}
  for _, e in ipairs(doc.entries) do byname[e.name] = e end
  local e = byname[tname]
  if e and not e.fields and e.class then e = byname[e.class] end
  local names = {}
  for _, row in ipairs(e and e.fields or {}) do
    for name in (row[1] .. ','):gmatch('[%a_][%w_]*%.([%a_][%w_]*)%s*,') do names[#names + 1] = name end
  end
  return names
end

-- members(tname, sep): for an object whose metatable's __name is tname, the
-- names to offer after obj<sep> (a list), and whether they are the only
-- ones (true) or come in addition to the functions found through its
-- __index (false); nil when there is nothing to say.
function M.members(tname, sep)
  local key = tname .. sep
  if cache[key] == nil then
    local doc = require 'nnlab.doc'
    if tname == 'matrix' then
      cache[key] = sep == ':' and { matrix_methods(doc), true } or false
    else
      cache[key] = sep == '.' and { class_fields(doc, tname), false } or false
    end
  end
  local c = cache[key]
  if c then return c[1], c[2] end
  return nil
end

return M
