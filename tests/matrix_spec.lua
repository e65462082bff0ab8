-- The matrix type as a user sees it: construction, access, arithmetic,
-- reductions, comparison and printing.  Every numeric result is checked
-- against a plain Lua computation on tables of rows, on random matrices of
-- awkward shapes, so that a transposed product, a swapped axis or an
-- off-by-one index shows up as a failure.
local matrix = require('nnlab').matrix

-- Plain-Lua references ----------------------------------------------------

local function rand_table(r, c, scale)
  scale = scale or 1
  local t = {}
  for i = 1, r do
    t[i] = {}
    for j = 1, c do t[i][j] = (math.random() * 2 - 1) * scale end
  end
  return t
end

local function ref_matmul(a, b, n, k, m)
  local c = {}
  for i = 1, n do
    c[i] = {}
    for j = 1, m do
      local s = 0
      for l = 1, k do s = s + a[i][l] * b[l][j] end
      c[i][j] = s
    end
  end
  return c
end

-- Compare matrix m (read with get) with table t of r x c; tol is absolute.
local function check(m, t, r, c, tol, what)
  what = what or 'result'
  assert.is_true(matrix.is(m), what .. ' is not a matrix')
  local mr, mc = m:shape()
  assert.are.same({ r, c }, { mr, mc }, what .. ' has the wrong shape')
  for i = 1, r do
    for j = 1, c do
      local got, want = m:get(i, j), t[i][j]
      local ok
      if want ~= want then ok = got ~= got
      else ok = math.abs(got - want) <= (tol or 0) end
      if not ok then
        error(string.format('%s: entry (%d, %d) is %.17g, expected %.17g',
          what, i, j, got, want), 2)
      end
    end
  end
end

-- A table r x c whose entry (i, j) is f(i, j).
local function tab(r, c, f)
  local t = {}
  for i = 1, r do
    t[i] = {}
    for j = 1, c do t[i][j] = f(i, j) end
  end
  return t
end

local function errmsg(f)
  local ok, e = pcall(f)
  assert.is_false(ok, 'expected an error')
  return tostring(e)
end

