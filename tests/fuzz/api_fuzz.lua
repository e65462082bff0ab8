-- api_fuzz.lua -- the Lua-level API fuzzer: every public function of
-- matrix and nn (and of data and plot where it makes sense) called with
-- random and hostile arguments.
--
--   lua5.4 tests/fuzz/api_fuzz.lua [seed [iterations]]
--   (or FUZZ_SEED, FUZZ_ITERS; `make fuzz`, `make fuzz-long`)
--
-- Each iteration picks a target and builds its arguments: mostly valid ones
-- (right types, small shapes, the odd NaN and infinity), then, often, one
-- hostile change: an argument swapped for a wrong type, nil, NaN, an
-- infinity, a negative, zero, huge or non-integer size, a mismatched shape,
-- a destination aliasing an input, a table whose metamethods collect
-- garbage or raise, a matrix from a weak table (maybe collected), a matrix
-- whose metatable was swapped for another type's, another type's userdata
-- wearing the matrix metatable, methods called on the wrong self, extra or
-- missing arguments.  Then it checks:
--   - the call returned, or raised a Lua error whose message names the
--     function (or is "not enough memory", or an error our own callbacks
--     raised and the function passed on);
--   - results have the expected shape, and for valid arguments equal a
--     reference computed here in plain Lua (NaN where the reference has NaN,
--     nowhere else: no NaN from finite inputs);
--   - inputs that are not the destination are unchanged, and every live
--     matrix keeps its shape;
--   - the library still works afterwards.
-- The random stream is seeded, so a run can be repeated; only what the
-- garbage collector has taken from the weak table may differ.  The summary
-- counts the calls made; the exit status is 1 after any failed check.
local nnlab = require('nnlab')
local matrix, nn, data, plot = nnlab.matrix, nnlab.nn, nnlab.data, nnlab.plot

local SEED = math.tointeger(tonumber(arg and arg[1] or os.getenv('FUZZ_SEED') or '1'))
local ITERS = math.tointeger(tonumber(arg and arg[2] or os.getenv('FUZZ_ITERS') or '20000'))
local VERBOSE = os.getenv('FUZZ_VERBOSE') ~= nil
assert(SEED and ITERS, 'usage: api_fuzz.lua [seed [iterations]]')
math.randomseed(SEED)
matrix.seed(SEED % 2^32)

local R = math.random
local fmt = string.format
local NaN, INF = 0 / 0, math.huge
local TMP = os.tmpname()  -- a scratch file; removed at the end
local DBL_MIN = 2.2250738585072014e-308

