-- nnlab.util: private helpers of the library's Lua modules, written once
-- (errors raised at the caller, shapes in messages, duck-typing checks).
-- Not part of nnlab's interface: the help does not list it and it may change.
-- It uses no library at load time: the grader's sandbox, which has no
-- debug library, loads nnlab.nn and with it this module.
local M = {}

-- The library's own chunks: every source under the directory of this file
-- ("@lua/nnlab/..." in the program, the path of the module on disk from
-- stock Lua) and nnlab.lua next to it.  Found at the first error (the
-- grader's sandbox has no debug library: there errors take a fixed level).
local libdir, libmain
local function library(source)
  if not libdir then
    local own = debug.getinfo(1, 'S').source
    libdir = own:match('^(.*[/\\])[^/\\]*$') or own
    libmain = libdir:sub(1, -2) .. '.lua'
  end
  return source:sub(1, #libdir) == libdir or source == libmain
end
M.library = function(source) return type(debug) == 'table' and library(source) end

-- The level (for error) of the first caller outside the library, counted
-- from the function that calls caller_level; 0 when that caller is a C
-- function (as C functions' errors have no position) or there is none.
-- Without the debug library, the caller of the caller.
function M.caller_level(own)
  if type(debug) ~= 'table' then return 3 end
  local level = 3  -- 1 this function, 2 its caller
  while true do
    local info = debug.getinfo(level, 'S')
    if not info then return 0 end
    if not (library(info.source) or (own and own[info.source])) then
      return info.what == 'C' and 0 or level - 1
    end
    level = level + 1
  end
end

-- Raise msg at the first caller outside the library (see caller_level).
function M.raise(msg)
  local level = M.caller_level()
  error(msg, level)
end

-- A module's fail(fname, fmt, ...): raises "<prefix>.<fname>: <message>"
-- ("<fname>: <message>" for the prefix '') with the position of the first
-- caller outside the library (and outside the given chunks, the module's
-- own `debug.getinfo(1, 'S').source` or several) in front, or none when
-- that caller is a C function, as C functions' errors have theirs.  So a
-- caller's mistake is reported at the caller's line however deep in the
-- library it is found; a bug in the library raises a runtime error at its
-- own line as before.
function M.failer(prefix, ...)
  local own = {}
  for i = 1, select('#', ...) do own[select(i, ...)] = true end
  local head = prefix == '' and '' or prefix .. '.'
  return function(fname, fmt, ...)
    local level = M.caller_level(own)
    error(head .. fname .. ': ' .. string.format(fmt, ...), level)
  end
end

-- The user's state directory for nnlab: $XDG_STATE_HOME/nnlab, else
-- ~/.local/state/nnlab; nil without os (a sandbox) or HOME.  (ex keeps
-- each set's progress there; a spec may replace this function.)
function M.state_dir()
  local getenv = type(os) == 'table' and os.getenv
  if not getenv then return nil end
  local xdg = getenv('XDG_STATE_HOME')
  if xdg and xdg ~= '' then return xdg .. '/nnlab' end
  local home = getenv('HOME')
  if home and home ~= '' then return home .. '/.local/state/nnlab' end
end

-- A command line walked in order: on(a, value) for each argument a, where
-- value() takes the next argument as a's value (an error "<a> needs a
-- value" when there is none).
function M.each_arg(args, on)
  local i = 1
  while i <= #args do
    local a = args[i]
    on(a, function()
      i = i + 1
      if args[i] == nil then error(string.format('%s needs a value', a), 0) end
      return args[i]
    end)
    i = i + 1
  end
end

-- A copy of the Lua array t when its entries are numbers (a copy: the
-- values checked are the values used); else nil, the index of the first
-- entry that is not and its type.  (The caller raises the error, so that
-- its failer finds the same caller with or without the debug library.)
function M.numbers(t)
  local copy = {}
  for i = 1, #t do
    local x = t[i]
    if type(x) ~= 'number' then return nil, i, type(x) end
    copy[i] = x
  end
  return copy
end

-- The distinct values of the array ys of labels, sorted; nil and the
-- index of the first NaN when there is one (the caller raises the error).
function M.distinct(ys)
  local list, seen = {}, {}
  for i, y in ipairs(ys) do
    if y ~= y then return nil, i end
    if not seen[y] then
      seen[y] = true
      list[#list + 1] = y
    end
  end
  table.sort(list)
  return list
end

-- "RxC", a matrix's shape as messages give it.
function M.shapestr(m)
  local r, c = m:shape()
  return r .. 'x' .. c
end

-- The message for the first key of an options table that is not one of
-- the names allowed (a list), or nil: every function that takes options
-- refuses the ones it does not know, so that a typo never silently does
-- nothing.  "unknown option 'colr' (options: color, file, ...)".
function M.unknown_option(opts, allowed)
  for k in pairs(opts) do
    local known = false
    for i = 1, #allowed do
      if allowed[i] == k then known = true break end
    end
    if not known then
      local names = {}
      for i = 1, #allowed do names[i] = allowed[i] end
      table.sort(names)
      return string.format("unknown option '%s' (options: %s)", tostring(k), table.concat(names, ', '))
    end
  end
end

function M.callable(x)
  if type(x) == 'function' then return true end
  local mt = getmetatable(x)
  return type(mt) == 'table' and mt.__call ~= nil
end

-- obj[k], or nil when obj cannot be indexed (running out of memory is not
-- a missing field: that error goes on).
function M.field(obj, k)
  local ok, v = pcall(function() return obj[k] end)
  if ok then return v end
  if v == 'not enough memory' then error(v, 0) end
end

function M.has_method(obj, name)
  return M.callable(M.field(obj, name))
end

return M
