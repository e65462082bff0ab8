-- nnlab.selftest: `nnlab check --selftest SET`, a set's checks against
-- submissions whose verdicts are known.
--
--   * The reference solution (set.solution) must earn full marks.
--   * Each known-wrong submission (set.wrong = {{name =, source =, loses =
--     {...}}, ...}) must lose ALL the points of each part listed in loses,
--     and at least x points of each part given as loses['ex.part'] = x.
--   * Trivial mutants of the reference solution, made here for every part,
--     must each earn at most a quarter of the part's points: the part's
--     answer replaced by a constant 0, 1 or -1 of its kind, random numbers
--     of its shape, its transpose (random for what is not a matrix), nil,
--     and (for a function) its input returned unchanged.  A function's results are mutated, and an
--     object's (a table with a metatable, or a userdata, such as a
--     homework module) method results and fields.  A part whose answer the
--     solution does not have by its name (homework.hard, which uses all the
--     homework's modules) has every answer of its exercise mutated.
--
-- Every case is a submission in Lua source (the mutants wrap the reference
-- solution) graded through grader.grade, in the sandbox and child
-- processes, exactly as students' files are.  A mutant that changed
-- nothing the checker looked at (a transpose of a symmetric matrix, of a
-- number) says so on its output and is not held to the rule.
local selftest = {}
local fmt = string.format

-- Runs in the submission's sandbox, after the reference solution: the
-- mutation of the answers.  `...` is (answers, mutation, exercise, part).
local MUTATOR = [==[
local answers, kind, exid, pid = ...
local changed = false
-- Is v data (not a function, nor an object other than a matrix)?
local function data(v)
  local t = type(v)
  if t == 'function' or t == 'thread' then return false end
  if t == 'userdata' then return matrix.is(v) end
  return t ~= 'table' or getmetatable(v) == nil
end
local function same(a, b)
  if rawequal(a, b) then return true end
  if matrix.is(a) and matrix.is(b) then
    local r, c = a:shape()
    local r2, c2 = b:shape()
    return r == r2 and c == c2 and a == b
  end
  return a == b
end
local function note(a, b)
  if not changed and data(a) and (type(a) ~= 'table' or type(b) ~= 'table') and not same(a, b) then
    changed = true
    print('nnlab-mutant: changed')
  end
end
local mutate
-- A value of the answer's kind: matrices keep their shape, tables their keys.
local loading = true   -- mutating the answers themselves (not a function's results)
local NEXT = {zero = 'one', one = 'minus', minus = 'zero'}
local constant
local function value(v, input)
  if kind == 'nil' then return nil end
  if not data(v) then return mutate(v, input) end
  if kind == 'input' and input ~= nil then return input end
  local k = kind == 'input' and 'zero' or kind
  if loading and NEXT[k] then
    -- an answer that is already this constant gets the next one instead
    local m = constant(v, k)
    if same(m, v) then m = constant(v, NEXT[k]) end
    if same(m, v) then m = constant(v, NEXT[NEXT[k]]) end
    return m
  end
  return constant(v, k)
end
function constant(v, k)
  if matrix.is(v) then
    local r, c = v:shape()
    if k == 'zero' then return matrix.zeros(r, c) end
    if k == 'one' then return matrix.ones(r, c) end
    if k == 'minus' then return matrix.zeros(r, c) - 1 end
    if k == 'random' then return matrix.randn(r, c) end
    if k == 'transpose' then return v:T() end
  elseif type(v) == 'number' then
    if k == 'zero' then return 0 end
    if k == 'one' then return 1 end
    if k == 'minus' then return -1 end
    return math.random()   -- random; a number has no transpose
  elseif type(v) == 'string' then
    if k == 'zero' then return '' end
    if k == 'one' then return '1' end
    if k == 'minus' then return '-1' end
    return string.char(math.random(97, 122), math.random(97, 122))
  elseif type(v) == 'boolean' then
    return not v
  elseif type(v) == 'table' then
    return mutate(v)
  end
  return v
end
local function results(input, ...)
  local n = select('#', ...)
  local t = {...}
  for i = 1, n do t[i] = value(t[i], input) end
  if kind == 'nil' then n = 0 end
  return table.unpack(t, 1, n)
end
local seen = setmetatable({}, {__mode = 'k'})
function mutate(v, input)
  local t = type(v)
  if t == 'function' then
    return function(...)
      local out = table.pack(v(...))
      local mut = table.pack(results((...), table.unpack(out, 1, out.n)))
      for i = 1, math.max(out.n, mut.n) do note(out[i], mut[i]) end
      return table.unpack(mut, 1, mut.n)
    end
  end
  if t == 'table' and getmetatable(v) == nil then
    if seen[v] then return seen[v] end
    local c = {}
    seen[v] = c
    for k, x in pairs(v) do
      c[k] = value(x, input)
      note(x, c[k])
    end
    return c
  end
  if t == 'table' or t == 'userdata' then
    -- an object: a proxy whose methods' results and fields are mutated
    if seen[v] then return seen[v] end
    local proxy = setmetatable({}, {__index = function(_, k)
      local x = v[k]
      if type(x) == 'function' then
        return function(self, ...)
          if rawequal(self, seen[v]) then self = v end
          local out = table.pack(x(self, ...))
          local mut = table.pack(results((...), table.unpack(out, 1, out.n)))
          for i = 1, math.max(out.n, mut.n) do note(out[i], mut[i]) end
          return table.unpack(mut, 1, mut.n)
        end
      end
      local m = value(x)
      note(x, m)
      return m
    end, __newindex = v})
    seen[v] = proxy
    return proxy
  end
  return v
end
local ex = answers[exid]
if type(ex) ~= 'table' then return answers end
if kind == 'nil' then note(true, false) end   -- the answer itself is gone
if ex[pid] ~= nil then
  local m = value(ex[pid])
  note(ex[pid], m)
  ex[pid] = m
else
  for k, x in pairs(ex) do
    local m = value(x)
    note(x, m)
    ex[k] = m
  end
end
loading = false
return answers
]==]

selftest.MUTATIONS = {'zero', 'one', 'minus', 'random', 'transpose', 'input', 'nil'}

-- The source of a mutant: the reference solution, then the mutation.
function selftest.mutant(solution, mutation, id)
  local exid, pid = id:match('^([^.]+)%.(.+)$')
  return fmt('local __answers = (function(...)\n%s\nend)()\n'
    .. 'return (function(...)\n%s\nend)(__answers, %q, %q, %q)\n',
    solution, MUTATOR, mutation, exid, pid)
end

local function tmpfile(text)
  local path = os.tmpname()
  require('nnlab.grader').write_atomic(path, text)
  return path
end

local function grade(set, sources, opts)
  local grader = require 'nnlab.grader'
  local files = {}
  for i, src in ipairs(sources) do files[i] = tmpfile(src) end
  local ok, results = pcall(grader.grade, set, files, opts)
  for _, f in ipairs(files) do os.remove(f) end
  if not ok then error(results, 0) end
  return results
end

local function num(x)
  return tostring(math.tointeger(x) or x)
end

-- selftest.run(set, opts) -> ok, text.  opts: jobs; mutants = false to
-- leave the mutants out.
function selftest.run(set, opts)
  opts = opts or {}
  local lines, ok = {}, true
  local counts = {wrong = 0, mutants = 0, equivalent = 0, failed = 0}
  local equivalent = {}
  local function say(...) lines[#lines + 1] = fmt(...) end
  if type(set.solution) ~= 'string' then
    return false, 'the set has no reference solution (a stripped copy cannot self-test)\n'
  end
  local sources = { set.solution }
  for _, w in ipairs(set.wrong or {}) do sources[#sources + 1] = w.source end
  local results = grade(set, sources, { jobs = opts.jobs })
  local points = {}
  for _, e in ipairs(require('nnlab.grader').parts(set)) do points[e.id] = e.part.points end
  for i, r in ipairs(results) do
    local byid = {}
    for _, p in ipairs(r.parts) do byid[p.id] = p end
    if i == 1 then
      local good = r.score == r.max
      ok = ok and good
      say('%s  reference solution: %s/%s', good and 'ok  ' or 'FAIL', num(r.score), num(r.max))
      if not good then
        for _, p in ipairs(r.parts) do
          if p.status ~= 'passed' then say('        %s: %s', p.id, p.feedback or '') end
        end
      end
    else
      local c = set.wrong[i - 1]
      counts.wrong = counts.wrong + 1
      local missed, names = {}, {}
      local claims = {}
      for k, v in pairs(c.loses or {}) do
        if math.type(k) == 'integer' then
          claims[#claims + 1] = {id = v}
        else
          claims[#claims + 1] = {id = k, at_least = v}
        end
      end
      table.sort(claims, function(a, b) return a.id < b.id end)
      for _, claim in ipairs(claims) do
        local p = byid[claim.id]
        names[#names + 1] = claim.at_least and fmt('%s (>= %s)', claim.id, num(claim.at_least))
          or claim.id
        if not p then
          missed[#missed + 1] = 'there is no part ' .. claim.id
        else
          local lost = p.points - p.score
          if p.score >= p.points and p.points > 0 then
            missed[#missed + 1] = 'earned full marks on ' .. claim.id
          elseif claim.at_least then
            if lost + 1e-9 < claim.at_least then
              missed[#missed + 1] = fmt('kept %s/%s on %s (at least %s to lose)', num(p.score),
                num(p.points), claim.id, num(claim.at_least))
            end
          elseif p.score > 0 then
            missed[#missed + 1] = fmt('kept %s/%s on %s (all to lose)', num(p.score), num(p.points),
              claim.id)
          end
        end
      end
      local good = #missed == 0 and #claims > 0
      ok = ok and good
      say('%s  wrong: %s: loses %s%s', good and 'ok  ' or 'FAIL', c.name or '?',
        table.concat(names, ', '),
        #missed > 0 and ('; but ' .. table.concat(missed, ', ')) or '')
    end
  end
  if opts.mutants ~= false then
    local grader = require 'nnlab.grader'
    for _, e in ipairs(grader.parts(set)) do
      local srcs = {}
      for i, m in ipairs(selftest.MUTATIONS) do srcs[i] = selftest.mutant(set.solution, m, e.id) end
      local rs = grade(set, srcs, { jobs = opts.jobs, only = e.id })
      local worst, bad = 0, {}
      for i, r in ipairs(rs) do
        local p = r.parts[1]
        if not (p.output or ''):find('nnlab-mutant: changed', 1, true) then
          counts.equivalent = counts.equivalent + 1
          equivalent[#equivalent + 1] = e.id .. ':' .. selftest.MUTATIONS[i]
        else
          counts.mutants = counts.mutants + 1
          worst = math.max(worst, p.score)
          if p.score > p.points / 4 then
            bad[#bad + 1] = fmt('%s earned %s/%s', selftest.MUTATIONS[i], num(p.score), num(p.points))
          end
        end
      end
      if #bad > 0 then
        ok = false
        counts.failed = counts.failed + 1
        say('FAIL  mutants of %s: %s (at most a quarter is allowed)', e.id, table.concat(bad, ', '))
      end
    end
    say('%s  mutants: %d, each at most a quarter of its part%s%s', counts.failed == 0 and 'ok  ' or 'FAIL',
      counts.mutants, counts.failed > 0 and fmt('; %d parts failed', counts.failed) or '',
      counts.equivalent > 0 and fmt(' (%d more changed nothing the checker saw and were not '
        .. 'counted: %s)', counts.equivalent, table.concat(equivalent, ', ')) or '')
  end
  return ok, table.concat(lines, '\n') .. '\n', counts
end

return selftest
