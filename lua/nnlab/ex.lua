-- nnlab.ex: the exercises in the REPL (the global `ex`).
--
--   ex.list()                 one line per exercise: id, title, points so far
--   ex.show(id)               the statement, parts, points and starter code
--   ex.hint(id)               the next hint
--   ex.check(id, answer)      check an answer given in the REPL: id names an
--                             exercise (answer: a table of parts) or a part
--                             ('features.phi', answer: that part's value)
--   ex.check_file(id, path)   check a submission file exactly as the grader
--                             does (sandbox, limits); id may be nil for all
--   ex.use(set)               switch to another set (a name or a path)
--
-- The set is loaded on first use ('lecture' unless ex.use says otherwise).
-- Progress (the best score of each part) is kept for the session.
local grader = require 'nnlab.grader'
local report = require 'nnlab.report'

local ex = {}
local fmt = string.format
local state = { name = 'lecture', best = {} }

local function set()
  if not state.set then state.set = grader.load_set(state.name) end
  return state.set
end

local function find(id)
  if type(id) ~= 'string' then error('give an exercise id (see ex.list())', 3) end
  local exid = id:match('^([^.]+)')
  for _, e in ipairs(set().exercises) do
    if e.id == exid then return e end
  end
  error(fmt("no exercise '%s' in set %s (see ex.list())", id, state.name), 3)
end

local function record(r)
  for _, p in ipairs(r.parts) do
    state.best[p.id] = math.max(state.best[p.id] or 0, p.score)
  end
end

function ex.use(spec)
  state.set = grader.load_set(spec)
  state.name, state.best = spec, {}
  ex.list()
end

function ex.list()
  local s = set()
  print(fmt('%s (%s)', s.title or s.id or state.name, state.name))
  local total, max = 0, 0
  for _, e in ipairs(s.exercises) do
    local got, pts, tried = 0, 0, false
    for _, p in ipairs(e.parts) do
      local b = state.best[e.id .. '.' .. p.id]
      if b then tried = true end
      got, pts = got + (b or 0), pts + p.points
    end
    local status = not tried and 'not tried' or got == pts and 'done' or 'started'
    print(fmt('  %-12s %-44s %5s/%-3s %s', e.id, e.title or '', got, pts, status))
    total, max = total + got, max + pts
  end
  print(fmt('  %-57s %5s/%-3s', 'total', total, max))
end

function ex.show(id)
  local e = find(id)
  print(fmt('%s: %s', e.id, e.title or ''))
  if e.statement then print((e.statement:gsub('^\n', ''))) end
  for _, p in ipairs(e.parts) do
    local b = state.best[e.id .. '.' .. p.id]
    print(fmt('  part %s.%s (%s point%s)%s', e.id, p.id, p.points, p.points == 1 and '' or 's',
      b and fmt(' - best so far %s', b) or ''))
    if p.statement then print('    ' .. p.statement:gsub('^\n', ''):gsub('\n', '\n    ')) end
  end
  if e.starter then
    print('starter code:')
    print(e.starter)
  end
  if e.hints and #e.hints > 0 then print(fmt('(%d hint%s: ex.hint(%q))', #e.hints,
    #e.hints == 1 and '' or 's', e.id)) end
end

function ex.hint(id)
  local e = find(id)
  local hints = e.hints or {}
  if #hints == 0 then print('no hints for ' .. e.id) return end
  state.hinted = state.hinted or {}
  local k = (state.hinted[e.id] or 0) % #hints + 1
  state.hinted[e.id] = k
  print(fmt('hint %d/%d: %s', k, #hints, hints[k]))
end

function ex.check(id, answer)
  local e = find(id)
  local partid = id:match('^[^.]+%.(.+)$')
  local answers = { [e.id] = partid and { [partid] = answer } or answer }
  local r = grader.check_answers(set(), answers, id)
  if #r.parts == 0 then error(fmt("no part '%s' (see ex.show('%s'))", id, e.id), 2) end
  r.file = id
  record(r)
  io.stdout:write(report.text(r))
end

function ex.check_file(id, path)
  if path == nil then id, path = nil, id end
  if type(path) ~= 'string' then error('ex.check_file(id, path): path must be a string', 2) end
  if id ~= nil then find(id) end
  local ok = pcall(require, 'nnlab.proc')
  if not ok then error('ex.check_file needs the nnlab program (it grades in a sandbox)', 2) end
  local r = grader.grade(set(), { path }, { only = id })[1]
  record(r)
  io.stdout:write(report.text(r))
end

return ex
