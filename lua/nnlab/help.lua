-- nnlab.help: help(x) in the REPL, from the entries of nnlab.doc.
--
--   help()                  the topics
--   help('matrix')          a topic's functions, one line each
--   help(matrix.zeros)      one function, class or object: by identity
--   help('matrix.zeros')    the same by name; 'zeros' and 'Tanh:forward' work too
--
-- help(x) prints; text(x) returns what help(x) prints; ask(s) is the REPL's
-- "?s": the text as a name, or else as an expression to look up by value.
local M = {}
local fmt = string.format
local WIDTH = 78

-- --- the index --------------------------------------------------------------

-- The entries (nnlab.doc, a sixth of the library's code) are loaded and
-- indexed by the first call that needs them, not when the program starts.
local doc = {}
local byname, bygroup = {}, {}
local groups, topics = {}, {}
local function load_index()
  if doc.entries then return end
  for k, v in pairs(require 'nnlab.doc') do doc[k] = v end
  for _, t in ipairs(doc.topics) do topics[t.id] = t end
  for _, g in ipairs(doc.groups) do
    groups[g.id] = g
    bygroup[g.id] = {}
  end
  for _, e in ipairs(doc.entries) do
    byname[e.name] = e
    for _, a in ipairs(e.also or {}) do byname[a] = e end
    table.insert(bygroup[e.group], e)
  end
end

local function calls(e)
  return type(e.call) == 'table' and e.call or { e.call }
end

-- The class whose methods a constructor entry makes: nn.Tanh -> Activation.
local function class_of(e)
  if e.class then return e.class end
  local c = e.name:match('^nn%.(%u[%w_]*)$') or e.name:match('^(%u[%w_]*)$')
  return c
end

-- The library's modules (matrix, nn, ...), loaded when first needed: doc.lua
-- alone needs no C.
local lib
local function library()
  if not lib then
    lib = {}
    for k, v in pairs(require 'nnlab') do
      if type(v) == 'table' then lib[k] = v end
    end
  end
  return lib
end

-- The table of methods of a class, or nil: the C classes' metatables are in
-- the registry under 'nn.<Class>' (the methods are the first upvalue of
-- their __index); Sequential's and Plot's are Lua tables.
local function methods_of(class)
  local L = library()
  if class == 'Sequential' then
    local mt = getmetatable(L.nn.Sequential({}, L.nn.Squared()))
    return type(mt.__index) == 'table' and mt.__index or nil
  elseif class == 'Plot' then
    return getmetatable(L.plot.line({ 1, 2 }, { width = 20, height = 6 })).__index
  end
  if not (debug and debug.getregistry) then return nil end
  local mt = debug.getregistry()['nn.' .. class]
  if type(mt) ~= 'table' then return nil end
  local index = rawget(mt, '__index')
  if type(index) == 'table' then return index end
  if type(index) == 'function' and debug.getupvalue then
    local _, t = debug.getupvalue(index, 1)
    if type(t) == 'table' then return t end
  end
  return nil
end

-- The value a public name stands for, or nil.
function M.resolve(name)
  load_index()
  local L = library()
  if name == 'help' then return M.help end
  local class, method = name:match('^(%u[%w_]*):([%w_]+)$')
  if class then
    local t = methods_of(class)
    return t and rawget(t, method)
  end
  if name:match('^%u[%w_]*$') then return methods_of(name) end
  local mod, field = name:match('^(%a+)%.([%w_]+)$')
  if mod == 'matrix' and field:match('^__') then
    return getmetatable(L.matrix.zeros(0, 0))[field]
  end
  if mod and L[mod] then return L[mod][field] end
  return nil
end

-- value -> entry, for the values that are functions or tables
local byvalue
local function value_index()
  if byvalue then return byvalue end
  byvalue = {}
  for _, e in ipairs(doc.entries) do
    for _, n in ipairs({ e.name, table.unpack(e.also or {}) }) do
      local ok, v = pcall(M.resolve, n)
      if ok and (type(v) == 'function' or type(v) == 'table') and byvalue[v] == nil then
        byvalue[v] = e
      end
    end
  end
  return byvalue
end

-- --- text -----------------------------------------------------------------

-- Words of s wrapped to lines of at most width, each line starting with
-- indent (the first with first, when given).
local function wrap(s, indent, width, first)
  local lines, line = {}, nil
  for word in s:gmatch('%S+') do
    if line and #line + 1 + #word > width then
      lines[#lines + 1] = line
      line = nil
    end
    if line then
      line = line .. ' ' .. word
    else
      line = (#lines == 0 and first or indent) .. word
    end
  end
  if line then lines[#lines + 1] = line end
  return table.concat(lines, '\n')
end

local function first_sentence(s)
  return s:match('^(.-%.)%s') or s
end

-- The entries whose name starts with "Class:".
local function methods_list(class)
  local out = {}
  for _, e in ipairs(doc.entries) do
    if e.name:match('^(%u[%w_]*):') == class then
      out[#out + 1] = e.name
      for _, a in ipairs(e.also or {}) do out[#out + 1] = a end
    end
  end
  return out
end

function M.entry_text(e)
  load_index()
  local g = groups[e.group]
  local out = {}
  local cs = calls(e)
  local where = fmt('[%s: %s]', g.topic, g.title)
  if #cs[1] + 2 + #where <= WIDTH then
    out[1] = cs[1] .. string.rep(' ', WIDTH - #cs[1] - #where) .. where
  else
    out[1] = cs[1]
  end
  for i = 2, #cs do out[#out + 1] = cs[i] end
  if e.shapes and e.shapes ~= '' then out[#out + 1] = wrap('shapes: ' .. e.shapes, '  ', WIDTH) end
  out[#out + 1] = wrap(e.desc, '  ', WIDTH)
  if e.fields then
    out[#out + 1] = '  fields:'
    for _, f in ipairs(e.fields) do
      local head = f[1] .. (f[2] ~= '' and (' (' .. f[2] .. ')') or '')
      out[#out + 1] = wrap(head .. ': ' .. f[3], '    ', WIDTH)
    end
  end
  local class = class_of(e)
  if e.class and byname[e.class] then
    out[#out + 1] = fmt("  class: %s (help('%s') for its fields)", e.class, e.class)
  end
  if class and (e.name:find('^nn%.') or e.name == class) then
    local ms = methods_list(class)
    if #ms > 0 then
      out[#out + 1] = wrap('methods: ' .. table.concat(ms, ', '), '  ', WIDTH)
    end
  end
  if e.example then
    out[#out + 1] = '  example:'
    for line in (e.example:gsub('\n+$', '') .. '\n'):gmatch('(.-)\n') do
      out[#out + 1] = line == '' and '' or ('    ' .. line)
    end
  end
  if e.also then
    out[#out + 1] = wrap('covers also: ' .. table.concat(e.also, ', '), '  ', WIDTH)
  end
  return table.concat(out, '\n')
end

local function topics_text()
  local out = {
    'nnlab help: help(x) explains a function, class or object (help(matrix.zeros),',
    "help(layer)); help('name') finds it by name; at the prompt, ?x is help(x).",
    'Topics (help(\'matrix\') lists one):',
  }
  for _, t in ipairs(doc.topics) do
    out[#out + 1] = fmt('  %-8s %s', t.id, t.title)
  end
  return table.concat(out, '\n')
end

-- A group's title, then each entry's name and the first sentence of its
-- description.
local function group_lines(out, g)
  out[#out + 1] = g.title
  local col = 24
  for _, e in ipairs(bygroup[g.id]) do
    local head = '  ' .. e.name
    head = head .. string.rep(' ', math.max(1, col - #head))
    out[#out + 1] = wrap(first_sentence(e.desc), string.rep(' ', col), WIDTH, head)
  end
end

local function topic_text(id)
  local t = topics[id]
  local out = { fmt('%s: %s', t.id, t.title) }
  local example
  for _, g in ipairs(doc.groups) do
    if g.topic == id then
      out[#out + 1] = ''
      group_lines(out, g)
      example = example or (bygroup[g.id][1] and bygroup[g.id][1].name)
    end
  end
  out[#out + 1] = ''
  out[#out + 1] = fmt("help('%s') for one of them.", example or id)
  if t.see then out[#out] = out[#out] .. fmt(" See also help('%s').", t.see) end
  return table.concat(out, '\n')
end

local function group_text(id)
  local out = {}
  group_lines(out, groups[id])
  return table.concat(out, '\n')
end

-- --- lookup by name -----------------------------------------------------------

local function is_class(name)
  for _, e in ipairs(doc.entries) do
    if e.name:match('^(%u[%w_]*):') == name then return true end
  end
  return false
end

-- The class of an object, and the entry of its constructor (or nil).
local function class_of_value(v)
  local L = library()
  if L.matrix.is(v) then return 'matrix', nil end
  local mt = getmetatable(v)
  if type(mt) ~= 'table' then return nil end
  if type(v) == 'table' and mt == getmetatable(L.nn.Sequential({}, L.nn.Squared())) then
    return 'Sequential', byname['nn.Sequential']
  end
  local name = rawget(mt, '__name')
  if name == 'plot' then return 'Plot', byname['Plot'] end
  if type(name) == 'string' and name:match('^nn%.') then
    local class = name:sub(4)
    local ok, kind = pcall(L.nn.kind, v)
    local e = ok and kind and byname['nn.' .. kind] or byname['nn.' .. class]
    if e then return class_of(e) or class, e end
    return class, nil
  end
  return nil
end

-- A global by a dotted name, without calling anything but rawget.
local function global(path)
  local v = _G
  for part in path:gmatch('[^.]+') do
    if type(v) ~= 'table' then return nil end
    v = rawget(v, part)
  end
  return v
end

-- Exact lookups: a topic, a group, an entry name, a method of a class named
-- by its constructor ('Tanh:forward') or by a variable ('net:fit'), an aka.
-- Returns the text, or nil.
local function exact(s)
  if byname[s] then return M.entry_text(byname[s]) end
  if topics[s] then return topic_text(s) end
  if groups[s] then return group_text(s) end
  local obj, method = s:match('^([%a_][%w_.]*):([%a_][%w_]*)$')
  if obj then
    local class = (obj == 'matrix' or is_class(obj)) and obj
    if not class then
      local ctor = byname[obj] or byname['nn.' .. obj]
      class = ctor and class_of(ctor)
    end
    if not class then
      local ok, c = pcall(class_of_value, global(obj))
      class = ok and c
    end
    if class == 'matrix' and byname['matrix.' .. method] then
      return M.entry_text(byname['matrix.' .. method])
    end
    if class and byname[class .. ':' .. method] then
      return M.entry_text(byname[class .. ':' .. method])
    end
  end
  for _, e in ipairs(doc.entries) do
    for _, a in ipairs(e.aka or {}) do
      if a == s then return M.entry_text(e) end
    end
  end
  return nil
end

local function names_of(e)
  return { e.name, table.unpack(e.also or {}) }
end

-- Entries whose name ends in ".s" or ":s", or failing that contains s.
local function fuzzy(s)
  local found, seen = {}, {}
  local low = s:lower()
  local function add(n, e)
    if not seen[n] then
      seen[n] = true
      found[#found + 1] = { name = n, entry = e }
    end
  end
  for _, e in ipairs(doc.entries) do
    for _, n in ipairs(names_of(e)) do
      local tail = n:match('[.:]([^.:]+)$')
      if tail and tail:lower() == low then add(n, e) end
    end
  end
  if #found > 0 then return found, true end
  for _, e in ipairs(doc.entries) do
    for _, n in ipairs(names_of(e)) do
      if #low >= 2 and n:lower():find(low, 1, true) then add(n, e) end
    end
  end
  return found, false
end

local function by_string(s)
  local t = exact(s)
  if t then return t end
  local found, whole = fuzzy(s)
  if whole and #found == 1 then return M.entry_text(found[1].entry) end
  if #found > 0 then
    local names = {}
    for i, f in ipairs(found) do
      if i > 12 then names[#names + 1] = '...' break end
      names[#names + 1] = f.name
    end
    return fmt("'%s' %s: %s\nhelp('%s') shows one of them.", s,
      whole and 'could be any of' or 'is not a name; names containing it',
      table.concat(names, ', '), found[1].name)
  end
  return nil
end

-- --- lookup by value ------------------------------------------------------------

local function lua_name(v)
  for _, lname in ipairs{ '_G', 'string', 'table', 'math', 'io', 'os', 'coroutine', 'utf8', 'debug' } do
    local t = lname == '_G' and _G or rawget(_G, lname)
    if type(t) == 'table' then
      for k, x in pairs(t) do
        if x == v and type(k) == 'string' then
          return lname == '_G' and k or (lname .. '.' .. k)
        end
      end
    end
  end
end

local function by_value(v)
  local L = library()
  local e = value_index()[v]
  if e then return M.entry_text(e) end
  for id, mod in pairs(L) do
    if v == mod and topics[id] then return topic_text(id) end
  end
  local ok, class, ctor = pcall(class_of_value, v)
  if ok and class == 'matrix' then
    local r, c = v:shape()
    return fmt('a %dx%d matrix; its methods are the functions of the matrix topic:\n\n', r, c)
      .. topic_text('matrix')
  end
  if ok and ctor then return M.entry_text(ctor) end
  if type(v) == 'function' or type(v) == 'table' then
    local n = lua_name(v)
    if n and n ~= 'help' then
      return fmt("%s is Lua's own: see the Lua 5.4 reference manual, https://www.lua.org/manual/5.4/", n)
    end
  end
  return nil
end

local UNKNOWN = "help() lists the topics, help('name') finds a name."

-- The text help(...) prints.
function M.text(...)
  load_index()
  if select('#', ...) == 0 then return topics_text() end
  local x = ...
  if x == nil then
    return 'help: the value is nil (an undefined name?). ' .. UNKNOWN
  end
  if type(x) == 'string' then
    local s = x:match('^%s*(.-)%s*$')
    if s == '' then return topics_text() end
    return by_string(s) or fmt("help: nothing called '%s'. %s", s, UNKNOWN)
  end
  local t = by_value(x)
  if t then return t end
  local shown = type(x) == 'number' and tostring(x) or type(x)
  return fmt('help: no help for this %s (%s): it is not part of nnlab. %s', type(x),
    shown, UNKNOWN)
end

-- help(x): print the help for x; see text.
function M.help(...)
  load_index()
  print(M.text(...))
end

-- The REPL's "?s" (the '?' already taken off; "??" and "?" alone give the
-- topics).  s is taken as a name first, then as an expression whose value
-- is looked up, then as a part of a name.
function M.ask(s)
  load_index()
  s = s:gsub('^%?+', ''):match('^%s*(.-)%s*$')
  if s == '' then return M.help() end
  local t, isnil = exact(s), false
  if not t then
    local f = load('return ' .. s, '=?', 't')
    if f then
      local ok, v = pcall(f)
      if ok and v ~= nil and type(v) ~= 'string' then t = M.text(v) end
      if ok and type(v) == 'string' then t = by_string(v) end
      isnil = ok and v == nil
    end
  end
  t = t or by_string(s)
  if not t and isnil then
    t = fmt("help: nothing called '%s', and as an expression it is nil. %s", s, UNKNOWN)
  end
  print(t or M.text(s))
end

-- For tests and tools: the entries, their index and the groups.
local INDEX = { doc = doc, byname = byname, bygroup = bygroup }
setmetatable(M, { __index = function(_, k)
  if INDEX[k] then load_index() return INDEX[k] end
end })

return M
