-- nnlab.data: data sets as matrices, one data point per column.
--
-- Classification data comes as three values: X (d x n, the points as
-- columns), Y (k x n, one-hot: row c is 1 where the point is of class c, the
-- classes being the distinct labels in sorted order) and labels (1 x n, the
-- raw labels).  For labels 0/1 the rows of Y are {1-y, y}, as the homework's
-- for_softmax builds them.  Random generators draw from the matrix RNG
-- (numpy's legacy stream) and take an optional seed.
local core = require 'nnlab.core'
local builtin = require 'nnlab.datasets'
local util = require 'nnlab.util'

local matrix, cio = core.matrix, core.io

local M = {}

local SOURCE = debug.getinfo(1, 'S').source

-- fail(fname, fmt, ...) raises "data.<fname>: <message>" at the caller
-- outside this file.
local fail = util.failer('data', SOURCE)
local shapestr = util.shapestr

-- The values of a label vector: a 1 x n or n x 1 matrix, or a Lua array.
local function tolist(v, fname, what)
  if matrix.is(v) then
    local r, c = v:shape()
    if r ~= 1 and c ~= 1 then
      fail(fname, '%s must be a 1 x n row (or a table), got a %s matrix', what, shapestr(v))
    end
    local t = {}
    for i = 1, r * c do t[i] = v:get(i) end
    return t
  elseif type(v) == 'table' then
    local t, i, kind = util.numbers(v)
    if not t then fail(fname, '%s[%d] is a %s, expected a number', what, i, kind) end
    return t
  end
  fail(fname, '%s must be a matrix or a table, got %s', what, type(v))
end

local function checkmatrix(m, fname, what)
  if not matrix.is(m) then
    fail(fname, '%s must be a matrix, got %s', what, type(m))
  end
  return m:shape()
end

-- The columns idx (a list of 1-based indices) of m, as a new matrix.
local function columns(m, idx)
  local r = m:shape()
  if #idx == 0 or r == 0 then return matrix.zeros(r, #idx) end
  local rows = m:totable()
  local out = {}
  for i = 1, r do
    local src, dst = rows[i], {}
    for k = 1, #idx do dst[k] = src[idx[k]] end
    out[i] = dst
  end
  return matrix(out)
end

local function fmtnum(x)
  return string.format('%.14g', x)
end

-- one_hot(labels [, classes]) -> Y (k x n), classes
local MAX_CLASSES = 1 << 20  -- the list of classes is built: k = 2^63 never finished

function M.one_hot(labels, classes)
  local ys = tolist(labels, 'one_hot', 'labels')
  local list = {}
  if classes == nil then
    local nan
    list, nan = util.distinct(ys)
    if not list then fail('one_hot', 'label %d is nan', nan) end
  elseif math.type(classes) == 'integer' or
      (type(classes) == 'number' and classes == math.floor(classes)) then
    if classes < 1 then fail('one_hot', 'the number of classes must be at least 1, got %s', fmtnum(classes)) end
    if classes > MAX_CLASSES then
      fail('one_hot', 'the number of classes must be at most %d, got %s', MAX_CLASSES, fmtnum(classes))
    end
    for c = 1, classes do list[c] = c end
  elseif type(classes) == 'table' then
    local seen = {}
    for i, c in ipairs(classes) do
      if type(c) ~= 'number' or c ~= c then
        fail('one_hot', 'classes[%d] must be a number, got %s', i, tostring(c))
      end
      if seen[c] then fail('one_hot', 'class %s is listed twice', fmtnum(c)) end
      seen[c] = true
      list[i] = c
    end
  else
    fail('one_hot', 'classes must be a number k or a table of labels, got %s', type(classes))
  end
  local index = {}
  for i, c in ipairs(list) do index[c] = i end
  local Y = matrix.zeros(#list, #ys)
  for j, y in ipairs(ys) do
    local c = index[y]
    if not c then
      local shown = {}
      for i = 1, math.min(#list, 8) do shown[i] = fmtnum(list[i]) end
      if #list > 8 then shown[#shown + 1] = '...' end
      fail('one_hot', 'label %s (point %d) is not one of the classes {%s}%s', fmtnum(y), j,
        table.concat(shown, ', '),
        type(classes) == 'number' and ' (with k, labels are class indices 1..k)' or '')
    end
    Y:set(c, j, 1)
  end
  return Y, list
end

-- A table T (n x c, one point per row) into X (d x n) and labels (1 x n).
local function split_table(T, labelcol, fname, name)
  local c = select(2, T:shape())
  if labelcol == false then return T:T() end
  if labelcol == nil then labelcol = c end
  if math.type(labelcol) ~= 'integer' then
    fail(fname, 'label must be a column number or false, got %s', tostring(labelcol))
  end
  if labelcol < 0 then labelcol = c + 1 + labelcol end
  if c < 2 then
    fail(fname, '%s has %d column; expected features and a label column (or pass {label = false})',
      name, c)
  end
  if labelcol < 1 or labelcol > c then
    fail(fname, 'label column %d is out of range for %s with %d columns', labelcol, name, c)
  end
  local features = {}
  for j = 1, c do
    if j ~= labelcol then features[#features + 1] = j end
  end
  local rows = T:T():totable()
  local X = {}
  for k, j in ipairs(features) do X[k] = rows[j] end
  return matrix(X), matrix{ rows[labelcol] }
end

-- The homework's data sets, by name.
M.names = {}
for name in pairs(builtin) do M.names[#M.names + 1] = name end
table.sort(M.names)

-- data.list(): prints the built-in data sets, one line each (as ex.list).
function M.list()
  local lines = {}
  for _, name in ipairs(M.names) do
    local set = builtin[name]
    lines[#lines + 1] = string.format('%-38s %3d points  %s', name, #set.rows,
      (set.about:gsub('^' .. name:gsub('%p', '%%%0') .. ':%s*', '')))
  end
  print(table.concat(lines, '\n'))
end

-- load(name or path [, opts]) -> X, Y, labels
local LOAD_OPTIONS = { 'label', 'max_bytes', 'any_file' }
function M.load(what, opts)
  if type(what) ~= 'string' then
    fail('load', 'expected a data set name or a file path, got %s', type(what))
  end
  if opts ~= nil and type(opts) ~= 'table' then
    fail('load', 'opts must be a table, got %s', type(opts))
  end
  opts = opts or {}
  local unknown = util.unknown_option(opts, LOAD_OPTIONS)
  if unknown then fail('load', '%s', unknown) end
  local set = builtin[what]
  if set then
    local T = matrix(set.rows)
    local X, labels = split_table(T, nil, 'load', what)
    -- Y = {1 - y; y}, the homework's for_softmax.
    local n = #set.rows
    local Y = matrix.zeros(2, n)
    for j = 1, n do
      local y = labels:get(j)
      Y:set(1, j, 1 - y)
      Y:set(2, j, y)
    end
    return X, Y, labels
  end
  local ok, T = pcall(cio.readtable, what, false, opts)
  if not ok then
    local hint = ''
    if not what:find('[/.]') then
      hint = ' (built-in data sets: ' .. table.concat(M.names, ', ') .. ')'
    end
    fail('load', '%s%s', T, hint)
  end
  local X, labels = split_table(T, opts.label, 'load', what)
  if labels == nil then return X end
  return X, M.one_hot(labels), labels
end

for _, name in ipairs(M.names) do
  M[name] = function() return M.load(name) end
end

-- save(path, X [, labels]): one point per line, the label last.
function M.save(path, X, labels)
  if type(path) ~= 'string' then fail('save', 'path must be a string, got %s', type(path)) end
  local d, n = checkmatrix(X, 'save', 'X')
  local T = X:T()
  local head = { string.format('nnlab data: %d points, %d features%s', n, d,
    labels ~= nil and ', the label last' or '') }
  local names = {}
  for i = 1, d do names[i] = 'x' .. i end
  if labels ~= nil then
    local ys = tolist(labels, 'save', 'labels')
    if #ys ~= n then
      fail('save', 'X has %d points (columns) but labels has %d', n, #ys)
    end
    local rows = n > 0 and T:totable() or {}
    for i = 1, n do rows[i][d + 1] = ys[i] end
    T = n > 0 and matrix(rows) or matrix.zeros(0, d + 1)
    names[#names + 1] = 'label'
  end
  head[2] = table.concat(names, ' ')
  local ok, err = pcall(cio.writetable, T, path, table.concat(head, '\n'))
  if not ok then fail('save', '%s', err) end
end

-- The permutation np.random.permutation(n) gives after the same seed, 1-based.
local function permutation(n)
  local p = {}
  for i = 1, n do p[i] = i end
  for i = n - 1, 1, -1 do
    local j = matrix.randint(i + 1) - 1
    p[i + 1], p[j + 1] = p[j + 1], p[i + 1]
  end
  return p
end
-- data.permutation(n): n at most a matrix's number of columns (2^63 never
-- returned).
function M.permutation(n)
  if math.type(n) ~= 'integer' and not (type(n) == 'number' and n == math.floor(n)) then
    fail('permutation', 'n must be an integer, got %s', tostring(n))
  end
  if n < 0 or n > 0x7fffffff then
    fail('permutation', 'n must be in 0 .. 2^31-1, got %s', fmtnum(n))
  end
  return permutation(math.tointeger(n))
end

local function seedarg(seed, fname)
  if seed == nil then return end
  if math.type(seed) ~= 'integer' and not (type(seed) == 'number' and seed == math.floor(seed)) then
    fail(fname, 'seed must be an integer, got %s', tostring(seed))
  end
  if seed < 0 or seed > 0xffffffff then
    fail(fname, 'seed must be in 0 .. 2^32-1, got %s', fmtnum(seed))
  end
  matrix.seed(math.tointeger(seed))
end

-- split(X, Y [, fraction = 0.2 [, seed]]) -> Xtrain, Ytrain, Xval, Yval
function M.split(X, Y, fraction, seed)
  local _, n = checkmatrix(X, 'split', 'X')
  local _, ny = checkmatrix(Y, 'split', 'Y')
  if ny ~= n then
    fail('split', 'X has %d points (columns) but Y has %d', n, ny)
  end
  if type(fraction) == 'table' then
    fraction, seed = fraction.val, fraction.seed
  end
  fraction = fraction == nil and 0.2 or fraction
  if type(fraction) ~= 'number' or not (fraction >= 0 and fraction <= 1) then
    fail('split', 'the validation fraction must be a number in [0, 1], got %s', tostring(fraction))
  end
  seedarg(seed, 'split')
  local p = permutation(n)
  local nval = math.floor(n * fraction + 0.5)
  local val, train = {}, {}
  for i = 1, n do
    if i <= nval then val[#val + 1] = p[i] else train[#train + 1] = p[i] end
  end
  return columns(X, train), columns(Y, train), columns(X, val), columns(Y, val)
end

-- standardize(X [, mean, std]) -> Xs, mean (d x 1), std (d x 1)
function M.standardize(X, mean, std)
  local d, n = checkmatrix(X, 'standardize', 'X')
  if mean == nil and std == nil then
    if n == 0 then fail('standardize', 'X has no points (it is %s)', shapestr(X)) end
    mean = X:mean(2)
    local C = X - mean
    std = C:mul(C):mean(2):map(function(v)
      v = math.sqrt(v)
      return v > 0 and v or 1  -- a constant feature is left centred, not divided by 0
    end)
  else
    for _, p in ipairs{ { mean, 'mean' }, { std, 'std' } } do
      local m, what = p[1], p[2]
      local r, c = checkmatrix(m, 'standardize', what)
      if r ~= d or c ~= 1 then
        fail('standardize', '%s must be %dx1 for a %s X, got %s', what, d, shapestr(X), shapestr(m))
      end
    end
  end
  return (X - mean):div(std), mean, std
end
M.standardise = M.standardize

-- --- generators -----------------------------------------------------------

-- The options of each generator (seed for all).
local GEN_OPTIONS = {
  blobs = { 'seed', 'std', 'centers', 'k' },
  circles = { 'seed', 'noise', 'factor' },
  spirals = { 'seed', 'noise', 'turns' },
  noisy_xor = { 'seed', 'noise' },
  regression = { 'seed', 'noise', 'lo', 'hi', 'f' },
}

local function genargs(fname, n, opts)
  if math.type(n) ~= 'integer' and not (type(n) == 'number' and n == math.floor(n)) or n < 1 then
    fail(fname, 'n (the number of points) must be a positive integer, got %s', tostring(n))
  end
  if type(opts) == 'number' then opts = { seed = opts } end
  if opts ~= nil and type(opts) ~= 'table' then
    fail(fname, 'opts must be a table or a seed, got %s', type(opts))
  end
  opts = opts or {}
  local unknown = util.unknown_option(opts, GEN_OPTIONS[fname])
  if unknown then fail(fname, '%s', unknown) end
  seedarg(opts.seed, fname)
  return math.tointeger(n), opts
end

local function optnum(opts, key, default, fname, positive)
  local v = opts[key]
  if v == nil then return default end
  if type(v) ~= 'number' or v ~= v or v < 0 or (positive and v == 0) then
    fail(fname, '%s must be a %s number, got %s', key, positive and 'positive' or 'non-negative',
      tostring(v))
  end
  return v
end

-- Class sizes for n points in k classes: as equal as can be, the first
-- classes one larger.
local function classsizes(n, k)
  local sizes = {}
  for c = 1, k do sizes[c] = n // k + (c <= n % k and 1 or 0) end
  return sizes
end

-- The points of X (one per column) by class, classsizes of them in k
-- classes in order: place(c, j) moves point j, of class c, and returns its
-- label.  Returns the labels, a Lua array.
local function by_class(X, k, place)
  local ys, j = {}, 0
  for c, size in ipairs(classsizes(select(2, X:shape()), k)) do
    for _ = 1, size do
      j = j + 1
      ys[j] = place(c, j)
    end
  end
  return ys
end

-- labels (a Lua array of 0..k-1) -> X, Y, labels as matrices.
local function classified(X, ys, k)
  local classes = {}
  for c = 1, k do classes[c] = c - 1 end
  local labels = matrix.row(ys)
  return X, (M.one_hot(labels, classes)), labels
end

-- Two classes of n points in the plane, Gaussian noise (std noise) around
-- polar positions: at(c, j) gives the radius and angle of point j, of
-- class c (label c - 1).
local function polar(n, noise, at)
  local X = matrix.randn(2, n, 0, noise)
  return classified(X, by_class(X, 2, function(c, j)
    local r, a = at(c, j)
    X:set(1, j, X:get(1, j) + r * math.cos(a))
    X:set(2, j, X:get(2, j) + r * math.sin(a))
    return c - 1
  end), 2)
end

-- blobs(n [, opts]): k Gaussian clusters, labels 0..k-1
function M.blobs(n, opts)
  n, opts = genargs('blobs', n, opts)
  local std = optnum(opts, 'std', 0.5, 'blobs')
  local centers = opts.centers
  local k
  if centers ~= nil then
    if not matrix.is(centers) then
      fail('blobs', 'centers must be a d x k matrix (one center per column), got %s', type(centers))
    end
    k = select(2, centers:shape())
    if k < 1 then fail('blobs', 'centers has no columns') end
  else
    k = opts.k or 2
    if math.type(k) ~= 'integer' or k < 1 then
      fail('blobs', 'k must be a positive integer, got %s', tostring(k))
    end
    centers = matrix.zeros(2, k)
    for c = 1, k do
      local a = 2 * math.pi * (c - 1) / k
      centers:set(1, c, 2 * math.cos(a))
      centers:set(2, c, 2 * math.sin(a))
    end
  end
  local d = centers:shape()
  local X = matrix.randn(d, n, 0, std)
  return classified(X, by_class(X, k, function(c, j)
    for i = 1, d do X:set(i, j, X:get(i, j) + centers:get(i, c)) end
    return c - 1
  end), k)
end

-- circles(n [, opts]): two concentric rings; label 0 outer (radius 1), 1 inner
function M.circles(n, opts)
  n, opts = genargs('circles', n, opts)
  local noise = optnum(opts, 'noise', 0.05, 'circles')
  local factor = optnum(opts, 'factor', 0.5, 'circles', true)
  local t = matrix.rand(1, n)
  return polar(n, noise, function(c, j)
    return c == 1 and 1 or factor, 2 * math.pi * t:get(j)
  end)
end

-- spirals(n [, opts]): two interleaved spirals of radius 1; labels 0, 1
function M.spirals(n, opts)
  n, opts = genargs('spirals', n, opts)
  local noise = optnum(opts, 'noise', 0.05, 'spirals')
  local turns = optnum(opts, 'turns', 1.5, 'spirals', true)
  local u = matrix.rand(1, n)
  return polar(n, noise, function(c, j)
    local r = math.sqrt(u:get(j))  -- sqrt: points evenly spread along the arm
    return r, r * turns * 2 * math.pi + (c - 1) * math.pi
  end)
end

-- noisy_xor(n [, opts]): clusters at the corners (+-1, +-1); label 1 where
-- exactly one coordinate of the corner is positive
function M.noisy_xor(n, opts)
  n, opts = genargs('noisy_xor', n, opts)
  local noise = optnum(opts, 'noise', 0.3, 'noisy_xor')
  local corners = { { 1, 1 }, { -1, -1 }, { 1, -1 }, { -1, 1 } }
  local X = matrix.randn(2, n, 0, noise)
  return classified(X, by_class(X, 4, function(c, j)
    local cx, cy = corners[c][1], corners[c][2]
    X:set(1, j, X:get(1, j) + cx)
    X:set(2, j, X:get(2, j) + cy)
    return cx * cy < 0 and 1 or 0
  end), 2)
end

-- regression(n [, opts]) -> X (1 x n, sorted), Y (1 x n) = f(X) + noise, F (1 x n) = f(X)
function M.regression(n, opts)
  n, opts = genargs('regression', n, opts)
  local noise = optnum(opts, 'noise', 0.1, 'regression')
  local lo, hi = opts.lo or -3, opts.hi or 3
  if type(lo) ~= 'number' or type(hi) ~= 'number' or not (lo < hi) then
    fail('regression', 'need numbers lo < hi, got %s and %s', tostring(lo), tostring(hi))
  end
  local f = opts.f or math.sin
  if type(f) ~= 'function' then fail('regression', 'f must be a function, got %s', type(f)) end
  local xs = matrix.rand(1, n):totable()[1]
  table.sort(xs)
  local e = matrix.randn(1, n, 0, noise)
  local X, Y, F = matrix.zeros(1, n), matrix.zeros(1, n), matrix.zeros(1, n)
  for j = 1, n do
    local x = lo + (hi - lo) * xs[j]
    local y = f(x)
    if type(y) ~= 'number' then
      fail('regression', 'f(%s) returned %s, expected a number', fmtnum(x), type(y))
    end
    X:set(1, j, x)
    F:set(1, j, y)
    Y:set(1, j, y + e:get(1, j))
  end
  return X, Y, F
end

-- Tab completion at the REPL's prompt: data.load('<Tab> offers the built-in
-- data sets (see __complete in ex.lua).
setmetatable(M, { __complete = function(name)
  if name == 'load' then return M.names end
end })

return M
