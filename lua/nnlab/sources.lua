-- nnlab.sources: the text of the functions typed at the REPL, for ex.save
-- (nnlab.answersrc).  Private to the program and nnlab.ex.
--
-- Every REPL entry is the chunk "=stdin" (so that messages read stdin:1:),
-- so a function's chunk name does not say which entry made it.  The REPL
-- (src/host/repl.c) keeps the text of the entry being run in the registry
-- (M.current()) and, after each entry has run (or failed), calls
-- M.ran(text, locals) with its text and the kept locals (name -> a
-- closure whose one upvalue is the variable: src/host/repl_locals.c).
-- M.ran records the functions of "=stdin" that it can reach and has not
-- recorded yet (from the globals and the kept locals, through plain
-- tables and the upvalues of such functions, a few levels deep, never
-- into the library's modules) against that text, when the text holds
-- them (nnlab.answersrc's text_in: their lines compile to alike
-- functions).  An entry without the word `function` makes none, and is
-- not walked.
--
-- M.text_of(f) -> the text of the entry that made f, or nil: the one
-- recorded; else the entry being run, for a function made by it and
-- checked inside it (ex.check('features.h', function(x) ... end)); else
-- the entry of a recorded function whose text holds f's (a closure made
-- by a function of an earlier entry).
--
-- The table function -> text is weak-keyed: an entry's text lives while a
-- function it made does (the functions of one entry share one string).
local answersrc = require 'nnlab.answersrc'

local M = {}
local getinfo, getupvalue = debug.getinfo, debug.getupvalue

local ENTRY_KEY = 'nnlab.repl.entry'  -- the registry field repl.c sets
local DEPTH = 4          -- levels of tables and upvalues walked
local BUDGET = 20000     -- values looked at by one walk, at most

local recorded = setmetatable({}, { __mode = 'k' })  -- function -> text
local failed = setmetatable({}, { __mode = 'k' })    -- looked at, not recorded

-- The text of the entry being run, or nil (no REPL, or between entries).
function M.current()
  local t = debug.getregistry()[ENTRY_KEY]
  return type(t) == 'string' and t or nil
end

local function typed(f)
  local info = getinfo(f, 'S')
  return info.source == '=stdin' and info.what == 'Lua'
end

function M.text_of(f)
  if type(f) ~= 'function' then return nil end
  local text = recorded[f]
  if text then return text end
  if not typed(f) then return nil end
  local cur = M.current()
  if cur and answersrc.text_in(f, cur) then
    recorded[f] = cur
    return cur
  end
  local info = getinfo(f, 'S')
  for g, t in pairs(recorded) do
    local gi = getinfo(g, 'S')
    if gi.linedefined <= info.linedefined and gi.lastlinedefined >= info.lastlinedefined then
      -- f's text inside g's, and not g's own
      local outer = answersrc.text_in(g, t)
      local inner = outer and answersrc.text_in(f, ('\n'):rep(gi.linedefined - 1) .. outer)
      if inner and inner ~= outer then
        recorded[f] = t  -- pairs stops here
        return t
      end
    end
  end
  return nil
end

-- The walk after an entry: record what it made.
function M.ran(text, locals)
  if type(text) ~= 'string' or not text:find('function', 1, true) then return end
  local skip, seen, budget = {}, {}, BUDGET
  for _, m in pairs(package.loaded) do skip[m] = true end
  local program = package.loaded.nnlab
  if type(program) == 'table' then
    for _, m in pairs(program) do skip[m] = true end
  end
  local function visit(v, depth)
    budget = budget - 1
    if budget < 0 or seen[v] then return end
    local t = type(v)
    if t == 'function' then
      -- a function looked at by an earlier walk: its upvalues were too
      if recorded[v] or failed[v] then return end
      seen[v] = true
      if not typed(v) then failed[v] = true return end
      if answersrc.text_in(v, text) then recorded[v] = text else failed[v] = true end
      if depth < DEPTH then
        for i = 1, 255 do
          local name, u = getupvalue(v, i)
          if not name then break end
          if name ~= '_ENV' then visit(u, depth + 1) end
        end
      end
    elseif t == 'table' then
      if skip[v] or depth >= DEPTH or getmetatable(v) ~= nil then return end
      seen[v] = true
      for _, x in next, v do
        if budget < 0 then return end
        visit(x, depth + 1)
      end
    end
  end
  for _, v in next, _G do visit(v, 1) end
  if type(locals) == 'table' then
    for _, cell in next, locals do
      local _, v = getupvalue(cell, 1)
      visit(v, 1)
    end
  end
end

return M
