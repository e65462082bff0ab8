-- nnlab.answersrc: an answer checked in the REPL as Lua source, for
-- ex.save's submission file.  Private to nnlab.ex.
--
-- M.source(v, opts) -> an expression that rebuilds v, or nil and why not.
--   nil, booleans, numbers, strings; plain tables (no cycles); matrices (as
--   matrix{...}); functions, as their own source text with their upvalues
--   bound first (each saved the same way; _ENV stays the globals), and the
--   globals of the user's that their text names (a helper function, a
--   constant) bound the same way.
--   opts.bind: {name = expression}: an upvalue (or such a global) of that
--   name holding a table is bound to that expression instead of being
--   copied (the exercise tables of the starters, `local features = {}`).
--   opts.text_of: function(f) -> the text of the chunk that defined f when
--   it is not a file (a REPL entry: nnlab.sources), or nil.
-- A function's text is found from debug.getinfo(f, 'S'): its chunk (a
-- file, or opts.text_of) and its lines; among the `function ... end` spans
-- on those lines, the one that compiles to a function of the same shape
-- (M.text_in) is it.
local matrix = require('nnlab.core').matrix

local M = {}
local fmt = string.format

local function number(x)
  if x ~= x then return '(0/0)' end
  if x == math.huge then return '(1/0)' end
  if x == -math.huge then return '(-1/0)' end
  if math.type(x) == 'integer' then return fmt('%d', x) end
  return fmt('%.17g', x)
end

