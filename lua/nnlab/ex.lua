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
--   ex.save(path)             write every answer checked into a submission
--   ex.reset()                forget the current set's progress
--
-- The set is loaded on first use ('lecture' unless ex.use says otherwise).
-- Progress (the best score of each part) is kept per set in the user's
-- state directory (util.state_dir), from one run of the REPL to the next.
--
-- ex.check gives the verdict the grader gives for the same answer.  The
-- answer is a live value of this Lua state (closures, objects), which cannot
-- cross into the grader's sandbox, a Lua state of its own; so each part is
-- checked in a child process (nnlab.proc), a copy of this state, under the
-- part's limits and with its seeds, as the grader's child checks it.  There
-- the answer's code runs in a "student world" that stands for the sandbox:
--   - the globals the exercise's sandbox lacks are gone (io, debug, require,
--     package, dofile, loadfile, arg, the REPL's helpers, and matrix or nn
--     when its libs leave them out), print is captured, load takes text
--     only, os has clock, time and date only, and so on; the student's own
--     globals stay;
--   - it runs on a coroutine of its own under a count hook that charges
--     instructions and watches the part's seconds (and coroutine resumes,
--     and memory), as the sandbox's hook does;
--   - it draws from a matrix random stream of its own, seeded as the
--     sandbox's is (the checker keeps its own stream, as in the grader).
-- The checker runs outside that world with everything.  The parent kills
-- the child at the part's deadline (seconds plus slack), as grader.grade
-- does, and on Ctrl-C or any error; the child's copy of the state is
-- thrown away, so nothing the answer does there reaches the session.
-- Without nnlab.proc (stock Lua) the parts are checked in this process, in
-- the same world, without the kill.
-- The grader and the reports are loaded by the first ex call that needs
-- them, not when the program starts (ex is one of the REPL's globals).
local function lazy(name)
  return setmetatable({}, { __index = function(t, k)
    local m = require(name)
    setmetatable(t, { __index = m })
    return m[k]
  end })
end
local grader = lazy 'nnlab.grader'
local report = lazy 'nnlab.report'

local ex = {}
local fmt = string.format
-- best: the best score of each part; pending: the parts last checked for
-- form only (a few-answer part of a student copy: graded on submission)
local state = { name = 'lecture', best = {}, pending = {}, answers = {}, unsaved = {} }

---------------------------------------------------------------------------
-- Progress that lasts: one file per set in the user's state directory
-- ($XDG_STATE_HOME/nnlab, else ~/.local/state/nnlab), named after the set
-- (ex-lecture.txt), written whole to a temporary file and renamed over
-- the old one at each check, read at the first use of the set.  It holds
-- the best score of each part, the parts pending, and the source of each
-- answer checked (for ex.save).  A file that cannot be read or parsed is
-- ignored with a one-line notice.  ex.reset() forgets a set's progress
-- (or delete the file).

local PROGRESS_MARK = 'nnlab ex progress 1'

local function progress_path(name)
  local dir = require('nnlab.util').state_dir()
  if not dir then return nil end
  return dir .. '/ex-' .. tostring(name):gsub('[^%w_.-]', '_') .. '.txt'
end

local function notice(msg)
  io.stderr:write('ex: ' .. msg .. '\n')
end

-- The file: the mark, then lines "best ID SCORE", "pending ID" and
-- "answer EXID PARTID LEN" followed by LEN bytes of source and a newline.
local function read_progress(name)
  local path = progress_path(name)
  local best, pending, answers, unsaved = {}, {}, {}, {}
  if not path then return best, pending, answers, unsaved end
  local f = io.open(path, 'rb')
  if not f then return best, pending, answers, unsaved end  -- none yet
  local text = f:read('a')
  f:close()
  local function bad(why)
    notice(fmt('ignoring the saved progress in %s (%s)', path, why))
    return {}, {}, {}, {}
  end
  if type(text) ~= 'string' or text:sub(1, #PROGRESS_MARK + 1) ~= PROGRESS_MARK .. '\n' then
    return bad('not a progress file')
  end
  local pos = #PROGRESS_MARK + 2
  while pos <= #text do
    local line_end = text:find('\n', pos, true)
    if not line_end then return bad('cut short') end
    local line = text:sub(pos, line_end - 1)
    pos = line_end + 1
    local id, score = line:match('^best (%S+) (%S+)$')
    local pid = line:match('^pending (%S+)$')
    local exid, partid, len = line:match('^answer (%S+) (%S+) (%d+)$')
    local uid, why = line:match('^unsaved (%S+) (.*)$')
    if uid then
      unsaved[uid] = why
    elseif id and tonumber(score) then
      best[id] = tonumber(score)
    elseif pid then
      pending[pid] = true
    elseif exid then
      len = tonumber(len)
      if pos + len > #text + 1 then return bad('cut short') end
      answers[exid] = answers[exid] or {}
      answers[exid][partid] = text:sub(pos, pos + len - 1)
      pos = pos + len + 1
    else
      return bad('line not understood: ' .. line:sub(1, 40))
    end
  end
  return best, pending, answers, unsaved
end

local function write_progress()
  local path = progress_path(state.name)
  if not path then return end
  local out = {PROGRESS_MARK}
  local ids = {}
  for id in pairs(state.best) do ids[#ids + 1] = id end
  table.sort(ids)
  for _, id in ipairs(ids) do out[#out + 1] = fmt('best %s %.17g', id, state.best[id]) end
  ids = {}
  for id in pairs(state.pending) do ids[#ids + 1] = id end
  table.sort(ids)
  for _, id in ipairs(ids) do out[#out + 1] = 'pending ' .. id end
  ids = {}
  for id in pairs(state.unsaved) do ids[#ids + 1] = id end
  table.sort(ids)
  for _, id in ipairs(ids) do out[#out + 1] = 'unsaved ' .. id .. ' ' .. state.unsaved[id]:gsub('\n', ' ') end
  local exids = {}
  for e in pairs(state.answers) do exids[#exids + 1] = e end
  table.sort(exids)
  for _, e in ipairs(exids) do
    local parts = {}
    for p in pairs(state.answers[e]) do parts[#parts + 1] = p end
    table.sort(parts)
    for _, p in ipairs(parts) do
      local src = state.answers[e][p]
      out[#out + 1] = fmt('answer %s %s %d\n%s', e, p, #src, src)
    end
  end
  local dir = path:match('^(.*)/[^/]*$')
  os.execute('mkdir -p ' .. "'" .. dir:gsub("'", "'\\''") .. "'")
  local ok, err = pcall(grader.write_atomic, path, table.concat(out, '\n') .. '\n')
  if not ok then notice(fmt('cannot save the progress: %s', tostring(err))) end
end

local function set()
  if not state.set then
    state.set = grader.load_set(state.name)
    state.best, state.pending, state.answers, state.unsaved = read_progress(state.name)
  end
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
    if p.status == 'pending' then state.pending[p.id] = true
    elseif p.status == 'passed' then state.pending[p.id] = nil end
  end
end

function ex.use(spec)
  state.set = grader.load_set(spec)
  state.name = spec
  state.best, state.pending, state.answers, state.unsaved = read_progress(spec)
  ex.list()
end

-- ex.reset(): forget the progress of the set in use (and its file).
function ex.reset()
  set()
  state.best, state.pending, state.answers, state.unsaved = {}, {}, {}, {}
  local path = progress_path(state.name)
  if path then os.remove(path) end
  print(fmt('ex: the progress of set %s is forgotten', state.name))
end

function ex.list()
  local s = set()
  print(fmt('%s (%s)', s.title or s.id or state.name, state.name))
  local total, max = 0, 0
  for _, e in ipairs(s.exercises) do
    local got, pts, pend, tried = 0, 0, 0, false
    for _, p in ipairs(e.parts) do
      local id = e.id .. '.' .. p.id
      local b = state.best[id]
      if b then tried = true end
      if state.pending[id] and (b or 0) < p.points then pend = pend + p.points - (b or 0) end
      got, pts = got + (b or 0), pts + p.points
    end
    local status = not tried and 'not tried' or got == pts and 'done'
      or got + pend == pts and fmt('done (%s pending: graded on submission)', pend) or 'started'
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
    local id = e.id .. '.' .. p.id
    local b = state.best[id]
    print(fmt('  part %s (%s point%s)%s', id, p.points, p.points == 1 and '' or 's',
      state.pending[id] and b < p.points and ' - checked for form; graded on submission'
      or b and fmt(' - best so far %s', b) or ''))
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

---------------------------------------------------------------------------
-- The student world (see the top of this file)

local core = require 'nnlab.core'
local matrix, T = core.matrix, core.train

local MEMERR = 'not enough memory'  -- Lua's own message, and the hook's
local STEP = 1000         -- instructions between two hook calls, as the sandbox
local RESUME_COST = 1000  -- what a coroutine resume costs, in instructions

-- Globals a submission's sandbox never has, whatever its libs.
local function haslib(libs, name)
  return (' ' .. libs .. ' '):find(' ' .. name .. ' ', 1, true) ~= nil
end

local function limit(set, part, k)
  return grader.limit(set, part, k)
end

-- A world for one part: w:run(f, ...) runs f(...) in it and returns its
-- results, or raises its error (a string).
local function world(set, entry)
  local part, libs = entry.part, entry.ex.libs or 'matrix nn'
  local lim = {}
  for _, k in ipairs { 'seconds', 'instructions', 'memory', 'output' } do lim[k] = limit(set, part, k) end
  local w = { libs = libs, steps = 0, used = 0, out = {}, out_len = 0, dropped = 0 }
  local sethook, create, status = debug.sethook, coroutine.create, coroutine.status
  local resume, wrap = coroutine.resume, coroutine.wrap
  -- what this world's own code calls, safe from an answer that redefines it
  local now, collect, raise, tostr, type_, select_ = T.clock, collectgarbage, error, tostring, type, select
  local concat, max, rawget_, rawset_, pack, unpack = table.concat, math.max, rawget, rawset, table.pack, table.unpack
  local getrng, setrng, seed, randomseed = T.rngstate, T.setrngstate, matrix.seed, math.randomseed
  local deadline, mem_base, mem_check

  local function trip(why) w.tripped = w.tripped or why end
  -- the sandbox's messages for a run that failed on a limit
  local function failure(err)
    if w.tripped == 'time limit exceeded' then
      return fmt('time limit exceeded (the limit is %.15g s)', lim.seconds)
    elseif w.tripped then
      return fmt('instruction limit exceeded (the limit is %.15g instructions)', lim.instructions)
    elseif err == MEMERR then
      return fmt('not enough memory (the limit is %.4g MiB)', lim.memory / 2 ^ 20)
    end
    return err
  end
  local function hook()
    if not w.tripped then
      w.steps = w.steps + STEP
      if w.steps > lim.instructions then
        trip('instruction limit exceeded')
      elseif now() > deadline then
        trip('time limit exceeded')
      elseif collect('count') > mem_check then
        -- garbage counts too: collect before judging (the sandbox's
        -- allocator collects before it refuses)
        collect('collect')
        local kb = collect('count')
        if kb - mem_base > lim.memory / 1024 then
          mem_check = kb
          raise(MEMERR, 0)
        end
        mem_check = kb + lim.memory / 4096
      end
    end
    if w.tripped then  -- from now on at every instruction: pcall cannot swallow it
      sethook(hook, '', 1)
      raise(w.tripped, 2)
    end
  end
  local function hooked(f)  -- a coroutine's hook starts afresh: set it as it starts
    return function(...)
      sethook(hook, '', STEP)
      return f(...)
    end
  end
  local function charge()
    w.steps = w.steps + RESUME_COST
    if w.steps > lim.instructions then trip('instruction limit exceeded') end
    if w.tripped then raise(w.tripped, 0) end
  end

  -- What the sandbox changes: {table, key, value} (nil removes).
  local patches = {}
  local function patch(t, k, v) patches[#patches + 1] = { t, k, v } end
  local G = _G
  for _, k in ipairs(grader.absent) do patch(G, k, nil) end
  local program = package.loaded.nnlab  -- the REPL's globals are its parts
  if type(program) == 'table' then
    for k, v in pairs(program) do
      if k ~= 'matrix' and k ~= 'nn' and rawequal(rawget(G, k), v) then patch(G, k, nil) end
    end
  end
  local nn = package.loaded['nnlab.nn']
  if not haslib(libs, 'matrix') and rawequal(rawget(G, 'matrix'), matrix) then patch(G, 'matrix', nil) end
  if not haslib(libs, 'nn') and nn and rawequal(rawget(G, 'nn'), nn) then patch(G, 'nn', nil) end
  patch(matrix, 'threads', nil)  -- the sandbox's matrix has no threads and no files
  patch(matrix, 'load', nil)
  patch(matrix, 'save', nil)
  if nn then
    patch(nn, 'save', nil)
    patch(nn, 'load', nil)
  end
  patch(G, 'os', { clock = os.clock, time = os.time, date = os.date })
  patch(string, 'dump', nil)
  patch(G, 'print', function(...)
    local n = select_('#', ...)
    local t = {}
    for i = 1, n do t[i] = tostr((select_(i, ...))) end
    local s = concat(t, '\t') .. '\n'
    local room = lim.output - w.out_len
    if #s > room then
      w.dropped = w.dropped + 1
      s = s:sub(1, room)
    end
    w.out[#w.out + 1] = s
    w.out_len = w.out_len + #s
  end)
  local raw_load, raw_setmetatable = load, setmetatable
  patch(G, 'load', function(chunk, name, _, ...)
    if type_(chunk) ~= 'string' then
      raise(fmt("bad argument #1 to 'load' (string expected, got %s)", type_(chunk)), 2)
    end
    if select_('#', ...) > 0 then return raw_load(chunk, name or chunk, 't', (...)) end
    return raw_load(chunk, name or chunk, 't')
  end)
  patch(G, 'collectgarbage', function(opt)
    if (opt or 'collect') ~= 'count' then
      raise('collectgarbage: only "count" is allowed in a submission', 2)
    end
    return max(0, collect('count') - mem_base)
  end)
  patch(G, 'setmetatable', function(t, mt)
    if type_(mt) == 'table' and rawget_(mt, '__gc') ~= nil then
      raise('setmetatable: __gc metamethods are not allowed in a submission', 2)
    end
    return raw_setmetatable(t, mt)
  end)
  patch(coroutine, 'create', function(f)
    if type_(f) ~= 'function' then return create(f) end
    return create(hooked(f))
  end)
  patch(coroutine, 'resume', function(...)
    charge()
    return resume(...)
  end)
  patch(coroutine, 'wrap', function(f)
    if type_(f) ~= 'function' then return wrap(f) end
    local g = wrap(hooked(f))
    return function(...)
      charge()
      return g(...)
    end
  end)

  local saved, inside, started = {}, false, 0
  local function enter()
    for i = 1, #patches do
      local p = patches[i]
      saved[i] = rawget_(p[1], p[2])
      rawset_(p[1], p[2], p[3])
    end
    inside, started = true, now()
    deadline = started + lim.seconds - w.used
  end
  local function leave()
    w.used = w.used + (now() - started)
    for i = #patches, 1, -1 do rawset_(patches[i][1], patches[i][2], saved[i]) end
    inside = false
  end

  -- The answer's own matrix random stream (the checker keeps its own).
  local rng
  function w.seed(s)
    local theirs = getrng()
    seed(s)
    rng = getrng()
    setrng(theirs)
    randomseed(s)
  end

  function w.run(f, ...)
    if inside then return f(...) end  -- already in the world
    if w.tripped then raise(failure(), 0) end
    local co = create(function(...) return f(...) end)
    local theirs = getrng()
    setrng(rng)
    mem_base = mem_base or collect('count')
    mem_check = mem_check or mem_base + lim.memory / 4096
    enter()
    sethook(co, hook, '', STEP)
    local r = pack(resume(co, ...))
    leave()
    rng = getrng()
    setrng(theirs)
    if not r[1] then raise(failure(r[2]), 0) end
    if status(co) ~= 'dead' then raise('attempt to yield from outside a coroutine', 0) end
    return unpack(r, 2, r.n)
  end

  function w.output()
    return table.concat(w.out), w.dropped
  end
  return w
end

-- The part's checker on answers, in a world: the verdict, as the grader's
-- check_in_sandbox makes it.
local function check_part(set, entry, answers)
  local w = world(set, entry)
  w.seed(grader.seed(entry))
  local base = grader.local_sub(answers)
  local function run(f, ...) return w.run(f, ...) end
  local sub = setmetatable({
    root = base.root,
    call = function(self, f, ...) return base.call(self, run, f, ...) end,
    method = function(self, obj, name, ...)
      return base.call(self, function(o, ...)
        return w.run(function(...) return o[name](o, ...) end, ...)
      end, obj, ...)
    end,
    index = function(self, obj, k)
      return base.call(self, function(o) return w.run(function() return o[k] end) end, obj)
    end,
    seed = function(_, s) w.seed(s) return true end,
  }, getmetatable(base))
  local v = grader.verdict(entry, sub)
  local out, dropped = w.output()
  if dropped > 0 then out = out .. fmt('\n[output cut at %d bytes]', limit(set, entry.part, 'output')) end
  v.output = out
  if w.tripped and v.status ~= 'passed' and not (v.feedback or ''):find(w.tripped, 1, true) then
    v.feedback = (v.feedback or '') .. fmt(' [%s]', w.tripped)
  end
  v.feedback = grader.sandbox_note(v.feedback, w.libs)
  return v
end

local function failed(entry, feedback)
  return { id = entry.id, title = entry.part.title, points = entry.part.points, score = 0,
    status = 'failed', feedback = feedback }
end

-- The parts to check: id is an exercise or a part; each entry is numbered
-- as in the whole set (the grader's seeds follow that number).
local function entries(id)
  local list = {}
  for _, e in ipairs(grader.parts(set())) do
    if e.ex.id == id or e.id == id then list[#list + 1] = e end
  end
  return list
end

-- Check each entry in a child of its own; the child being run is in
-- running.child, for the caller to kill on an error or Ctrl-C.
local function check_in_children(set_, list, answers, running)
  local proc = require 'nnlab.proc'
  local verdicts = {}
  for _, entry in ipairs(list) do
    local seconds = limit(set_, entry.part, 'seconds') + limit(set_, entry.part, 'slack')
    running.spawning = true
    running.child = proc.spawn(function(send)
      local ok, v = pcall(check_part, set_, entry, answers)
      if not ok then v = failed(entry, 'grader error: ' .. tostring(v)) end
      send(v)
    end, {
      cpu = math.ceil(seconds) + 1, memory = grader.limits.process_memory,
      fsize = 1024 * 1024, files = 64, processes = 64,
    })
    running.spawning = false
    local child, deadline, v = running.child, proc.now() + seconds, nil
    while not v do
      proc.poll({ child }, math.max(0, math.min(0.5, deadline - proc.now())))
      local frames, open = child:receive()
      for _, f in ipairs(frames) do
        if type(f) == 'table' and f.id == entry.id and type(f.score) == 'number' then v = f end
      end
      if not v and not open then
        local how, code = child:wait()
        v = failed(entry, (how == 'signal' and fmt('the grading process was killed by signal %d', code)
          or fmt('the grading process exited with status %d', code)) .. ' while the part was checked')
      elseif not v and proc.now() > deadline then
        v = failed(entry, fmt('time limit: stopped after %s s in code the sandbox cannot interrupt '
          .. 'while the part was checked (the limit is %s s, plus %s s for the checker)', seconds,
          limit(set_, entry.part, 'seconds'), limit(set_, entry.part, 'slack')))
      end
    end
    child:kill()
    child:wait()
    running.child = nil
    verdicts[#verdicts + 1] = v
  end
  return verdicts
end

-- Run f(running, ...) so that an error or Ctrl-C leaves no child running:
-- true and f's result, or false (interrupted: said in one line) or an error.
local function guarded(what, f, ...)
  local running = {}
  local ok, res, interrupted = T.protect(f, running, ...)
  if ok then return true, res end
  if running.child then
    running.child:kill()
    running.child:wait()
  end
  -- a child whose handle was lost to the error (Ctrl-C right after a fork,
  -- or inside grader.grade) is killed by its finalizer
  collectgarbage('collect')
  if interrupted then
    io.stdout:flush()
    io.stderr:write(what .. ': interrupted\n')
    return false
  end
  error(res, 0)
end

-- The source of the answers checked, for ex.save: kept per part as an
-- expression (nnlab.answersrc), with the set's exercise tables bound by
-- name (`local features = {}` of a starter); an answer that cannot be
-- saved is said once, and ex.check's verdict stands.
local function remember(e, partid, answer)
  local src = require 'nnlab.answersrc'
  local bind = {}
  for _, x in ipairs(set().exercises) do bind[x.id] = x.id end
  local opts = { bind = bind, text_of = require('nnlab.sources').text_of }
  local parts = partid and { [partid] = answer } or answer
  if type(parts) ~= 'table' or getmetatable(parts) ~= nil then
    state.unsaved[e.id] = 'the answer to an exercise is a table of its parts'
    return
  end
  state.unsaved[e.id] = nil
  for k, v in pairs(parts) do
    if type(k) == 'string' then
      local s, err = src.source(v, opts)
      local id = e.id .. '.' .. k
      state.answers[e.id] = state.answers[e.id] or {}
      state.answers[e.id][k] = s  -- the last answer checked, or none
      state.unsaved[id] = not s and err or nil
    end
  end
end

-- ex.save(path): every answer checked (in this run of the REPL and the
-- ones before, for the set in use) as a submission file, which
-- `nnlab check` grades as ex.check did.
function ex.save(path)
  if type(path) ~= 'string' then error('ex.save(path): path must be a string (a file to write)', 2) end
  local s = set()
  local out = { fmt('-- nnlab submission for the set %s, written by ex.save', state.name) }
  local names = {}
  for _, x in ipairs(s.exercises) do
    local a = state.answers[x.id]
    if a and next(a) then
      names[#names + 1] = x.id
      out[#out + 1] = fmt('\nlocal %s = {}', x.id)
      local parts = {}
      for k in pairs(a) do parts[#parts + 1] = k end
      table.sort(parts)
      for _, k in ipairs(parts) do
        out[#out + 1] = fmt('%s[%q] = %s', x.id, k, a[k])
      end
    end
  end
  local ids = {}
  for id in pairs(state.unsaved) do ids[#ids + 1] = id end
  table.sort(ids)
  for _, id in ipairs(ids) do
    print(fmt('ex.save: %s is not written: %s', id, state.unsaved[id]))
  end
  if #names == 0 then error('ex.save: no answer checked yet that can be written (ex.check one first)', 2) end
  local ret = {}
  for i, n in ipairs(names) do ret[i] = fmt('%s = %s', n, n) end
  out[#out + 1] = '\nreturn { ' .. table.concat(ret, ', ') .. ' }\n'
  local ok, err = pcall(grader.write_atomic, path, table.concat(out, '\n'))
  if not ok then error('ex.save: ' .. tostring(err), 2) end
  print(fmt('ex.save: %d exercise%s written to %s (grade it: nnlab check %s %s)', #names,
    #names == 1 and '' or 's', path, state.name, path))
end

function ex.check(id, answer)
  local e = find(id)
  local partid = id:match('^[^.]+%.(.+)$')
  local list = entries(id)
  if #list == 0 then error(fmt("no part '%s' (see ex.show('%s'))", id, e.id), 2) end
  local answers = { [e.id] = partid and { [partid] = answer } or answer }
  local s = set()
  local ok, verdicts = guarded('ex.check', function(running)
    if pcall(require, 'nnlab.proc') then return check_in_children(s, list, answers, running) end
    local vs = {}
    for i, entry in ipairs(list) do vs[i] = check_part(s, entry, answers) end
    return vs
  end)
  if not ok then return end
  local r = { file = id, parts = verdicts, score = 0, max = 0 }
  for i, v in ipairs(verdicts) do
    r.score = r.score + v.score
    r.max = r.max + list[i].part.points
  end
  record(r)
  remember(e, partid, answer)
  write_progress()
  io.stdout:write(report.text(r))
end

function ex.check_file(id, path)
  if path == nil then id, path = nil, id end
  if type(path) ~= 'string' then error('ex.check_file(id, path): path must be a string', 2) end
  if id ~= nil then find(id) end
  local ok = pcall(require, 'nnlab.proc')
  if not ok then error('ex.check_file needs the nnlab program (it grades in a sandbox)', 2) end
  local s = set()
  local done, r = guarded('ex.check_file', function()
    return grader.grade(s, { path }, { only = id })[1]
  end)
  if not done then return end
  record(r)
  write_progress()
  io.stdout:write(report.text(r))
end

-- Tab completion at the REPL's prompt (src/host/repl_complete.c) asks a
-- module's __complete(name) for the strings its function name takes:
-- here the current set's exercise ids (and part ids, for ex.check).
local takes_id = { show = true, hint = true, check = true, check_file = true }
setmetatable(ex, { __complete = function(name)
  if not takes_id[name] then return nil end
  local ids = {}
  for _, e in ipairs(set().exercises) do
    ids[#ids + 1] = e.id
    if name == 'check' then
      for _, p in ipairs(e.parts) do ids[#ids + 1] = e.id .. '.' .. p.id end
    end
  end
  return ids
end })

return ex
