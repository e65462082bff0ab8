-- nnlab.pretty: readable text for any Lua value; the REPL shows values with it.
--
--   local pretty = require 'nnlab.pretty'
--   pretty.format({1, 2, x = {y = 'z'}})   --> '{1, 2, x = {y = "z"}}'
--   pretty.values(1, 'a', nil)             --> '1\t"a"\tnil'
--
-- Values with a __tostring metamethod (matrices) appear as tostring makes
-- them.  Tables appear as constructors: the sequence first, then the other
-- keys sorted (numbers, then strings, then the rest); on one line when they
-- fit, else one entry per line.  Nesting deeper than opts.depth shows as
-- {...}, a table inside itself as <cycle>, and no metamethod but __tostring
-- is called.
local M = {}

local defaults = { depth = 4, width = 78, items = 200 }

local keywords = {}
for w in ([[and break do else elseif end false for function goto if in
  local nil not or repeat return then true until while]]):gmatch('%a+') do
  keywords[w] = true
end

local escapes = { ['\\'] = '\\\\', ['"'] = '\\"', ['\n'] = '\\n', ['\t'] = '\\t',
  ['\r'] = '\\r', ['\a'] = '\\a', ['\b'] = '\\b', ['\f'] = '\\f', ['\v'] = '\\v' }

local function quote(s)
  return '"' .. s:gsub('[%c"\\]', function(c)
    return escapes[c] or string.format('\\%03d', c:byte())
  end) .. '"'
end
M.quote = quote

-- tostring through __tostring, falling back to the raw type and address
-- when the metamethod fails or returns no string.
local function totext(v)
  local ok, s = pcall(tostring, v)
  if ok and type(s) == 'string' then return s end
  return string.format('%s: %p', type(v), v)
end

local function has_tostring(v)
  local mt = debug.getmetatable(v)
  return mt ~= nil and rawget(mt, '__tostring') ~= nil
end

local order = { number = 1, string = 2, boolean = 3 }

local function key_less(a, b)
  local ta, tb = type(a), type(b)
  local oa, ob = order[ta] or 4, order[tb] or 4
  if oa ~= ob then return oa < ob end
  if ta == 'number' or ta == 'string' then
    if a ~= a then return false end -- NaN cannot be a key; be safe anyway
    return a < b
  end
  if ta == 'boolean' then return (not a) and b end
  return totext(a) < totext(b)
end

local format

local function format_key(k, opts, depth, seen)
  if type(k) == 'string' and k:match('^[%a_][%w_]*$') and not keywords[k] then
    return k
  end
  return '[' .. format(k, opts, depth, seen, 0) .. ']'
end

local function format_table(t, opts, depth, seen, indent)
  if next(t) == nil then return '{}' end
  if seen[t] then return '<cycle>' end
  if depth >= opts.depth then return '{...}' end
  seen[t] = true
  local items, n = {}, 0
  while rawget(t, n + 1) ~= nil do n = n + 1 end
  local inner = indent + 2
  local count = math.min(n, opts.items)
  for i = 1, count do
    items[#items + 1] = format(rawget(t, i), opts, depth + 1, seen, inner)
  end
  local keys = {}
  for k in next, t do
    if not (math.type(k) == 'integer' and k >= 1 and k <= n) then keys[#keys + 1] = k end
  end
  table.sort(keys, key_less)
  for _, k in ipairs(keys) do
    if count >= opts.items then break end
    count = count + 1
    local key = format_key(k, opts, depth + 1, seen) .. ' = '
    local v = rawget(t, k)
    -- a nested table's lines indent by one step; other text lines up under its start
    local at = (type(v) == 'table' and not has_tostring(v)) and inner or inner + #key
    items[#items + 1] = key .. format(v, opts, depth + 1, seen, at)
  end
  local total = n + #keys
  if total > count then items[#items + 1] = '... (' .. (total - count) .. ' more)' end
  seen[t] = nil
  local line = '{' .. table.concat(items, ', ') .. '}'
  if not line:find('\n') and indent + #line <= opts.width then return line end
  local pad = string.rep(' ', inner)
  return '{\n' .. pad .. table.concat(items, ',\n' .. pad) .. '\n' ..
    string.rep(' ', indent) .. '}'
end

-- format(v, opts, depth, seen, indent): indent is the column v starts at,
-- so that the later lines of a multi-line value line up.
function format(v, opts, depth, seen, indent)
  local tv = type(v)
  if tv == 'string' then return quote(v) end
  -- tostring gives "-nan" for 0/0 (its sign bit is set); numpy prints nan
  if v ~= v and tv == 'number' then return 'nan' end
  if tv == 'table' and not has_tostring(v) then
    return format_table(v, opts, depth, seen, indent)
  end
  local s = totext(v)
  if indent > 0 then s = s:gsub('\n', '\n' .. string.rep(' ', indent)) end
  return s
end

local function options(opts)
  local o = {}
  for k, d in pairs(defaults) do o[k] = opts and opts[k] or d end
  return o
end

-- The text of any value.  opts (all optional): depth (nesting shown, 4),
-- width (columns a table may take on one line, 78), items (entries shown
-- per table, 200).
function M.format(v, opts)
  return (format(v, options(opts), 0, {}, 0))
end

-- The text of several values (as the REPL shows results): separated by
-- tabs, or by newlines when one of them takes several lines.
function M.values(...)
  local n, parts, multiline = select('#', ...), {}, false
  local opts = options()
  for i = 1, n do
    parts[i] = format((select(i, ...)), opts, 0, {}, 0)
    multiline = multiline or parts[i]:find('\n') ~= nil
  end
  return table.concat(parts, multiline and '\n' or '\t')
end

return M