-- The text of the chunk that defined f (source: its source): a file's, or
-- what text_of says (a REPL entry's).
local function chunk_text(f, source, text_of)
  local path = source:match('^@(.*)$')
  if not path then return text_of and text_of(f) or nil end
  local file = io.open(path, 'rb')
  if not file then return nil end
  local text = file:read('a')
  file:close()
  return text
end

local function lines_of(text, first, last)
  local out, n = {}, 0
  for line in (text .. '\n'):gmatch('([^\n]*)\n') do
    n = n + 1
    if n >= first and n <= last then out[#out + 1] = line end
    if n > last then break end
  end
  return table.concat(out, '\n')
end

-- "function a.b(x)", "function a:b(x)", "local function f(x)" -> an
-- anonymous function with the same parameters (self first for ':').
local function anonymous(text)
  local after = text:match('^function%s+[%w_.]+:[%w_]+%s*%((.*)$')
  if after then
    return 'function(self' .. (after:match('^%s*%)') and '' or ', ') .. after
  end
  local named = text:match('^function%s+[%w_.]+%s*(%(.*)$')
  if named then return 'function' .. named end
  return text
end

-- The opcodes of the Lua function f (its own code, not its nested
-- functions'), from string.dump's format of Lua 5.4: a header of 31
-- bytes, the number of upvalues, then the function: its source (a size,
-- 0 when stripped), first and last lines, three bytes (parameters, vararg,
-- stack size), the number of instructions and the instructions, 4 bytes
-- each, the opcode in the low 7 bits.  nil when the dump is not
-- understood.
local function opcodes(f)
  local ok, d = pcall(string.dump, f, true)
  if not ok or d:sub(1, 5) ~= '\27Lua\x54' or #d < 40 then return nil end
  local pos = 33
  local function varint()
    local x, b = 0, nil
    repeat
      b = d:byte(pos)
      if not b then error('cut short') end
      pos = pos + 1
      x = x * 128 + (b & 0x7f)
    until b >= 0x80
    return x
  end
  local ok2, ops = pcall(function()
    local n = varint()
    if n > 0 then pos = pos + n - 1 end
    varint()
    varint()
    pos = pos + 3
    local size, out = varint(), {}
    if pos + 4 * size - 1 > #d then error('cut short') end
    for i = 0, size - 1 do
      local op = string.unpack('=I4', d, pos + 4 * i) & 0x7f
      out[#out + 1] = op
    end
    return table.concat(out, ' ')
  end)
  return ok2 and ops or nil
end

-- Are the Lua functions f and g alike: the same lines (first, last, and
-- those that hold code), parameters (their names too) and opcodes?
local function alike(f, g)
  local a, b = debug.getinfo(f, 'SLu'), debug.getinfo(g, 'SLu')
  if a.linedefined ~= b.linedefined or a.lastlinedefined ~= b.lastlinedefined
    or a.nparams ~= b.nparams or a.isvararg ~= b.isvararg then
    return false
  end
  for i = 1, a.nparams do
    if debug.getlocal(f, i) ~= debug.getlocal(g, i) then return false end
  end
  for l in pairs(a.activelines) do if not b.activelines[l] then return false end end
  for l in pairs(b.activelines) do if not a.activelines[l] then return false end end
  local fo = opcodes(f)
  return fo == nil or fo == opcodes(g)
end

-- Does text name every variable that f captures (its upvalues but _ENV)?
local function names_upvalues(f, text)
  for i = 1, math.huge do
    local name = debug.getupvalue(f, i)
    if not name then return true end
    if name ~= '_ENV' and not text:find('%f[%w_]' .. name .. '%f[^%w_]') then return false end
  end
end

-- M.text_in(f, text) -> the text of the Lua function f (as an anonymous
-- function) in text, the chunk that defined it, or nil: among the
-- `function ... end` spans on f's lines, the one that compiles, at the
-- same lines and with f's upvalues, to a function alike f (and names
-- them).  It tells whether text is f's chunk
-- (nnlab.sources asks it so).
function M.text_in(f, text)
  local info = debug.getinfo(f, 'S')
  if info.what ~= 'Lua' or info.linedefined <= 0 then return nil end
  local span = lines_of(text, info.linedefined, info.lastlinedefined)
  local nl = span:find('\n[^\n]*$') or 0  -- where the last line starts
  -- compiled where f's upvalues are locals, as they were for f (an upvalue
  -- and a global are read with different instructions)
  local pad, ups = ('\n'):rep(info.linedefined - 1), {}
  for i = 1, math.huge do
    local name = debug.getupvalue(f, i)
    if not name then break end
    if name ~= '_ENV' and name:match('^[%a_][%w_]*$') then ups[#ups + 1] = name end
  end
  if #ups > 0 then pad = pad .. 'local ' .. table.concat(ups, ', ') .. '; ' end
  local start = 1
  while true do
    local s = span:find('function', start, true)
    if not s then break end
    local stop = nl + 1
    while true do
      local e = span:find('end', stop, true)
      if not e then break end
      local body = anonymous(span:sub(s, e + 2))
      local g = load(pad .. 'return ' .. body, '=answer', 't', {})
      if g then
        local ok, h = pcall(g)
        if ok and type(h) == 'function' and alike(f, h) and names_upvalues(f, body) then return body end
      end
      stop = e + 3
    end
    start = s + 8
  end
  return nil
end

local function function_text(f, text_of)
  local info = debug.getinfo(f, 'S')
  if info.what ~= 'Lua' then return nil, 'it is a C function' end
  local where = fmt('%s:%d', info.short_src, info.linedefined)
  local text = chunk_text(f, info.source, text_of)
  if not text then
    return nil, fmt('the source of the function defined at %s is not known', where)
  end
  local body = M.text_in(f, text)
  if not body then
    return nil, fmt('the text of the function defined at %s was not found in its source', where)
  end
  return body
end

-- The globals that a function's text may name: its names that are not
-- fields (after '.' or ':'), keywords, or declared in it (parameters,
-- locals, for variables: wherever they are, a rough rule that errs on
-- the side of binding less).
local KEYWORDS = {}
for w in ([[and break do else elseif end false for function goto if in local nil not
  or repeat return then true until while]]):gmatch('%a+') do KEYWORDS[w] = true end

local function free_names(text)
  local used, declared, order = {}, {}, {}
  local i, n, prev, declaring = 1, #text, '', false
  while i <= n do
    local c = text:sub(i, i)
    if c:match('%s') then
      i = i + 1
    elseif text:find('^%-%-', i) then
      local eq = text:match('^%-%-%[(=*)%[', i)
      local e = eq and select(2, text:find(']' .. eq .. ']', i + 4 + #eq, true)) or text:find('\n', i, true)
      i = (e or n) + 1
    elseif c == '"' or c == "'" then
      local j = i + 1
      while j <= n do
        local d = text:sub(j, j)
        if d == '\\' then j = j + 2 elseif d == c or d == '\n' then break else j = j + 1 end
      end
      i, prev, declaring = j + 1, 'string', false
    elseif text:find('^%[=*%[', i) then
      local eq = text:match('^%[(=*)%[', i)
      local _, e = text:find(']' .. eq .. ']', i + 2 + #eq, true)
      i, prev, declaring = (e or n) + 1, 'string', false
    elseif c:match('[%a_]') then
      local w = text:match('^[%w_]+', i)
      if KEYWORDS[w] then
        declaring = (w == 'local' or w == 'for') and 'names' or w == 'function' and 'fname' or false
      elseif prev ~= '.' and prev ~= ':' and prev ~= '::' and prev ~= 'goto' then
        if declaring then declared[w] = true
        elseif not used[w] then used[w] = true order[#order + 1] = w end
      end
      prev, i = w, i + #w
    elseif c:match('%d') then
      local w = text:match('^[%w_.]+', i)
      prev, i, declaring = 'number', i + #w, false
    else
      local w = text:match('^%.+', i) or text:match('^::', i) or c
      if declaring == 'fname' and w == '(' then
        declaring = 'params'
      elseif declaring == 'params' and w == ')' then
        declaring = false
      elseif declaring == 'names' and (w == ',' or w == '<' or w == '>') then
        -- more names, or an attribute
      elseif declaring ~= 'params' and not (declaring == 'fname' and (w == '.' or w == ':')) then
        declaring = false
      end
      prev, i = w, i + #w
    end
  end
  local out = {}
  for _, w in ipairs(order) do if not declared[w] then out[#out + 1] = w end end
  return out
end

-- The standard globals, and the values of the library (its modules, the
-- program's globals, C functions): never the user's.
local BASE = {}
for w in ([[_G _VERSION assert collectgarbage dofile error getmetatable ipairs load loadfile next
  pairs pcall print rawequal rawget rawlen rawset require select setmetatable tonumber tostring
  type warn xpcall coroutine debug io math os package string table utf8]]):gmatch('[%w_]+') do
  BASE[w] = true
end

local function library_value(x)
  if type(x) == 'function' and debug.getinfo(x, 'S').what == 'C' then return true end
  for _, m in pairs(package.loaded) do if rawequal(m, x) then return true end end
  local program = package.loaded.nnlab
  if type(program) == 'table' then
    for _, m in pairs(program) do if rawequal(m, x) then return true end end
  end
  return false
end

-- The user's globals that f's text (body) names, when f's globals are the
-- globals: {name, value} in order of use.
local function user_globals(f, body)
  local env
  for i = 1, math.huge do
    local name, value = debug.getupvalue(f, i)
    if not name then break end
    if name == '_ENV' then env = value break end
  end
  if not rawequal(env, _G) then return {} end
  local out = {}
  for _, w in ipairs(free_names(body)) do
    local x = rawget(_G, w)
    if x ~= nil and not BASE[w] and not library_value(x) then out[#out + 1] = {w, x} end
  end
  return out
end

function M.source(v, opts, depth, busy)
  opts, depth, busy = opts or {}, depth or 0, busy or {}
  if depth > 64 then return nil, 'nested too deeply' end
  local t = type(v)
  if t == 'nil' or t == 'boolean' then return tostring(v) end
  if t == 'number' then return number(v) end
  if t == 'string' then return fmt('%q', v) end
  if matrix.is(v) then
    local r, c = v:shape()
    if r == 0 or c == 0 then return fmt('matrix.zeros(%d, %d)', r, c) end
    local rows = {}
    for i = 1, r do
      local row = {}
      for j = 1, c do row[j] = number(v:get(i, j)) end
      rows[i] = '{' .. table.concat(row, ', ') .. '}'
    end
    return 'matrix{' .. table.concat(rows, ', ') .. '}'
  end
  if busy[v] then return nil, 'it refers to itself (a cycle)' end
  if t == 'table' then
    if getmetatable(v) ~= nil then
      return nil, 'a table with a metatable (an object) cannot be saved: save what makes it'
    end
    busy[v] = true
    local keys = {}
    for k in pairs(v) do keys[#keys + 1] = k end
    table.sort(keys, function(a, b)
      if type(a) == type(b) and (type(a) == 'number' or type(a) == 'string') then return a < b end
      return type(a) < type(b)
    end)
    local parts = {}
    for _, k in ipairs(keys) do
      local ks, kerr = M.source(k, opts, depth + 1, busy)
      if not ks then busy[v] = nil return nil, kerr end
      local vs, verr = M.source(v[k], opts, depth + 1, busy)
      if not vs then busy[v] = nil return nil, fmt('[%s]: %s', tostring(k), verr) end
      parts[#parts + 1] = '[' .. ks .. '] = ' .. vs
    end
    busy[v] = nil
    return '{' .. table.concat(parts, ', ') .. '}'
  end
  if t == 'function' then
    local body, err = function_text(v, opts.text_of)
    if not body then return nil, err end
    busy[v] = true
    local ups, self_name, bound = {}, nil, {}
    local vars = {}
    for i = 1, math.huge do
      local name, value = debug.getupvalue(v, i)
      if not name then break end
      if name ~= '_ENV' then
        vars[#vars + 1] = {name, value, 'upvalue'}
        bound[name] = true
      end
    end
    for _, g in ipairs(user_globals(v, body)) do
      if not bound[g[1]] then vars[#vars + 1] = {g[1], g[2], 'global'} end
    end
    for _, var in ipairs(vars) do
      local name, value, kind = var[1], var[2], var[3]
      do
        local s, uerr
        if value == v then
          self_name = name
        elseif type(value) == 'table' and opts.bind and opts.bind[name] and getmetatable(value) == nil then
          s = opts.bind[name]
        else
          s, uerr = M.source(value, opts, depth + 1, busy)
          if not s then busy[v] = nil return nil, fmt("its %s '%s': %s", kind, name, uerr) end
        end
        if s then ups[#ups + 1] = fmt('local %s = %s', name, s) end
      end
    end
    busy[v] = nil
    if #ups == 0 and not self_name then return body end
    if self_name then
      ups[#ups + 1] = fmt('local %s; %s = %s', self_name, self_name, body)
      return '(function()\n' .. table.concat(ups, '\n') .. '\nreturn ' .. self_name .. '\nend)()'
    end
    return '(function()\n' .. table.concat(ups, '\n') .. '\nreturn ' .. body .. '\nend)()'
  end
  return nil, fmt('a %s cannot be saved (only data, matrices and functions can)', t)
end

return M
