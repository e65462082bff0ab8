-- nnlab.util: private helpers of the library's Lua modules, written once
-- (errors raised at the caller, shapes in messages, duck-typing checks).
-- Not part of nnlab's interface: the help does not list it and it may change.
-- It uses no library at load time: the grader's sandbox, which has no
-- debug library, loads nnlab.nn and with it this module.
local M = {}

-- A module's fail(fname, fmt, ...): raises "<prefix>.<fname>: <message>"
-- with the position of the first caller outside the given chunks (the
-- module's own `debug.getinfo(1, 'S').source`, or several for a module kept
-- in several files) in front, or none when that caller is a C function, as
-- C functions' errors have theirs.
function M.failer(prefix, ...)
  local own = {}
  for i = 1, select('#', ...) do own[select(i, ...)] = true end
  return function(fname, fmt, ...)
    local level = 2
    while debug.getinfo(level, 'S') and own[debug.getinfo(level, 'S').source] do
      level = level + 1
    end
    error(prefix .. '.' .. fname .. ': ' .. string.format(fmt, ...),
      debug.getinfo(level, 'S') and level or 0)
  end
end

-- "RxC", a matrix's shape as messages give it.
function M.shapestr(m)
  local r, c = m:shape()
  return r .. 'x' .. c
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
