-- A stand-in for the grader's view of a submission (exercises/README.md,
-- "Checkers"), for testing exercise sets without the grader: the submission
-- runs in this Lua state, in an environment of its own with the libraries
-- its exercise allows; values cross as the grader's marshalling would cross
-- them (matrices and plain tables copied, functions and objects passed as
-- they are, standing for references); errors are caught as sub:call
-- catches them.  Randomness: sub:seed seeds the one matrix stream of this
-- state, which the checker shares.
local nnlab = require 'nnlab'
local matrix = nnlab.matrix

local S = {}

local function cross(v, depth)
  depth = depth or 0
  if depth > 64 then error('data nested more than 64 levels deep (or a cycle)') end
  if matrix.is(v) then return v:copy() end
  if type(v) == 'table' and getmetatable(v) == nil then
    local t = {}
    for k, x in pairs(v) do t[k] = cross(x, depth + 1) end
    return t
  end
  return v
end

local function crossall(n, ...)
  local t = table.pack(...)
  for i = 1, n do t[i] = cross(t[i]) end
  return table.unpack(t, 1, n)
end

local function env(libs)
  local e = {}
  for _, k in ipairs{'assert', 'error', 'ipairs', 'next', 'pairs', 'pcall', 'rawequal', 'rawget',
      'rawlen', 'rawset', 'select', 'setmetatable', 'getmetatable', 'tonumber', 'tostring', 'type',
      'xpcall', 'math', 'string', 'table', 'utf8', 'coroutine'} do
    e[k] = _G[k]
  end
  e.print = function() end
  e._G = e
  for lib in libs:gmatch('%S+') do e[lib] = nnlab[lib] end
  return e
end

-- S.new(source, libs): the sub object for one part, on a fresh load.
function S.new(source, libs)
  local top
  local chunk = load(source, '=submission', 't', env(libs or 'matrix nn'))
  if chunk then
    local ok, v = pcall(chunk)
    if ok then top = v end
  end
  local sub = {}
  function sub.get(_, ...)
    local v = top
    for _, k in ipairs{...} do
      if type(v) ~= 'table' then return nil, 'no such answer' end
      v = v[k]
    end
    if v == nil then return nil, 'no such answer' end
    return cross(v)
  end
  local function pack(ok, ...)
    if not ok then
      local okm, msg = pcall(tostring, (...))
      return false, okm and msg or "(error object)"
    end
    return true, crossall(select('#', ...), ...)
  end
  function sub.call(_, f, ...)
    local args = table.pack(crossall(select('#', ...), ...))
    return pack(pcall(f, table.unpack(args, 1, args.n)))
  end
  function sub.method(_, obj, name, ...)
    local args = table.pack(crossall(select('#', ...), ...))
    return pack(pcall(function() return obj[name](obj, table.unpack(args, 1, args.n)) end))
  end
  function sub.index(_, obj, key)
    return pack(pcall(function() return obj[key] end))
  end
  function sub.seed(_, s) matrix.seed(s) end
  return sub
end

-- S.grade(set, source [, only]): runs every part's checker (or those
-- named 'exercise.part' in the set only) on a fresh stand-in, seeding the
-- stream first.  Returns {['ex.part'] = {score = 0..1, feedback =}}.
function S.grade(set, source, only)
  local out = {}
  for _, ex in ipairs(set.exercises) do
    for _, part in ipairs(ex.parts) do
      local name = ex.id .. '.' .. part.id
      if not only or only[name] then
        local sub = S.new(source, ex.libs)
        matrix.seed(0)
        local ok, r, fb = pcall(part.check, sub)
        local score
        if not ok then
          score, fb = 0, 'checker error: ' .. tostring(r)
        elseif r == true then
          score = 1
        elseif type(r) == 'number' then
          score = r
        else
          score = 0
        end
        out[name] = {score = score, feedback = fb}
      end
    end
  end
  return out
end

return S
