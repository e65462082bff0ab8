-- Shared by the nn specs: finite differences, comparisons with readable
-- failures, random shapes, the data sets in data/.
local nnlab = require 'nnlab'
local matrix = nnlab.matrix

local U = {matrix = matrix, nn = nnlab.nn}

local function shape(m)
  local r, c = m:shape()
  return r .. 'x' .. c
end
U.shape = shape

-- d f() / d M by central differences, M's shape; f reads M, which is
-- perturbed in place one entry at a time.
function U.numgrad(f, M, h)
  h = h or 1e-6
  local r, c = M:shape()
  local G = matrix.zeros(r, c)
  for i = 1, r do
    for j = 1, c do
      local v = M:get(i, j)
      local vp, vm = v + h, v - h
      M:set(i, j, vp)
      local fp = f()
      M:set(i, j, vm)
      local fm = f()
      M:set(i, j, v)
      G:set(i, j, (fp - fm) / (vp - vm))
    end
  end
  return G
end

local function within(x, y, rtol, atol)
  return math.abs(x - y) <= atol + rtol * math.abs(y)
end

-- Unless |a - b| <= atol + rtol * |b| everywhere, fail naming the first entry out.
function U.close(a, b, rtol, atol, what)
  rtol, atol = rtol or 1e-6, atol or 1e-9
  what = what or 'matrix'
  if not matrix.is(a) or not matrix.is(b) then
    error(string.format('%s: expected two matrices, got %s and %s', what, type(a), type(b)), 2)
  end
  if shape(a) ~= shape(b) then
    error(string.format('%s: got shape %s, expected %s', what, shape(a), shape(b)), 2)
  end
  local r, c = a:shape()
  for i = 1, r do
    for j = 1, c do
      local x, y = a:get(i, j), b:get(i, j)
      if not within(x, y, rtol, atol) then
        error(string.format('%s (%d, %d): got %.17g, expected %.17g (diff %.3g)',
          what, i, j, x, y, math.abs(x - y)), 2)
      end
    end
  end
  return true
end

function U.close_num(x, y, rtol, atol, what)
  if not within(x, y, rtol or 1e-6, atol or 1e-9) then
    error(string.format('%s: got %.17g, expected %.17g', what or 'number', x, y), 2)
  end
  return true
end

local function nans(m)
  local r, c = m:shape()
  local n = 0
  for i = 1, r do
    for j = 1, c do
      local x = m:get(i, j)
      if x ~= x then n = n + 1 end
    end
  end
  return n, r * c
end

-- Every entry NaN?
function U.all_nan(m)
  local n, size = nans(m)
  return n == size
end

function U.any_nan(m)
  return nans(m) > 0
end

-- The error message of f(...), which must fail.
function U.err(f, ...)
  local ok, e = pcall(f, ...)
  if ok then error('expected an error, but the call succeeded', 2) end
  return tostring(e)
end

-- assert that f(...) fails with exactly msg, after the "file:line: " that
-- Lua puts in front of errors raised for a Lua caller.  Call the function
-- under test as users do (inside f), so that its error names it.
function U.fails_with(msg, f, ...)
  local e = U.err(f, ...):gsub('^[^:\n]+:%d+: ', '')
  if e ~= msg then
    error(string.format('wrong error:\n  got:      %s\n  expected: %s', e, msg), 2)
  end
end

-- Load data/NAME.txt: X (2 x n), Y one-hot (2 x n, rows {1-y, y}), labels (1 x n).
function U.load_data(name)
  local f = assert(io.open(H.root .. '/data/' .. name .. '.txt'))
  local xs, ys = {{}, {}}, {{}, {}}
  local labels = {}
  for line in f:lines() do
    if not line:match('^#') and line:match('%S') then
      local a, b, y = line:match('^%s*(%S+)%s+(%S+)%s+(%S+)')
      a, b, y = tonumber(a), tonumber(b), tonumber(y)
      xs[1][#xs[1] + 1], xs[2][#xs[2] + 1] = a, b
      ys[1][#ys[1] + 1], ys[2][#ys[2] + 1] = 1 - y, y
      labels[#labels + 1] = y
    end
  end
  f:close()
  return matrix(xs), matrix(ys), matrix{labels}
end

-- A net from a fixture's architecture (tools/fixture.py writes them):
-- module names ('Tanh', 'SoftMax'), {'Linear', m, n} and {'Dropout', p};
-- the loss is NLLM.
function U.build(arch)
  local mods = {}
  for _, a in ipairs(arch) do
    if type(a) == 'string' then mods[#mods + 1] = U.nn[a]()
    else mods[#mods + 1] = U.nn[a[1]](table.unpack(a, 2)) end
  end
  return U.nn.Sequential(mods, U.nn.NLLM())
end

-- A random one-hot k x b matrix (the checkers' own, from the matrix stream).
U.onehot = require('nnlab.check').onehot

return U
