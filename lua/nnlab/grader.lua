-- nnlab.grader: exercise sets, checking submissions, and the `nnlab check`,
-- `nnlab grade` and `nnlab strip` commands.
--
-- A submission never runs in this Lua state.  Each one is graded in a child
-- process (nnlab.proc), and inside it each part loads the submission afresh
-- into a sandbox (nnlab.sandbox): a Lua state of its own, under limits,
-- from which only plain data comes back.  The verdicts travel to the parent
-- over a pipe the submission cannot reach; the parent alone writes files.
-- (The sandbox and child processes exist in the nnlab program only; from
-- stock Lua this module can still load sets and check answers in-process.)
local matrix = require('nnlab.core').matrix
local report = require 'nnlab.report'

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
}

local SEED = 20211  -- every random stream is seeded from this and the part's index

---------------------------------------------------------------------------
-- Exercise sets

local function readfile(path)
  local f, err = io.open(path, 'rb')
  if not f then return nil, err end
  local s = f:read('a')
  f:close()
  return s
end

-- The source of a set: a file path, or the name of a built-in set; its
-- chunk name; and for a file, its path.
local function set_source(spec)
  if spec:find('[/\\]') or spec:find('%.lua$') then
    local src, err = readfile(spec)
    if not src then error(fmt('cannot read exercise set %s', err), 0) end
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
      if type(part.points) ~= 'number' or part.points < 0 then bad('%s has no points', id) end
    end
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
function grader.parts(set, only)
  local list = {}
  for _, ex in ipairs(set.exercises) do
    for _, part in ipairs(ex.parts) do
      local id = ex.id .. '.' .. part.id
      if not only or only == ex.id or only == id then
        list[#list + 1] = { ex = ex, part = part, id = id, index = #list + 1 }
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

local function verdict(entry, sub, extra)
  local part = entry.part
  matrix.seed(SEED + entry.index)
  math.randomseed(SEED + entry.index)  -- Lua seeds it from the clock
  local t0 = os.clock()
  local ok, res, feedback = pcall(part.check, sub)
  local v = { id = entry.id, title = part.title, points = part.points, score = 0,
    status = 'failed', seconds = os.clock() - t0 }
  if not ok then
    v.feedback = 'checker error: ' .. tostring(res)
  elseif res == 'pending' then
    v.status, v.feedback = 'pending', feedback or 'graded on submission'
  elseif res == true or (type(res) == 'number' and res >= 1) then
    v.score, v.status = part.points, 'passed'
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
    v = { id = entry.id, title = entry.part.title, points = entry.part.points, score = 0,
      status = 'failed', feedback = 'the submission does not run: ' .. tostring(root) }
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
-- previous verdict.  The sandbox stops Lua code and the matrix kernels at
-- `seconds`; what it cannot stop (a C function of Lua's own that runs for
-- minutes, such as a string pattern that backtracks) meets the parent's
-- deadline: the child's process group is killed, the part scores 0 with the
-- reason, and a fresh child grades the parts after it.  A child that dies
-- (a signal, a resource limit) is treated the same way.  When the
-- submission never even finished loading, the remaining parts are not
-- retried: they would only hang again.

local function clock()
  return require('nnlab.proc').now()
end

local function part_time(set, entry)
  return limit(set, entry.part, 'seconds') + limit(set, entry.part, 'slack')
end

-- Grade job.todo (the parts not yet graded) in a new child process.
local function spawn(job)
  local proc = require 'nnlab.proc'
  local set, todo, source, name = job.set, job.todo, job.source, job.name
  local cpu = 0
  for _, e in ipairs(todo) do cpu = cpu + part_time(set, e) end
  job.child = proc.spawn(function(send)
    for _, entry in ipairs(todo) do
      local ok, v = pcall(check_in_sandbox, set, entry, source, name,
        function() send { loaded = entry.id } end)
      if not ok then
        v = { id = entry.id, points = entry.part.points, score = 0, status = 'failed',
          feedback = 'grader error: ' .. tostring(v) }
      end
      send(v)
    end
  end, {
    cpu = math.ceil(cpu) + 1,
    memory = grader.limits.process_memory,
    fsize = 1024 * 1024, files = 64, processes = 64,
  })
  job.loaded = false
  job.deadline = clock() + part_time(set, todo[1])
end

local function failed(entry, feedback)
  return { id = entry.id, title = entry.part.title, points = entry.part.points, score = 0,
    status = 'failed', feedback = feedback }
end

-- Start grading one submission; returns a job.
local function start(set, parts, file, source)
  local job = { set = set, file = file, source = source, todo = {}, verdicts = {},
    name = '=' .. (file:match('[^/]*$') or file), started = clock() }
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
        job.loaded = true
      elseif v.id == current.id and type(v.score) == 'number' then
        job.verdicts[current.id] = v
        table.remove(job.todo, 1)
        job.loaded = false
        if job.todo[1] then job.deadline = clock() + part_time(job.set, job.todo[1]) end
      end
    end
  end
end

-- The child is gone (killed at the deadline, or died) with job.todo[1]
-- unfinished: score it, and go on with the rest in a new child, or not.
local function lost(job, why, detail)
  local entry = table.remove(job.todo, 1)
  local where = job.loaded and 'while the part was checked' or 'while the submission loaded'
  job.verdicts[entry.id] = failed(entry, fmt('%s %s%s', why, where, detail or ''))
  job.error = job.error or fmt('%s: %s', entry.id, why)
  if not job.loaded then
    for _, e in ipairs(job.todo) do
      job.verdicts[e.id] = failed(e, fmt('not graded: the submission did not load in part %s (%s)',
        entry.id, why))
    end
    job.todo = {}
  end
  if job.todo[1] then spawn(job) end
end

local function result(job, parts)
  local r = { file = job.file, parts = {}, score = 0, max = 0, error = job.error,
    seconds = clock() - job.started }
  for _, e in ipairs(parts) do
    local v = job.verdicts[e.id] or failed(e, 'not graded')
    r.parts[#r.parts + 1] = v
    r.score = r.score + v.score
    r.max = r.max + e.part.points
  end
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
    local part = job.todo[1].part
    lost(job, fmt('time limit: stopped after %s s in code the sandbox cannot interrupt',
      part_time(job.set, job.todo[1])), fmt(' (the limit is %s s, plus %s s for the checker)',
      limit(job.set, part, 'seconds'), limit(job.set, part, 'slack')))
  elseif not open then
    local how, code = job.child:wait()
    lost(job, how == 'signal' and fmt('the grading process was killed by signal %d', code)
      or fmt('the grading process exited with status %d', code))
  end
  return not job.todo[1]
end

-- grader.grade(set, files, opts) -> results (in the order of files).
-- opts: jobs (parallel processes), only (an exercise or part id),
-- progress(result) called as each finishes.
function grader.grade(set, files, opts)
  opts = opts or {}
  local proc = require 'nnlab.proc'
  local parts = grader.parts(set, opts.only)
  local results, running, nexti = {}, {}, 1
  local jobs = math.max(1, math.floor(opts.jobs or 1))
  local function done(job)
    local r = result(job, parts)
    results[job.index] = r
    if opts.progress then opts.progress(r) end
  end
  while nexti <= #files or #running > 0 do
    while nexti <= #files and #running < jobs do
      local file = files[nexti]
      local src, err = readfile(file)
      if src then
        local job = start(set, parts, file, src)
        job.index = nexti
        if job.child then running[#running + 1] = job else done(job) end
      else
        local r = { file = file, parts = {}, score = 0, max = 0, error = 'cannot read: ' .. err }
        for _, e in ipairs(parts) do
          r.parts[#r.parts + 1] = failed(e, 'not graded: cannot read the file')
          r.max = r.max + e.part.points
        end
        results[nexti] = r
        if opts.progress then opts.progress(r) end
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
        done(job)
      end
    end
  end
  return results
end

-- Grade one submission in this process, without a child (stock Lua, and
-- the REPL's ex.check): answers is the submission's table.
function grader.check_answers(set, answers, only)
  local r = { file = '(answers)', parts = {}, score = 0, max = 0 }
  for _, entry in ipairs(grader.parts(set, only)) do
    local v = verdict(entry, grader.local_sub(answers))
    r.parts[#r.parts + 1] = v
    r.score = r.score + v.score
    r.max = r.max + entry.part.points
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
local ABSENT = { io = true, debug = true, package = true, require = true, dofile = true,
  loadfile = true, arg = true, ex = true, data = true, plot = true, help = true }

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

local function write_atomic(path, text)
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
SET is a built-in set name (lecture) or the path of a set file.
Options:
  --format F   text (default), json (Gradescope's results.json), tap, junit
  -o FILE      write the report to FILE (one submission)
  --out DIR    one report per submission in DIR, and DIR/summary.csv
  --jobs N     grade N submissions at a time (grade)
  --only ID    only this exercise or part (e.g. features or features.phi)
  --help       this text
Exit status: check, 0 when every part passes; grade, 0 when every
submission was graded (whatever its score); 2 for a usage error.
]]

local function parse(args)
  local o = { files = {} }
  local i = 1
  while i <= #args do
    local a = args[i]
    local function value()
      i = i + 1
      if args[i] == nil then error(fmt('%s needs a value', a), 0) end
      return args[i]
    end
    if a == '--help' or a == '-h' then o.help = true
    elseif a == '--selftest' then o.selftest = true
    elseif a == '--format' then o.format = value()
    elseif a == '-o' then o.output = value()
    elseif a == '--out' then o.outdir = value()
    elseif a == '--jobs' or a == '-j' then
      o.jobs = tonumber(value())
      if not o.jobs or o.jobs < 1 then error('--jobs needs a positive number', 0) end
    elseif a == '--only' then o.only = value()
    elseif a:sub(1, 1) == '-' and #a > 1 then error(fmt("unknown option '%s'", a), 0)
    elseif not o.set then o.set = a
    else o.files[#o.files + 1] = a end
    i = i + 1
  end
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

local commands = {}

function commands.check(o)
  local set = grader.load_set(o.set)
  if o.selftest then
    local ok, text = grader.selftest(set, { jobs = o.jobs or 2 })
    io.stdout:write(text)
    return ok and 0 or 1
  end
  if #o.files ~= 1 then error('check takes one submission (grade takes many)', 0) end
  local r = grader.grade(set, o.files, { only = o.only })[1]
  local text = render(o, r, set)
  if o.output then write_atomic(o.output, text) else io.stdout:write(text) end
  for _, p in ipairs(r.parts) do
    if p.status ~= 'passed' and p.status ~= 'pending' then return 1 end
  end
  return 0
end

function commands.grade(o)
  local set = grader.load_set(o.set)
  if #o.files == 0 then error('grade needs at least one submission', 0) end
  if #o.files > 1 and not o.outdir then
    error('with several submissions, give --out DIR for the reports', 0)
  end
  local results = grader.grade(set, o.files, {
    jobs = o.jobs, only = o.only,
    progress = o.outdir and function(r)
      io.stderr:write(fmt('%s: %s/%s\n', r.file, r.score, r.max))
    end,
  })
  if o.outdir then
    local ok, err = require('nnlab.proc').mkdir(o.outdir)
    if not ok then error('cannot make the report directory ' .. err, 0) end
    local used = {}
    for _, r in ipairs(results) do
      local base = (r.file:match('([^/]*)$') or 'submission'):gsub('%.lua$', '')
      local name, k = base, 1
      while used[name] do k = k + 1; name = base .. '-' .. k end
      used[name] = true
      write_atomic(fmt('%s/%s%s', o.outdir, name, report.extensions[o.format]), render(o, r, set))
    end
    write_atomic(o.outdir .. '/summary.csv', report.csv(results, all_ids(set, o.only)))
  else
    local text = render(o, results[1], set)
    if o.output then write_atomic(o.output, text) else io.stdout:write(text) end
  end
  return 0
end

function commands.strip(o)
  if not o.output then error('strip needs -o FILE', 0) end
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
  io.stderr:write(fmt('nnlab %s: %s\n', cmd, tostring(status)))
  if not tostring(status):find('^cannot') then io.stderr:write(usage) end
  return 2
end

return grader