local function lines(s)
  local t = {}
  for l in (s .. '\n'):gmatch('(.-)\n') do t[#t + 1] = l end
  while #t > 0 and t[#t] == '' do t[#t] = nil end
  return t
end

-- Number-like tokens of a printed row with their start/end columns.
local function tokens(line)
  local t = {}
  for s, tok in line:gmatch('()(%S+)') do
    local lead = #tok:match('^[%[%(|,]*')
    local core = tok:gsub('^[%[%(|,]+', ''):gsub('[%]%)|,;]+$', '')
    if core ~= '' then
      t[#t + 1] = { text = core, s = s + lead, e = s + lead + #core - 1 }
    end
  end
  return t
end

-- Construction ------------------------------------------------------------

describe('matrix construction', function()
  it('builds from a table of rows, row i column j', function()
    local m = matrix { { 1, 2, 3 }, { 4, 5, 6 } }
    check(m, { { 1, 2, 3 }, { 4, 5, 6 } }, 2, 3)
    check(matrix.new { { 7 }, { 8 } }, { { 7 }, { 8 } }, 2, 1)
    check(matrix { { 1, 2 } }, { { 1, 2 } }, 1, 2)
  end)

  it('keeps doubles exactly and accepts integers and special values', function()
    local big = 2 ^ 53 - 1
    local m = matrix { { 0.1, -1e-300, 1e300 }, { big, math.huge, -math.huge } }
    assert.are.equal(0.1, m:get(1, 1))
    assert.are.equal(-1e-300, m:get(1, 2))
    assert.are.equal(1e300, m:get(1, 3))
    assert.are.equal(big, m:get(2, 1))
    assert.are.equal(math.huge, m:get(2, 2))
    assert.are.equal(-math.huge, m:get(2, 3))
    local n = matrix { { 0 / 0 } }:get(1, 1)
    assert.is_true(n ~= n)
  end)

  it('{} is 0x0 and rows of empty tables give r x 0', function()
    assert.are.same({ 0, 0 }, { matrix({}):shape() })
    assert.are.same({ 0, 0 }, { matrix.new({}):shape() })
    assert.are.same({ 3, 0 }, { matrix({ {}, {}, {} }):shape() })
  end)

  it('copies a matrix argument instead of sharing it', function()
    local a = matrix { { 1, 2 }, { 3, 4 } }
    for _, b in ipairs { matrix(a), matrix.new(a) } do
      assert.is_false(rawequal(a, b))
      check(b, { { 1, 2 }, { 3, 4 } }, 2, 2)
      b:set(1, 2, 99)
      assert.are.equal(2, a:get(1, 2))
    end
    local e = matrix(matrix.zeros(0, 4))
    assert.are.same({ 0, 4 }, { e:shape() })
  end)

  it('does not keep a reference to the source table', function()
    local t = { { 1, 2 } }
    local m = matrix(t)
    t[1][1] = 50
    assert.are.equal(1, m:get(1, 1))
  end)

  it('zeros, ones and fill give the shape asked for, rows first', function()
    check(matrix.zeros(2, 3), tab(2, 3, function() return 0 end), 2, 3)
    check(matrix.ones(3, 2), tab(3, 2, function() return 1 end), 3, 2)
    check(matrix.fill(1, 4, -2.5), tab(1, 4, function() return -2.5 end), 1, 4)
    for _, rc in ipairs { { 0, 0 }, { 0, 5 }, { 5, 0 } } do
      assert.are.same(rc, { matrix.zeros(rc[1], rc[2]):shape() })
      assert.are.same(rc, { matrix.ones(rc[1], rc[2]):shape() })
      assert.are.same(rc, { matrix.fill(rc[1], rc[2], 3):shape() })
    end
  end)

  it('eye(n) is the identity and eye(n, m) is rectangular', function()
    check(matrix.eye(3), tab(3, 3, function(i, j) return i == j and 1 or 0 end), 3, 3)
    check(matrix.eye(2, 4), tab(2, 4, function(i, j) return i == j and 1 or 0 end), 2, 4)
    check(matrix.eye(4, 2), tab(4, 2, function(i, j) return i == j and 1 or 0 end), 4, 2)
    assert.are.same({ 0, 0 }, { matrix.eye(0):shape() })
  end)

  it('col and row build vectors from tables', function()
    check(matrix.col { 1, 2, 3 }, { { 1 }, { 2 }, { 3 } }, 3, 1)
    check(matrix.row { 1, 2, 3 }, { { 1, 2, 3 } }, 1, 3)
    assert.are.same({ 0, 1 }, { matrix.col({}):shape() })
    assert.are.same({ 1, 0 }, { matrix.row({}):shape() })
  end)

  it('col and row also take a vector matrix of either orientation', function()
    local c, r = matrix.col { 4, 5 }, matrix.row { 4, 5 }
    check(matrix.col(r), { { 4 }, { 5 } }, 2, 1)
    check(matrix.row(c), { { 4, 5 } }, 1, 2)
    check(matrix.col(c), { { 4 }, { 5 } }, 2, 1)
    check(matrix.row(r), { { 4, 5 } }, 1, 2)
    -- the result is a copy
    local c2 = matrix.col(c)
    c2:set(1, 1, 0)
    assert.are.equal(4, c:get(1, 1))
  end)

  it('diag of a vector is square, diag of a matrix is its diagonal as a column', function()
    local sq = tab(3, 3, function(i, j) return i == j and i * 10 or 0 end)
    check(matrix.diag { 10, 20, 30 }, sq, 3, 3)
    check(matrix.diag(matrix.col { 10, 20, 30 }), sq, 3, 3)
    check(matrix.diag(matrix.row { 10, 20, 30 }), sq, 3, 3)
    local m = matrix { { 1, 2, 3 }, { 4, 5, 6 } }
    check(matrix.diag(m), { { 1 }, { 5 } }, 2, 1)
    check(matrix.diag(m:T()), { { 1 }, { 5 } }, 2, 1)
    check(matrix.diag(matrix { { 7 } }), { { 7 } }, 1, 1)
  end)

  it('matrix.is tells matrices from everything else', function()
    assert.is_true(matrix.is(matrix.zeros(1, 1)))
    assert.is_true(matrix.is(matrix.zeros(0, 0)))
    assert.is_false(matrix.is({ { 1 } }))
    assert.is_false(matrix.is(3))
    assert.is_false(matrix.is(nil))
    assert.is_false(matrix.is(io.stdout))
    assert.is_false(matrix.is(matrix))
  end)
end)

describe('random matrices', function()
  it('seed makes rand, randn and randint reproducible', function()
    matrix.seed(42)
    local a, b, k = matrix.rand(3, 4), matrix.randn(4, 3), matrix.randint(10, 2, 5)
    local x = matrix.randint(1000)
    matrix.seed(42)
    assert.is_true(matrix.rand(3, 4) == a)
    assert.is_true(matrix.randn(4, 3) == b)
    assert.is_true(matrix.randint(10, 2, 5) == k)
    assert.are.equal(x, matrix.randint(1000))
    matrix.seed(43)
    assert.is_false(matrix.rand(3, 4) == a)
  end)

  it('seed resets the cached gaussian', function()
    -- the polar method makes normals in pairs; an odd count leaves one cached
    matrix.seed(7)
    local first = matrix.randn(1, 1):get(1, 1)
    matrix.seed(7)
    assert.are.equal(first, matrix.randn(1, 1):get(1, 1))
    matrix.seed(7)
    local three = matrix.randn(1, 3)
    matrix.seed(7)
    assert.is_true(matrix.randn(1, 3) == three)
  end)

  it('accepts the whole seed range 0 .. 2^32-1', function()
    matrix.seed(0)
    local a = matrix.rand(1, 3)
    matrix.seed(2 ^ 32 - 1)
    local b = matrix.rand(1, 3)
    matrix.seed(0)
    assert.is_true(matrix.rand(1, 3) == a)
    assert.is_false(a == b)
  end)

  it('rand is uniform on [0, 1) with the asked shape', function()
    matrix.seed(1)
    local m = matrix.rand(200, 50)
    assert.are.same({ 200, 50 }, { m:shape() })
    local s, lo, hi = 0, 1, 0
    for i = 1, 200 do
      for j = 1, 50 do
        local v = m:get(i, j)
        assert.is_true(v >= 0 and v < 1)
        s = s + v
        lo, hi = math.min(lo, v), math.max(hi, v)
      end
    end
    assert.is_true(math.abs(s / 10000 - 0.5) < 0.02)
    assert.is_true(lo < 0.01 and hi > 0.99)
    assert.are.same({ 0, 3 }, { matrix.rand(0, 3):shape() })
  end)

  it('randn has the asked mean and standard deviation', function()
    matrix.seed(3)
    local n = 20000
    for _, ms in ipairs { { 0, 1 }, { 5, 0.5 }, { -2, 3 } } do
      local m = ms[1] == 0 and matrix.randn(100, 200) or matrix.randn(100, 200, ms[1], ms[2])
      assert.are.same({ 100, 200 }, { m:shape() })
      local s, ss = 0, 0
      for i = 1, 100 do
        for j = 1, 200 do
          local v = m:get(i, j)
          s, ss = s + v, ss + v * v
        end
      end
      local mean = s / n
      local sd = math.sqrt(ss / n - mean * mean)
      assert.is_true(math.abs(mean - ms[1]) < 0.05 * ms[2] + 0.01, 'mean ' .. mean)
      assert.is_true(math.abs(sd - ms[2]) < 0.05 * ms[2], 'std ' .. sd)
    end
    local z = matrix.randn(3, 3, 4, 0)
    check(z, tab(3, 3, function() return 4 end), 3, 3)
  end)

  it('randint(n) draws integers 1 .. n, each of them', function()
    matrix.seed(5)
    local seen = {}
    for _ = 1, 300 do
      local k = matrix.randint(3)
      assert.are.equal('integer', math.type(k))
      assert.is_true(k >= 1 and k <= 3)
      seen[k] = true
    end
    assert.are.same({ true, true, true }, seen)
    assert.are.equal(1, matrix.randint(1))
  end)

  it('randint(n, r, c) is an r x c matrix of draws in 1 .. n', function()
    matrix.seed(6)
    local m = matrix.randint(4, 30, 7)
    assert.are.same({ 30, 7 }, { m:shape() })
    local seen = {}
    for i = 1, 30 do
      for j = 1, 7 do
        local v = m:get(i, j)
        assert.is_true(v == math.floor(v) and v >= 1 and v <= 4)
        seen[v] = true
      end
    end
    assert.are.same({ [1] = true, [2] = true, [3] = true, [4] = true }, seen)
  end)

  it('draws row-major: a reshaped draw equals a draw of the other shape', function()
    matrix.seed(9)
    local a = matrix.rand(3, 4)
    matrix.seed(9)
    local b = matrix.rand(1, 12)
    assert.is_true(a:reshape(1, 12) == b)
    matrix.seed(9)
    local c = matrix.randn(2, 5)
    matrix.seed(9)
    assert.is_true(matrix.randn(10, 1) == c:reshape(10, 1))
  end)
end)

-- Access ------------------------------------------------------------------

describe('matrix access', function()
  it('shape returns rows then columns', function()
    local r, c = matrix.zeros(2, 5):shape()
    assert.are.equal(2, r)
    assert.are.equal(5, c)
    assert.are.equal('integer', math.type(r))
    assert.are.equal('integer', math.type(c))
  end)

  it('get and set are 1-based (row, column), set returns the matrix', function()
    local m = matrix.zeros(3, 4)
    for i = 1, 3 do
      for j = 1, 4 do
        assert.is_true(rawequal(m, m:set(i, j, 10 * i + j)))
      end
    end
    check(m, tab(3, 4, function(i, j) return 10 * i + j end), 3, 4)
    -- corners of a non-square matrix, set through the module table too
    matrix.set(m, 3, 4, -1)
    assert.are.equal(-1, matrix.get(m, 3, 4))
    assert.are.equal(14, m:get(1, 4))
    assert.are.equal(31, m:get(3, 1))
  end)

  it('get and set take a single index on vectors of either orientation', function()
    local c, r = matrix.col { 1, 2, 3 }, matrix.row { 1, 2, 3 }
    for k = 1, 3 do
      assert.are.equal(k, c:get(k))
      assert.are.equal(k, r:get(k))
    end
    assert.is_true(rawequal(c, c:set(2, 20)))
    assert.is_true(rawequal(r, r:set(3, 30)))
    check(c, { { 1 }, { 20 }, { 3 } }, 3, 1)
    check(r, { { 1, 2, 30 } }, 1, 3)
  end)

  it('integral floats are accepted as indices', function()
    local m = matrix { { 1, 2 }, { 3, 4 } }
    assert.are.equal(3, m:get(2.0, 1.0))
  end)

  it('row(i) and col(j) are copies of that row and column', function()
    math.randomseed(11)
    local t = rand_table(4, 6)
    local m = matrix(t)
    for i = 1, 4 do check(m:row(i), { t[i] }, 1, 6, 0, 'row ' .. i) end
    for j = 1, 6 do
      check(m:col(j), tab(4, 1, function(i) return t[i][j] end), 4, 1, 0, 'col ' .. j)
    end
    local r = m:row(2)
    r:set(1, 1, 1000)
    local c = m:col(3)
    c:set(1, 1, 1000)
    assert.are.equal(t[2][1], m:get(2, 1))
    assert.are.equal(t[1][3], m:get(1, 3))
  end)

  it('copy is a deep copy; matrix.copy(src, dst) fills dst and returns it', function()
    local a = matrix { { 1, 2, 3 }, { 4, 5, 6 } }
    local b = a:copy()
    assert.is_false(rawequal(a, b))
    assert.is_true(a == b)
    b:set(2, 3, 0)
    assert.are.equal(6, a:get(2, 3))
    local dst = matrix.zeros(2, 3)
    assert.is_true(rawequal(dst, matrix.copy(a, dst)))
    check(dst, { { 1, 2, 3 }, { 4, 5, 6 } }, 2, 3)
    a:set(1, 1, 9)
    assert.are.equal(1, dst:get(1, 1))
    assert.are.same({ 0, 3 }, { matrix.zeros(0, 3):copy():shape() })
  end)

  it('reshape keeps the elements in row-major order in a new matrix', function()
    local m = matrix { { 1, 2, 3 }, { 4, 5, 6 } }
    check(m:reshape(3, 2), { { 1, 2 }, { 3, 4 }, { 5, 6 } }, 3, 2)
    check(m:reshape(6, 1), { { 1 }, { 2 }, { 3 }, { 4 }, { 5 }, { 6 } }, 6, 1)
    check(m:reshape(1, 6), { { 1, 2, 3, 4, 5, 6 } }, 1, 6)
    check(m:reshape(2, 3), { { 1, 2, 3 }, { 4, 5, 6 } }, 2, 3)
    local r = m:reshape(3, 2)
    r:set(1, 1, 100)
    assert.are.equal(1, m:get(1, 1))
    assert.are.same({ 0, 7 }, { matrix.zeros(3, 0):reshape(0, 7):shape() })
    -- odd sizes, against the flat index
    local big = matrix(tab(6, 35, function(i, j) return (i - 1) * 35 + j end))
    check(big:reshape(15, 14), tab(15, 14, function(i, j) return (i - 1) * 14 + j end), 15, 14)
  end)

  it('T transposes, on odd and empty shapes', function()
    math.randomseed(12)
    for _, rc in ipairs { { 1, 1 }, { 1, 7 }, { 7, 1 }, { 5, 3 }, { 67, 45 }, { 0, 3 }, { 3, 0 } } do
      local r, c = rc[1], rc[2]
      local t = rand_table(r, c)
      local m = matrix(r > 0 and t or matrix.zeros(r, c))
      local tt = tab(c, r, function(i, j) return t[j][i] end)
      check(m:T(), tt, c, r, 0, 'T of ' .. r .. 'x' .. c)
      check(matrix.transpose(m), tt, c, r, 0, 'transpose of ' .. r .. 'x' .. c)
      local d = matrix.fill(c, r, 7)
      assert.is_true(rawequal(d, matrix.transpose(m, d)))
      check(d, tt, c, r, 0, 'transpose into dst')
      -- the source is untouched
      if r > 0 then check(m, t, r, c, 0, 'source of T') end
    end
  end)

  it('transpose into itself works for a square matrix', function()
    local m = matrix { { 1, 2, 3 }, { 4, 5, 6 }, { 7, 8, 9 } }
    assert.is_true(rawequal(m, matrix.transpose(m, m)))
    check(m, { { 1, 4, 7 }, { 2, 5, 8 }, { 3, 6, 9 } }, 3, 3)
  end)

  it('totable gives a table of rows, and matrix() takes it back', function()
    math.randomseed(13)
    local t = rand_table(4, 3)
    local m = matrix(t)
    local back = m:totable()
    assert.are.same(t, back)
    assert.is_true(matrix(back) == m)
    assert.are.same({}, matrix.zeros(0, 0):totable())
    assert.are.same({ {}, {} }, matrix.zeros(2, 0):totable())
    assert.are.same({ 2, 0 }, { matrix(matrix.zeros(2, 0):totable()):shape() })
    assert.are.same({ { 1 }, { 2 } }, matrix.col({ 1, 2 }):totable())
    -- a fresh table each time
    back[1][1] = 'x'
    assert.are.equal(t[1][1], m:totable()[1][1])
  end)

  it('fill on a matrix fills it in place and returns it', function()
    local m = matrix { { 1, 2 }, { 3, 4 }, { 5, 6 } }
    assert.is_true(rawequal(m, m:fill(2.5)))
    check(m, tab(3, 2, function() return 2.5 end), 3, 2)
    assert.is_true(rawequal(m, matrix.fill(m, 0)))
    check(m, tab(3, 2, function() return 0 end), 3, 2)
  end)
end)

-- Arithmetic --------------------------------------------------------------

describe('matrix product', function()
  local cases = {
    { 1, 1, 1 }, { 1, 7, 1 }, { 7, 1, 7 }, { 5, 3, 4 }, { 33, 17, 65 },
    { 65, 129, 3 }, { 2, 300, 2 }, { 0, 3, 4 }, { 3, 0, 4 }, { 3, 4, 0 }, { 0, 0, 0 },
  }

  local function operands(n, k, m)
    local a, b = rand_table(n, k), rand_table(k, m)
    local A = n > 0 and k > 0 and matrix(a) or matrix.zeros(n, k)
    local B = k > 0 and m > 0 and matrix(b) or matrix.zeros(k, m)
    if k == 0 then b = {} end
    return a, b, A, B
  end

  it('a * b, matmul(a, b) and a:matmul(b) agree with a triple loop', function()
    math.randomseed(21)
    for _, s in ipairs(cases) do
      local n, k, m = s[1], s[2], s[3]
      local a, b, A, B = operands(n, k, m)
      local want = ref_matmul(a, b, n, k, m)
      local tol = 1e-13 * (k + 1)
      local what = string.format('%dx%d * %dx%d', n, k, k, m)
      check(A * B, want, n, m, tol, what)
      check(matrix.matmul(A, B), want, n, m, tol, 'matmul ' .. what)
      check(A:matmul(B), want, n, m, tol, ':matmul ' .. what)
    end
  end)

  it('writes into dst, zeroing it when the inner size is 0', function()
    math.randomseed(22)
    for _, s in ipairs(cases) do
      local n, k, m = s[1], s[2], s[3]
      local a, b, A, B = operands(n, k, m)
      local want = ref_matmul(a, b, n, k, m)
      local dst = matrix.fill(n, m, 123)
      assert.is_true(rawequal(dst, matrix.matmul(A, B, dst)))
      check(dst, want, n, m, 1e-13 * (k + 1), string.format('into dst %dx%d*%dx%d', n, k, k, m))
    end
  end)

  it('is right when dst is a or b (or both)', function()
    math.randomseed(23)
    local a, b = rand_table(4, 4), rand_table(4, 4)
    local want = ref_matmul(a, b, 4, 4, 4)
    local A, B = matrix(a), matrix(b)
    assert.is_true(rawequal(A, matrix.matmul(A, B, A)))
    check(A, want, 4, 4, 1e-13, 'dst = a')
    A = matrix(a)
    assert.is_true(rawequal(B, matrix.matmul(A, B, B)))
    check(B, want, 4, 4, 1e-13, 'dst = b')
    local sq = ref_matmul(a, a, 4, 4, 4)
    A = matrix(a)
    matrix.matmul(A, A, A)
    check(A, sq, 4, 4, 1e-13, 'a*a into a')
    -- non-square: a (3x3) times b (3x5) into a 3x5 b
    local c, d = rand_table(3, 3), rand_table(3, 5)
    local C, D = matrix(c), matrix(d)
    matrix.matmul(C, D, D)
    check(D, ref_matmul(c, d, 3, 3, 5), 3, 5, 1e-13, 'non-square dst = b')
  end)

  it('leaves its operands alone', function()
    math.randomseed(24)
    local a, b = rand_table(3, 5), rand_table(5, 2)
    local A, B = matrix(a), matrix(b)
    local _ = A * B
    check(A, a, 3, 5)
    check(B, b, 5, 2)
  end)

  it('stays right for products big enough to be computed in pieces', function()
    -- 40 x 2900 times 2900 x 2900: about 3e8 multiply-adds, more than one
    -- block of rows for a kernel that splits long products (to poll for
    -- interrupts); rows on either side of any split are checked by a loop.
    math.randomseed(26)
    matrix.seed(26)
    local n, k = 40, 2900
    local A, B = matrix.rand(n, k) - 0.5, matrix.rand(k, k) - 0.5
    local C = A * B
    assert.are.same({ n, k }, { C:shape() })
    local a, b = A:totable(), B:totable()
    for i = 1, n do
      for _, j in ipairs { 1, math.random(2, k - 1), k } do
        local s, mag = 0, 0
        for l = 1, k do
          s = s + a[i][l] * b[l][j]
          mag = mag + math.abs(a[i][l] * b[l][j])
        end
        local got = C:get(i, j)
        assert.is_true(math.abs(got - s) <= 1e-13 * mag,
          string.format('entry (%d, %d) is %.17g, expected %.17g', i, j, got, s))
      end
    end
  end)

  it('transposes compose with it: (ab)^T = b^T a^T', function()
    math.randomseed(25)
    local A, B = matrix(rand_table(6, 4)), matrix(rand_table(4, 9))
    assert.is_true(((A * B):T()):allclose(B:T() * A:T(), 1e-12, 1e-14))
  end)
end)

describe('elementwise arithmetic', function()
  local r, c = 4, 6
  local a, b, col, A, B, C
  before_each(function()
    math.randomseed(31)
    a, b = rand_table(r, c), rand_table(r, c)
    col = rand_table(r, 1)
    -- keep divisors away from 0
    for i = 1, r do
      for j = 1, c do b[i][j] = b[i][j] + (b[i][j] < 0 and -0.5 or 0.5) end
      col[i][1] = col[i][1] + (col[i][1] < 0 and -0.5 or 0.5)
    end
    A, B, C = matrix(a), matrix(b), matrix(col)
  end)

  local function ew(f, x, y)
    return tab(r, c, function(i, j) return f(x[i][j], y[i][j]) end)
  end
  local function ewc(f, x, y) -- y a column
    return tab(r, c, function(i, j) return f(x[i][j], y[i][1]) end)
  end
  local function add(x, y) return x + y end
  local function sub(x, y) return x - y end
  local function mul(x, y) return x * y end
  local function div(x, y) return x / y end
  local function flip(f) return function(x, y) return f(y, x) end end

  it('+ and - of equal shapes', function()
    check(A + B, ew(add, a, b), r, c, 1e-15, 'a + b')
    check(A - B, ew(sub, a, b), r, c, 1e-15, 'a - b')
    check(B - A, ew(sub, b, a), r, c, 1e-15, 'b - a')
    check(matrix.add(A, B), ew(add, a, b), r, c, 1e-15, 'add')
    check(matrix.sub(A, B), ew(sub, a, b), r, c, 1e-15, 'sub')
    check(A:add(B), ew(add, a, b), r, c, 1e-15, ':add')
    check(A:sub(B), ew(sub, a, b), r, c, 1e-15, ':sub')
    check(A, a, r, c, 0, 'a untouched')
    check(B, b, r, c, 0, 'b untouched')
  end)

  it('a column is added to / subtracted from every column, on either side', function()
    check(A + C, ewc(add, a, col), r, c, 1e-15, 'a + col')
    check(C + A, ewc(add, a, col), r, c, 1e-15, 'col + a')
    check(A - C, ewc(sub, a, col), r, c, 1e-15, 'a - col')
    check(C - A, ewc(flip(sub), a, col), r, c, 1e-15, 'col - a')
    check(matrix.add(A, C), ewc(add, a, col), r, c, 1e-15, 'add(a, col)')
    check(matrix.sub(C, A), ewc(flip(sub), a, col), r, c, 1e-15, 'sub(col, a)')
    check(C, col, r, 1, 0, 'col untouched')
  end)

  it('a 1x1 matrix broadcasts along a single row as a column of length 1', function()
    local x = matrix { { 10 } }
    check(x + matrix { { 1, 2, 3 } }, { { 11, 12, 13 } }, 1, 3)
    check(matrix { { 1, 2, 3 } } - x, { { -9, -8, -7 } }, 1, 3)
  end)

  it('numbers on either side of +, -, *, / and unary minus', function()
    check(A + 2, ew(add, a, tab(r, c, function() return 2 end)), r, c, 1e-15, 'a + 2')
    check(2 + A, ew(add, a, tab(r, c, function() return 2 end)), r, c, 1e-15, '2 + a')
    check(A - 2, tab(r, c, function(i, j) return a[i][j] - 2 end), r, c, 1e-15, 'a - 2')
    check(2 - A, tab(r, c, function(i, j) return 2 - a[i][j] end), r, c, 1e-15, '2 - a')
    check(A * 3, tab(r, c, function(i, j) return a[i][j] * 3 end), r, c, 1e-15, 'a * 3')
    check(3 * A, tab(r, c, function(i, j) return a[i][j] * 3 end), r, c, 1e-15, '3 * a')
    check(A / 4, tab(r, c, function(i, j) return a[i][j] / 4 end), r, c, 1e-15, 'a / 4')
    check(-A, tab(r, c, function(i, j) return -a[i][j] end), r, c, 0, '-a')
    check(matrix.add(A, 2), tab(r, c, function(i, j) return a[i][j] + 2 end), r, c, 1e-15, 'add(a, 2)')
    check(matrix.add(2, A), tab(r, c, function(i, j) return a[i][j] + 2 end), r, c, 1e-15, 'add(2, a)')
    check(matrix.sub(2, A), tab(r, c, function(i, j) return 2 - a[i][j] end), r, c, 1e-15, 'sub(2, a)')
    check(matrix.sub(A, 2), tab(r, c, function(i, j) return a[i][j] - 2 end), r, c, 1e-15, 'sub(a, 2)')
    check(A, a, r, c, 0, 'a untouched')
  end)

  it('scale multiplies by a number, into dst when given', function()
    local want = tab(r, c, function(i, j) return a[i][j] * -1.5 end)
    check(matrix.scale(A, -1.5), want, r, c, 0, 'scale')
    check(A:scale(-1.5), want, r, c, 0, ':scale')
    local d = matrix.zeros(r, c)
    assert.is_true(rawequal(d, matrix.scale(A, -1.5, d)))
    check(d, want, r, c, 0, 'scale into dst')
    assert.is_true(rawequal(A, matrix.scale(A, -1.5, A)))
    check(A, want, r, c, 0, 'scale into a')
  end)

  it('mul and div: elementwise, by a matrix, a column or a number', function()
    check(A:mul(B), ew(mul, a, b), r, c, 1e-15, 'a .* b')
    check(A:div(B), ew(div, a, b), r, c, 1e-14, 'a ./ b')
    check(B:div(A), ew(div, b, a), r, c, 1e-12, 'b ./ a')
    check(A:mul(C), ewc(mul, a, col), r, c, 1e-15, 'a .* col')
    check(A:div(C), ewc(div, a, col), r, c, 1e-14, 'a ./ col')
    check(A:mul(3), tab(r, c, function(i, j) return a[i][j] * 3 end), r, c, 1e-15, 'a .* 3')
    check(A:div(4), tab(r, c, function(i, j) return a[i][j] / 4 end), r, c, 1e-15, 'a ./ 4')
    check(matrix.mul(A, B), ew(mul, a, b), r, c, 1e-15, 'matrix.mul')
    check(matrix.div(A, B), ew(div, a, b), r, c, 1e-14, 'matrix.div')
    check(A, a, r, c, 0, 'a untouched')
  end)

  it('division by zero gives infinities and NaN, not an error', function()
    local m = matrix { { 1, -1, 0 } }:div(matrix { { 0, 0, 0 } })
    assert.are.equal(math.huge, m:get(1, 1))
    assert.are.equal(-math.huge, m:get(1, 2))
    assert.is_true(m:get(1, 3) ~= m:get(1, 3))
  end)

  it('writes into dst, and dst may be either operand', function()
    local ops = {
      { 'add', add, B }, { 'sub', sub, B }, { 'mul', mul, B }, { 'div', div, B },
    }
    for _, o in ipairs(ops) do
      local name, f = o[1], o[2]
      local want = ew(f, a, b)
      local d = matrix.fill(r, c, 99)
      assert.is_true(rawequal(d, matrix[name](A, B, d)), name .. ' returns dst')
      check(d, want, r, c, 1e-14, name .. ' into dst')
      local A2, B2 = matrix(a), matrix(b)
      assert.is_true(rawequal(A2, matrix[name](A2, B2, A2)))
      check(A2, want, r, c, 1e-14, name .. ' into a')
      A2, B2 = matrix(a), matrix(b)
      assert.is_true(rawequal(B2, matrix[name](A2, B2, B2)))
      check(B2, want, r, c, 1e-14, name .. ' into b')
      -- with a column, into the matrix operand
      local wantc = ewc(f, a, col)
      A2 = matrix(a)
      matrix[name](A2, matrix(col), A2)
      check(A2, wantc, r, c, 1e-14, name .. ' with a column into a')
      -- with a number
      A2 = matrix(a)
      matrix[name](A2, 2, A2)
      check(A2, tab(r, c, function(i, j) return f(a[i][j], 2) end), r, c, 1e-14, name .. ' with 2 into a')
    end
  end)

  it('a - a into a is zero and a + a into a doubles (full aliasing)', function()
    local A2 = matrix(a)
    matrix.sub(A2, A2, A2)
    check(A2, tab(r, c, function() return 0 end), r, c, 0, 'a - a')
    A2 = matrix(a)
    matrix.add(A2, A2, A2)
    check(A2, tab(r, c, function(i, j) return 2 * a[i][j] end), r, c, 0, 'a + a')
  end)

  it('empty matrices add to empty matrices', function()
    assert.are.same({ 0, 3 }, { (matrix.zeros(0, 3) + matrix.zeros(0, 3)):shape() })
    assert.are.same({ 3, 0 }, { (matrix.zeros(3, 0) * 2):shape() })
    assert.are.same({ 3, 0 }, { (matrix.zeros(3, 0) - matrix.zeros(3, 1)):shape() })
  end)
end)

describe('map', function()
  it('calls f(x, i, j) for every element and builds a new matrix', function()
    math.randomseed(41)
    local t = rand_table(3, 5)
    local m = matrix(t)
    local calls = 0
    local out = m:map(function(x, i, j)
      calls = calls + 1
      return x * 100 + 10 * i + j
    end)
    assert.are.equal(15, calls)
    check(out, tab(3, 5, function(i, j) return t[i][j] * 100 + 10 * i + j end), 3, 5, 1e-12)
    check(m, t, 3, 5, 0, 'source untouched')
    check(matrix.map(m, math.abs), tab(3, 5, function(i, j) return math.abs(t[i][j]) end), 3, 5)
  end)

  it('writes into dst, which may be the source', function()
    local m = matrix { { 1, 2 }, { 3, 4 } }
    local d = matrix.zeros(2, 2)
    assert.is_true(rawequal(d, m:map(function(x) return x * x end, d)))
    check(d, { { 1, 4 }, { 9, 16 } }, 2, 2)
    assert.is_true(rawequal(m, m:map(function(x, i, j) return x + i - j end, m)))
    check(m, { { 1, 1 }, { 4, 4 } }, 2, 2)
  end)

  it('propagates errors raised by f', function()
    local m = matrix.ones(2, 2)
    local e = errmsg(function() m:map(function() error('boom from f') end) end)
    assert.is_truthy(e:find('boom from f', 1, true))
  end)
end)

-- Reductions ----------------------------------------------------------------

describe('reductions', function()
  local r, c = 5, 7
  local t, m
  before_each(function()
    math.randomseed(51)
    t = rand_table(r, c, 10)
    m = matrix(t)
  end)

  local function over_all(f, init)
    local acc = init
    for i = 1, r do for j = 1, c do acc = f(acc, t[i][j]) end end
    return acc
  end
  local function over_rows(f) -- one per column (axis 1)
    return { (function()
      local row = {}
      for j = 1, c do
        local acc = t[1][j]
        for i = 2, r do acc = f(acc, t[i][j]) end
        row[j] = acc
      end
      return row
    end)() }
  end
  local function over_cols(f) -- one per row (axis 2)
    local out = {}
    for i = 1, r do
      local acc = t[i][1]
      for j = 2, c do acc = f(acc, t[i][j]) end
      out[i] = { acc }
    end
    return out
  end
  local function plus(x, y) return x + y end

  it('sum and mean over everything', function()
    local s = over_all(plus, 0)
    assert.is_true(math.abs(m:sum() - s) < 1e-12, 'sum')
    assert.is_true(math.abs(m:mean() - s / (r * c)) < 1e-13, 'mean')
    assert.is_true(math.abs(matrix.sum(m) - s) < 1e-12, 'matrix.sum')
  end)

  it('sum and mean along axis 1 give 1 x c, along axis 2 give r x 1', function()
    local s1, s2 = over_rows(plus), over_cols(plus)
    check(m:sum(1), s1, 1, c, 1e-12, 'sum(1)')
    check(m:sum(2), s2, r, 1, 1e-12, 'sum(2)')
    check(m:mean(1), tab(1, c, function(_, j) return s1[1][j] / r end), 1, c, 1e-13, 'mean(1)')
    check(m:mean(2), tab(r, 1, function(i) return s2[i][1] / c end), r, 1, 1e-13, 'mean(2)')
  end)

  it('max and min, over everything and along each axis', function()
    assert.are.equal(over_all(math.max, -math.huge), m:max())
    assert.are.equal(over_all(math.min, math.huge), m:min())
    check(m:max(1), over_rows(math.max), 1, c, 0, 'max(1)')
    check(m:max(2), over_cols(math.max), r, 1, 0, 'max(2)')
    check(m:min(1), over_rows(math.min), 1, c, 0, 'min(1)')
    check(m:min(2), over_cols(math.min), r, 1, 0, 'min(2)')
  end)

  it('max of negatives and min of positives are not 0', function()
    local neg = matrix { { -5, -3 }, { -7, -4 } }
    assert.are.equal(-3, neg:max())
    check(neg:max(1), { { -5, -3 } }, 1, 2)
    check(neg:max(2), { { -3 }, { -4 } }, 2, 1)
    local pos = -neg
    assert.are.equal(3, pos:min())
    check(pos:min(1), { { 5, 3 } }, 1, 2)
    check(pos:min(2), { { 3 }, { 4 } }, 2, 1)
    assert.are.same({ 1, 2 }, { neg:argmax() })
    assert.are.same({ 2, 2 }, { (matrix { { -5, -7 }, { -4, -3 } }):argmax() })
    check(neg:argmax(1), { { 1, 1 } }, 1, 2)
    check(neg:argmax(2), { { 2 }, { 2 } }, 2, 1)
  end)

  it('argmax: 1-based, first maximum in row-major order, per axis', function()
    local x = matrix { { 1, 3, 3 }, { 3, 0, 2 } }
    local i, j = x:argmax()
    assert.are.same({ 1, 2 }, { i, j })
    assert.are.equal('integer', math.type(i))
    check(x:argmax(1), { { 2, 1, 1 } }, 1, 3, 0, 'argmax(1)')
    check(x:argmax(2), { { 2 }, { 1 } }, 2, 1, 0, 'argmax(2)')
    -- random, against a loop
    local bi, bj, best = 0, 0, -math.huge
    for a = 1, r do for b = 1, c do
      if t[a][b] > best then bi, bj, best = a, b, t[a][b] end
    end end
    assert.are.same({ bi, bj }, { m:argmax() })
    local per_col = m:argmax(1)
    assert.are.same({ 1, c }, { per_col:shape() })
    for b = 1, c do
      assert.are.equal(m:max(1):get(1, b), t[per_col:get(1, b)][b])
    end
    local per_row = m:argmax(2)
    assert.are.same({ r, 1 }, { per_row:shape() })
    for a = 1, r do
      assert.are.equal(m:max(2):get(a, 1), t[a][per_row:get(a, 1)])
    end
    assert.are.same({ 3, 1 }, { (matrix.col { 1, 2, 9 }):argmax() })
  end)

  it('sums of empty matrices are 0', function()
    assert.are.equal(0, matrix.zeros(0, 0):sum())
    assert.are.equal(0, matrix.zeros(0, 3):sum())
    check(matrix.zeros(0, 3):sum(1), { { 0, 0, 0 } }, 1, 3)
    assert.are.same({ 0, 1 }, { matrix.zeros(0, 3):sum(2):shape() })
  end)

  it('dot of equal shapes, and of vectors in any orientation', function()
    math.randomseed(52)
    local u = rand_table(r, c)
    local want = 0
    for i = 1, r do for j = 1, c do want = want + t[i][j] * u[i][j] end end
    assert.is_true(math.abs(m:dot(matrix(u)) - want) < 1e-11)
    local col, row = matrix.col { 1, 2, 3 }, matrix.row { 4, -5, 6 }
    assert.are.equal(12, col:dot(row))
    assert.are.equal(12, row:dot(col))
    assert.are.equal(14, col:dot(col))
    assert.are.equal(12, matrix.dot(col, row:T()))
  end)

  it('outer(u, v) is len(u) x len(v) with entries u_i v_j', function()
    local want = tab(3, 2, function(i, j) return i * (10 * j) end)
    local u, v = matrix.col { 1, 2, 3 }, matrix.row { 10, 20 }
    check(matrix.outer(u, v), want, 3, 2)
    check(matrix.outer(u:T(), v:T()), want, 3, 2)
    check(matrix.outer(u, v:T()), want, 3, 2)
    check(matrix.outer(v, u), tab(2, 3, function(i, j) return j * (10 * i) end), 2, 3)
  end)

  it('norm is the Frobenius norm, without overflow', function()
    local ss = over_all(function(a, x) return a + x * x end, 0)
    assert.is_true(math.abs(m:norm() - math.sqrt(ss)) < 1e-12)
    assert.are.equal(5, matrix({ { 3 }, { 4 } }):norm())
    assert.are.equal(0, matrix.zeros(0, 0):norm())
    local n = matrix({ { 3e200, 4e200 } }):norm()
    assert.is_true(math.abs(n / 5e200 - 1) < 1e-15, 'norm ' .. n)
  end)
end)

-- Comparison -----------------------------------------------------------------

describe('== and allclose', function()
  it('== is true iff same shape and all elements equal', function()
    local a = matrix { { 1, 2, 3 }, { 4, 5, 6 } }
    assert.is_true(a == matrix { { 1, 2, 3 }, { 4, 5, 6 } })
    assert.is_false(a ~= a:copy())
    assert.is_false(a == matrix { { 1, 2, 3 }, { 4, 5, 7 } })
    assert.is_false(a == matrix { { 0, 2, 3 }, { 4, 5, 6 } })
    assert.is_false(a == a:reshape(3, 2))
    assert.is_false(a == a:reshape(1, 6))
    assert.is_false(matrix.zeros(0, 3) == matrix.zeros(3, 0))
    assert.is_true(matrix.zeros(0, 3) == matrix.zeros(0, 3))
    assert.is_true(matrix { { 0.0 } } == matrix { { -0.0 } })
  end)

  it('NaN is not equal to NaN', function()
    local a = matrix { { 1, 0 / 0 } }
    assert.is_false(a == a:copy())
    assert.is_true(a ~= a:copy())
  end)

  it('a matrix is never equal to a non-matrix', function()
    local a = matrix { { 1 } }
    assert.is_false(a == 1)
    assert.is_false(a == { { 1 } })
    assert.is_false(a == nil)
    assert.is_false(a == io.stdout)
  end)

  it('allclose uses |a - b| <= atol + rtol * |b| with the numpy defaults', function()
    local one = matrix { { 1 } }
    assert.is_true(one:allclose(matrix { { 1 + 0.9e-5 } }))
    assert.is_false(one:allclose(matrix { { 1 + 1.1e-5 } }))
    local zero = matrix { { 0 } }
    assert.is_true(zero:allclose(matrix { { 0.9e-8 } }))
    assert.is_false(zero:allclose(matrix { { 1.1e-8 } }))
    assert.is_true(matrix.allclose(matrix { { 1e6 } }, matrix { { 1e6 + 9 } }))
    assert.is_false(matrix.allclose(matrix { { 1e6 } }, matrix { { 1e6 + 11 } }))
  end)

  it('allclose takes rtol and atol, and is relative to b', function()
    local a, b = matrix { { 1 } }, matrix { { 2 } }
    assert.is_true(a:allclose(b, 0.5, 0))   -- 1 <= 0.5 * |2|
    assert.is_false(b:allclose(a, 0.5, 0))  -- 1 >  0.5 * |1|
    assert.is_true(b:allclose(a, 0.5, 0.5))
    assert.is_false(b:allclose(a, 0.5, 0.49))
    assert.is_true(a:allclose(b, 0, 1))
    assert.is_false(a:allclose(b, 0, 0.99))
  end)

  it('allclose looks at every element', function()
    math.randomseed(61)
    local t = rand_table(6, 5)
    local a = matrix(t)
    for i = 1, 6 do
      for j = 1, 5 do
        local b = a:copy()
        b:set(i, j, t[i][j] + 1e-3)
        assert.is_false(a:allclose(b), string.format('difference at (%d, %d) missed', i, j))
      end
    end
    assert.is_true(a:allclose(a:copy()))
  end)

  it('allclose is false for different shapes and for NaN', function()
    assert.is_false(matrix.zeros(2, 3):allclose(matrix.zeros(3, 2)))
    assert.is_false(matrix.zeros(1, 6):allclose(matrix.zeros(6, 1)))
    local n = matrix { { 1, 0 / 0 } }
    assert.is_false(n:allclose(n:copy()))
    assert.is_false(n:allclose(n))
    assert.is_false(matrix { { 1, 2 } }:allclose(n))
    assert.is_true(matrix.zeros(0, 2):allclose(matrix.zeros(0, 2)))
  end)

  it('allclose treats infinities as numpy does: equal infinities are close', function()
    local inf = math.huge
    assert.is_true(matrix { { inf, -inf } }:allclose(matrix { { inf, -inf } }))
    assert.is_false(matrix { { inf } }:allclose(matrix { { -inf } }))
    assert.is_false(matrix { { 1e308 } }:allclose(matrix { { inf } }))
    assert.is_false(matrix { { inf } }:allclose(matrix { { 1e308 } }))
  end)
end)

-- Printing -------------------------------------------------------------------

describe('printing', function()
  it('starts with "matrix RxC" and prints one line per row', function()
    local s = tostring(matrix { { 1, 2.5 }, { -3, 1234567 }, { 1 / 3, math.pi } })
    local l = lines(s)
    assert.are.equal('matrix 3x2', l[1])
    assert.are.equal(4, #l, s)
    assert.are.equal('matrix 0x0', lines(tostring(matrix.zeros(0, 0)))[1])
    assert.are.equal('matrix 0x5', lines(tostring(matrix.zeros(0, 5)))[1])
    assert.are.equal('matrix 1x1', lines(tostring(matrix { { 7 } }))[1])
  end)

  it('prints every value with 6 significant digits, in row order', function()
    local t = { { 1, 2.5, -3 }, { 1234567, 1 / 3, math.pi }, { 1e-7, -0.000123456789, 100 } }
    local s = tostring(matrix(t))
    local l = lines(s)
    for i = 1, 3 do
      local tk = tokens(l[i + 1])
      assert.are.equal(3, #tk, 'row ' .. i .. ': ' .. l[i + 1])
      for j = 1, 3 do
        assert.are.equal(string.format('%.6g', t[i][j]), tk[j].text, s)
      end
    end
  end)

  it('aligns the columns', function()
    local t = { { 1, -222.5, 3 }, { 12345, 0.5, -1e-10 }, { -7, 8, 99999 } }
    local s = tostring(matrix(t))
    local l = lines(s)
    local rows = { tokens(l[2]), tokens(l[3]), tokens(l[4]) }
    for j = 1, 3 do
      local same_s, same_e = true, true
      for i = 2, 3 do
        same_s = same_s and rows[i][j].s == rows[1][j].s
        same_e = same_e and rows[i][j].e == rows[1][j].e
      end
      assert.is_true(same_s or same_e, 'column ' .. j .. ' is not aligned:\n' .. s)
    end
  end)

  it('prints NaN and infinities', function()
    local s = tostring(matrix { { 0 / 0, math.huge, -math.huge } })
    local tk = tokens(lines(s)[2])
    assert.are.equal(3, #tk, s)
    assert.is_truthy(tk[1].text:lower():find('nan'))
    assert.is_truthy(tk[2].text:lower():find('inf'))
    assert.is_truthy(tk[3].text:lower():find('^%-inf'))
  end)

  local function numbered(r, c)
    return matrix(tab(r, c, function(i, j) return i * 1000 + j end))
  end
  local function first_last(line)
    local tk = tokens(line)
    return tk[1] and tk[1].text, tk[#tk] and tk[#tk].text
  end

  it('shows 20 rows and 10 columns in full', function()
    local s = tostring(numbered(20, 10))
    local l = lines(s)
    assert.are.equal(21, #l, s)
    assert.is_nil(s:find('...', 1, true))
    for i = 1, 20 do
      local tk = tokens(l[i + 1])
      assert.are.equal(10, #tk)
      for j = 1, 10 do assert.are.equal(tostring(i * 1000 + j), tk[j].text) end
    end
  end)

  it('elides the middle rows of a 21-row matrix, keeping the first and last', function()
    local s = tostring(numbered(21, 3))
    local l = lines(s)
    assert.is_truthy(s:find('...', 1, true), s)
    assert.are.same({ '1001', '1003' }, { first_last(l[2]) })
    local found_last, middle = false, false
    for k = 2, #l do
      local f, la = first_last(l[k])
      if f == '21001' and la == '21003' then found_last = true end
      if f == '11001' then middle = true end
    end
    assert.is_true(found_last, 'last row missing:\n' .. s)
    assert.is_false(middle, 'middle row shown:\n' .. s)
  end)

  it('elides the middle columns of an 11-column matrix, keeping the first and last', function()
    local s = tostring(numbered(2, 11))
    local l = lines(s)
    assert.are.equal(3, #l, s)
    for i = 1, 2 do
      assert.is_truthy(l[i + 1]:find('...', 1, true), s)
      local f, la = first_last(l[i + 1])
      assert.are.same({ tostring(i * 1000 + 1), tostring(i * 1000 + 11) }, { f, la })
      local shown = 0
      for _, tk in ipairs(tokens(l[i + 1])) do
        if tonumber(tk.text) then shown = shown + 1 end
      end
      assert.is_true(shown < 11, 'no column elided:\n' .. s)
    end
  end)

  it('keeps a 100x100 matrix short', function()
    local s = tostring(numbered(100, 100))
    local l = lines(s)
    assert.are.equal('matrix 100x100', l[1])
    assert.is_truthy(s:find('...', 1, true))
    assert.is_true(#l <= 25, #l .. ' lines')
    assert.is_true(#s < 3000, #s .. ' characters')
    for _, line in ipairs(l) do assert.is_true(#line <= 160, line) end
    assert.are.same({ '1001', '1100' }, { first_last(l[2]) })
    local last_row, middle = false, false
    for k = 2, #l do
      local f, la = first_last(l[k])
      if f == '100001' and la == '100100' then last_row = true end
      for _, tk in ipairs(tokens(l[k])) do
        if tk.text == '50050' then middle = true end
      end
    end
    assert.is_true(last_row, 'last row missing:\n' .. s)
    assert.is_false(middle, 'middle element shown:\n' .. s)
  end)

  it('print() uses the same text', function()
    local m = matrix { { 1, 2 } }
    local out = {}
    local saved = _G.print
    _G.print = function(...) out[#out + 1] = tostring((...)) end
    print(m)
    _G.print = saved
    assert.are.equal(tostring(m), out[1])
  end)
end)

-- Misc -------------------------------------------------------------------------

describe('the module table', function()
  it('is the method table: matrix.f(a, ...) is a:f(...)', function()
    local a = matrix { { 1, 2 }, { 3, 4 } }
    for _, name in ipairs { 'shape', 'get', 'set', 'row', 'col', 'copy', 'reshape', 'T',
      'totable', 'fill', 'mul', 'div', 'add', 'sub', 'matmul', 'scale', 'map', 'sum',
      'mean', 'max', 'min', 'argmax', 'dot', 'norm', 'allclose', 'transpose' } do
      assert.are.equal('function', type(matrix[name]), name)
      assert.are.equal(matrix[name], a[name], name)
    end
    assert.are.same({ 2, 2 }, { matrix.shape(a) })
    assert.are.equal(10, matrix.sum(a))
  end)

  it('uses the registry name "matrix" for its metatable', function()
    local mt = debug.getregistry().matrix
    assert.are.equal('table', type(mt))
    assert.are.equal(mt, debug.getmetatable(matrix.zeros(1, 1)))
  end)

  it('is the one from require "nnlab"', function()
    assert.are.equal(require('nnlab').matrix, require('nnlab.core').matrix)
  end)
end)