local function chance(p) return R() < p end
local function pick(t) return t[R(#t)] end

---------------------------------------------------------------------------
-- Bookkeeping

local stats = {calls = 0, ok = 0, errors = 0, checked = 0, hostile = 0, nomem = 0,
  passed_on = 0, failures = 0}
local per_target = {}
local failures = {}

local function describe(v, depth)
  if type(v) == 'table' and getmetatable(v) == nil and (depth or 0) < 2 then
    local parts, n = {}, 0
    for k, x in pairs(v) do
      n = n + 1
      if n > 8 then parts[#parts + 1] = '...' break end
      parts[#parts + 1] = tostring(k) .. ' = ' .. describe(x, (depth or 0) + 1)
    end
    return '{' .. table.concat(parts, ', ') .. '}'
  end
  if matrix.is(v) then
    local r, c = v:shape()
    if r * c == 0 or r * c > 16 then return fmt('matrix %dx%d', r, c) end
    local rows = {}  -- small ones in full, so that a failure can be replayed
    for i = 1, r do
      local row = {}
      for j = 1, c do row[j] = fmt('%.17g', matrix.get(v, i, j)) end
      rows[i] = '{' .. table.concat(row, ', ') .. '}'
    end
    return fmt('matrix %dx%d {%s}', r, c, table.concat(rows, ', '))
  end
  if type(v) == 'number' then return fmt('%s %.17g', math.type(v), v) end
  if type(v) == 'string' then return fmt('%q', #v > 20 and v:sub(1, 20) .. '...' or v) end
  local ok, s = pcall(tostring, v)
  return type(v) .. (ok and type(s) == 'string' and (' ' .. s:gsub('%s+', ' '):sub(1, 60)) or '')
end

local current  -- {name, args, n} of the call being checked

local function fail(what, ...)
  stats.failures = stats.failures + 1
  local args = {}
  if current then
    for i = 1, current.n do args[i] = describe(current.args[i]) end
  end
  local msg = fmt('FAIL %s(%s): %s', current and current.name or '?',
    table.concat(args, ', '), fmt(what, ...))
  if #failures < 50 then failures[#failures + 1] = msg end
  io.stderr:write(msg, '\n')
end

local function check(cond, what, ...)
  if not cond then fail(what, ...) end
  return cond
end

---------------------------------------------------------------------------
-- Values

local SENTINEL = 'FUZZ-CALLBACK'  -- errors our callbacks raise
local sentinel_table = setmetatable({}, {__tostring = function() return SENTINEL end})

local function isnan(x) return x ~= x end
local function finite(x) return x == x and x ~= INF and x ~= -INF end

-- Numbers for matrix entries: mostly small and exact, sometimes special.
local SPECIAL = {NaN, INF, -INF, -0.0, 1e308, -1e308, 5e-324, 1e-300, 2^53, 0.1}
local function entry(special)
  if special and chance(0.15) then return pick(SPECIAL) end
  if chance(0.7) then return R(-4, 4) + 0.0 end
  return (R() - 0.5) * 8
end

-- Every matrix the fuzzer made, with the shape it had: shapes never change.
local shapes = setmetatable({}, {__mode = 'k'})
local function remember(m)
  if matrix.is(m) then shapes[m] = {m:shape()} end
  return m
end

local function newmat(r, c, special)
  local t = {}
  for i = 1, r do
    local row = {}
    for j = 1, c do row[j] = entry(special) end
    t[i] = row
  end
  local m = r > 0 and matrix(t) or matrix.zeros(0, c)
  return remember(m)
end

local function dims()
  local x = R()
  if x < 0.1 then return 0 end
  if x < 0.85 then return R(1, 5) end
  if x < 0.97 then return R(6, 12) end
  return R(20, 40)  -- big enough for the BLAS path of products
end

local pool, weak = {}, setmetatable({}, {__mode = 'v'})
local function poolmat()
  if #pool < 30 or chance(0.1) then
    local m = newmat(dims(), dims(), chance(0.3))
    if #pool < 30 then pool[#pool + 1] = m else pool[R(#pool)] = m end
    weak[#weak + 1] = m
    if #weak > 200 then weak = setmetatable({}, {__mode = 'v'}) end
    return m
  end
  return pick(pool)
end

-- A matrix of a given shape: a fresh one or one from the pool that fits.
local function matof(r, c, special)
  if chance(0.3) then
    for _ = 1, 4 do
      local m = pick(pool)
      if m then
        local mr, mc = m:shape()
        if mr == r and mc == c then return m end
      end
    end
  end
  return newmat(r, c, special == nil and chance(0.2) or special)
end

-- The matrix metatable, and the other C types' (for swaps).
local MATRIX_MT = getmetatable(matrix.zeros(1, 1))
local OTHER_MTS = {}
for _, o in ipairs{nn.Linear(2, 3), nn.Tanh(), nn.NLLM(), nn.Adam(), nn.Dropout()} do
  OTHER_MTS[#OTHER_MTS + 1] = getmetatable(o)
end

-- Userdata that look like one type and are another.
local function forged()
  local x = R(4)
  if x == 1 then  -- a matrix wearing another type's metatable
    local m = newmat(R(0, 3), R(0, 3))
    debug.setmetatable(m, pick(OTHER_MTS))
    return m
  elseif x == 2 then  -- another type's userdata wearing the matrix metatable
    local o = pick{nn.Linear(R(1, 3), R(1, 3)), nn.Tanh(), nn.NLL(), nn.SGD(), nn.Dropout(),
      io.stdout}
    if o ~= io.stdout then debug.setmetatable(o, MATRIX_MT) end
    return o
  elseif x == 3 then  -- a matrix with a metatable of its own
    local m = newmat(2, 2)
    debug.setmetatable(m, {__index = matrix})
    return m
  else  -- a matrix whose metatable went away and came back
    local m = newmat(R(0, 3), R(0, 3))
    debug.setmetatable(m, nil)
    debug.setmetatable(m, MATRIX_MT)
    return m
  end
end

-- Tables whose metamethods misbehave (but are finite: an __index that
-- answers every integer key is an endless list, for ipairs as for anyone).
local function trap_table(base)
  local kind = R(4)
  local mt = {}
  if kind == 1 then
    mt.__index = function(_, k)
      collectgarbage()
      if type(k) ~= 'number' or k <= 3 then return poolmat() end
    end
  elseif kind == 2 then
    mt.__index = function() error(sentinel_table) end
  elseif kind == 3 then
    mt.__len = function() return 100000 end  -- a long table of ones
    mt.__index = function(_, k) if type(k) ~= 'number' or k <= 100000 then return 1 end end
  else
    mt.__index = function(_, k) collectgarbage('step') if type(k) == 'string' then return k end end
    mt.__newindex = function() collectgarbage() end
  end
  return setmetatable(base or {}, mt)
end

local callbacks = {
  function(x) return x end,
  function(x) return x * 2 + 1 end,
  function() collectgarbage() return 1 end,
  function() return nil end,
  function() return 'x' end,
  function() error(SENTINEL .. ': raised in a callback') end,
  function() error(sentinel_table) end,
  function() coroutine.yield(1) return 1 end,
  function() return NaN end,
  function() pool = {} collectgarbage() return 0 end,  -- drop every matrix we hold
}

-- Sizes and counts that must be refused at once.  (2^31 - 1 is a valid
-- size: a 2^31 - 1 by 1 matrix takes 16 GiB, and data.permutation(2^31 - 1)
-- a list as long; valid but huge work is no hang, so it is not tried.)
local HUGE_INTS = {-1, -2, math.mininteger, math.maxinteger, 2^31, 2^32, 2^40, 2^62,
  -2^31, 2^31 + 1}
local HUGE_NUMS = {NaN, INF, -INF, 0.5, -0.5, 1e300, -1e300, 2^63, -2^63, 1e-320, 2.5, 3.0000001}

local function hostile()
  local x = R(16)
  if x == 1 then return nil end
  if x == 2 then return pick{true, false} end
  if x == 3 then return pick(HUGE_INTS) end
  if x == 4 then return pick(HUGE_NUMS) end
  if x == 5 then return pick{'', 'abc', '3', '2.5', '1e400', '\0', ('x'):rep(1000), 'nan'} end
  if x == 6 then return pick{{}, {1, 2, 3}, {{1, 2}, {3}}, {{'a'}}, {{}}, {{1, 2}, {3, 4}},
    {[1] = 1, [3] = 3}, {{NaN}}, {{{1}}}} end
  if x == 7 then return trap_table() end
  if x == 8 then return pick(callbacks) end
  if x == 9 then return forged() end
  if x == 10 then return weak[R(math.max(#weak, 1))] end  -- maybe collected: nil
  if x == 11 then  -- (module tables as copies: a setter must not change the real ones)
    return pick{io.stdout, coroutine.create(print), print, setmetatable({}, {__index = matrix}),
      setmetatable({}, {__index = nn})}
  end
  if x == 12 then return pick{nn.Linear(2, 2), nn.ReLU(), nn.Squared(), nn.Momentum(),
    nn.Dropout(0.3)} end
  if x == 13 then return newmat(pick{0, 1, 7}, pick{0, 1, 7}, true) end
  if x == 14 then return pick{0, 1, 2, 3, -0.0} end
  if x == 15 then return pick{'nil', 1e308, -1e308} end
  return poolmat()
end

---------------------------------------------------------------------------
-- Plain-Lua reference computations, on tables of rows

-- A matrix as a table of rows, which also knows its shape (rows, cols).
local function T(m)
  local t = m:totable()
  t.rows, t.cols = m:shape()
  return t
end

-- The entries of a table of rows, row by row.
local function flat(t)
  local v = {}
  for _, row in ipairs(t) do for _, x in ipairs(row) do v[#v + 1] = x end end
  return v
end

-- a == b for numbers: equal, both NaN, or close (relative to scale).
local function close(a, b, scale)
  if isnan(a) or isnan(b) then return isnan(a) and isnan(b) end
  if a == b then return true end
  if not finite(a) or not finite(b) then return false end
  scale = scale or 0
  return math.abs(a - b) <= 1e-9 * (1 + math.abs(a) + math.abs(b) + scale)
end

-- Compare matrix m with the table of rows t (or with fun(i, j) -> x [, scale]).
local function same(m, t, what)
  if not check(matrix.is(m), '%s: expected a matrix, got %s', what, describe(m)) then
    return false
  end
  local r, c = m:shape()
  local tr, tc = t.rows, t.cols
  if not check(r == tr and c == tc, '%s: shape %dx%d, expected %dx%d', what, r, c, tr, tc) then
    return false
  end
  for i = 1, r do
    for j = 1, c do
      local x = m:get(i, j)
      local y, scale
      if type(t) == 'table' and t.f == nil then y = t[i][j] else y, scale = t.f(i, j) end
      if y ~= nil and not close(x, y, scale) then
        fail('%s: entry (%d, %d) is %.17g, expected %.17g', what, i, j, x, y)
        return false
      end
    end
  end
  return true
end

local function fn(rows, cols, f) return {rows = rows, cols = cols, f = f} end

-- The sum of a list of terms as any order of additions gives it, and the
-- scale of its rounding error; nil when the order matters (finite terms
-- whose partial sums can overflow).
local function sum_ref(terms)
  local s, fin, pos, neg = 0.0, 0.0, false, false
  for _, x in ipairs(terms) do
    if x ~= x then return NaN end
    if x == INF then pos = true
    elseif x == -INF then neg = true
    else s, fin = s + x, fin + math.abs(x) end
  end
  if pos and neg then return NaN end
  if not finite(fin) then return nil end
  if pos then return INF end
  if neg then return -INF end
  return s, fin
end

-- sum over p of x * y, where x, y = f(p), for p = 1 .. n (plus first); nil
-- when a product of finite numbers overflows (with fused multiply-adds, as
-- BLAS uses them, such a product never becomes an infinity of its own).
local function dot_ref(n, f, first)
  local terms = {first}
  for p = 1, n do
    local x, y = f(p)
    local t = x * y
    if finite(x) and finite(y) and not finite(t) then return nil end
    terms[#terms + 1] = t
  end
  return sum_ref(terms)
end

local function allfinite(t)
  for _, row in ipairs(t) do
    for _, x in ipairs(row) do
      if not finite(x) or math.abs(x) > 1e150 then return false end
    end
  end
  return true
end

local function arith(op, x, y)
  if op == 'add' then return x + y elseif op == 'sub' then return x - y
  elseif op == 'mul' then return x * y else return x / y end
end

local function tanh(z)
  if z ~= z then return z end
  if z > 20 then return 1.0 end
  if z < -20 then return -1.0 end
  local e = math.exp(2 * z)
  return (e - 1) / (e + 1)
end

local function sigmoid(z)
  if z ~= z then return z end
  if z < 0 then local e = math.exp(z) return e / (1 + e) end
  return 1 / (1 + math.exp(-z))
end

local ACT = {
  Step = function(z) if z ~= z then return z end return z >= 0 and 1.0 or 0.0 end,
  Sigmoid = sigmoid,
  Tanh = tanh,
  ReLU = function(z) if z ~= z then return z end return z > 0 and z or 0.0 end,
  Identity = function(z) return z end,
}

---------------------------------------------------------------------------
-- Calling

-- A caller per target, compiled so that the call site names the function
-- (error messages take the name from there): M.name(...) or o:name(...).
local callers = {}
local function caller(style, name)
  local key = style .. ' ' .. name
  if not callers[key] then
    local src
    if style == 'field' then
      src = fmt('local M = ... return function(...) return M.%s(...) end', name)
    elseif style == 'method' then
      src = fmt('return function(o, ...) return o:%s(...) end', name)
    elseif style == 'fieldcall' then
      src = fmt('return function(o, ...) return o.%s(...) end', name)
    elseif style == 'get' then
      src = fmt('return function(o) return o.%s end', name)
    elseif style == 'set' then
      src = fmt('return function(o, v) o.%s = v end', name)
    end
    callers[key] = src
  end
  return callers[key]
end

local compiled = {}
local function getcaller(style, name, M)
  local key = style .. ' ' .. name .. ' ' .. tostring(M)
  local f = compiled[key]
  if not f then
    f = assert(load(caller(style, name), '=fuzz'))(M)
    compiled[key] = f
  end
  return f
end

-- The operators, compiled as the callers are (Lua's own errors, "attempt to
-- perform arithmetic on a nil value", then come from the chunk "fuzz").
local OPS = assert(load([[
  local matrix = ...
  return {
    ['+'] = function(a, b) return a + b end,
    ['-'] = function(a, b) return a - b end,
    ['*'] = function(a, b) return a * b end,
    ['/'] = function(a, b) return a / b end,
    ['unm'] = function(a) return -a end,
    ['=='] = function(a, b) return a == b end,
    ['tostring'] = function(a) return tostring(a) end,
    ['call'] = function(...) return matrix(...) end,
  }]], '=fuzz'))(matrix)

-- Does an error message name the function (or one of its other names)?
local function names(msg, aliases)
  for _, a in ipairs(aliases) do
    if msg:find(a, 1, true) then return true end
  end
  return false
end

local function pack(...) return {n = select('#', ...), ...} end

-- A watchdog: Lua code running longer than TIMEOUT seconds in one call is a
-- hang (C code that does not return is not caught here; the run's own time
-- limit catches that).
local TIMEOUT = tonumber(os.getenv('FUZZ_TIMEOUT') or '10')
local deadline
local function watchdog()
  if os.clock() > deadline then error('FUZZ-TIMEOUT', 0) end
end

-- Call f(args) and check the outcome; returns ok, results.
local function call(name, aliases, f, args, in_coroutine)
  stats.calls = stats.calls + 1
  per_target[name] = (per_target[name] or 0) + 1
  current = {name = name, args = args, n = args.n}
  local res
  if in_coroutine then
    local co = coroutine.create(function() return f(table.unpack(args, 1, args.n)) end)
    res = pack(coroutine.resume(co))
    if res[1] and coroutine.status(co) == 'suspended' then
      res = {n = 2, false, 'yielded'}  -- a callback yielded through a Lua function
    end
  else
    deadline = os.clock() + TIMEOUT
    debug.sethook(watchdog, '', 10000)
    res = pack(pcall(f, table.unpack(args, 1, args.n)))
    debug.sethook()
  end
  if res[1] then
    stats.ok = stats.ok + 1
    return true, res
  end
  stats.errors = stats.errors + 1
  local err = res[2]
  if err == 'FUZZ-TIMEOUT' or (type(err) == 'string' and err:find('FUZZ-TIMEOUT', 1, true)) then
    fail('no answer within %g s (a hang?)', TIMEOUT)
    return false, res
  end
  if err == sentinel_table or err == 'yielded' then
    stats.passed_on = stats.passed_on + 1
    return false, res
  end
  if not check(type(err) == 'string', 'error object is a %s, not a message', type(err)) then
    return false, res
  end
  if err:find('not enough memory', 1, true) then
    stats.nomem = stats.nomem + 1
  elseif err:find('another userdata with its metatable', 1, true) then
    -- a forged object, refused (the message says which type was expected)
    stats.passed_on = stats.passed_on + 1
  elseif err:find('^fuzz:%d+: attempt to') then
    -- Lua's own error in our call site: o:name() on a value without methods
    stats.passed_on = stats.passed_on + 1
  elseif err:find(SENTINEL, 1, true) or err:find('attempt to yield', 1, true)
      or err:find('stack overflow', 1, true) then
    stats.passed_on = stats.passed_on + 1
  else
    check(names(err, aliases), 'error does not name the function: %s', err)
  end
  return false, res
end

---------------------------------------------------------------------------
-- Targets
--
-- Each builds arguments (valid ones, sometimes spoilt) and, when they
-- stayed valid, checks the results against a reference.

local targets = {}
local function target(name, t)
  t.name = name
  t.aliases = t.aliases or {}
  table.insert(t.aliases, 1, name)
  targets[#targets + 1] = t
end

-- Spoil valid arguments: returns the args and whether they were spoilt.
-- With counts, no huge valid number: net:sgd(X, Y, 2^63) is asked-for work,
-- not a hang.
local function spoil(args, counts)
  if not chance(0.35) then return args, false end
  stats.hostile = stats.hostile + 1
  local x = R(10)
  local function hostile_()
    local v = hostile()
    if counts and type(v) == 'number' and v >= 1e6 and v == math.floor(v) then v = -v end
    return v
  end
  if x <= 6 and args.n > 0 then
    args[R(args.n)] = hostile_()
  elseif x == 7 then
    args.n = args.n + 1
    args[args.n] = hostile_()
  elseif x == 8 and args.n > 0 then
    args.n = args.n - 1
  elseif x == 9 and args.n > 0 then  -- a destination or operand aliasing another
    local i, j = R(args.n), R(args.n)
    args[i] = args[j]
  else
    for i = 1, args.n do if chance(0.3) then args[i] = hostile_() end end
  end
  return args, true
end

local function size() return R(0, 5) end

-- Constructors -------------------------------------------------------------

for _, nm in ipairs{'zeros', 'ones'} do
  target(nm, {
    gen = function() return pack(size(), size()) end,
    check = function(a, r)
      local v = nm == 'zeros' and 0.0 or 1.0
      same(r[2], fn(a[1], a[2], function() return v end), nm)
    end,
  })
end

target('fill', {
  gen = function()
    if chance(0.5) then return pack(size(), size(), entry(true)) end
    return pack(poolmat(), entry(true))
  end,
  check = function(a, r)
    if matrix.is(a[1]) then
      local rr, cc = a[1]:shape()
      check(rawequal(r[2], a[1]), 'fill: m:fill(x) must return m')
      same(r[2], fn(rr, cc, function() return a[2] end), 'fill')
    else
      same(r[2], fn(a[1], a[2], function() return a[3] end), 'fill')
    end
  end,
  mutates = 1,
})

target('eye', {
  gen = function() if chance(0.5) then return pack(size()) end return pack(size(), size()) end,
  check = function(a, r)
    same(r[2], fn(a[1], a[2] or a[1], function(i, j) return i == j and 1.0 or 0.0 end), 'eye')
  end,
})

local function randtable(n, special)
  local t = {}
  for i = 1, n do t[i] = entry(special) end
  return t
end

target('new', {
  aliases = {'matrix'},
  gen = function()
    if chance(0.3) then return pack(poolmat()) end
    local r, c = size(), size()
    local t = {}
    for i = 1, r do t[i] = randtable(c, true) end
    return pack(t)
  end,
  check = function(a, r)
    if matrix.is(a[1]) then
      same(r[2], T(a[1]), 'new (copy)')
      check(not rawequal(r[2], a[1]), 'new: a copy must be a new matrix')
    else
      local t = a[1]
      local c = t[1] and #t[1] or 0
      if #t == 0 then c = 0 end
      same(r[2], fn(#t, c, function(i, j) return t[i][j] end), 'new')
    end
  end,
})

for _, nm in ipairs{'col', 'row'} do
  target(nm, {
    aliases = {'matrix'},
    gen = function()
      local x = R(3)
      if x == 1 then return pack(randtable(size(), true)) end
      if x == 2 then return pack(newmat(pick{1, size()}, 1)) end
      local m = poolmat()
      local r, c = m:shape()
      return pack(m, R(0, (nm == 'row' and r or c) + 1))
    end,
    check = function(a, r)
      local m = a[1]
      if matrix.is(m) and a.n >= 2 then  -- m:row(i) / m:col(j)
        local t = T(m)
        local mr, mc = m:shape()
        if nm == 'row' then same(r[2], fn(1, mc, function(_, j) return t[a[2]][j] end), 'row')
        else same(r[2], fn(mr, 1, function(i) return t[i][a[2]] end), 'col') end
        return
      end
      local v = {}
      if matrix.is(m) then
        local mr, mc = m:shape()
        for k = 1, mr * mc do v[k] = m:get(k) end
      else v = m end
      if nm == 'col' then same(r[2], fn(#v, 1, function(i) return v[i] end), 'col')
      else same(r[2], fn(1, #v, function(_, j) return v[j] end), 'row') end
    end,
  })
end

target('diag', {
  aliases = {'matrix'},
  gen = function()
    if chance(0.5) then return pack(randtable(size(), true)) end
    return pack(poolmat())
  end,
  check = function(a, r)
    local v = a[1]
    if matrix.is(v) then
      local mr, mc = v:shape()
      if mr ~= 1 and mc ~= 1 then
        local t = T(v)
        same(r[2], fn(math.min(mr, mc), 1, function(i) return t[i][i] end), 'diag of a matrix')
        return
      end
      local list = {}
      for k = 1, mr * mc do list[k] = v:get(k) end
      v = list
    end
    same(r[2], fn(#v, #v, function(i, j) return i == j and v[i] or 0.0 end), 'diag')
  end,
})

target('is', {
  gen = function() return pack(chance(0.5) and poolmat() or hostile()) end,
  check = function(a, r)
    check(r[2] == (getmetatable(a[1]) == MATRIX_MT and type(a[1]) == 'userdata'
      and shapes[a[1]] ~= nil), 'is: wrong answer')
  end,
})

target('seed', {
  gen = function() return pack(R(0, 2^32 - 1)) end,
  check = function(a)
    -- the same seed gives the same stream
    local x = matrix.rand(1, 3)
    matrix.seed(a[1])
    local y = matrix.rand(1, 3)
    same(y, T(x), 'seed: the stream after seed')
  end,
})

target('rand', {
  gen = function() return pack(size(), size()) end,
  check = function(a, r)
    same(r[2], fn(a[1], a[2], function(i, j)
      local x = r[2]:get(i, j)
      check(x >= 0 and x < 1, 'rand: %.17g is not in [0, 1)', x)
      return x
    end), 'rand')
  end,
})

target('randn', {
  gen = function()
    local a = pack(size(), size())
    if chance(0.5) then a = pack(a[1], a[2], entry(), math.abs(entry())) end
    return a
  end,
  check = function(a, r)
    local rr, cc = r[2]:shape()
    check(rr == a[1] and cc == a[2], 'randn: shape')
    for i = 1, rr do for j = 1, cc do
      check(finite(r[2]:get(i, j)), 'randn: non-finite draw')
    end end
  end,
})

target('randint', {
  gen = function()
    if chance(0.5) then return pack(R(1, 10)) end
    return pack(R(1, 10), size(), size())
  end,
  check = function(a, r)
    local n = a[1]
    if a.n == 1 then
      check(math.type(r[2]) == 'integer' and r[2] >= 1 and r[2] <= n, 'randint: %s', r[2])
    else
      same(r[2], fn(a[2], a[3], function(i, j)
        local x = r[2]:get(i, j)
        check(x >= 1 and x <= n and x == math.floor(x), 'randint: %s out of 1..%d', x, n)
        return x
      end), 'randint')
    end
  end,
})

-- Access ---------------------------------------------------------------------

target('shape', {
  gen = function() return pack(poolmat()) end,
  check = function(a, r)
    local s = shapes[a[1]]
    check(s and r[2] == s[1] and r[3] == s[2], 'shape: %s %s', r[2], r[3])
  end,
})

local function index_args(m, nidx)
  local r, c = m:shape()
  if nidx == 1 then return R(0, r * c + 1) end
  return R(0, r + 1), R(0, c + 1)
end

target('get', {
  gen = function()
    local m = poolmat()
    local r, c = m:shape()
    if (r == 1 or c == 1) and chance(0.5) then return pack(m, (index_args(m, 1))) end
    return pack(m, index_args(m, 2))
  end,
  check = function(a, r)
    local m = a[1]
    local x
    if a.n == 2 then
      local mr, mc = m:shape()
      local k = a[2] - 1
      if mr == 1 then x = T(m)[1][k + 1] else x = T(m)[k + 1][1] end
    else
      x = T(m)[a[2]][a[3]]
    end
    check(close(r[2], x), 'get: %s, expected %s', r[2], x)
  end,
})

target('set', {
  gen = function()
    local m = poolmat()
    local r, c = m:shape()
    if (r == 1 or c == 1) and chance(0.5) then return pack(m, (index_args(m, 1)), entry(true)) end
    local i, j = index_args(m, 2)
    return pack(m, i, j, entry(true))
  end,
  check = function(a, r)
    check(rawequal(r[2], a[1]), 'set must return m')
    local x = a.n == 3 and a[1]:get(a[2]) or a[1]:get(a[2], a[3])
    check(close(x, a[a.n]), 'set: element is %s, expected %s', x, a[a.n])
  end,
  mutates = 1,
})

target('copy', {
  gen = function()
    local m = poolmat()
    if chance(0.5) then return pack(m) end
    local r, c = m:shape()
    return pack(m, chance(0.2) and m or matof(r, c))
  end,
  check = function(a, r, before)
    same(r[2], before[1], 'copy')
    if a[2] then check(rawequal(r[2], a[2]), 'copy must return dst') end
  end,
  mutates = 2,
})

target('reshape', {
  gen = function()
    local m = poolmat()
    local r, c = m:shape()
    local n = r * c
    local divs = {}
    for d = 1, math.max(n, 1) do if n % d == 0 then divs[#divs + 1] = d end end
    local rr = n == 0 and R(0, 3) or pick(divs)
    local cc = n == 0 and 0 or n // rr
    return pack(m, rr, cc)
  end,
  check = function(a, r, before)
    local flat = {}
    for _, row in ipairs(before[1]) do for _, x in ipairs(row) do flat[#flat + 1] = x end end
    same(r[2], fn(a[2], a[3], function(i, j) return flat[(i - 1) * a[3] + j] end), 'reshape')
  end,
})

for _, nm in ipairs{'T', 'transpose'} do
  target(nm, {
    aliases = {'transpose', 'T'},
    gen = function()
      local m = poolmat()
      if chance(0.6) then return pack(m) end
      local r, c = m:shape()
      return pack(m, (r == c and chance(0.5)) and m or matof(c, r))
    end,
    check = function(a, r, before)
      local t = before[1]
      local mr, mc = t.rows, t.cols
      same(r[2], fn(mc, mr, function(i, j) return t[j][i] end), nm)
      if a[2] then check(rawequal(r[2], a[2]), '%s must return dst', nm) end
    end,
    mutates = 2,
  })
end

target('columns', {
  gen = function()
    local m = poolmat()
    local r, c = m:shape()
    local idx = {}
    for i = 1, R(0, 6) do idx[i] = c > 0 and R(1, c) or 1 end
    local iv = chance(0.3) and remember(matrix.row(idx)) or idx
    if chance(0.3) then return pack(m, iv, chance(0.2) and m or matof(r, #idx)) end
    return pack(m, iv)
  end,
  check = function(a, r, before)
    local idx = a[2]
    if matrix.is(idx) then idx = flat(before[2]) end
    local t = before[1]
    same(r[2], fn(t.rows, #idx, function(i, j) return t[i][idx[j]] end), 'columns')
    if a[3] then check(rawequal(r[2], a[3]), 'columns must return dst') end
  end,
  mutates = 3,
})

target('threads', {
  gen = function() if chance(0.5) then return pack() end return pack(R(1, 2)) end,
  check = function(a, r)
    check(math.type(r[2]) == 'integer' and r[2] >= 1, 'threads: %s', tostring(r[2]))
    if a[1] then check(matrix.threads() == a[1], 'threads: the count set is not kept') end
  end,
})

target('totable', {
  gen = function() return pack(poolmat()) end,
  check = function(a, r)
    local t = r[2]
    local mr, mc = a[1]:shape()
    check(type(t) == 'table' and #t == mr, 'totable: rows')
    for i = 1, mr do
      check(#t[i] == mc, 'totable: row %d has %d entries', i, #t[i])
      for j = 1, mc do check(close(t[i][j], a[1]:get(i, j)), 'totable: entry') end
    end
  end,
})

-- Arithmetic -----------------------------------------------------------------

-- Two operands of one of the shapes arith accepts, and maybe a destination.
local function arith_args(dst_ok)
  local a = poolmat()
  local r, c = a:shape()
  local x = R(5)
  local b
  if x <= 2 then b = matof(r, c)
  elseif x == 3 then b = matof(r, 1)
  elseif x == 4 then b = entry(true)
  else b = a end
  if R(4) == 1 then a, b = b, a end  -- the column or the number on the left
  if dst_ok and chance(0.4) then
    local rr, cc = (matrix.is(a) and a or b):shape()
    if matrix.is(a) and matrix.is(b) then
      local ar, ac = a:shape()
      local br, bc = b:shape()
      if ac == 1 and bc ~= 1 then rr, cc = br, bc else rr, cc = ar, ac end
    end
    local dst = chance(0.3) and (matrix.is(a) and a or b) or matof(rr, cc)
    local d1, d2 = dst:shape()
    if d1 ~= rr or d2 ~= cc then dst = matof(rr, cc) end
    return pack(a, b, dst)
  end
  return pack(a, b)
end

-- The reference of a op b (numbers, equal shapes, a column on either side).
local function arith_ref(op, a, b, ta, tb)
  local get, rows, cols
  if not matrix.is(a) then
    rows, cols = b:shape()
    get = function(i, j) return arith(op, a, tb[i][j]) end
  elseif not matrix.is(b) then
    rows, cols = a:shape()
    get = function(i, j) return arith(op, ta[i][j], b) end
  else
    local ar, ac = a:shape()
    local br, bc = b:shape()
    if ar == br and ac == bc then
      rows, cols = ar, ac
      get = function(i, j) return arith(op, ta[i][j], tb[i][j]) end
    elseif bc == 1 then
      rows, cols = ar, ac
      get = function(i, j) return arith(op, ta[i][j], tb[i][1]) end
    else
      rows, cols = br, bc
      get = function(i, j) return arith(op, ta[i][1], tb[i][j]) end
    end
  end
  return fn(rows, cols, get)
end

local function snap(v) if matrix.is(v) then return T(v) end return v end

for _, op in ipairs{'add', 'sub', 'mul', 'div'} do
  target(op, {
    gen = function() return arith_args(true) end,
    check = function(a, r, before)
      same(r[2], arith_ref(op, a[1], a[2], before[1], before[2]), op)
      if a[3] then check(rawequal(r[2], a[3]), '%s must return dst', op) end
    end,
    mutates = 3,
  })
end

local function matmul_ref(ta, tb, m, k, n)
  return fn(m, n, function(i, j)
    return dot_ref(k, function(p) return ta[i][p], tb[p][j] end)
  end)
end

target('matmul', {
  aliases = {'matrix product'},
  gen = function()
    local a = poolmat()
    local m, k = a:shape()
    local n = chance(0.2) and R(20, 40) or size()
    local b = chance(0.1) and a or matof(k, n)
    local _, bn = b:shape()
    if chance(0.4) then
      local dst = matof(m, bn)
      if chance(0.3) and m == k and k == bn then dst = pick{a, b} end
      return pack(a, b, dst)
    end
    return pack(a, b)
  end,
  check = function(a, r, before)
    local m, k = a[1]:shape()
    local _, n = a[2]:shape()
    same(r[2], matmul_ref(before[1], before[2], m, k, n), 'matmul')
    if a[3] then check(rawequal(r[2], a[3]), 'matmul must return dst') end
  end,
  mutates = 3,
})

target('scale', {
  gen = function()
    local a = poolmat()
    local r, c = a:shape()
    if chance(0.4) then return pack(a, entry(true), chance(0.3) and a or matof(r, c)) end
    return pack(a, entry(true))
  end,
  check = function(a, r, before)
    same(r[2], arith_ref('mul', a[1], a[2], before[1]), 'scale')
  end,
  mutates = 3,
})

target('map', {
  gen = function()
    local a = poolmat()
    local r, c = a:shape()
    local f = pick{function(x, i, j) return x * 2 + i - j end, function(x) return x end}
    if chance(0.4) then return pack(a, f, chance(0.3) and a or matof(r, c)) end
    return pack(a, f)
  end,
  check = function(a, r, before)
    local mr, mc = a[1]:shape()
    same(r[2], fn(mr, mc, function(i, j) return a[2](before[1][i][j], i, j) end), 'map')
  end,
  mutates = 3,
})

local function reduce_ref(kind, vals)
  if kind == 'sum' or kind == 'mean' then
    local s, scale = sum_ref(vals)
    if s == nil then return nil end
    if kind == 'mean' then return s / #vals, (scale or 0) / math.max(#vals, 1) end
    return s, scale
  end
  local acc = vals[1]
  for i = 2, #vals do
    local y = vals[i]
    if acc ~= acc then break end
    if y ~= y or (kind == 'max' and y > acc) or (kind == 'min' and y < acc) then acc = y end
  end
  return acc
end

for _, nm in ipairs{'sum', 'mean', 'max', 'min'} do
  target(nm, {
    gen = function()
      if chance(0.5) then return pack(poolmat()) end
      return pack(poolmat(), R(1, 2))
    end,
    check = function(a, r, before)
      local t = before[1]
      local mr, mc = a[1]:shape()
      if a[2] == nil then
        local vals = {}
        for i = 1, mr do for j = 1, mc do vals[#vals + 1] = t[i][j] end end
        local y, scale = reduce_ref(nm, vals)
        if y ~= nil then check(close(r[2], y, scale), '%s: %s, expected %s', nm, r[2], y) end
      elseif a[2] == 1 then
        same(r[2], fn(1, mc, function(_, j)
          local vals = {}
          for i = 1, mr do vals[i] = t[i][j] end
          return reduce_ref(nm, vals)
        end), nm .. ' along axis 1')
      else
        same(r[2], fn(mr, 1, function(i)
          return reduce_ref(nm, t[i])
        end), nm .. ' along axis 2')
      end
    end,
  })
end

local function argmax_ref(vals)
  local best = 1
  for i, y in ipairs(vals) do
    if y ~= y then return i end
    if y > vals[best] then best = i end
  end
  return best
end

target('argmax', {
  gen = function()
    if chance(0.5) then return pack(poolmat()) end
    return pack(poolmat(), R(1, 2))
  end,
  check = function(a, r, before)
    local t = before[1]
    local mr, mc = a[1]:shape()
    if a[2] == nil then
      local vals = {}
      for i = 1, mr do for j = 1, mc do vals[#vals + 1] = t[i][j] end end
      local k = argmax_ref(vals) - 1
      check(r[2] == k // mc + 1 and r[3] == k % mc + 1, 'argmax: %s, %s', r[2], r[3])
    elseif a[2] == 1 then
      same(r[2], fn(1, mc, function(_, j)
        local vals = {}
        for i = 1, mr do vals[i] = t[i][j] end
        return argmax_ref(vals)
      end), 'argmax along axis 1')
    else
      same(r[2], fn(mr, 1, function(i) return argmax_ref(t[i]) end), 'argmax along axis 2')
    end
  end,
})

target('dot', {
  gen = function()
    local a = poolmat()
    local r, c = a:shape()
    if (r == 1 or c == 1) and chance(0.5) then return pack(a, matof(c, r)) end
    return pack(a, matof(r, c))
  end,
  check = function(a, r, before)
    local x, y = flat(before[1]), flat(before[2])
    local s, scale = dot_ref(#x, function(i) return x[i], y[i] end)
    if s ~= nil then check(close(r[2], s, scale), 'dot: %s, expected %s', r[2], s) end
  end,
})

target('outer', {
  gen = function()
    local function vec() local n = size() return chance(0.5) and matof(n, 1) or matof(1, n) end
    return pack(vec(), vec())
  end,
  check = function(a, r, before)
    local u, v = flat(before[1]), flat(before[2])
    same(r[2], fn(#u, #v, function(i, j) return u[i] * v[j] end), 'outer')
  end,
})

target('norm', {
  gen = function() return pack(poolmat()) end,
  check = function(a, r, before)
    local v = flat(before[1])
    local hasnan, hasinf, s = false, false, 0.0
    for _, x in ipairs(v) do
      if x ~= x then hasnan = true elseif not finite(x) then hasinf = true end
    end
    if hasnan then check(isnan(r[2]), 'norm: %s, expected nan', r[2]) return end
    if hasinf then check(r[2] == INF, 'norm: %s, expected inf', r[2]) return end
    local big = 0
    for _, x in ipairs(v) do big = math.max(big, math.abs(x)) end
    if big == 0 then check(r[2] == 0, 'norm: %s, expected 0', r[2]) return end
    for _, x in ipairs(v) do s = s + (x / big) ^ 2 end
    check(close(r[2], big * math.sqrt(s)), 'norm: %s, expected %s', r[2], big * math.sqrt(s))
  end,
})

target('allclose', {
  gen = function()
    local a = poolmat()
    local r, c = a:shape()
    local b = chance(0.5) and a:copy() or matof(r, c)
    if chance(0.3) then return pack(a, b, 1e-3, 1e-6) end
    return pack(a, b)
  end,
  check = function(a, r, before)
    local x, y = flat(before[1]), flat(before[2])
    local rtol, atol = a[3] or 1e-5, a[4] or 1e-8
    local want = true
    for i = 1, #x do
      if x[i] ~= y[i] and not (finite(x[i]) and finite(y[i])
          and math.abs(x[i] - y[i]) <= atol + rtol * math.abs(y[i])) then
        want = false
      end
    end
    check(r[2] == want, 'allclose: %s, expected %s', r[2], want)
  end,
})

target('save', {
  gen = function() return pack(poolmat(), TMP) end,
  check = function(a, _, before)
    local m = matrix.load(TMP)
    same(m, before[1], 'save then load')
  end,
  aliases = {'matrix.save'},
})

target('load', {
  gen = function()
    local f = io.open(TMP, 'wb')
    f:write(pick{'1 2\n3 4\n', '# nnlab matrix 2x2\n1 2\n3 4\n', '# nnlab matrix 0x3\n', '',
      '1,2\n3\n', 'nan inf\n', '# nnlab matrix 99999999999x1\n', '1e999\n', '\0\0',
      'x1,x2,label\n1,2,0\n', 'a b\n1 2 3\n',
      ('1 '):rep(1000) .. '\n'})
    f:close()
    return pack(TMP)
  end,
  aliases = {'matrix.load'},
})

-- Elementwise maths, masks, slicing --------------------------------------------

local function nanmax(x, y) if x ~= x or y ~= y then return NaN end return math.max(x, y) end
local function nanmin(x, y) if x ~= x or y ~= y then return NaN end return math.min(x, y) end
local function tanh_ref(x)
  if x ~= x then return x end
  if x > 20 then return 1.0 elseif x < -20 then return -1.0 end
  local e = math.exp(2 * x)
  return (e - 1) / (e + 1)
end
local UNARY = {
  exp = math.exp, log = math.log, sqrt = math.sqrt, abs = math.abs, tanh = tanh_ref,
  sign = function(x) return x > 0 and 1.0 or x < 0 and -1.0 or x == 0 and 0.0 or x end,
}
for _, nm in ipairs{'exp', 'log', 'tanh', 'sqrt', 'abs', 'sign'} do
  target(nm, {
    gen = function()
      local a = poolmat()
      local r, c = a:shape()
      if chance(0.4) then return pack(a, chance(0.3) and a or matof(r, c)) end
      return pack(a)
    end,
    check = function(a, r, before)
      local t = before[1]
      same(r[2], fn(t.rows, t.cols, function(i, j) return UNARY[nm](t[i][j]) end), nm)
      if a[2] then check(rawequal(r[2], a[2]), '%s must return dst', nm) end
    end,
    mutates = 2,
  })
end

-- b a matrix of a's shape or a number, and maybe a destination at 3.
local function like_args(dst_at)
  local a = poolmat()
  local r, c = a:shape()
  local b = chance(0.5) and matof(r, c, true) or entry(true)
  if chance(0.1) then b = a end
  local args = pack(a, b)
  if chance(0.4) then
    args[dst_at] = chance(0.3) and a or matof(r, c)
    args.n = dst_at
  end
  return args
end

local CMP = {
  gt = function(x, y) return x > y end, ge = function(x, y) return x >= y end,
  lt = function(x, y) return x < y end, le = function(x, y) return x <= y end,
  eq = function(x, y) return x == y end, ne = function(x, y) return x ~= y end,
  maximum = nanmax, minimum = nanmin,
}
for _, nm in ipairs{'gt', 'ge', 'lt', 'le', 'eq', 'ne', 'maximum', 'minimum'} do
  target(nm, {
    gen = function() return like_args(3) end,
    check = function(a, r, before)
      local t, b = before[1], before[2]
      same(r[2], fn(t.rows, t.cols, function(i, j)
        local y = type(b) == 'table' and b[i][j] or b
        local v = CMP[nm](t[i][j], y)
        if type(v) == 'boolean' then return v and 1.0 or 0.0 end
        return v
      end), nm)
      if a[3] then check(rawequal(r[2], a[3]), '%s must return dst', nm) end
    end,
    mutates = 3,
  })
end

target('clip', {
  gen = function()
    local a = poolmat()
    local r, c = a:shape()
    local lo, hi = chance(0.2) and nil or entry(true), chance(0.2) and nil or entry(true)
    if chance(0.4) then return pack(a, lo, hi, chance(0.3) and a or matof(r, c)) end
    return pack(a, lo, hi)
  end,
  check = function(a, r, before)
    local t, lo, hi = before[1], a[2] or -INF, a[3] or INF
    same(r[2], fn(t.rows, t.cols, function(i, j) return nanmin(nanmax(t[i][j], lo), hi) end), 'clip')
    if a[4] then check(rawequal(r[2], a[4]), 'clip must return dst') end
  end,
  mutates = 4,
})

target('where', {
  gen = function()
    local m = poolmat()
    local r, c = m:shape()
    local function ab() return chance(0.5) and matof(r, c, true) or entry(true) end
    local mask = chance(0.5) and m or remember(m:gt(0))
    local args = pack(mask, ab(), ab())
    if chance(0.4) then args[4] = chance(0.3) and mask or matof(r, c); args.n = 4 end
    return args
  end,
  check = function(a, r, before)
    local t = before[1]
    local function at(v, i, j) if type(v) == 'table' then return v[i][j] end return v end
    same(r[2], fn(t.rows, t.cols, function(i, j)
      return t[i][j] ~= 0 and at(before[2], i, j) or at(before[3], i, j)
    end), 'where')
    if a[4] then check(rawequal(r[2], a[4]), 'where must return dst') end
  end,
  mutates = 4,
})

-- An index argument for n rows / columns: nil, 1..n or -n..-1, or (rarely)
-- out of range.
local function sliceidx(n)
  local x = R(6)
  if x == 1 then return nil end
  if x == 6 and chance(0.3) then return pick{0, n + 1, -n - 1} end
  if n == 0 then return nil end
  local k = R(1, n)
  return chance(0.3) and k - n - 1 or k
end
local function resolve(k, n, default)
  if k == nil then return default end
  return k < 0 and n + 1 + k or k
end

target('slice', {
  gen = function()
    local m = poolmat()
    local r, c = m:shape()
    local args = pack(m, sliceidx(r), sliceidx(r), sliceidx(c), sliceidx(c))
    local i1, i2 = resolve(args[2], r, 1), resolve(args[3], r, r)
    local j1, j2 = resolve(args[4], c, 1), resolve(args[5], c, c)
    if chance(0.3) and i2 >= i1 - 1 and j2 >= j1 - 1 and i1 >= 1 and j1 >= 1 and i2 <= r and j2 <= c then
      args[6] = matof(i2 - i1 + 1, j2 - j1 + 1)
      args.n = 6
    end
    return args
  end,
  check = function(a, r, before)
    local t = before[1]
    local i1, i2 = resolve(a[2], t.rows, 1), resolve(a[3], t.rows, t.rows)
    local j1, j2 = resolve(a[4], t.cols, 1), resolve(a[5], t.cols, t.cols)
    check(i1 >= 1 and i2 <= t.rows and j1 >= 1 and j2 <= t.cols and i2 >= i1 - 1 and j2 >= j1 - 1,
      'slice: accepted a range out of the matrix')
    same(r[2], fn(i2 - i1 + 1, j2 - j1 + 1, function(i, j) return t[i1 + i - 1][j1 + j - 1] end), 'slice')
    if a[6] then check(rawequal(r[2], a[6]), 'slice must return dst') end
  end,
  mutates = 6,
})

for _, nm in ipairs{'hstack', 'vstack'} do
  local h = nm == 'hstack'
  target(nm, {
    gen = function()
      local first = poolmat()
      local r, c = first:shape()
      local list, total = {first}, h and c or r
      for k = 2, R(1, 4) do
        local other = h and matof(r, chance(0.8) and R(0, 4) or c) or matof(chance(0.8) and R(0, 4) or r, c)
        if chance(0.2) then other = first end
        list[k] = other
        local orr, oc = other:shape()
        total = total + (h and oc or orr)
      end
      if chance(0.3) then
        local dst = h and matof(r, total) or matof(total, c)
        if chance(0.3) then
          local lr, lc = list[1]:shape()
          if (h and lc == total) or (not h and lr == total) then dst = list[1] end
        end
        return pack(list, dst)
      end
      return pack(list)
    end,
    check = function(a, r)
      -- (with a destination that is one of the inputs, the inputs changed)
      local rows, nrows, ncols = {}, 0, 0
      for k, m in ipairs(a[1]) do
        local t = T(m)
        if h then
          if k == 1 then nrows = t.rows; for i = 1, t.rows do rows[i] = {} end end
          for i = 1, nrows do for j = 1, t.cols do rows[i][ncols + j] = t[i][j] end end
          ncols = ncols + t.cols
        else
          if k == 1 then ncols = t.cols end
          for i = 1, t.rows do rows[nrows + i] = t[i] end
          nrows = nrows + t.rows
        end
      end
      if a[2] == nil then
        same(r[2], fn(nrows, ncols, function(i, j) return rows[i][j] end), nm)
      else
        check(rawequal(r[2], a[2]), '%s must return dst', nm)
      end
    end,
    mutates = 2,
  })
end

-- Metamethods ----------------------------------------------------------------

local function opcaller(op) return OPS[op] end

for _, op in ipairs{'+', '-', '*', '/'} do
  local nm = ({['+'] = 'add', ['-'] = 'sub', ['*'] = 'mul', ['/'] = 'div'})[op]
  target(op, {
    aliases = {nm, 'matrix product', 'arithmetic', 'divide'},
    call = opcaller(op),
    gen = function()
      if op == '*' and chance(0.5) then
        local a = poolmat()
        local _, k = a:shape()
        return pack(a, matof(k, size()))
      end
      local args = arith_args(false)
      if op == '/' and matrix.is(args[2]) then
        if not matrix.is(args[1]) then args[1], args[2] = args[2], args[1] end
        args[2] = entry(true)
      end
      return args
    end,
    check = function(a, r, before)
      if op == '*' and matrix.is(a[1]) and matrix.is(a[2]) then
        local m, k = a[1]:shape()
        local _, n = a[2]:shape()
        same(r[2], matmul_ref(before[1], before[2], m, k, n), '*')
      else
        same(r[2], arith_ref(nm, a[1], a[2], before[1], before[2]), op)
      end
    end,
  })
end

target('unm', {
  aliases = {'unm'},
  call = opcaller('unm'),
  gen = function() return pack(poolmat()) end,
  check = function(a, r, before)
    same(r[2], arith_ref('mul', a[1], -1.0, before[1]), 'unm')
  end,
})

target('==', {
  call = opcaller('=='),
  gen = function()
    local a = poolmat()
    return pack(a, chance(0.5) and a:copy() or poolmat())
  end,
  check = function(a, r, before)
    local x, y = before[1], before[2]
    local ar, ac = a[1]:shape()
    local br, bc = a[2]:shape()
    local want = ar == br and ac == bc
    if want and not rawequal(a[1], a[2]) then  -- Lua: an object equals itself
      for i = 1, ar do for j = 1, ac do
        if not (x[i][j] == y[i][j]) then want = false end
      end end
    end
    check(r[2] == want, '==: %s, expected %s', r[2], want)
  end,
})

target('tostring', {
  aliases = {'tostring', '__tostring'},
  call = opcaller('tostring'),
  gen = function() return pack(poolmat()) end,
  check = function(a, r)
    local rr, cc = a[1]:shape()
    check(type(r[2]) == 'string' and r[2]:sub(1, #fmt('matrix %dx%d', rr, cc)) ==
      fmt('matrix %dx%d', rr, cc), 'tostring: %s', tostring(r[2]):sub(1, 40))
  end,
})

target('matrix()', {
  aliases = {'matrix', 'new'},
  call = opcaller('call'),
  gen = function() return pack(pick{{{1, 2}, {3, 4}}, poolmat(), {}}) end,
})

-- nn: layers -------------------------------------------------------------------

-- The C modules, with what their last forward saw.
local modules = {}
local lastin = setmetatable({}, {__mode = 'k'})   -- module -> input of the last forward
local lastout = setmetatable({}, {__mode = 'k'})  -- module -> output of the last forward

local ACTS = {'Step', 'Sigmoid', 'Tanh', 'ReLU', 'LeakyReLU', 'Identity', 'SoftMax'}
local function newmodule()
  local x = R(3)
  if x == 1 then return nn.Linear(R(1, 5), R(1, 5)) end
  if x == 2 then
    local k = pick(ACTS)
    if k == 'LeakyReLU' then return nn.LeakyReLU(chance(0.5) and R() or nil) end
    return nn[k]()
  end
  return nn.Dropout(pick{0, 0.25, 0.5, 0.9})
end

local function anymodule()
  if #modules < 12 or chance(0.1) then
    local m = newmodule()
    if #modules < 12 then modules[#modules + 1] = m else modules[R(#modules)] = m end
    return m
  end
  return pick(modules)
end

local function rows_in(m)
  if nn.kind(m) == 'Linear' then return m.m end
  return R(1, 4)
end

local METHODS = {
  Linear = {'forward', 'backward', 'sgd_step', 'zero_grad', 'dZ_dA', 'parameters'},
  Activation = {'forward', 'backward', 'jacobian', 'sgd_step', 'zero_grad', 'parameters'},
  Dropout = {'forward', 'backward', 'train', 'eval', 'sgd_step', 'zero_grad', 'parameters'},
  Loss = {'forward', 'backward', 'forward_logits'},
  Optimizer = {'step', 'state', 'reset'},
}

local function class(o)
  local k = nn.kind(o)
  if k == 'Linear' or k == 'Dropout' then return k end
  for _, a in ipairs(ACTS) do if k == a then return 'Activation' end end
  for _, l in ipairs{'Squared', 'NLL', 'NLLM', 'Hinge', 'ZeroOne', 'Asymmetric'} do
    if k == l then return 'Loss' end
  end
  return 'Optimizer'
end

local function act_ref(kind, alpha, t, rows, cols)
  if kind == 'SoftMax' then
    local out = {}
    for i = 1, rows do out[i] = {} end
    for j = 1, cols do
      local mx, nan = -INF, false
      for i = 1, rows do
        if t[i][j] ~= t[i][j] then nan = true elseif t[i][j] > mx then mx = t[i][j] end
      end
      local s = 0.0
      for i = 1, rows do s = s + math.exp(t[i][j] - mx) end
      for i = 1, rows do
        out[i][j] = (nan or not finite(mx)) and nil or math.exp(t[i][j] - mx) / s
        if nan then out[i][j] = NaN end
      end
    end
    return fn(rows, cols, function(i, j) return out[i][j] end)
  end
  local f = kind == 'LeakyReLU' and function(z)
    if z ~= z then return z end
    return z > 0 and z or alpha * z
  end or ACT[kind]
  return fn(rows, cols, function(i, j) return f(t[i][j]) end)
end

local function linear_forward_ref(W, W0, A, m, n, b)
  return fn(n, b, function(i, j)
    return dot_ref(m, function(p) return W[p][i], A[p][j] end, W0[i][1])
  end)
end

local function module_call()
  local o = anymodule()
  local cls = class(o)
  local meth = pick(METHODS[cls])
  local kind = nn.kind(o)
  local args
  local last = lastout[o]
  if meth == 'forward' then
    local b = pick{1, 1, 2, 3, 0, 30}
    args = pack(o, matof(rows_in(o), b, chance(0.1)))
  elseif meth == 'backward' then
    if last and chance(0.9) then args = pack(o, matof(last[1], last[2], chance(0.1)))
    else args = pack(o, poolmat()) end
  elseif meth == 'sgd_step' then
    args = pack(o, pick{0.1, 0.0, 1.0, -0.5})
  elseif meth == 'jacobian' then
    args = pack(o, matof(R(0, 5), 1, chance(0.2)))
  else
    args = pack(o)
  end
  local spoilt
  args, spoilt = spoil(args)
  if not spoilt and chance(0.05) then  -- the method of another class on this object
    local other = pick{nn.Linear(2, 2), nn.Tanh(), nn.Dropout(), poolmat()}
    if class(other) ~= cls or matrix.is(other) then
      args[1] = other
      spoilt = true
    end
  end
  local W, W0
  if kind == 'Linear' and not spoilt then W, W0 = T(o.W), T(o.W0) end
  local before = {}
  for i = 2, args.n do before[i] = snap(args[i]) end
  local f = getcaller('method', meth)
  if spoilt and chance(0.5) then  -- o's own method, whatever self is
    local fc = getcaller('fieldcall', meth)
    f = function(...) return fc(o, ...) end
  end
  local ok, r = call(kind .. ':' .. meth, {meth, kind, 'Linear', 'Dropout', 'activation',
    'matrix', 'nn.'}, f, args)
  if meth == 'forward' and rawequal(args[1], o) then
    -- what o's backward will use: this forward's input, or nothing known
    lastin[o], lastout[o] = nil, nil
    if ok and matrix.is(args[2]) and matrix.is(r[2]) then
      lastin[o], lastout[o] = before[2], {r[2]:shape()}
    end
  end
  if not ok or spoilt then return end
  stats.checked = stats.checked + 1
  if meth == 'forward' then
    local A = args[2]
    local rr, cc = A:shape()
    if kind == 'Linear' then
      same(r[2], linear_forward_ref(W, W0, before[2], o.m, o.n, cc), 'Linear forward')
    elseif cls == 'Activation' then
      same(r[2], act_ref(kind, o.alpha, before[2], rr, cc), kind .. ' forward')
      if allfinite(before[2]) then
        for i = 1, rr do for j = 1, cc do
          check(finite(r[2]:get(i, j)), '%s forward: non-finite output from finite input', kind)
        end end
      end
    elseif kind == 'Dropout' then
      local scale = 1 / (1 - o.p)
      same(r[2], fn(rr, cc, function(i, j)
        local x, z = r[2]:get(i, j), before[2][i][j]
        if not o.training then return z end
        if x == 0 or z == 0 or (x ~= x and not finite(z)) then return x end
        return z * scale
      end), 'Dropout forward')
    end
  elseif meth == 'backward' then
    local G = before[2]
    local rr, cc = args[2]:shape()
    if kind == 'Linear' and lastin[o] then
      local A = lastin[o]
      local m, n = o.m, o.n
      same(r[2], fn(m, cc, function(i, j)
        return dot_ref(n, function(p) return W[i][p], G[p][j] end)
      end), 'Linear backward: dLdA')
      same(o.dLdW, fn(m, n, function(i, j)
        return dot_ref(cc, function(p) return A[i][p], G[j][p] end)
      end), 'Linear backward: dLdW')
    elseif cls == 'Activation' and lastin[o] and allfinite(G) and allfinite(lastin[o]) then
      local Z = lastin[o]
      for i = 1, rr do for j = 1, cc do
        check(finite(r[2]:get(i, j)), '%s backward: non-finite gradient from finite input', kind)
      end end
      if kind == 'Tanh' or kind == 'Sigmoid' or kind == 'Identity' or kind == 'ReLU' then
        same(r[2], fn(rr, cc, function(i, j)
          local z, g = Z[i][j], G[i][j]
          if kind == 'Tanh' then return (1 - tanh(z) ^ 2) * g end
          if kind == 'Sigmoid' then local s = sigmoid(z) return s * (1 - s) * g end
          if kind == 'ReLU' then return z > 0 and g or 0.0 end
          return g
        end), kind .. ' backward')
      end
    end
  elseif meth == 'dZ_dA' then
    same(r[2], W, 'dZ_dA')
  elseif meth == 'jacobian' and allfinite(before[2]) then
    local n = args[2]:shape()
    local J = r[2]
    local jr, jc = J:shape()
    check(jr == n and jc == n, 'jacobian: %dx%d for a %d-column', jr, jc, n)
    for i = 1, jr do for j = 1, jc do
      check(finite(J:get(i, j)), '%s jacobian: non-finite from finite input', kind)
    end end
  end
end

-- nn: losses -------------------------------------------------------------------

local LOSSES = {'Squared', 'NLL', 'NLLM', 'Hinge', 'ZeroOne', 'Asymmetric'}
local function newloss()
  local k = pick(LOSSES)
  if k == 'ZeroOne' then return nn.ZeroOne(chance(0.5) and R() or nil) end
  if k == 'Asymmetric' then return nn.Asymmetric(R(0, 5), R(0, 5), chance(0.5) and R() or nil) end
  return nn[k]()
end

local function loss_ref(kind, G, Y, rows, cols)
  local s = 0.0
  for i = 1, rows do for j = 1, cols do
    local g, y = G[i][j], Y[i][j]
    if kind == 'Squared' then s = s + (g - y) ^ 2
    elseif kind == 'Hinge' then s = s + (g ~= g and g or math.max(0, 1 - y * g))
    elseif kind == 'NLLM' then
      if y ~= 0 then
        if g >= 0 and g < DBL_MIN then g = DBL_MIN end
        s = s - y * math.log(g)
      elseif g ~= g then s = NaN end
    elseif kind == 'NLL' then
      local t = 0.0
      if g ~= g then t = NaN end
      if y ~= 0 then
        local p = g
        if p >= 0 and p < DBL_MIN then p = DBL_MIN end
        t = t - y * math.log(p)
      end
      if 1 - y ~= 0 then
        local q = 1 - g
        if q >= 0 and q < DBL_MIN then q = DBL_MIN end
        t = t - (1 - y) * math.log(q)
      end
      s = s + t
    end
  end end
  return s
end

local lossobjs = {}
local function loss_call()
  if #lossobjs < 8 or chance(0.1) then
    local l = newloss()
    if #lossobjs < 8 then lossobjs[#lossobjs + 1] = l else lossobjs[R(#lossobjs)] = l end
  end
  local o = pick(lossobjs)
  local kind = nn.kind(o)
  local meth = pick(METHODS.Loss)
  local args
  if meth == 'backward' then args = pack(o)
  else
    local k, b = R(1, 4), pick{1, 2, 3, 0}
    if kind == 'Asymmetric' then k = R(1, 2) end
    local G, Y
    if kind == 'Hinge' then
      G = matof(k, b)
      Y = newmat(k, b)
      for i = 1, k do for j = 1, b do Y:set(i, j, chance(0.5) and 1 or -1) end end
    elseif kind == 'NLL' or kind == 'NLLM' or kind == 'ZeroOne' or kind == 'Asymmetric' then
      G = meth == 'forward_logits' and matof(k, b) or matrix.rand(k, b)
      Y = matrix.zeros(k, b)
      for j = 1, b do Y:set(R(k), j, 1) end
      if b > 0 and chance(0.2) then G:set(1, 1, pick{0, DBL_MIN / 4, NaN, 1}) end
    else
      G, Y = matof(k, b), matof(k, b)
    end
    args = pack(o, remember(G), remember(Y))
  end
  local spoilt
  args, spoilt = spoil(args)
  local before = {}
  for i = 2, args.n do before[i] = snap(args[i]) end
  local ok, r = call(kind .. ':' .. meth, {meth, kind}, getcaller('method', meth), args)
  if not ok or spoilt then return end
  stats.checked = stats.checked + 1
  if meth == 'forward' and kind ~= 'ZeroOne' and kind ~= 'Asymmetric' then
    local k, b = args[2]:shape()
    local want = loss_ref(kind, before[2], before[3], k, b)
    check(close(r[2], want), '%s forward: %s, expected %s', kind, r[2], want)
  elseif meth == 'forward_logits' then
    check(type(r[2]) == 'number', 'forward_logits: loss is %s', type(r[2]))
    if allfinite(before[2]) then
      check(finite(r[2]), '%s forward_logits: loss %s from finite logits', kind, r[2])
    end
    local k, b = args[2]:shape()
    local A = kind == 'NLLM' and act_ref('SoftMax', nil, before[2], k, b)
      or act_ref('Sigmoid', nil, before[2], k, b)
    same(r[3], fn(k, b, function(i, j)
      local a = A.f(i, j)
      if a == nil then return nil end
      return a - before[3][i][j]
    end), kind .. ' forward_logits: dLdZ')
  end
end

-- nn: optimizers ---------------------------------------------------------------

local function opt_call()
  local kind = pick{'SGD', 'Momentum', 'Adadelta', 'Adam'}
  local o
  if chance(0.7) then o = nn[kind]()
  else o = nn[kind]{lr = pick{0.1, 0, 1}, weight_decay = pick{0, 0.01}} end
  local meth = pick(METHODS.Optimizer)
  local params = {}
  for i = 1, R(0, 3) do
    local r, c = R(0, 4), R(0, 4)
    local P = matof(r, c)
    params[i] = {name = pick{'W', 'W0'}, value = P, grad = chance(0.9) and matof(r, c) or P}
    if chance(0.1) then params[i] = trap_table(params[i]) end
  end
  local args
  if meth == 'step' then args = pack(o, params, chance(0.3) and R() or nil)
  elseif meth == 'state' then
    args = pack(o, params[1] and params[1].value or poolmat())
    if chance(0.5) then args = pack(args[1], args[2], pick{{t = 0}, {t = -1}, nil, {},
      {t = 3, M = matrix.zeros(1, 1)}, trap_table()}) end
  else args = pack(o) end
  local spoilt
  args, spoilt = spoil(args)
  -- every matrix of the step as it was (a grad may be another entry's value)
  local before, plain = {}, true
  for _, p in ipairs(params) do
    if getmetatable(p) ~= nil then plain = false end
    for _, k in ipairs{'value', 'grad'} do
      local M = rawget(p, k)
      if M and not before[M] then before[M] = T(M) end
    end
  end
  local ok = call(kind .. ':' .. meth, {meth, kind, 'step'}, getcaller('method', meth), args)
  if not ok or spoilt or meth ~= 'step' or kind ~= 'SGD' or not plain then return end
  stats.checked = stats.checked + 1
  -- The step updates the entries in order, each in place: an entry whose
  -- grad is an earlier entry's value sees that value updated.
  local lr, scale = o.lr, args[3] or 1
  local now, stepped = {}, {}
  for M, t in pairs(before) do now[M] = t end
  for _, p in ipairs(params) do
    local P, G = rawget(p, 'value'), rawget(p, 'grad')
    if P and G then
      local v, g = now[P], now[G]
      local wd = p.name == 'W0' and 0 or o.weight_decay
      local new = {rows = v.rows, cols = v.cols}
      for a = 1, v.rows do
        new[a] = {}
        for b = 1, v.cols do
          local gg = g[a][b]
          if scale ~= 1 then gg = scale * gg end
          if wd ~= 0 then gg = gg + wd * v[a][b] end
          new[a][b] = v[a][b] - lr * gg
        end
      end
      now[P], stepped[#stepped + 1] = new, P
    end
  end
  for _, P in ipairs(stepped) do same(P, now[P], 'SGD step') end
end

-- nn: constructors, fields, the Lua parts ------------------------------------

local CTORS = {'Linear', 'Step', 'Sigmoid', 'Tanh', 'ReLU', 'LeakyReLU', 'Identity', 'SoftMax',
  'Squared', 'NLL', 'NLLM', 'Hinge', 'ZeroOne', 'Asymmetric', 'SGD', 'Momentum', 'Adadelta',
  'Adam', 'Dropout'}

local function ctor_call()
  local k = pick(CTORS)
  local args
  if k == 'Linear' then args = pack(R(1, 6), R(1, 6))
  elseif k == 'Asymmetric' then args = pack(R(0, 5), R(0, 5))
  elseif k == 'Dropout' or k == 'LeakyReLU' or k == 'ZeroOne' then args = pack(R())
  elseif k == 'SGD' or k == 'Momentum' or k == 'Adadelta' or k == 'Adam' then
    args = chance(0.5) and pack(R()) or pack({lr = R(), weight_decay = 0})
  else args = pack() end
  local spoilt
  args, spoilt = spoil(args)
  local ok, r = call('nn.' .. k, {k}, getcaller('field', k, nn), args)
  if ok and not spoilt then
    stats.checked = stats.checked + 1
    check(nn.kind(r[2]) == k, 'nn.%s: kind is %s', k, tostring(nn.kind(r[2])))
    if k == 'Linear' then
      check(r[2].m == args[1] and r[2].n == args[2], 'Linear: sizes')
      local wr, wc = r[2].W:shape()
      check(wr == args[1] and wc == args[2], 'Linear: W is %dx%d', wr, wc)
    end
  end
end

local FIELDS = {'W', 'W0', 'dLdW', 'dLdW0', 'm', 'n', 'kind', 'alpha', 'p', 'training', 'mask',
  'threshold', 'c_fp', 'c_fn', 'lr', 'gamma', 'beta1', 'beta2', 'eps', 'weight_decay', 'steps',
  'junk', 'forward'}

local function field_call()
  local o = chance(0.5) and anymodule() or pick{pick(lossobjs) or nn.NLL(), nn.Adam(), nn.SGD(0.1)}
  local f = pick(FIELDS)
  local kind = nn.kind(o)
  if chance(0.5) then
    call(kind .. '.' .. f, {f}, getcaller('get', f), pack(o))
  else
    local v
    if kind == 'Linear' and (f == 'W' or f == 'dLdW') then v = matof(o.m, o.n)
    elseif kind == 'Linear' and (f == 'W0' or f == 'dLdW0') then v = matof(o.n, 1)
    elseif f == 'steps' then v = R(0, 100)
    else v = R() end
    local args = spoil(pack(o, v))
    local ok = call(kind .. '.' .. f .. '=', {f, kind, 'cannot set', 'Linear', 'Dropout'},
      getcaller('set', f), args)
    if ok and matrix.is(args[2]) and rawequal(args[1], o) then
      same(o[f], T(args[2]), 'Linear field set')
      check(not rawequal(o[f], args[2]), 'Linear: assigning a field copies')
    end
  end
end

local function make_net()
  local d, k = R(1, 4), R(1, 3)
  local mods, rows = {}, d
  for _ = 1, R(1, 3) do
    local h = R(1, 4)
    mods[#mods + 1] = nn.Linear(rows, h)
    rows = h
    mods[#mods + 1] = nn[pick{'Tanh', 'ReLU', 'Sigmoid', 'Identity'}]()
  end
  mods[#mods + 1] = nn.Linear(rows, k)
  local lk = pick{'NLLM', 'Squared', 'NLL', 'Hinge'}
  if lk == 'NLLM' then mods[#mods + 1] = nn.SoftMax()
  elseif lk == 'NLL' then k = 1 mods[#mods] = nn.Linear(rows, 1) mods[#mods + 1] = nn.Sigmoid() end
  if lk == 'Hinge' then k = 1 mods[#mods] = nn.Linear(rows, 1) end
  return nn.Sequential(mods, nn[lk]()), d, k, lk
end

local function labels(k, b, lk)
  local Y = matrix.zeros(k, b)
  for j = 1, b do
    if lk == 'Hinge' then Y:set(1, j, chance(0.5) and 1 or -1)
    elseif lk == 'NLL' then Y:set(1, j, R(0, 1))
    elseif lk == 'Squared' then for i = 1, k do Y:set(i, j, entry()) end
    else Y:set(R(k), j, 1) end
  end
  return remember(Y)
end

local SEQ = {'forward', 'backward', 'backprop', 'evaluate', 'sgd', 'classify', 'parameters',
  'zero_grad', 'sgd_step', 'fit', 'train', 'eval', 'explain'}

local function net_call()
  local net, d, k, lk = make_net()
  local b = R(1, 6)
  local X, Y = matof(d, b), labels(k, b, lk)
  local meth = pick(SEQ)
  local args
  if meth == 'forward' or meth == 'classify' then args = pack(net, X)
  elseif meth == 'backward' then net:forward(X) args = pack(net, matof(k, b))
  elseif meth == 'backprop' or meth == 'evaluate' then args = pack(net, X, Y)
  elseif meth == 'sgd' then  -- opts: none, or why the C loop declined, to a sink
    args = R(2) == 1 and pack(net, X, Y, R(0, 5), 0.1)
      or pack(net, X, Y, R(0, 5), 0.1, {verbose = pick{true, 0, 2}, output = {write = function() end}})
  elseif meth == 'sgd_step' then args = pack(net, 0.01)
  elseif meth == 'explain' then  -- one column (sometimes the batch, refused), a layer or none
    args = pack(net, chance(0.8) and X:col(1) or X, chance(0.8) and Y:col(1) or Y,
      pick{nil, 1, R(0, 5)})
  elseif meth == 'fit' then
    args = pack(net, X, Y, {epochs = R(1, 2), verbose = false, batch = R(1, b),
      optimizer = pick{'sgd', 'adam', nil, nn.Momentum()}})
  else args = pack(net) end
  local spoilt
  args, spoilt = spoil(args, true)
  -- Errors from inside a net name the module that failed (its C method).
  local ok, r = call('Sequential:' .. meth, {meth, 'Sequential', 'fit', 'sgd', 'forward', 'explain',
    'backward', 'Linear', 'Tanh', 'ReLU', 'Sigmoid', 'Identity', 'SoftMax', 'NLLM', 'NLL',
    'Squared', 'Hinge', 'sgd_step', 'zero_grad', 'parameters', 'evaluate', 'backprop'},
    getcaller('method', meth), args)
  if not ok or spoilt then return end
  stats.checked = stats.checked + 1
  if meth == 'forward' then
    local rr, cc = r[2]:shape()
    check(rr == k and cc == b, 'Sequential forward: %dx%d, expected %dx%d', rr, cc, k, b)
    if allfinite(T(X)) and lk ~= 'Squared' and lk ~= 'Hinge' then
      for i = 1, rr do for j = 1, cc do
        check(finite(r[2]:get(i, j)), 'Sequential forward: non-finite output from finite input')
      end end
    end
  elseif meth == 'backprop' then
    check(type(r[2]) == 'number', 'backprop returns the loss')
    if allfinite(T(X)) and (lk == 'NLLM' or lk == 'NLL') then
      check(finite(r[2]), 'backprop: loss %s from finite input', r[2])
    end
  end
end

local function nn_misc_call()
  local x = R(6)
  if x == 6 then
    local mods = {}
    for i = 1, R(0, 3) do mods[i] = chance(0.9) and newmodule() or hostile() end
    local args = spoil(pack(mods, newloss()))
    local ok, r = call('nn.Sequential', {'Sequential'}, getcaller('field', 'Sequential', nn), args)
    if ok then check(r[2].modules == args[1] and r[2].loss == args[2], 'Sequential: fields') end
  elseif x == 1 then
    local u = matof(R(1, 4), 1)
    local f = pick{function(v) return v * 2 end, function(v) return v:T() end, hostile(),
      function(v) return matrix.ones(2, 1) * v:sum() end}
    local args = spoil(pack(f, u, pick{nil, 1e-6, 0, -1}))
    call('nn.jacobian', {'jacobian'}, getcaller('field', 'jacobian', nn), args)
  elseif x == 2 then
    local net, d, k, lk = make_net()
    local b = R(1, 3)
    local args = spoil(pack(net, matof(d, b, false), labels(k, b, lk), {print = false}))
    call('nn.gradcheck', {'gradcheck', 'forward', 'backward', 'Linear', 'Tanh', 'ReLU', 'Sigmoid',
      'Identity', 'SoftMax', 'NLLM', 'NLL', 'Squared', 'Hinge'},
      getcaller('field', 'gradcheck', nn), args)
  elseif x == 3 then
    call('nn.kind', {'kind'}, getcaller('field', 'kind', nn), pack(hostile()))
  elseif x == 4 then
    local net = make_net()
    local args = spoil(pack(net, TMP))
    local ok = call('nn.save', {'nn.save', 'save'}, getcaller('field', 'save', nn), args)
    if ok and rawequal(args[1], net) and args[2] == TMP then
      local ok2, back = pcall(nn.load, TMP)
      if check(ok2, 'nn.load of a file nn.save wrote: %s', tostring(back)) then
        check(tostring(back) == tostring(net), 'nn.load: a different net came back')
      end
    end
  else
    call('nn.load', {'nn.load', 'load'}, getcaller('field', 'load', nn),
      spoil(pack(pick{TMP, '/nonexistent/x', '', '/'})))
  end
end

-- The C training loops' internal functions (nnlab.core.nn._sgd, ...): not
-- the public API, but reachable with require, so they must survive misuse.
local CORE_NN = require('nnlab.core').nn
local INTERNAL = {'_sgd', '_cache', '_fit_begin', '_fit_run', '_evaluate'}

local function internal_call()
  local f = pick(INTERNAL)
  local net, d, k, lk = make_net()
  local b = R(1, 6)
  local X, Y = matof(d, b, false), labels(k, b, lk)
  local job = CORE_NN._cache()
  local args
  if f == '_sgd' then args = pack(net.modules, net.loss, X, Y, R(0, 5), 0.1)
  elseif f == '_cache' then args = pack()
  elseif f == '_evaluate' then args = pack(net.modules, net.loss, X, Y, 0.5, R(1, 4), job)
  else
    local opt = pick{nn.SGD(), nn.Adam(), nn.Momentum(), nn.Adadelta()}
    local began = CORE_NN._fit_begin(net.modules, net.loss, X, Y, opt, R(1, b), pick{true, false, 'replace'}, job)
    if f == '_fit_begin' then args = pack(net.modules, net.loss, X, Y, opt, R(1, b), true, job)
    else args = pack(job, 0, began and R(0, 4) or 1) end
  end
  args = spoil(args, true)
  call('core.nn.' .. f, {f, 'bad argument', 'fit', 'sgd', 'evaluate', 'interrupted'},
    getcaller('field', f, CORE_NN), args)
end

-- The rest of nnlab.core: the training loop's helpers and the file and
-- terminal functions (reachable with require, so they must survive misuse).
local CORE = require('nnlab.core')
local function core_call()
  local lib, name = pick{'train', 'io'}
  local args
  if lib == 'train' then
    name = pick{'protect', 'poll', 'clock', 'gather', 'rngstate', 'setrngstate'}
    if name == 'protect' then args = pack(pick(callbacks), entry())
    elseif name == 'gather' then
      local X = poolmat()
      local _, c = X:shape()
      local idx = {}
      for i = 1, R(0, 4) do idx[i] = c > 0 and R(1, c) or 1 end
      args = pack(X, idx, 1, #idx)
    elseif name == 'setrngstate' then args = pack(CORE.train.rngstate())
    else args = pack() end
  else
    name = pick{'parse', 'readtable', 'writetable', 'writefile', 'termsize', 'isatty', 'load', 'save',
      'readfile'}
    if name == 'parse' then
      args = pack(pick{'1 2\n3 4\n', '1,\n', 'nan', '', 'a,b\n1,2\n'}, 'text', chance(0.5), chance(0.5))
    elseif name == 'readtable' then
      args = pack(TMP, chance(0.5), pick{nil, {max_bytes = R(0, 100)}, {any_file = true}})
    elseif name == 'load' or name == 'readfile' then
      args = pack(TMP, pick{nil, {max_bytes = R(0, 100)}, {any_file = chance(0.5)}})
    elseif name == 'writetable' then args = pack(poolmat(), TMP, pick{nil, 'a\nb', ''})
    elseif name == 'writefile' then args = pack(TMP, pick{'', 'x\0y', ('z'):rep(5000)})
    elseif name == 'save' then args = pack(poolmat(), TMP)
    else args = pack(pick{0, 1, 2, 1023}) end
  end
  args = spoil(args, true)
  -- (parse and readtable name the text or file instead, as given: the
  -- library puts its own name in front)
  local aliases = {name, 'bad argument', 'cannot', 'interrupted', 'larger than the limit',
    'option', 'max_bytes', 'any_file'}
  if name == 'parse' or name == 'readtable' then  -- the name given, or none
    local given = args[name == 'parse' and 2 or 1]
    if given == nil then  -- a message from the parser alone: where, then what
      aliases[#aliases + 1] = 'no numbers'
      aliases[#aliases + 1] = 'line '
    elseif type(given) == 'string' or type(given) == 'number' then
      -- (up to a NUL: a message is a C string there)
      aliases[#aliases + 1] = tostring(given):match('^[^\0]*') .. ': '
    end
  end
  local ok = call('core.' .. lib .. '.' .. name, aliases,
    getcaller('field', name, CORE[lib]), args)
  if ok and lib == 'train' and name == 'setrngstate' and rawequal(args[1], args[1]) then
    matrix.seed(SEED % 2^32)  -- the stream as the run has it
  end
end

-- data and plot -----------------------------------------------------------------

local DATA = {'one_hot', 'split', 'standardize', 'blobs', 'circles', 'spirals', 'noisy_xor',
  'regression', 'load', 'save', 'permutation', 'list'}

local function data_call()
  local f = pick(DATA)
  local args
  local n = R(0, 12)
  if f == 'one_hot' then
    local ys = {}
    for i = 1, n do ys[i] = R(1, 3) end
    args = pack(chance(0.5) and ys or remember(matrix.row(ys)), pick{3, nil, {1, 2, 3}})
  elseif f == 'split' then
    args = pack(matof(2, n), matof(1, n), pick{0.5, 0.25, 1, 0}, R(0, 100))
  elseif f == 'standardize' then args = pack(matof(R(1, 3), n))
  elseif f == 'regression' then args = pack(n, {f = function(x) return x * x end})
  elseif f == 'load' then args = pack(pick{'xor', 'hard', TMP, '/nonexistent', 'nope'})
  elseif f == 'save' then args = pack(TMP, matof(2, n), pick{nil, matof(1, n)})
  elseif f == 'permutation' then args = pack(n)
  elseif f == 'list' then args = pack()
  else args = pack(n, chance(0.5) and {classes = R(1, 3)} or nil) end
  args = spoil(args, true)
  call('data.' .. f, {f, 'data'}, getcaller('field', f, data), args)
end

local PLOTS = {'line', 'curve', 'scatter', 'boundary', 'svg', 'figure', 'graph'}

local function plot_call()
  local f = pick(PLOTS)
  local n = R(0, 8)
  local opts = {width = R(20, 80), height = R(10, 30), style = pick{'ascii', 'unicode'},
    color = chance(0.5)}
  local args
  local function X() return matof(2, n) end
  local function lab() local t = {} for i = 1, n do t[i] = R(1, 2) end return matrix.row(t) end
  if f == 'line' then args = pack(randtable(n), randtable(n), opts)
  elseif f == 'curve' then args = pack({loss = randtable(n)}, opts)
  elseif f == 'scatter' then args = pack(X(), lab(), opts)
  elseif f == 'boundary' then
    local net = nn.Sequential({nn.Linear(2, 2), nn.SoftMax()}, nn.NLLM())
    args = pack(net, X(), lab(), opts)
  elseif f == 'graph' then
    local net, d = make_net()
    opts.height = nil
    args = chance(0.5) and pack(net, opts) or pack(net, matof(d, R(1, 4)), opts)
  elseif f == 'svg' then args = pack('line', randtable(n), randtable(n), opts)
  else args = pack('scatter', X(), lab(), opts) end
  args = spoil(args)
  if chance(0.2) then  -- a hostile option
    opts[pick{'width', 'height', 'style', 'xlim', 'ylim', 'title', 'svg_width'}] = hostile()
  end
  call('plot.' .. f, {f, 'plot'}, getcaller('field', f, plot), args)
end

---------------------------------------------------------------------------
-- Matrix targets: the generic driver

local function matrix_call()
  local t = pick(targets)
  local args = t.gen()
  local spoilt
  args, spoilt = spoil(args)
  local before = {}
  for i = 1, args.n do before[i] = snap(args[i]) end
  local f = t.call or getcaller('field', t.name, matrix)
  if not t.call and chance(0.3) and matrix.is(args[1]) and args.n >= 1 then
    -- the same function as a method: m:name(...)
    local m = args[1]
    local rest = {n = args.n - 1}
    for i = 2, args.n do rest[i - 1] = args[i] end
    f = function(...) return getcaller('method', t.name)(m, ...) end
    local ok, r = call(t.name, t.aliases, f, rest, chance(0.1))
    current.args, current.n = args, args.n  -- for messages: self too
    if ok and not spoilt and t.check then
      stats.checked = stats.checked + 1
      t.check(args, r, before)
    end
  else
    local ok, r = call(t.name, t.aliases, f, args, chance(0.1))
    if ok and not spoilt and t.check then
      stats.checked = stats.checked + 1
      t.check(args, r, before)
    end
  end
  -- Inputs that are not destinations are unchanged.
  if not spoilt then
    for i = 1, args.n do
      if matrix.is(args[i]) and (t.mutates == nil or (i ~= t.mutates and i ~= 1 or
          (t.mutates ~= 1 and i == 1 and not rawequal(args[1], args[t.mutates])))) then
        local same_as_dst = t.mutates and rawequal(args[i], args[t.mutates])
        if not same_as_dst and t.name ~= 'set' and t.name ~= 'fill' then
          local now = T(args[i])
          for a = 1, #now do for b = 1, #now[a] do
            local x, y = now[a][b], before[i][a][b]
            if not (x == y or (x ~= x and y ~= y)) then
              fail('argument %d changed at (%d, %d): %s, was %s', i, a, b, x, y)
              goto done
            end
          end end
          ::done::
        end
      end
    end
  end
end

---------------------------------------------------------------------------
-- The run

local KINDS = {
  {matrix_call, 50}, {module_call, 15}, {loss_call, 8}, {opt_call, 6}, {ctor_call, 4},
  {field_call, 5}, {net_call, 5}, {nn_misc_call, 3}, {data_call, 3}, {plot_call, 1},
  {internal_call, 2}, {core_call, 2},
}
local WEIGHT = 0
for _, k in ipairs(KINDS) do WEIGHT = WEIGHT + k[2] end
local function pick_kind()
  local x = R(WEIGHT)
  for _, k in ipairs(KINDS) do
    x = x - k[2]
    if x <= 0 then return k[1] end
  end
end

-- Every live matrix still has the shape it was made with.
local function check_shapes()
  for m, s in pairs(shapes) do
    if getmetatable(m) == MATRIX_MT then
      local r, c = m:shape()
      if r ~= s[1] or c ~= s[2] then
        current = nil
        fail('a matrix changed shape: %dx%d, made %dx%d', r, c, s[1], s[2])
      end
    end
  end
end

local start = os.clock()
for it = 1, ITERS do
  pick_kind()()
  if it % 64 == 0 then collectgarbage(chance(0.5) and 'collect' or 'step') end
  if it % 500 == 0 then
    check_shapes()
    current = nil
    check(matrix.eye(3):sum() == 3 and (matrix.ones(2, 2) * matrix.ones(2, 2)):get(1, 1) == 2,
      'the library stopped working')
    if VERBOSE then io.stderr:write(fmt('%d calls\n', stats.calls)) end
  end
  if stats.failures >= 50 then break end
end
check_shapes()
os.remove(TMP)

-- Every public function was called.
local missing = {}
local called = {}
for name in pairs(per_target) do
  called[(name:gsub('^.*[:.]', ''):gsub('=$', ''))] = true
end
local function want(lib, libname, skip)
  local keys = {}
  for k, v in pairs(lib) do if type(v) == 'function' then keys[#keys + 1] = k end end
  table.sort(keys)
  for _, k in ipairs(keys) do
    if not called[k] and not (skip and skip[k]) then missing[#missing + 1] = libname .. '.' .. k end
  end
end
if ITERS >= 5000 then
  want(matrix, 'matrix')
  want(nn, 'nn')
  want(data, 'data', {standardise = true, hard = true, xor = true, xor_more = true, exoplanets = true,
    super_simple_separable = true, super_simple_separable_through_origin = true})
  want(plot, 'plot', {defaults = true, render = true, render_svg = true, ticks = true})
  for cls, ms in pairs(METHODS) do
    for _, m in ipairs(ms) do
      if not called[m] then missing[#missing + 1] = cls .. ':' .. m end
    end
  end
  if #missing > 0 then
    current = nil
    fail('never called: %s', table.concat(missing, ', '))
  end
end

local names_called = 0
for _ in pairs(per_target) do names_called = names_called + 1 end
print(fmt('api_fuzz: seed %d, %d iterations in %.1f s', SEED, ITERS, os.clock() - start))
print(fmt('api_fuzz: %d calls to %d functions: %d returned (%d checked against a reference), ' ..
  '%d raised an error (%d "not enough memory", %d passed on from callbacks); %d with hostile arguments',
  stats.calls, names_called, stats.ok, stats.checked, stats.errors, stats.nomem, stats.passed_on,
  stats.hostile))
print(fmt('api_fuzz: %d failed checks', stats.failures))
os.exit(stats.failures == 0 and 0 or 1)
