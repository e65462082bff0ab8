-- nnlab.grader: exercise sets, checking submissions, and the `nnlab check`,
-- `nnlab grade` and `nnlab strip` commands.
--
-- A submission never runs in this Lua state.  Each one is graded in a child
-- process (nnlab.proc), and inside it each part loads the submission afresh
-- into a sandbox (nnlab.sandbox): a Lua state of its own, under limits,
-- from which only plain data comes back.  When the first load fails, no
-- part loads it again: every part gets that one reason.  The verdicts
-- travel to the parent over a pipe the submission cannot reach; the parent
-- alone writes files.
-- (The sandbox and child processes exist in the nnlab program only; from
-- stock Lua this module can still load sets and check answers in-process.)
local matrix = require('nnlab.core').matrix
local report = require 'nnlab.report'
local util = require 'nnlab.util'

local grader = {}
local fmt = string.format

-- Defaults for every part; a set's `limits` table and a part's own fields
-- (seconds, instructions, memory, output, slack) override them;
-- process_memory is for the whole grading process, from here only.
grader.limits = {
  seconds = 10,                  -- wall-clock seconds inside the submission, per part
  instructions = 2e9,            -- Lua VM instructions, per part
  memory = 256 * 1024 * 1024,    -- bytes the submission's Lua state may hold
  output = 64 * 1024,            -- bytes of printed output kept, per part
  process_memory = 4 * 1024 ^ 3, -- address space of the grading process
  slack = 5,                     -- extra wall-clock seconds per part, for its checker
  budget = 60,                   -- wall-clock seconds for a whole submission (a set's limits.budget)
}

local SEED = 20211  -- every random stream is seeded from this and the part's index

---------------------------------------------------------------------------
-- Exercise sets

local function readfile(path)
  local f, err = io.open(path, 'rb')
  if not f then return nil, err end
  local s, rerr = f:read('a')
  f:close()
  if not s then return nil, fmt('%s: %s', path, rerr) end
  return s
end

-- The first line of every set file (checked before any of its code runs,
-- so that a submission given where the set belongs is never run as one).
local MARKER = '-- nnlab exercise set'
grader.marker = MARKER

-- The source of a set: a file path, or the name of a built-in set; its
-- chunk name; and for a file, its path.
local function set_source(spec)
  if spec:find('[/\\]') or spec:find('%.lua$') then
    local src, err = readfile(spec)
    if not src then error(fmt('cannot read exercise set %s', err), 0) end
    if src:sub(1, #MARKER) ~= MARKER then
      error(fmt("%s is not an exercise set: the first line of a set file is '%s' " ..
        '(did the SET go missing before the submissions?); nothing was run', spec, MARKER), 0)
    end
    return src, '@' .. spec, spec
  end
  local ok, embedded = pcall(require, 'nnlab.embedded')
  if ok and embedded['nnlab.sets.' .. spec] then
    return embedded['nnlab.sets.' .. spec], '@exercises/' .. spec .. '.lua'
  end
  for _, name in ipairs { 'nnlab.sets.' .. spec, 'exercises.' .. spec } do
    local path = package.searchpath(name, package.path)
    if path then return assert(readfile(path)), '@' .. path, path end
  end
  error(fmt("no exercise set '%s' (give a built-in name such as 'lecture' or a path)", spec), 0)
end

local VISIBILITY = { visible = true, hidden = true, after_due_date = true, after_published = true }

local function validate(set, where)
  local function bad(msg, ...) error(fmt('%s: ' .. msg, where, ...), 0) end
  if type(set) ~= 'table' then bad('the set file must return a table') end
  if type(set.exercises) ~= 'table' then bad('the set has no exercises table') end
  local seen = {}
  for i, ex in ipairs(set.exercises) do
    if type(ex.id) ~= 'string' or not ex.id:match('^[%a_][%w_]*$') then
      bad('exercise %d has no valid id', i)
    end
    if type(ex.parts) ~= 'table' or #ex.parts == 0 then bad('exercise %s has no parts', ex.id) end
    for j, part in ipairs(ex.parts) do
      if type(part.id) ~= 'string' or not part.id:match('^[%a_][%w_]*$') then
        bad('part %d of exercise %s has no valid id', j, ex.id)
      end
      local id = ex.id .. '.' .. part.id
      if seen[id] then bad('%s appears twice', id) end
      seen[id] = true
      if type(part.check) ~= 'function' then bad('%s has no check function', id) end
      local pts = part.points
      if type(pts) ~= 'number' or pts ~= pts or pts < 0 or pts == math.huge then
        bad('%s: points must be a finite number >= 0, not %s', id, tostring(pts))
      end
      if part.visibility ~= nil and not VISIBILITY[part.visibility] then
        bad("%s: visibility must be 'visible', 'hidden', 'after_due_date' or 'after_published'", id)
      end
    end
  end
  local budget = (set.limits or {}).budget
  if budget ~= nil and (type(budget) ~= 'number' or not (budget > 0) or budget == math.huge) then
    bad('limits.budget must be a positive number of seconds')
  end
  return set
end

-- Runs a set's chunk.  A set may keep its exercises in modules
-- nnlab.sets.<set>.<exercise>: while a set loaded from a file runs,
-- require 'nnlab.sets.X.Y' looks first for X/Y.lua next to that file (then
-- as usual: the built-in copies, package.path).  The nnlab.sets.* modules
-- it loads are forgotten afterwards, so that every load of a set has
-- tables of its own (an instructor's copy may change its student copy's).
local function run_set(chunk, path)
  local dir = path and (path:match('^(.*)[/\\][^/\\]*$') or '.')
  local searcher = dir and function(name)
    local rest = name:match('^nnlab%.sets%.([%w_.]+)$')
    if not rest then return nil end
    local file = dir .. '/' .. rest:gsub('%.', '/') .. '.lua'
    local msrc = readfile(file)
    if not msrc then return '\n\tno file \'' .. file .. '\'' end
    local f, err = load(msrc, '@' .. file, 't')
    if not f then error(fmt('error loading module \'%s\' from file \'%s\':\n\t%s', name, file, err), 0) end
    return f, file
  end
  local searchers = package.searchers
  if searcher then table.insert(searchers, 1, searcher) end
  local before = {}
  for k in pairs(package.loaded) do before[k] = true end
  local ok, res = pcall(chunk)
  if searcher then
    for i = #searchers, 1, -1 do
      if searchers[i] == searcher then table.remove(searchers, i) end
    end
  end
  for k in pairs(package.loaded) do
    if not before[k] and type(k) == 'string' and k:match('^nnlab%.sets%.') then
      package.loaded[k] = nil
    end
  end
  if not ok then error(res, 0) end
  return res
end

-- grader.load_set(spec) -> set, source: a set file's table, validated.
function grader.load_set(spec)
  local src, chunkname, path = set_source(spec)
  local chunk, err = load(src, chunkname, 't')
  if not chunk then error(err, 0) end
  local set = validate(run_set(chunk, path), spec)
  set.source = src
  return set
end

-- Every part of a set, in order, as {ex =, part =, id = 'ex.part', index =}.
-- index is the part's place in the whole set, whatever `only` selects: the
-- part's random streams are seeded from it, so that --only, ex.check of one
-- part and a whole check give a part the same seeds.
function grader.parts(set, only)
  local list, index = {}, 0
  for _, ex in ipairs(set.exercises) do
    for _, part in ipairs(ex.parts) do
      local id = ex.id .. '.' .. part.id
      index = index + 1
      if not only or only == ex.id or only == id then
        list[#list + 1] = { ex = ex, part = part, id = id, index = index }
      end
    end
  end
  return list
end

---------------------------------------------------------------------------
-- The submission as the checkers see it

local Sub = {}
Sub.__index = Sub

local function is_plain_table(v)
  return type(v) == 'table' and getmetatable(v) == nil
end

-- sub:get(key, ...) -> the answer at that path, or nil and a message.
-- Through the sandbox, each step but the last looks up a reference, and only
-- the value at the end of the path is copied: a huge or cyclic table
-- elsewhere in the submission's answers does not disturb this part.
function Sub:get(...)
  local v, path = self.root, 'the submission'
  local n = select('#', ...)
  for i = 1, n do
    local k = select(i, ...)
    local at = i == 1 and tostring(k) or path .. '.' .. tostring(k)
    if is_plain_table(v) then
      v = v[k]
    elseif type(v) == 'table' and self.index then  -- a reference into the sandbox
      local ok, r
      if i < n and self.lookup then ok, r = self:lookup(v, k) else ok, r = self:index(v, k) end
      if not ok then return nil, fmt('%s: %s', at, r) end
      v = r
    else
      return nil, fmt('%s is %s, expected a table with field %s', path,
        v == nil and 'nil' or 'a ' .. type(v), k)
    end
    path = at
    if v == nil then return nil, fmt('%s is missing', path) end
  end
  return v
end

local function sandbox_sub(sb, root)
  return setmetatable({
    root = root,
    call = function(_, f, ...) return sb:call(f, ...) end,
    method = function(_, obj, name, ...) return sb:method(obj, name, ...) end,
    index = function(_, obj, k) return sb:index(obj, k) end,
    lookup = function(_, obj, k) return sb:lookup(obj, k) end,
    seed = function(_, s) return sb:seed(s) end,
  }, Sub)
end

-- In-process: answers from this very state (the REPL's ex.check).  Values
-- are copied as plain data, as the sandbox would, so a checker sees the
-- same kinds of values either way.
local Ref = { __name = 'nnlab.local.ref' }
Ref.__tostring = function(r) return fmt('<submission\'s %s>', r.type) end

local function plain(v, depth)
  depth = depth or 0
  if depth > 64 then error('data nested too deeply (or a cycle)', 0) end
  local t = type(v)
  if matrix.is(v) then return v:copy() end
  if t ~= 'table' and t ~= 'function' and t ~= 'userdata' and t ~= 'thread' then return v end
  if is_plain_table(v) then
    local c = {}
    for k, x in pairs(v) do c[k] = plain(x, depth + 1) end
    return c
  end
  return setmetatable({ value = v, type = t }, Ref)
end

local function unwrap(v)
  if getmetatable(v) == Ref then return v.value end
  if is_plain_table(v) then
    local c = {}
    for k, x in pairs(v) do c[k] = unwrap(x) end
    return c
  end
  if matrix.is(v) then return v:copy() end
  return v
end

local function pack_results(ok, ...)
  if not ok then return false, tostring((...)) end
  local n = select('#', ...)
  local t = table.pack(...)
  for i = 1, n do t[i] = plain(t[i]) end
  return true, table.unpack(t, 1, n)
end

local function unwrap_all(...)
  local t = table.pack(...)
  for i = 1, t.n do t[i] = unwrap(t[i]) end
  return table.unpack(t, 1, t.n)
end

function grader.local_sub(answers)
  return setmetatable({
    root = plain(answers),
    call = function(_, f, ...)
      f = unwrap(f)
      return pack_results(pcall(f, unwrap_all(...)))
    end,
    method = function(_, obj, name, ...)
      obj = unwrap(obj)
      return pack_results(pcall(function(...) return obj[name](obj, ...) end, unwrap_all(...)))
    end,
    index = function(_, obj, k)
      obj = unwrap(obj)
      return pack_results(pcall(function() return obj[k] end))
    end,
    seed = function(_, s) matrix.seed(s) return true end,
  }, Sub)
end

---------------------------------------------------------------------------
-- Checking one part

local function limit(set, part, k)
  return part[k] or (set.limits or {})[k] or grader.limits[k]
end

-- Run a part's checker on sub; returns the verdict.
-- Feedback often quotes the submission's answer, which may be megabytes.
local MAX_FEEDBACK = 8192
local function cut(s)
  if #s <= MAX_FEEDBACK then return s end
  return s:sub(1, MAX_FEEDBACK) .. fmt('... [feedback cut at %d bytes]', MAX_FEEDBACK)
end

-- Wall-clock seconds (CPU seconds from stock Lua, which has no nnlab.proc).
local wallclock = (function()
  local ok, proc = pcall(require, 'nnlab.proc')
  return ok and proc.now or os.clock
end)()

-- A failed verdict for a part, with its fields from the set.
local function failed(entry, feedback)
  local part = entry.part
  return { id = entry.id, title = part.title, points = part.points, score = 0,
    status = 'failed', feedback = feedback, visibility = part.visibility or 'visible' }
end

-- A checker returns true, false and feedback, a fraction in (0, 1) and
-- feedback, or 'pending' and feedback (a part the student's copy of a set
-- cannot grade: the instructor's copy grades it on submission).
local function verdict(entry, sub, extra)
  local part = entry.part
  matrix.seed(SEED + entry.index)
  math.randomseed(SEED + entry.index)  -- Lua seeds it from the clock
  local t0 = wallclock()
  local ok, res, feedback = pcall(part.check, sub)
  local v = failed(entry)
  v.seconds = wallclock() - t0
  if not ok then
    v.feedback = 'checker error: ' .. tostring(res)
  elseif res == 'pending' then
    v.status, v.feedback = 'pending', feedback or 'graded on submission'
  elseif res == true or (type(res) == 'number' and res >= 1) then
    v.score, v.status = part.points, 'passed'
  elseif res == 'pending' then
    v.status, v.feedback = 'pending', feedback or 'graded on submission'
  elseif type(res) == 'number' and res > 0 then
    v.score = math.floor(res * part.points * 100 + 0.5) / 100  -- to the hundredth
    v.score = math.tointeger(v.score) or v.score
    v.feedback = feedback
  else
    v.feedback = feedback or 'wrong answer'
  end
  if v.feedback ~= nil then v.feedback = cut(tostring(v.feedback)) end
  for k, x in pairs(extra or {}) do v[k] = x end
  return v
end

-- In the sandbox (used inside the grading child): load the submission
-- afresh for this part, then check it.  loaded() is called once the
-- submission has loaded, before the checker runs.
local function check_in_sandbox(set, entry, source, name, loaded)
  local sandbox = require 'nnlab.sandbox'
  local ex = entry.ex
  local sb = sandbox.new {
    memory = limit(set, entry.part, 'memory'),
    instructions = limit(set, entry.part, 'instructions'),
    seconds = limit(set, entry.part, 'seconds'),
    output = limit(set, entry.part, 'output'),
    libs = ex.libs or 'matrix nn',
  }
  sb:seed(SEED + entry.index)
  local ok, root = sb:run(source, name)
  local v
  if not ok then
    -- load_error: the child gives every part this reason without loading
    -- again when it was the first load (resource: whatever the part's libs)
    v = failed(entry, 'the submission does not run: ' .. tostring(root))
    v.load_error = true
    v.resource = sb:usage().tripped ~= nil or tostring(root):find('^not enough memory') ~= nil
  else
    if loaded then loaded() end
    v = verdict(entry, sandbox_sub(sb, root))
  end
  v.feedback = grader.sandbox_note(v.feedback, ex.libs or 'matrix nn')
  local out, dropped = sb:output()
  if dropped > 0 then
    out = out .. fmt('\n[output cut at %d bytes]', limit(set, entry.part, 'output'))
  end
  v.output = out
  local usage = sb:usage()
  if usage.tripped and v.status ~= 'passed' and not (v.feedback or ''):find(usage.tripped, 1, true) then
    v.feedback = (v.feedback or '') .. fmt(' [%s]', usage.tripped)
  end
  sb:close()
  return v
end

---------------------------------------------------------------------------
-- Grading submissions in child processes
--
-- A child grades the parts in order and sends, for each, {loaded = id} once
-- the submission has loaded and then the part's verdict.  The parent gives
-- each part its `seconds` plus `slack` of wall-clock time, counted from the
-- previous verdict, and the whole submission its `budget`.  The sandbox
-- stops Lua code and the matrix kernels at `seconds`; what it cannot stop (a
-- C function of Lua's own that runs for minutes, such as a string pattern
-- that backtracks) meets the parent's deadline: the child's process group is
-- killed, the part scores 0 with the reason, and a fresh child grades the
-- parts after it.  A child that dies (a signal, a resource limit) is treated
-- the same way.
--
-- A submission is loaded once per grading: when the first load fails (an
-- error, a syntax error, a limit, a crash or a kill), every part gets that
-- one reason and none loads it again, so a broken submission costs one
-- part's time at most.  (A part whose exercise has other libs does load it
-- again when the first load failed with an error rather than a limit: the
-- error may be a missing library.)  Once a load has succeeded, each part
-- loads the submission afresh, for isolation.  Once the budget is spent, the
-- parts left are not graded.

local function clock()
  return require('nnlab.proc').now()
end

local function part_time(set, entry)
  return limit(set, entry.part, 'seconds') + limit(set, entry.part, 'slack')
end

local function budget(set)
  return (set.limits or {}).budget or grader.limits.budget
end

local BUDGET_SPENT = "not graded: the submission's time budget is spent"

-- The deadline of job.todo[1], which starts now: its own limit, or the end
-- of the submission's budget when that comes first.
local function set_deadline(job)
  local t = clock()
  job.part_started = t
  job.deadline = t + part_time(job.set, job.todo[1])
  job.at_budget = job.deadline >= job.budget_end
  if job.at_budget then job.deadline = job.budget_end end
end

-- Grade job.todo (the parts not yet graded) in a new child process.
local function spawn(job)
  local proc = require 'nnlab.proc'
  local set, todo, source, name = job.set, job.todo, job.source, job.name
  local first = not job.ever_loaded  -- no load has succeeded yet
  local cpu = 0
  for _, e in ipairs(todo) do cpu = cpu + part_time(set, e) end
  cpu = math.min(cpu, budget(set))
  job.child = proc.spawn(function(send)
    local bad  -- the first load's failure: {libs =, feedback =, resource =}
    for _, entry in ipairs(todo) do
      local libs = entry.ex.libs or 'matrix nn'
      local v
      if bad and (bad.resource or bad.libs == libs) then
        v = failed(entry, bad.feedback)
        v.load_failed, v.seconds = true, 0
      else
        local t0 = clock()
        local ok
        ok, v = pcall(check_in_sandbox, set, entry, source, name, function()
          first = false
          send { loaded = entry.id }
        end)
        if not ok then v = failed(entry, 'grader error: ' .. tostring(v)) end
        v.seconds = clock() - t0
        if v.load_error and first then
          bad = { libs = libs, feedback = v.feedback, resource = v.resource }
          v.load_failed = true
        end
        v.load_error, v.resource = nil, nil
      end
      send(v)
    end
  end, {
    cpu = math.ceil(cpu) + 1,
    memory = grader.limits.process_memory,
    fsize = 1024 * 1024, files = 64, processes = 64,
  })
  job.loaded = false
  set_deadline(job)
end

-- Record the verdict of job.todo[1] and move on.
local function record(job, v)
  local entry = table.remove(job.todo, 1)
  job.verdicts[entry.id] = v
  if job.on_part then job.on_part(v, job) end
end

-- Every part left gets the same verdict (a submission that does not load,
-- or whose budget is spent).
local function record_rest(job, feedback, load_failed)
  while job.todo[1] do
    local v = failed(job.todo[1], feedback)
    v.load_failed = load_failed
    record(job, v)
  end
end

local function spend(job)
  job.error = fmt("the submission's time budget of %s s is spent: grading stopped at %s%s",
    budget(job.set), job.todo[1].id, job.error and '; before that, ' .. job.error or '')
  record_rest(job, BUDGET_SPENT)
end

-- Start grading one submission; returns a job.
local function start(set, parts, file, source, on_part)
  local t = clock()
  local job = { set = set, file = file, source = source, todo = {}, verdicts = {},
    name = '=' .. (file:match('[^/]*$') or file), started = t, budget_end = t + budget(set),
    on_part = on_part }
  for i, e in ipairs(parts) do job.todo[i] = e end
  if #parts > 0 then spawn(job) end
  return job
end

-- Take the frames a child sent: progress and verdicts, for job.todo[1] only
-- (the child sends them in order).
local function take(job, frames)
  for _, v in ipairs(frames) do
    local current = job.todo[1]
    if type(v) == 'table' and current then
      if v.loaded == current.id then
        job.loaded, job.ever_loaded = true, true
      elseif v.id == current.id and type(v.score) == 'number' then
        if v.load_failed and not job.ever_loaded then
          job.error = job.error or v.feedback  -- the one reason, said once
        end
        record(job, v)
        job.loaded = false
        if job.todo[1] then set_deadline(job) end
      end
    end
  end
end

-- The child is gone (killed at the deadline, or died) with job.todo[1]
-- unfinished: score it, and go on with the rest in a new child, or not.
local function lost(job, why, detail)
  local entry = job.todo[1]
  local seconds = clock() - job.part_started
  if not job.ever_loaded then
    -- the first load never finished: that is every part's reason
    local reason = fmt('the submission does not run: %s while it loaded%s', why, detail or '')
    job.error = job.error or reason
    record_rest(job, reason, true)
    job.verdicts[entry.id].seconds = seconds
    return
  end
  local where = job.loaded and 'while the part was checked' or 'while the submission loaded'
  local v = failed(entry, fmt('%s %s%s', why, where, detail or ''))
  v.seconds = seconds
  job.error = job.error or fmt('%s: %s', entry.id, why)
  record(job, v)
  if not job.loaded then
    record_rest(job, fmt('not graded: the submission did not load in part %s (%s)', entry.id, why))
  end
  if job.todo[1] then
    if clock() < job.budget_end then spawn(job) else spend(job) end
  end
end

-- Add the verdict v of the part entry e to a submission's result r.
local function count(r, e, v)
  r.parts[#r.parts + 1] = v
  r.score = r.score + v.score
  r.max = r.max + e.part.points
  if v.status == 'pending' then r.pending = r.pending + e.part.points end
end

local function result(job, parts)
  local r = { file = job.file, parts = {}, score = 0, max = 0, pending = 0, error = job.error,
    seconds = clock() - job.started }
  for _, e in ipairs(parts) do count(r, e, job.verdicts[e.id] or failed(e, 'not graded')) end
  return r
end

-- One round for a running job: read, and kill or restart as needed.
-- Returns true when the job is done.
local function step(job)
  local frames, open = job.child:receive()
  take(job, frames)
  if not job.todo[1] then
    if open then job.child:kill() end
    job.child:wait()
    return true
  end
  if open and clock() > job.deadline then
    job.child:kill()
    job.child:wait()
    if job.at_budget then
      spend(job)
    else
      local part = job.todo[1].part
      lost(job, fmt('time limit: stopped after %s s in code the sandbox cannot interrupt',
        part_time(job.set, job.todo[1])), fmt(' (the limit is %s s, plus %s s for the checker)',
        limit(job.set, part, 'seconds'), limit(job.set, part, 'slack')))
    end
  elseif not open then
    local how, code = job.child:wait()
    lost(job, how == 'signal' and fmt('the grading process was killed by signal %d', code)
      or fmt('the grading process exited with status %d', code))
  end
  return not job.todo[1]
end

-- The source of a submission file, or nil and why it is not graded.
local function submission(file)
  local proc = require 'nnlab.proc'
  local kind, err = proc.filetype(file, true)
  if not kind then
    return nil, err == 'missing' and 'cannot read: no such file' or 'cannot read: ' .. err
  end
  if kind == 'directory' then return nil, 'not graded: a directory, not a submission file' end
  if kind ~= 'file' then
    return nil, fmt('not graded: a %s, not a regular file', kind == 'fifo' and 'FIFO' or kind)
  end
  local src, rerr = readfile(file)
  if not src then
    rerr = tostring(rerr)
    if rerr:sub(1, #file + 2) == file .. ': ' then rerr = rerr:sub(#file + 3) end
    return nil, 'cannot read: ' .. rerr
  end
  if src:find('\0', 1, true) or src:sub(1, 4) == '\27Lua' then
    return nil, 'not graded: a binary file, not Lua source'
  end
  return src
end

-- grader.grade(set, files, opts) -> results (in the order of files).
-- opts: jobs (parallel processes), only (an exercise or part id),
-- progress(result) called as each submission is done, part(verdict, index)
-- as each part is (index: the submission's in files), tick({done =,
-- running =, total =, seconds =}, changed) every round while grading
-- (changed: a submission was just done).
-- Every child still running when this returns, or raises an error (Ctrl-C in
-- the REPL), is killed.
function grader.grade(set, files, opts)
  opts = opts or {}
  local proc = require 'nnlab.proc'
  local guard <close> = proc.guard()
  local parts = grader.parts(set, opts.only)
  local results, running, nexti, ndone = {}, {}, 1, 0
  local jobs = math.max(1, math.floor(opts.jobs or 1))
  local t0 = clock()
  local function tick(changed)
    if opts.tick then
      opts.tick({ done = ndone, running = #running, total = #files, seconds = clock() - t0 }, changed)
    end
  end
  local function finish(index, r)
    results[index] = r
    ndone = ndone + 1
    if opts.progress then opts.progress(r) end
    tick(true)
  end
  while nexti <= #files or #running > 0 do
    while nexti <= #files and #running < jobs do
      local file, index = files[nexti], nexti
      local on_part = opts.part and function(v) opts.part(v, index) end
      local src, why = submission(file)
      if src then
        local job = start(set, parts, file, src, on_part)
        job.index = index
        if job.child then running[#running + 1] = job else finish(index, result(job, parts)) end
      else
        local job = { set = set, file = file, todo = {}, verdicts = {}, started = clock(),
          error = why, on_part = on_part }
        for i, e in ipairs(parts) do job.todo[i] = e end
        record_rest(job, why, true)
        finish(index, result(job, parts))
      end
      nexti = nexti + 1
    end
    local children = {}
    for i, job in ipairs(running) do children[i] = job.child end
    proc.poll(children, 0.05)
    for i = #running, 1, -1 do
      local job = running[i]
      if step(job) then
        table.remove(running, i)
        finish(job.index, result(job, parts))
      end
    end
    tick(false)
  end
  return results
end

---------------------------------------------------------------------------
-- Grade one submission in this process, without a child (stock Lua, and
-- the REPL's ex.check): answers is the submission's table.
function grader.check_answers(set, answers, only)
  local r = { file = '(answers)', parts = {}, score = 0, max = 0, pending = 0 }
  for _, entry in ipairs(grader.parts(set, only)) do
    count(r, entry, verdict(entry, grader.local_sub(answers)))
  end
  return r
end

---------------------------------------------------------------------------
-- For the REPL's ex.check (nnlab.ex), which checks answers of its own Lua
-- state in a child process under a part's limits and seeds: the verdict,
-- limits and seed the grader uses, and the sandbox's rule named in
-- feedback, by the grader and ex.check alike.

grader.verdict = verdict  -- verdict(entry, sub): the part's checker run on sub
grader.limit = limit      -- limit(set, part, k): a part's limit k

-- The seed of a part's random streams (entry from grader.parts(set)).
function grader.seed(entry)
  return SEED + entry.index
end

-- Globals a submission's sandbox never has (the REPL's helpers included).
-- The standard globals a submission's sandbox never has (src/host/sandbox.c
-- leaves them out; ex.check takes them away from its child too).
grader.absent = { 'io', 'debug', 'package', 'require', 'dofile', 'loadfile', 'arg' }
-- Those, and the REPL's helpers, by name.
local ABSENT = { ex = true, data = true, plot = true, help = true }
for _, k in ipairs(grader.absent) do ABSENT[k] = true end

-- grader.sandbox_note(feedback, libs) -> feedback, with the rule named when
-- it tells of a global that the exercise's sandbox (libs) lacks.
function grader.sandbox_note(feedback, libs)
  if type(feedback) ~= 'string' or feedback:find('sandbox has', 1, true) then return feedback end
  local name = feedback:match("global '([%a_][%w_]*)'")
  local words = {}
  for w in libs:gmatch('%S+') do words[#words + 1] = w end
  local have = ' ' .. libs .. ' '
  if (name == 'matrix' or name == 'nn') and not have:find(' ' .. name .. ' ', 1, true) then
    return fmt("%s [this exercise's sandbox has %s (libs = '%s'): no %s]", feedback,
      #words > 0 and table.concat(words, ' and ') .. ' only' or 'no nnlab library', libs, name)
  elseif ABSENT[name] then
    return fmt("%s [a submission's sandbox has no %s: only Lua's base, string, table, math, "
      .. "utf8, coroutine and os.clock/time/date, and %s (libs = '%s')]", feedback, name,
      #words > 0 and table.concat(words, ' and ') or 'no nnlab library', libs)
  end
  return feedback
end

---------------------------------------------------------------------------
-- Files are written whole or not at all
-- Files are written whole or not at all, and only as regular files: a
-- device, FIFO, symbolic link or directory at the path is refused, never
-- replaced (as root, renaming over /dev/null would replace the device).

local KINDS = { link = 'symbolic link', fifo = 'FIFO', device = 'device', directory = 'directory',
  socket = 'socket', other = 'special file' }

local function check_writable(path)
  local ok, proc = pcall(require, 'nnlab.proc')
  if not ok then return end
  local kind = proc.filetype(path)
  if kind and kind ~= 'file' then
    error(fmt('refusing to write %s: it is a %s, not a regular file', path, KINDS[kind] or kind), 0)
  end
end
grader.check_writable = check_writable

local function write_atomic(path, text)
  check_writable(path)
  local tmp = fmt('%s.tmp%d', path, math.random(1e9))
  local f, err = io.open(tmp, 'wb')
  if not f then error(fmt('cannot write %s', err), 0) end
  local ok, werr = f:write(text)
  local cok, cerr = f:close()
  if not ok or not cok then
    os.remove(tmp)
    error(fmt('cannot write %s: %s', path, werr or cerr), 0)
  end
  local rok, rerr = os.rename(tmp, path)
  if not rok then
    os.remove(tmp)
    error(fmt('cannot write %s: %s', path, rerr), 0)
  end
end
grader.write_atomic = write_atomic

---------------------------------------------------------------------------
-- nnlab strip

-- The student copy of a set's source: private regions and parts removed.
function grader.strip(src)
  local out, depth, n = {}, 0, 0
  for line in (src .. (src:sub(-1) == '\n' and '' or '\n')):gmatch('(.-)\n') do
    n = n + 1
    if line:match('^%s*%-%-%s*@private begin') then
      depth = depth + 1
    elseif line:match('^%s*%-%-%s*@private end') then
      if depth == 0 then error(fmt('line %d: @private end without begin', n), 0) end
      depth = depth - 1
    elseif depth == 0 then
      out[#out + 1] = line
    end
  end
  if depth ~= 0 then error('a -- @private begin has no matching end', 0) end
  if (out[1] or ''):sub(1, #MARKER) ~= MARKER then table.insert(out, 1, MARKER) end
  return table.concat(out, '\n') .. '\n'
end

---------------------------------------------------------------------------
-- Self-test (nnlab.selftest): the reference solution earns full marks, each
-- known-wrong submission loses the parts it targets, no trivial mutant of
-- the solution earns more than a quarter of a part.

function grader.selftest(set, opts) return require('nnlab.selftest').run(set, opts) end

---------------------------------------------------------------------------
-- The command line: nnlab check | grade | strip

local usage = [[
usage: nnlab check [options] SET SUBMISSION.lua
       nnlab check --selftest SET
       nnlab grade [options] SET SUBMISSION.lua...
       nnlab strip SET -o FILE
       nnlab autograder SET -o autograder.zip   (see nnlab autograder --help)
SET is a built-in set name (lecture) or the path of a set file (its first
line is '-- nnlab exercise set').
Options:
  --format F   text (default), json (Gradescope's results.json), tap, junit
  -o FILE      write the report to FILE (a regular file; tap and junit
               take several submissions into one report)
  --out DIR    one report per submission in DIR, and DIR/summary.csv
  --jobs N     grade N submissions at a time (grade)
  --only ID    only this exercise or part (e.g. features or features.phi)
  --help       this text
  --           the arguments after it are files, even when they begin with -
check prints each part as it is graded (text to standard output); grade
shows its progress on standard error when that is a terminal.
Exit status: check, 0 when every part passes (or is graded on
submission); grade, 0 when every submission was graded (whatever its
score); 2 for a usage error.
]]

local function parse(args)
  local o = { files = {} }
  util.each_arg(args, function(a, value)
    if a == '--help' or a == '-h' then o.help = true
    elseif a == '--selftest' then o.selftest = true
    elseif a == '--format' then o.format = value()
    elseif a == '-o' then o.output = value()
    elseif a == '--out' then o.outdir = value()
    elseif a == '--jobs' or a == '-j' then
      o.jobs = tonumber(value())
      if not o.jobs or o.jobs < 1 then error('--jobs needs a positive number', 0) end
    elseif a == '--only' then o.only = value()
    elseif a == '--' and not o.rest then o.rest = true
    elseif a:sub(1, 1) == '-' and #a > 1 and not o.rest then error(fmt("unknown option '%s'", a), 0)
    elseif not o.set then o.set = a
    else o.files[#o.files + 1] = a end
  end)
  o.format = o.format or 'text'
  if not report.formats[o.format] then error(fmt("unknown format '%s'", o.format), 0) end
  return o
end

local function render(o, r, set)
  return report.formats[o.format](r, set.id or o.set)
end

local function all_ids(set, only)
  local ids = {}
  for _, e in ipairs(grader.parts(set, only)) do ids[#ids + 1] = e.id end
  return ids
end

-- The set, and the parts --only selects (there must be some).
local function load_for(o)
  local set = grader.load_set(o.set)
  if o.only and #grader.parts(set, o.only) == 0 then
    error(fmt("no exercise or part '%s' in the set", o.only), 0)
  end
  return set
end

local commands = {}

function commands.check(o)
  if o.output then check_writable(o.output) end
  local set = load_for(o)
  if o.selftest then
    local ok, text = grader.selftest(set, { jobs = o.jobs or 2 })
    io.stdout:write(text)
    return ok and 0 or 1
  end
  if #o.files ~= 1 then error('check takes one submission (grade takes many)', 0) end
  local opts = { only = o.only }
  local stream = o.format == 'text' and not o.output
  local said  -- the reason every part shares, once printed
  if stream then
    -- each part's lines as soon as it is graded, the total at the end
    io.stdout:write(report.text_start(o.files[1], #grader.parts(set, o.only), set.id or o.set))
    io.stdout:flush()
    opts.part = function(v)
      if v.load_failed and said ~= v.feedback then
        said = v.feedback
        io.stdout:write(report.text_error(said))
      end
      io.stdout:write(report.text_part(v, said))
      io.stdout:flush()
    end
  end
  local r = grader.grade(set, o.files, opts)[1]
  if stream then
    io.stdout:write(report.text_total(r, said))
  else
    local text = render(o, r, set)
    if o.output then write_atomic(o.output, text) else io.stdout:write(text) end
  end
  for _, p in ipairs(r.parts) do
    if p.status ~= 'passed' and p.status ~= 'pending' then return 1 end
  end
  return 0
end

local function duration(s)
  s = math.floor(s + 0.5)
  if s < 60 then return fmt('%d s', s) end
  if s < 3600 then return fmt('%d min %02d s', s // 60, s % 60) end
  return fmt('%d h %02d min', s // 3600, s // 60 % 60)
end

-- Progress on standard error: a line per submission; on a terminal, also a
-- status line (counts and time left) kept at the bottom.
local function progress(nfiles)
  local proc = require 'nnlab.proc'
  local tty = nfiles > 1 and proc.isatty(2)
  local status, shown = '', -1
  local function draw(line)
    if tty then io.stderr:write('\r\27[K') end
    if line then io.stderr:write(line, '\n') end
    if tty and status ~= '' then io.stderr:write(status) end
    io.stderr:flush()
  end
  local p = {}
  function p.result(r)
    local why = r.error and report.sanitize(r.error):match('^[^\n]*') or ''
    if #why > 160 then why = why:sub(1, 160) .. '...' end
    draw(fmt('%s: %s/%s%s', report.sanitize(r.file), r.score, r.max,
      why ~= '' and ' (' .. why .. ')' or ''))
  end
  function p.tick(s, changed)
    if not tty or (not changed and s.seconds - shown < 0.25) then return end
    shown = s.seconds
    local left = 'estimating the time left'
    if s.done > 0 then
      left = 'about ' .. duration(s.seconds / s.done * (s.total - s.done)) .. ' left'
    end
    status = fmt('graded %d of %d, %d running, %s', s.done, s.total, s.running, left)
    draw()
  end
  function p.finish()
    if tty then io.stderr:write('\r\27[K') io.stderr:flush() end
  end
  return p
end

-- The name of a submission's report in --out DIR: its base name, with
-- control characters and backslashes replaced, never hidden.
local function report_name(file)
  local base = (file:gsub('/+$', ''):match('([^/]*)$') or ''):gsub('%.lua$', '')
  base = base:gsub('[%c\\]', '_'):gsub('^%.', '_')
  return base ~= '' and base or 'submission'
end

function commands.grade(o)
  if o.output then check_writable(o.output) end
  if #o.files == 0 then error('grade needs at least one submission', 0) end
  local stream = report.streams[o.format]
  if #o.files > 1 and not o.outdir and not stream then
    error('with several submissions, give --out DIR for the reports ' ..
      '(or --format tap or junit for one report of them all)', 0)
  end
  local set = load_for(o)
  if o.outdir then
    local ok, err = require('nnlab.proc').mkdir(o.outdir)
    if not ok then error('cannot make the report directory ' .. err, 0) end
    if require('nnlab.proc').filetype(o.outdir, true) ~= 'directory' then
      error(fmt('cannot write reports into %s: not a directory', o.outdir), 0)
    end
  end
  local show = (o.outdir or #o.files > 1) and progress(#o.files)
  local results = grader.grade(set, o.files, {
    jobs = o.jobs, only = o.only,
    progress = show and show.result, tick = show and show.tick,
  })
  if show then show.finish() end
  if o.outdir then
    local used = {}
    for _, r in ipairs(results) do
      local base = report_name(r.file)
      local name, k = base, 1
      while used[name] do k = k + 1; name = base .. '-' .. k end
      used[name] = true
      write_atomic(fmt('%s/%s%s', o.outdir, name, report.extensions[o.format]), render(o, r, set))
    end
    write_atomic(o.outdir .. '/summary.csv', report.csv(results, all_ids(set, o.only)))
  else
    local text = #results > 1 and stream(results, set.id or o.set) or render(o, results[1], set)
    if o.output then write_atomic(o.output, text) else io.stdout:write(text) end
  end
  return 0
end

function commands.strip(o)
  if not o.output then error('strip needs -o FILE', 0) end
  check_writable(o.output)
  local set = grader.load_set(o.set)
  local text = grader.strip(set.source)
  local chunk, err = load(text, '=' .. o.output, 't')
  if not chunk then error('the stripped set does not load: ' .. err, 0) end
  local stripped = validate(chunk(), o.output)
  if stripped.solution or stripped.wrong then
    error('the stripped set still has solutions: put them between -- @private begin/end', 0)
  end
  for _, ex in ipairs(stripped.exercises) do
    for _, p in ipairs(ex.parts) do
      if p.private then
        error(fmt('part %s.%s is private but outside the private markers', ex.id, p.id), 0)
      end
    end
  end
  write_atomic(o.output, text)
  return 0
end

-- grader.main(command, args) -> exit status.
function grader.main(cmd, args)
  if cmd == 'autograder' then  -- its own command line
    return require('nnlab.autograder').main(args)
  end
  local ok, status = pcall(function()
    local o = parse(args)
    if o.help then io.stdout:write(usage) return 0 end
    if not o.set then error('no exercise set given', 0) end
    return commands[cmd](o)
  end)
  if ok then return status end
  local msg = tostring(status)
  io.stderr:write(fmt('nnlab %s: %s\n', cmd, report.sanitize(msg)))
  if not msg:find('^cannot') and not msg:find('^refusing') then io.stderr:write(usage) end
  return 2
end

return grader
