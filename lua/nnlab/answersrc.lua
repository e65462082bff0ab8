-- nnlab.answersrc: an answer checked in the REPL as Lua source, for
-- ex.save's submission file.  Private to nnlab.ex.
--
-- M.source(v, opts) -> an expression that rebuilds v, or nil and why not.
--   nil, booleans, numbers, strings; plain tables (no cycles); matrices (as
--   matrix{...}); functions, as their own source text with their upvalues
--   bound first (each saved the same way; _ENV stays the globals).
--   opts.bind: {name = expression}: an upvalue of that name holding a
--   table is bound to that expression instead of being copied (the
--   exercise tables of the starters, `local features = {}`).
--   opts.sources: {chunkname = text}, the text of chunks that are not
--   files (the REPL's entries, registered by the program).
-- A function's text is found from debug.getinfo(f, 'S'): its chunk (a
-- file, or opts.sources) and its lines; among the `function ... end`
-- spans on those lines the first that compiles with f's parameters is it.
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

local function chunk_text(source, sources)
  if sources and sources[source] then return sources[source] end
  local path = source:match('^@(.*)$')
  if not path then return nil end
  local f = io.open(path, 'rb')
  if not f then return nil end
  local text = f:read('a')
  f:close()
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

local function function_text(f, sources)
  local info = debug.getinfo(f, 'Su')
  if info.what ~= 'Lua' then return nil, 'it is a C function' end
  local where = fmt('%s:%d', info.short_src, info.linedefined)
  local text = chunk_text(info.source, sources)
  if not text then
    return nil, fmt('the source of the function defined at %s is not known', where)
  end
  local span = lines_of(text, info.linedefined, info.lastlinedefined)
  local nl = span:find('\n[^\n]*$') or 0  -- where the last line starts
  local start = 1
  while true do
    local s = span:find('function', start, true)
    if not s then break end
    local stop = nl + 1
    while true do
      local e = span:find('end', stop, true)
      if not e then break end
      local body = anonymous(span:sub(s, e + 2))
      local g = load('return ' .. body, '=answer', 't', {})
      if g then
        local ok, h = pcall(g)
        if ok and type(h) == 'function' then
          local hi = debug.getinfo(h, 'u')
          if hi.nparams == info.nparams and hi.isvararg == info.isvararg then return body end
        end
      end
      stop = e + 3
    end
    start = s + 8
  end
  return nil, fmt('the text of the function defined at %s was not found in its source', where)
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
    local body, err = function_text(v, opts.sources)
    if not body then return nil, err end
    busy[v] = true
    local ups, self_name = {}, nil
    for i = 1, math.huge do
      local name, value = debug.getupvalue(v, i)
      if not name then break end
      if name ~= '_ENV' then
        local s, uerr
        if value == v then
          self_name = name
        elseif type(value) == 'table' and opts.bind and opts.bind[name] and getmetatable(value) == nil then
          s = opts.bind[name]
        else
          s, uerr = M.source(value, opts, depth + 1, busy)
          if not s then busy[v] = nil return nil, fmt("its upvalue '%s': %s", name, uerr) end
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
