-- nnlab.check: helpers for exercise checkers (see exercises/README.md).
--
-- They run in the grader's own Lua state and compare an answer that came
-- from a submission with a reference the checker computed.  Each returns
-- true, or false and feedback that says what is wrong and what was expected
-- in shape and kind, never the reference's values.  The order is always the
-- same: the kind of the answer, then its shape, then NaN and infinities,
-- then the values (numpy's allclose, tolerances stated in the feedback),
-- and when the values are wrong, the usual mistakes in words.
--
-- What arrives from a submission is plain data (numbers, strings,
-- booleans, matrices, plain tables) or a reference: a table with a
-- metatable whose field `type` names what it stands for ("function",
-- "table", "userdata").  Anything that is not the expected plain kind is
-- wrong, and the feedback says what it is.
local matrix = require('nnlab.core').matrix

local fmt = string.format

local check = {rtol = 1e-5, atol = 1e-8}

local function shapestr(r, c)
  return r .. 'x' .. c
end

local function isref(x)
  return type(x) == 'table' and getmetatable(x) ~= nil
end

local function article(word)
  return (word:match('^[aeiou]') and 'an ' or 'a ') .. word
end

-- check.kind(x): what x is, in words ("a 2x1 matrix", "a function",
-- "an object (a table with a metatable)", "nil").
function check.kind(x)
  if matrix.is(x) then
    return 'a ' .. shapestr(x:shape()) .. ' matrix'
  end
  local t = type(x)
  if t == 'nil' then return 'nil' end
  if t == 'number' then
    if x ~= x then return 'NaN' end
    if x == math.huge or x == -math.huge then return 'an infinite number' end
    return math.type(x) == 'integer' and 'an integer' or 'a number'
  end
  if isref(x) then
    local rt = rawget(x, 'type')
    if rt == 'table' then return 'an object (a table with a metatable)' end
    if rt == 'userdata' then return 'a userdata object (such as an nn module)' end
    if rt == 'thread' then return 'a coroutine' end
    if type(rt) == 'string' then return article(rt) end
    return 'an object (a table with a metatable)'
  end
  if t == 'table' then
    if next(x) == nil then return 'an empty table' end
    return 'a table'
  end
  if t == 'thread' then return 'a coroutine' end
  return article(t)
end

-- Is x callable as a submission's function (a reference to one, or, in a
-- checker's own tests, a function)?
function check.isfunction(x)
  if type(x) == 'function' then return true end
  return isref(x) and rawget(x, 'type') == 'function'
end

-- check.func(x, name): true, or false and "name: expected a function, got ...".
function check.func(x, name)
  if check.isfunction(x) then return true end
  return false, fmt('%s: expected a function, got %s', name or 'the answer', check.kind(x))
end

local function prefix(opts)
  local name = opts and opts.name
  return name and (name .. ': ') or ''
end

local function tolerance(rtol, atol)
  return fmt('entries compared as numpy\'s allclose: |yours - expected| <= %g + %g |expected|',
    atol, rtol)
end

-- The first NaN or infinite entry of m: count, i, j, what.
local function nonfinite(m)
  local r, c = m:shape()
  local n, fi, fj, what = 0, nil, nil, nil
  for i = 1, r do
    for j = 1, c do
      local x = m:get(i, j)
      if x ~= x or x == math.huge or x == -math.huge then
        n = n + 1
        if not fi then fi, fj, what = i, j, (x ~= x) and 'NaN' or 'infinite' end
      end
    end
  end
  return n, fi, fj, what
end

local function finite_matrix(m)
  return nonfinite(m) == 0
end

local function close(a, b, rtol, atol)
  return matrix.is(a) and matrix.is(b) and a:allclose(b, rtol, atol)
end

-- Entries of got not within tolerance of want: count, first i, j.
local function mismatches(got, want, rtol, atol)
  local r, c = want:shape()
  local n, fi, fj = 0, nil, nil
  for i = 1, r do
    for j = 1, c do
      local w = want:get(i, j)
      local d = math.abs(got:get(i, j) - w)
      if d ~= d or d > atol + rtol * math.abs(w) then
        n = n + 1
        if not fi then fi, fj = i, j end
      end
    end
  end
  return n, fi, fj
end

local function isint(x)
  return math.type(x) == 'integer' or (type(x) == 'number' and x == math.floor(x) and x == x
    and x ~= math.huge and x ~= -math.huge)
end

local JACOBIAN = 'in the lecture\'s convention dv/du, for v (c x 1) and u (b x 1), is b x c '
  .. 'with entry (j, k) = dv_k/du_j'

-- The usual mistakes, as variants of the reference: each is a function of
-- (want, opts) returning the value the mistake would give (or nil when it
-- does not apply), with its diagnosis.  The first variant that matches the
-- answer (and differs from the reference) is reported.
local function variants(want, opts, ismatrix)
  local v = {}
  local function add(value, text)
    if value ~= nil then v[#v + 1] = {value = value, text = text} end
  end
  for _, w in ipairs(opts.wrong or {}) do add(w[1], w[2]) end
  if ismatrix then
    local r, c = want:shape()
    if opts.jacobian then
      add(want:T(), 'your Jacobian is in the wrong layout (the transpose of the expected one): '
        .. JACOBIAN)
    else
      local text = 'your result is the transpose of the expected one'
      if c == 1 then
        text = 'you gave a row where a column is due (the transpose of the expected vector)'
      elseif r == 1 then
        text = 'you gave a column where a row is due (the transpose of the expected vector)'
      end
      add(want:T(), text)
    end
  end
  add(-want, 'sign error: your result is the negative of the expected one')
  if opts.without_bias ~= nil then
    add(opts.without_bias, 'your result is what you get without the offset W0 '
      .. '(Z = W^T A + W0: add W0 to every column)')
  end
  if opts.batch then
    local b = opts.batch
    add(want / b, 'you took the mean over the batch where the sum is due (here batch losses '
      .. 'and their gradients are sums over the b = ' .. b .. ' data points)')
    add(want * b, 'you took the sum over the batch where the mean is due (divide by the '
      .. 'batch size b = ' .. b .. ')')
  end
  if opts.indices then
    add(want - 1, 'your class indices are one too small: class indices here are 1-based '
      .. '(the first class is 1; numpy\'s argmax is 0-based)')
    add(want + 1, 'your class indices are one too large: class indices here are 1-based '
      .. '(the first class is 1, the last is the number of classes)')
  end
  add(want * 2, 'your result is twice the expected one (a factor 2 too many)')
  add(want / 2, 'your result is half the expected one (a factor 2 missing, as in '
    .. 'd/da (a - y)^2 = 2 (a - y)?)')
  return v
end

-- The shape of a matrix that is the wanted one summed or averaged over a
-- batch: n x b given where n x 1 is due.
local function unsummed(got, want, opts)
  if not opts.batch then return nil end
  local r, c = want:shape()
  local gr, gc = got:shape()
  if c == 1 and gr == r and gc == opts.batch and finite_matrix(got) then
    if close(got:sum(2), want, opts.rtol, opts.atol) then
      return fmt('expected a %s matrix, got %s: you did not sum over the batch '
        .. '(add up the %d columns, one per data point)', shapestr(r, c), shapestr(gr, gc), gc)
    end
    return fmt('expected a %s matrix (one column, summed over the batch), got %s',
      shapestr(r, c), shapestr(gr, gc))
  end
end

-- check.matrix(got, want [, opts]) -> true | false, feedback
-- opts: rtol, atol (defaults 1e-5, 1e-8), name (prefixes the feedback),
-- batch (the batch size b: diagnoses sum vs mean), without_bias (the value
-- without W0), indices (class indices: diagnoses off by one), jacobian
-- (diagnoses the wrong layout), wrong = {{value, 'diagnosis'}, ...} (more
-- known mistakes, matrices of any shape).
function check.matrix(got, want, opts)
  opts = opts or {}
  assert(matrix.is(want), 'check.matrix: the reference (argument 2) must be a matrix')
  assert(finite_matrix(want), 'check.matrix: the reference has NaN or infinite entries')
  local rtol, atol = opts.rtol or check.rtol, opts.atol or check.atol
  local p = prefix(opts)
  local r, c = want:shape()
  if not matrix.is(got) then
    local hint = ''
    if type(got) == 'table' and not isref(got) then
      hint = ' (build one with matrix{...}, matrix.col{...} or matrix.row{...})'
    elseif type(got) == 'number' and r * c == 1 then
      hint = ' (give a 1x1 matrix, such as matrix{{x}})'
    end
    return false, fmt('%sexpected a %s matrix, got %s%s', p, shapestr(r, c), check.kind(got), hint)
  end
  local gr, gc = got:shape()
  if gr ~= r or gc ~= c then
    local u = unsummed(got, want, opts)
    if u then return false, p .. u end
    local base = fmt('%sexpected a %s matrix, got a %s matrix', p, shapestr(r, c), shapestr(gr, gc))
    for _, v in ipairs(variants(want, opts, true)) do
      local vr, vc = v.value:shape()
      if vr == gr and vc == gc and finite_matrix(got) and close(got, v.value, rtol, atol) then
        return false, base .. ': ' .. v.text
      end
    end
    if gr == c and gc == r then
      if opts.jacobian then
        return false, base .. ' (the transposed shape: ' .. JACOBIAN .. ')'
      end
      return false, base .. ' (the transposed shape)'
    end
    return false, base
  end
  local n, i, j, what = nonfinite(got)
  if n > 0 then
    return false, fmt('%syour %s matrix has %d NaN or infinite %s (the first, %s, at (%d, %d)); '
      .. 'expected finite numbers', p, shapestr(gr, gc), n, n == 1 and 'entry' or 'entries', what, i, j)
  end
  if got:allclose(want, rtol, atol) then return true end
  for _, v in ipairs(variants(want, opts, true)) do
    local vr, vc = v.value:shape()
    if vr == r and vc == c and close(got, v.value, rtol, atol)
        and not close(v.value, want, rtol, atol) then
      return false, fmt('%s%s (%s)', p, v.text, tolerance(rtol, atol))
    end
  end
  local bad, fi, fj = mismatches(got, want, rtol, atol)
  return false, fmt('%sthe shape (%s) is right, but %d of %d %s wrong, the first at (%d, %d) (%s)',
    p, shapestr(r, c), bad, r * c, r * c == 1 and 'entry is' or 'entries are', fi, fj,
    tolerance(rtol, atol))
end

-- check.number(got, want [, opts]) -> true | false, feedback
-- The same tolerances and diagnoses (batch, without_bias, indices, wrong)
-- as check.matrix, for a number.
function check.number(got, want, opts)
  opts = opts or {}
  assert(type(want) == 'number' and want == want and math.abs(want) ~= math.huge,
    'check.number: the reference (argument 2) must be a finite number')
  local rtol, atol = opts.rtol or check.rtol, opts.atol or check.atol
  local p = prefix(opts)
  if type(got) ~= 'number' then
    local hint = ''
    if matrix.is(got) then
      local gr, gc = got:shape()
      if gr * gc == 1 then hint = ' (a number is due: take the entry with m:get(1, 1))' end
    end
    return false, fmt('%sexpected a number, got %s%s', p, check.kind(got), hint)
  end
  if got ~= got or got == math.huge or got == -math.huge then
    return false, fmt('%sexpected a finite number, got %s', p,
      got ~= got and 'NaN' or 'an infinite number')
  end
  local function near(a, b) return math.abs(a - b) <= atol + rtol * math.abs(b) end
  if near(got, want) then return true end
  local tol = fmt('compared as |yours - expected| <= %g + %g |expected|', atol, rtol)
  for _, v in ipairs(variants(want, opts, false)) do
    if type(v.value) == 'number' and near(got, v.value) and not near(v.value, want) then
      return false, fmt('%s%s (%s)', p, v.text, tol)
    end
  end
  return false, fmt('%sthe number is wrong (%s)', p, tol)
end

-- check.shape(got, rows, cols) -> true | false, feedback
-- got must be a pair {rows, cols} of integers (shape questions).
function check.shape(got, rows, cols, opts)
  opts = opts or {}
  local p = prefix(opts)
  local valid, msg = check.is_shape(got, opts)
  if not valid then return false, msg end
  local a, b = got[1], got[2]
  if a == rows and b == cols then return true end
  local gs = shapestr(math.tointeger(a) or a, math.tointeger(b) or b)
  if a == cols and b == rows then
    return false, fmt('%syou gave %s: rows and columns are swapped (a shape is {rows, columns})',
      p, gs)
  end
  if (a == rows) ~= (b == cols) then
    return false, fmt('%syou gave %s: the %s right, the %s not', p, gs,
      a == rows and 'number of rows is' or 'number of columns is',
      a == rows and 'number of columns' or 'number of rows')
  end
  return false, fmt('%syou gave %s: both the rows and the columns are wrong', p, gs)
end

-- Normalise a short answer: lower case, no surrounding blanks or
-- parentheses, inner blanks collapsed; "(b)" and "b)" become "b".
local function norm(s)
  s = s:lower():gsub('%s+', ' '):gsub('^%s+', ''):gsub('%s+$', '')
  s = s:gsub('^%((.-)%)$', '%1'):gsub('^(%w)%)$', '%1'):gsub('%.$', '')
  return s
end

-- The choices as a list of {id =, aliases =, why =}.  choices is a list of
-- ids, or a table id -> text, or id -> {text =, why =, aliases =}.
local function choicelist(choices)
  local list = {}
  if choices[1] ~= nil then
    for _, id in ipairs(choices) do list[#list + 1] = {id = id} end
  else
    for id, v in pairs(choices) do
      local item = {id = id}
      if type(v) == 'table' then item.why, item.aliases = v.why, v.aliases end
      list[#list + 1] = item
    end
    table.sort(list, function(a, b) return tostring(a.id) < tostring(b.id) end)
  end
  return list
end

-- The choices' list, their ids as feedback names them ('"a", "b"') and
-- resolve(x): the item an answer x names (as check.choice matches it), or nil.
local function matcher(choices)
  local list = choicelist(choices)
  local ids = {}
  for _, item in ipairs(list) do ids[#ids + 1] = '"' .. tostring(item.id) .. '"' end
  local function resolve(x)
    if math.type(x) == 'integer' and choices[1] ~= nil and list[x] then return list[x] end
    if type(x) ~= 'string' then return nil end
    local s = norm(x)
    for _, item in ipairs(list) do
      if norm(tostring(item.id)) == s then return item end
      for _, a in ipairs(item.aliases or {}) do
        if norm(a) == s then return item end
      end
    end
  end
  return list, table.concat(ids, ', '), resolve
end

-- check.choice(got, want, choices) -> true | false, feedback
-- A multiple-choice (or short) answer.  choices: a list of ids ({'a', 'b',
-- 'c'}), or a table id -> description, where a description may be a table
-- {text =, why = 'why this choice is wrong', aliases = {'other spellings'}}.
-- want: one id, or a list of ids when every one of them must be given (as a
-- list, in any order).  The answer is matched ignoring case, blanks and
-- parentheses; a number n stands for the n-th id of a list of choices.
function check.choice(got, want, choices, opts)
  opts = opts or {}
  local p = prefix(opts)
  local list, idtext, resolve = matcher(choices)
  local multi = type(want) == 'table'
  local wants = multi and want or {want}
  for _, w in ipairs(wants) do
    local found = false
    for _, item in ipairs(list) do if item.id == w then found = true end end
    assert(found, 'check.choice: the reference ' .. tostring(w) .. ' is not one of the choices')
  end
  if not multi then
    if type(got) ~= 'string' and math.type(got) ~= 'integer' then
      return false, fmt('%sexpected one of %s (a string), got %s', p, idtext, check.kind(got))
    end
    local item = resolve(got)
    if not item then
      return false, fmt('%syour answer is not one of the choices %s', p, idtext)
    end
    if item.id == want then return true end
    return false, fmt('%s%q is not the right choice%s', p, tostring(item.id),
      item.why and (': ' .. item.why) or '')
  end
  if type(got) == 'string' then got = {got} end
  if type(got) ~= 'table' or isref(got) then
    return false, fmt('%sexpected a list of choices among %s, got %s', p, idtext, check.kind(got))
  end
  local given, n = {}, 0
  for _, x in ipairs(got) do
    local item = resolve(x)
    if not item then
      return false, fmt('%s%s is not one of the choices %s', p,
        type(x) == 'string' and fmt('%q', x) or check.kind(x), idtext)
    end
    if not given[item.id] then n = n + 1 end
    given[item.id] = true
  end
  local wanted = {}
  for _, w in ipairs(wants) do wanted[w] = true end
  for id in pairs(given) do
    if not wanted[id] then
      local why
      for _, item in ipairs(list) do if item.id == id then why = item.why end end
      return false, fmt('%s%q should not be among your choices%s', p, tostring(id),
        why and (': ' .. why) or '')
    end
  end
  if n < #wants then
    return false, fmt('%syour choices are right but incomplete (%d of %d)', p, n, #wants)
  end
  return true
end

---------------------------------------------------------------------------
-- Plumbing for checkers: reading answers, calling the submission, tallying
-- results, and the C modules that compute references.

-- check.num(x): a number as a statement (and Lua source) shows it.
function check.num(x)
  return (fmt('%.10g', x))
end

-- check.src(m): Lua source for a matrix: matrix{{1, 2}, {3, 4}}, or
-- matrix.col{...} for a column.
function check.src(m)
  local num = check.num
  local r, c = m:shape()
  if r * c == 1 then return 'matrix{{' .. num(m:get(1, 1)) .. '}}' end
  if c == 1 then
    local t = {}
    for i = 1, r do t[i] = num(m:get(i, 1)) end
    return 'matrix.col{' .. table.concat(t, ', ') .. '}'
  end
  local rows = {}
  for i = 1, r do
    local t = {}
    for j = 1, c do t[j] = num(m:get(i, j)) end
    rows[i] = '{' .. table.concat(t, ', ') .. '}'
  end
  return 'matrix{' .. table.concat(rows, ', ') .. '}'
end

-- check.shapestr(m): "3x2" for a 3x2 matrix (or check.shapestr(3, 2)).
function check.shapestr(m, c)
  if c ~= nil then return shapestr(m, c) end
  return shapestr(m:shape())
end

-- check.answer(sub, ex, part): the answer at ex.part, or nil and feedback.
function check.answer(sub, ex, part)
  local v, err = sub:get(ex, part)
  if v == nil then
    return nil, err and tostring(err) or fmt('%s.%s is missing', ex, part)
  end
  return v
end

-- check.call(sub, f, what, ...): calls the submission's f (named what in
-- feedback): true, results... or false, feedback.
function check.call(sub, f, what, ...)
  local ok, msg = check.func(f, what)
  if not ok then return false, msg end
  local r = table.pack(sub:call(f, ...))
  if not r[1] then return false, fmt('%s raised an error: %s', what, tostring(r[2])) end
  return table.unpack(r, 1, r.n)
end

-- check.method(sub, obj, name, what, ...): obj:name(...) in the submission:
-- true, results... or false, feedback.
function check.method(sub, obj, name, what, ...)
  local r = table.pack(sub:method(obj, name, ...))
  if not r[1] then return false, fmt('%s raised an error: %s', what, tostring(r[2])) end
  return table.unpack(r, 1, r.n)
end

-- check.index(sub, obj, key): obj[key] in the submission: the value, or nil
-- and feedback.  (Takes sub:index answering true, value / false, message,
-- as sub:call does, or the value itself.)
function check.index(sub, obj, key)
  local a, b = sub:index(obj, key)
  if a == true then return b end
  if a == false then return nil, tostring(b) end
  return a
end

-- check.isobject(x): is x an object of the submission's (a table with a
-- metatable, or a userdata such as an nn module), as opposed to plain data
-- or a function?
function check.isobject(x)
  if matrix.is(x) then return false end
  if type(x) == 'userdata' then return true end
  return type(x) == 'table' and getmetatable(x) ~= nil and rawget(x, 'type') ~= 'function'
end

-- check.tally([every]): collects the results of several checks into one
-- verdict: t:add(ok, msg) for each, then t:result() is true when all
-- passed, else the fraction that passed and the feedback of the failures,
-- each diagnosis once (feedback that differs only in its numbers is
-- reported once, with how often it recurred); with every true, each
-- failure is reported on its own.
local Tally = {}
Tally.__index = Tally

function check.tally(every)
  return setmetatable({n = 0, good = 0, notes = {}, seen = {}, every = every}, Tally)
end

function Tally:add(ok, msg)
  self.n = self.n + 1
  if ok == true then
    self.good = self.good + 1
    return true
  end
  msg = msg or 'wrong'
  local what = msg:gsub('[%d%-]+', '#')   -- the same but for sizes, layers, test points
  local note = not self.every and self.seen[what]
  if note then
    note.again = note.again + 1
  else
    note = {text = msg, again = 0}
    self.seen[what] = note
    self.notes[#self.notes + 1] = note
  end
  return false
end

-- The feedback of the failures so far (nil when there are none).
function Tally:feedback()
  if #self.notes == 0 then return nil end
  local lines = {}
  for i, note in ipairs(self.notes) do
    if i > 4 then
      lines[#lines + 1] = fmt('(and %d more different failures)', #self.notes - 4)
      break
    end
    lines[i] = note.text .. (note.again > 0 and fmt(' [and %d more like this]', note.again) or '')
  end
  return table.concat(lines, '\n')
end

function Tally:result()
  if self.good == self.n then return true end
  local text = self:feedback()
  if self.good == 0 then return false, text end
  return self.good / self.n, text
end

-- check.aspects(names [, note]): checks grouped by aspect (a module's
-- methods, say): a.add(name, ok, msg) for each check; an aspect passes when
-- every check in it does, and a.result() is the fraction of aspects that
-- pass, with the first failure of each failing aspect (and the note).
function check.aspects(names, note)
  local a = {names = names, fail = {}}
  function a.add(name, ok, msg)
    if ok ~= true and not a.fail[name] then a.fail[name] = msg or 'wrong' end
    return ok == true
  end
  function a.result()
    local good, notes = 0, {}
    for _, name in ipairs(names) do
      if a.fail[name] then notes[#notes + 1] = a.fail[name] else good = good + 1 end
    end
    if good == #names then return true end
    if note then notes[#notes + 1] = note end
    local text = table.concat(notes, '\n')
    if good == 0 then return false, text end
    return good / #names, text
  end
  return a
end

-- check.linear(W [, W0]): a C nn.Linear with the given weights (W0 zeros
-- when not given; the constructor's draws are replaced).
function check.linear(W, W0)
  local nn = require 'nnlab.nn'
  local m, n = W:shape()
  local layer = nn.Linear(m, n)
  layer.W = W
  layer.W0 = W0 or matrix.zeros(n, 1)
  return layer
end

-- check.forward(modules, X): X through each module's forward in turn.
function check.forward(modules, X)
  for _, m in ipairs(modules) do X = m:forward(X) end
  return X
end

-- check.onehot(k, b): a one-hot k x b matrix with a random class (from the
-- matrix stream) in each column.
function check.onehot(k, b)
  local Y = matrix.zeros(k, b)
  for j = 1, b do Y:set(matrix.randint(k), j, 1) end
  return Y
end

-- check.classes(): credit for answers that are labels (a classifier's, a
-- step feature's), which a constant must not earn.  c:add(group, label, ok,
-- msg) for each test point: label is the reference's (+1 or -1, 0 or 1),
-- ok whether the answer is right there (msg the feedback when not); group
-- names what is labelled (a feature) when there are several.  c:result():
-- true when every answer is right; else the credit, balanced over the
-- labels: per group, the mean over its labels of the share of their points
-- answered right, rescaled so that a constant answer or a guess earns 0 and
-- a perfect one 1 (with two labels, the true positive rate plus the true
-- negative rate less 1), then the mean over the groups, and the feedback.
local Classes = {}
Classes.__index = Classes

function check.classes()
  return setmetatable({groups = {}, order = {}, notes = check.tally(), n = 0, good = 0}, Classes)
end

function Classes:add(group, label, ok, msg)
  local g = self.groups[group]
  if not g then
    g = {}
    self.groups[group] = g
    self.order[#self.order + 1] = group
  end
  local cl = g[label]
  if not cl then
    cl = {n = 0, good = 0}
    g[label] = cl
  end
  cl.n = cl.n + 1
  self.n = self.n + 1
  if ok == true then
    cl.good = cl.good + 1
    self.good = self.good + 1
  end
  self.notes:add(ok, msg)
  return ok == true
end

-- The balanced credit, 0 to 1.
function Classes:credit()
  local total = 0
  for _, group in ipairs(self.order) do
    local k, sum = 0, 0
    for _, cl in pairs(self.groups[group]) do
      k, sum = k + 1, sum + cl.good / cl.n
    end
    if k < 2 then
      total = total + sum                       -- one label only: the plain share
    else
      total = total + math.max(0, (sum / k - 1 / k) / (1 - 1 / k))
    end
  end
  return #self.order > 0 and total / #self.order or 0
end

function Classes:result()
  if self.good == self.n then return true end
  local credit = self:credit()
  local text = self.notes:feedback() .. fmt('\n(%d of %d test points right; the credit is balanced '
    .. 'over the labels, so that a constant answer or a guess earns nothing)', self.good, self.n)
  if credit <= 0 then return false, text end
  return math.min(credit, 0.99), text
end

---------------------------------------------------------------------------
-- Few-answer parts: the student copy checks the form only.
--
-- A part whose answers are few (a choice among letters, +/-1 labels, a
-- shape, a number with few plausible values) cannot keep its answer from a
-- checker that says right or wrong.  In the student copy of a set such a
-- part checks that the answer has the right form and returns
-- check.pending(...); the instructor's copy replaces its check with the
-- full one.  A part marked practice = true keeps its full check in the
-- student copy instead.

-- check.pending(what): 'pending', "<what>; graded on submission".
function check.pending(what)
  return 'pending', fmt('%s; graded on submission', what or 'a valid answer')
end

-- check.is_choice(got, choices [, opts]): true when got names one of the
-- choices (as check.choice matches it: case, blanks, parentheses and the
-- aliases ignored), else false and feedback.  Says nothing of which is right.
function check.is_choice(got, choices, opts)
  local p = prefix(opts)
  local _, idtext, resolve = matcher(choices)
  if type(got) ~= 'string' and math.type(got) ~= 'integer' then
    return false, fmt('%sexpected one of %s (a string), got %s', p, idtext, check.kind(got))
  end
  if resolve(got) then return true end
  return false, fmt('%syour answer is not one of the choices %s', p, idtext)
end

-- check.pending_check(ex, part, form, what): a student copy's checker for a
-- part graded on submission.  The answer at ex.part must pass form(got)
-- (true, or false and feedback); the verdict is then check.pending(what).
function check.pending_check(ex, part, form, what)
  return function(sub)
    local got, err = check.answer(sub, ex, part)
    if not got then return false, err end
    local ok, msg = form(got)
    if not ok then return false, msg end
    return check.pending(what)
  end
end

-- check.choice_check(ex, part, choices [, what]): the same for a
-- multiple-choice part: the answer must be one of choices (check.is_choice).
function check.choice_check(ex, part, choices, what)
  local name = ex .. '.' .. part
  return check.pending_check(ex, part, function(got)
    return check.is_choice(got, choices, {name = name})
  end, what or 'a valid choice')
end

-- check.choicetext(choices): a multiple-choice statement's list, a line
-- '  "a": text' per id in order (choices: a table id -> text).
function check.choicetext(choices)
  local lines = {}
  for _, item in ipairs(choicelist(choices)) do
    lines[#lines + 1] = fmt('  "%s": %s', tostring(item.id), choices[item.id])
  end
  return table.concat(lines, '\n')
end

-- check.is_shape(got [, opts]): true when got is a pair {rows, columns} of
-- integers >= 0, else false and feedback.
function check.is_shape(got, opts)
  local p = prefix(opts)
  if type(got) ~= 'table' or isref(got) then
    return false, fmt('%sexpected a shape, a pair {rows, columns} of integers, got %s', p,
      check.kind(got))
  end
  local n = 0
  for _ in pairs(got) do n = n + 1 end
  if n ~= 2 or got[1] == nil or got[2] == nil then
    return false, fmt('%sexpected a shape, a pair {rows, columns} of integers, got a table with '
      .. '%d %s', p, n, n == 1 and 'entry' or 'entries (a list of exactly two is due)')
  end
  local a, b = got[1], got[2]
  if not isint(a) or not isint(b) or a < 0 or b < 0 then
    return false, fmt('%sexpected a shape, a pair {rows, columns} of integers >= 0, got '
      .. '{%s, %s}', p, check.kind(a), check.kind(b))
  end
  return true
end

return check
