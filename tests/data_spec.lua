-- The data module: the homework's data sets built in, text files with a label
-- column, one-hot encoding, splits, standardisation and seeded generators,
-- each checked against values computed here independently.
local nnlab = require 'nnlab'
local core = require 'nnlab.core'
local matrix, data = nnlab.matrix, nnlab.data

local permutations = dofile(H.root .. '/tests/fixtures/data.lua')

local tmpdir = H.tmpdir

local writefile = H.write
local err = H.err_at('data_spec.lua')

-- Rows {x1, x2, label} of a data file, read with plain Lua.
local function readrows(path)
  local rows = {}
  for line in io.lines(path) do
    if not line:match('^%s*#') and line:match('%S') then
      local row = {}
      for tok in line:gmatch('[^%s,]+') do row[#row + 1] = assert(tonumber(tok)) end
      rows[#rows + 1] = row
    end
  end
  return rows
end

local function shape(m) return { m:shape() } end

describe('built-in data sets', function()
  it('are exactly the files in data/', function()
    local files = {}
    local p = io.popen('ls ' .. H.quote(H.root .. '/data'))
    for name in p:lines() do files[#files + 1] = name:match('^(.+)%.txt$') end
    p:close()
    table.sort(files)
    assert.are.same({ 'exoplanets', 'hard', 'super_simple_separable',
      'super_simple_separable_through_origin', 'xor', 'xor_more' }, files)
    assert.are.same(files, data.names)
  end)

  for _, name in ipairs{ 'exoplanets', 'hard', 'super_simple_separable',
    'super_simple_separable_through_origin', 'xor', 'xor_more' } do
    it(name .. ': embedded values equal the file, as X, Y = {1-y; y} and labels', function()
      local path = H.root .. '/data/' .. name .. '.txt'
      local rows = readrows(path)
      local X, Y, labels = data.load(name)
      local n = #rows
      assert.are.same({ 2, n }, shape(X))
      assert.are.same({ 2, n }, shape(Y))
      assert.are.same({ 1, n }, shape(labels))
      for j, r in ipairs(rows) do
        assert.are.equal(r[1], X:get(1, j))
        assert.are.equal(r[2], X:get(2, j))
        assert.are.equal(r[3], labels:get(1, j))
        assert.are.equal(1 - r[3], Y:get(1, j))
        assert.are.equal(r[3], Y:get(2, j))
      end
      -- and the C parser reads the file to the same numbers
      local cols = core.io.readtable(path):T():totable()
      assert.are.equal(X, matrix { cols[1], cols[2] })
      assert.are.equal(labels, matrix { cols[3] })
      -- data.NAME() is data.load(NAME)
      local X2, Y2, l2 = data[name]()
      assert.are.equal(X, X2)
      assert.are.equal(Y, Y2)
      assert.are.equal(labels, l2)
    end)
  end

  it('are in the nnlab program, from any directory, as the global data', function()
    local out, e, code = H.sh('cd / && env -u LUA_PATH -u LUA_CPATH ' .. H.quote(H.bin) ..
      [[ -e "local X, Y, l = data.hard(); print(X:shape()); print(Y:get(2, 1), l:get(1, 1), type(plot.scatter))"]])
    assert.are.equal(0, code, e)
    assert.are.equal('2\t20\n1.0\t1.0\tfunction\n', out)
  end)

  it('are listed with their sizes', function()
    local printed, list = _G.print, nil
    _G.print = function(s) list = s end
    data.list()
    _G.print = printed
    assert.is_truthy(list:find('hard%s+20 points'), list)
    assert.is_truthy(list:find('xor_more%s+8 points'), list)
  end)

  it('exoplanets: what tools/gen_exoplanets.lua writes, labelled by the lecture\'s step features',
    function()
    local dir = tmpdir()
    local out, e, code = H.sh(string.format('cd %s && %s tools/gen_exoplanets.lua %s/exo.txt',
      H.quote(H.root), H.quote(H.bin), H.quote(dir)))
    assert.are.equal(0, code, out .. e)
    assert.are.equal(H.slurp(H.root .. '/data/exoplanets.txt'), H.slurp(dir .. '/exo.txt'))
    os.execute('rm -rf ' .. H.quote(dir))
    -- the label is the classifier theta = (1, 1), theta0 = -0.5 on the two
    -- step features, built from nn modules with fixed weights; both labels
    -- and both features are represented, and no point has both features
    local X, _, labels = data.exoplanets()
    local phi = nnlab.nn.Linear(2, 2)
    phi.W, phi.W0 = matrix { { -1, 1 }, { 0.5, -0.5 } }, matrix.col { 0.5, -1 }
    local Phi = nnlab.nn.Step():forward(phi:forward(X))
    local Z = matrix { { 1, 1 } } * Phi - 0.5
    assert.are.equal(nnlab.nn.Step():forward(Z), labels)
    assert.are.same({ 2, 40 }, shape(X))
    assert.are.equal(24, labels:sum())
    assert.are.equal(12, Phi:sum(2):get(1, 1))
    assert.are.equal(12, Phi:sum(2):get(2, 1))
    assert.are.equal(0, Phi:row(1):mul(Phi:row(2)):sum())
  end)

  it('the committed datasets.lua is what the tool writes from data/', function()
    local dir = tmpdir()
    local out, e, code = H.sh(string.format('cp -r %s/data %s/tools %s && mkdir %s/lua %s/lua/nnlab && cd %s && lua5.4 tools/gen_datasets.lua',
      H.quote(H.root), H.quote(H.root), H.quote(dir), H.quote(dir), H.quote(dir), H.quote(dir)))
    assert.are.equal(0, code, out .. e)
    assert.are.equal(H.slurp(H.root .. '/lua/nnlab/datasets.lua'), H.slurp(dir .. '/lua/nnlab/datasets.lua'))
    os.execute('rm -rf ' .. H.quote(dir))
  end)
end)

describe('data.load and data.save of text files', function()
  local dir
  before_each(function() dir = tmpdir() end)
  after_each(function() os.execute('rm -rf ' .. H.quote(dir)) end)

  it('reads a course lab file (x1 x2 label, labels -1/+1, commas or blanks)', function()
    local path = dir .. '/lab.csv'
    writefile(path, '# lab 3\n1.5, 2, -1\n-3,4.25,1\n\n0 0 1\n')
    local X, Y, labels = data.load(path)
    assert.are.equal(matrix { { 1.5, -3, 0 }, { 2, 4.25, 0 } }, X)
    assert.are.equal(matrix { { -1, 1, 1 } }, labels)
    -- classes in sorted order: -1 is row 1, +1 row 2
    assert.are.equal(matrix { { 1, 0, 0 }, { 0, 1, 1 } }, Y)
  end)

  it('takes the label from another column, or none', function()
    local path = dir .. '/t.txt'
    writefile(path, '7 1 2 3\n8 4 5 6\n')
    local X, Y, labels = data.load(path, { label = 1 })
    assert.are.equal(matrix { { 1, 4 }, { 2, 5 }, { 3, 6 } }, X)
    assert.are.equal(matrix { { 7, 8 } }, labels)
    assert.are.equal(matrix { { 1, 0 }, { 0, 1 } }, Y)
    X = data.load(path, { label = false })
    assert.are.equal(matrix { { 7, 8 }, { 1, 4 }, { 2, 5 }, { 3, 6 } }, X)
    local _, _, l2 = data.load(path, { label = -2 })
    assert.are.equal(matrix { { 2, 5 } }, l2)
  end)

  it('says which line and column is malformed', function()
    local path = dir .. '/bad.txt'
    writefile(path, '1 2 1\n3 4\n')
    assert.are.equal('data.load: ' .. path .. ': line 2 has 2 columns, line 1 has 3',
      err(function() data.load(path) end))
    writefile(path, '# c\n1 2 1\n3 4 one\n')
    assert.are.equal('data.load: ' .. path .. ": line 3, column 3: expected a number, got 'one'",
      err(function() data.load(path) end))
    writefile(path, '1 nan 0\n')
    assert.are.equal('data.load: ' .. path .. ": line 1, column 2: expected a finite number, got 'nan'",
      err(function() data.load(path) end))
    writefile(path, '1\n2\n')
    assert.are.equal('data.load: ' .. path .. ' has 1 column; expected features and a label column (or pass {label = false})',
      err(function() data.load(path) end))
    assert.are.equal("data.load: cannot open 'nosuch': No such file or directory " ..
      '(built-in data sets: exoplanets, hard, super_simple_separable, super_simple_separable_through_origin, xor, xor_more)',
      err(function() data.load('nosuch') end))
    writefile(path, '1 2\n')
    assert.are.equal('data.load: label column 5 is out of range for ' .. path .. ' with 2 columns',
      err(function() data.load(path, { label = 5 }) end))
  end)

  it('saves X and labels, and loads them back exactly', function()
    matrix.seed(3)
    local X = matrix.randn(3, 6)
    local labels = matrix { { 1, -1, 1, 1, -1, -1 } }
    local path = dir .. '/out.txt'
    data.save(path, X, labels)
    local text = H.slurp(path)
    assert.are.equal('# nnlab data: 6 points, 3 features, the label last\n# x1 x2 x3 label\n',
      text:match('^(#[^\n]*\n#[^\n]*\n)'))
    local X2, Y2, l2 = data.load(path)
    assert.are.equal(X, X2)
    assert.are.equal(labels, l2)
    assert.are.equal(data.one_hot(labels), Y2)
    -- labels as a Lua table, and no labels
    data.save(path, X, { 0, 1, 0, 1, 0, 1 })
    assert.are.equal(matrix { { 0, 1, 0, 1, 0, 1 } }, select(3, data.load(path)))
    data.save(path, X)
    assert.are.equal(X, data.load(path, { label = false }))
  end)

  it('refuses mismatched labels and unwritable paths', function()
    local X = matrix.zeros(2, 3)
    assert.are.equal('data.save: X has 3 points (columns) but labels has 2',
      err(function() data.save(dir .. '/a.txt', X, { 1, 2 }) end))
    assert.are.equal('data.save: labels must be a 1 x n row (or a table), got a 2x3 matrix',
      err(function() data.save(dir .. '/a.txt', X, matrix.zeros(2, 3)) end))
    assert.are.equal("data.save: cannot write '" .. dir .. "/no/a.txt': No such file or directory",
      err(function() data.save(dir .. '/no/a.txt', X) end))
  end)
end)

describe('data.one_hot', function()
  -- Y computed the plain way: row k is 1 where the label is classes[k].
  local function expected(ys, classes)
    local rows = {}
    for k, c in ipairs(classes) do
      rows[k] = {}
      for j, y in ipairs(ys) do rows[k][j] = (y == c) and 1 or 0 end
    end
    return matrix(rows)
  end

  it('maps the distinct labels, sorted, to rows', function()
    local ys = { 3, -1, 3, 2.5, -1, 7 }
    local Y, classes = data.one_hot(matrix.row(ys))
    assert.are.same({ -1, 2.5, 3, 7 }, classes)
    assert.are.equal(expected(ys, classes), Y)
    assert.are.equal(Y, (data.one_hot(ys)))             -- a Lua table
    assert.are.equal(Y, (data.one_hot(matrix.col(ys)))) -- a column
  end)

  it('gives the homework\'s {1-y; y} for 0/1 labels', function()
    local ys = { 0, 1, 1, 0, 1 }
    local Y = data.one_hot(ys)
    for j, y in ipairs(ys) do
      assert.are.equal(1 - y, Y:get(1, j))
      assert.are.equal(y, Y:get(2, j))
    end
  end)

  it('takes the classes as a list (order kept) or as k for indices 1..k', function()
    local ys = { 2, 0, 1, 2 }
    local Y, classes = data.one_hot(ys, { 2, 1, 0 })
    assert.are.same({ 2, 1, 0 }, classes)
    assert.are.equal(expected(ys, { 2, 1, 0 }), Y)
    Y = data.one_hot({ 1, 3, 3 }, 4)  -- class 2 and 4 absent: rows of zeros
    assert.are.equal(expected({ 1, 3, 3 }, { 1, 2, 3, 4 }), Y)
  end)

  it('says which label does not fit', function()
    assert.are.equal('data.one_hot: label 0 (point 2) is not one of the classes {1, 2} (with k, labels are class indices 1..k)',
      err(function() data.one_hot({ 1, 0 }, 2) end))
    assert.are.equal('data.one_hot: label 5 (point 1) is not one of the classes {-1, 1}',
      err(function() data.one_hot({ 5 }, { -1, 1 }) end))
    assert.are.equal('data.one_hot: label 2 is nan', err(function() data.one_hot({ 1, 0 / 0 }) end))
    assert.are.equal('data.one_hot: labels must be a 1 x n row (or a table), got a 2x2 matrix',
      err(function() data.one_hot(matrix.eye(2)) end))
    assert.are.equal('data.one_hot: class 1 is listed twice', err(function() data.one_hot({ 1 }, { 1, 1 }) end))
  end)
end)

describe('data.split', function()
  -- X's column j is {j, 10 j}; Y's column j is {100 j}: pairs stay together.
  local function indexed(n)
    local X, Y = matrix.zeros(2, n), matrix.zeros(1, n)
    for j = 1, n do
      X:set(1, j, j):set(2, j, 10 * j)
      Y:set(1, j, 100 * j)
    end
    return X, Y
  end

  it('uses numpy\'s permutation: validation = p[:nval], training = p[nval:]', function()
    for _, case in ipairs(permutations) do
      local X, Y = indexed(case.n)
      local frac = 0.3
      local Xt, Yt, Xv, Yv = data.split(X, Y, frac, case.seed)
      local nval = math.floor(case.n * frac + 0.5)
      local want_val, want_train = {}, {}
      for i, p in ipairs(case.permutation) do
        if i <= nval then want_val[#want_val + 1] = p + 1 else want_train[#want_train + 1] = p + 1 end
      end
      local function firstrow(m)
        local t = {}
        for j = 1, select(2, m:shape()) do t[j] = m:get(1, j) end
        return t
      end
      assert.are.same(want_val, firstrow(Xv))
      assert.are.same(want_train, firstrow(Xt))
      for j = 1, #want_val do
        assert.are.equal(10 * Xv:get(1, j), Xv:get(2, j))
        assert.are.equal(100 * Xv:get(1, j), Yv:get(1, j))
      end
      for j = 1, #want_train do assert.are.equal(100 * Xt:get(1, j), Yt:get(1, j)) end
    end
  end)

  it('is reproducible by seed and keeps one-hot Y with its X', function()
    local X, _, labels = data.load('hard')
    local Y = data.one_hot(labels)
    local a = { data.split(X, Y, 0.25, 9) }
    local b = { data.split(X, Y, { val = 0.25, seed = 9 }) }
    for i = 1, 4 do assert.are.equal(a[i], b[i]) end
    assert.are.same({ 2, 15 }, shape(a[1]))
    assert.are.same({ 2, 5 }, shape(a[3]))
    assert.are.same({ 2, 5 }, shape(a[4]))
    local c = { data.split(X, Y, 0.25, 10) }
    assert.are_not.equal(a[1], c[1])
    -- every point appears once, with its own label
    local seen = 0
    for _, part in ipairs{ { a[1], a[2] }, { a[3], a[4] } } do
      local Xp, Yp = part[1], part[2]
      for j = 1, select(2, Xp:shape()) do
        for k = 1, 20 do
          if X:get(1, k) == Xp:get(1, j) and X:get(2, k) == Xp:get(2, j) then
            assert.are.equal(Y:get(2, k), Yp:get(2, j))
            seen = seen + 1
          end
        end
      end
    end
    assert.are.equal(20, seen)
  end)

  it('defaults to a fifth for validation, and allows none', function()
    local X, Y = indexed(10)
    local Xt, _, Xv = data.split(X, Y)
    assert.are.same({ 2, 8 }, shape(Xt))
    assert.are.same({ 2, 2 }, shape(Xv))
    Xt, _, Xv = data.split(X, Y, 0)
    assert.are.same({ 2, 10 }, shape(Xt))
    assert.are.same({ 2, 0 }, shape(Xv))
  end)

  it('checks its arguments', function()
    local X, Y = indexed(4)
    assert.are.equal('data.split: X has 4 points (columns) but Y has 3',
      err(function() data.split(X, matrix.zeros(1, 3)) end))
    assert.are.equal('data.split: the validation fraction must be a number in [0, 1], got 1.5',
      err(function() data.split(X, Y, 1.5) end))
    assert.are.equal('data.split: seed must be in 0 .. 2^32-1, got -1',
      err(function() data.split(X, Y, 0.5, -1) end))
  end)
end)

describe('data.standardize', function()
  -- mean and (population) standard deviation of each row, with loops
  local function stats(X)
    local d, n = X:shape()
    local mean, std = {}, {}
    for i = 1, d do
      local s = 0
      for j = 1, n do s = s + X:get(i, j) end
      mean[i] = s / n
      local v = 0
      for j = 1, n do v = v + (X:get(i, j) - mean[i]) ^ 2 end
      std[i] = math.sqrt(v / n)
    end
    return mean, std
  end

  it('centres each feature and scales it to unit variance', function()
    matrix.seed(4)
    local X = matrix.randn(3, 50, 5, 3)
    local Xs, mean, std = data.standardize(X)
    local m0, s0 = stats(X)
    assert.are.same({ 3, 1 }, shape(mean))
    assert.are.same({ 3, 1 }, shape(std))
    for i = 1, 3 do
      assert.is_true(math.abs(mean:get(i) - m0[i]) < 1e-12)
      assert.is_true(math.abs(std:get(i) - s0[i]) < 1e-12)
    end
    local m1, s1 = stats(Xs)
    for i = 1, 3 do
      assert.is_true(math.abs(m1[i]) < 1e-12, 'mean ' .. m1[i])
      assert.is_true(math.abs(s1[i] - 1) < 1e-12, 'std ' .. s1[i])
    end
  end)

  it('applies a mean and std to other data', function()
    matrix.seed(5)
    local X, Z = matrix.randn(2, 20), matrix.randn(2, 7)
    local _, mean, std = data.standardize(X)
    local Zs = data.standardise(Z, mean, std)
    for i = 1, 2 do
      for j = 1, 7 do
        local want = (Z:get(i, j) - mean:get(i)) / std:get(i)
        assert.is_true(math.abs(Zs:get(i, j) - want) < 1e-15)
      end
    end
  end)

  it('leaves a constant feature centred instead of dividing by zero', function()
    local Xs, _, std = data.standardize(matrix { { 2, 2, 2 }, { 1, 2, 3 } })
    assert.are.equal(1, std:get(1))
    assert.are.same({ 0, 0, 0 }, Xs:totable()[1])
  end)

  it('checks shapes', function()
    assert.are.equal('data.standardize: mean must be 2x1 for a 2x3 X, got 3x1',
      err(function() data.standardize(matrix.zeros(2, 3), matrix.zeros(3, 1), matrix.ones(2, 1)) end))
    assert.are.equal('data.standardize: X has no points (it is 2x0)',
      err(function() data.standardize(matrix.zeros(2, 0)) end))
  end)
end)

describe('generators', function()
  local gens = { 'blobs', 'circles', 'spirals', 'noisy_xor' }

  for _, g in ipairs(gens) do
    it(g .. ': shapes, labels, balance, one-hot Y, reproducible by seed', function()
      local X, Y, labels = data[g](101, { seed = 1 })
      assert.are.same({ 2, 101 }, shape(X))
      assert.are.same({ 2, 101 }, shape(Y))
      assert.are.same({ 1, 101 }, shape(labels))
      local count = { [0] = 0, [1] = 0 }
      for j = 1, 101 do
        local y = labels:get(j)
        assert.is_truthy(y == 0 or y == 1)
        count[y] = count[y] + 1
      end
      assert.is_true(math.abs(count[0] - count[1]) <= 1, g .. ' is unbalanced')
      assert.are.equal(data.one_hot(labels, { 0, 1 }), Y)
      local X2, Y2, l2 = data[g](101, 1)  -- a number is the seed
      assert.are.equal(X, X2)
      assert.are.equal(Y, Y2)
      assert.are.equal(labels, l2)
      assert.are_not.equal(X, (data[g](101, 2)))
    end)
  end

  it('blobs: k clusters around their centres', function()
    local C = matrix { { 0, 10, -10 }, { 0, 10, 5 }, { 1, 2, 3 } }
    local X, Y, labels = data.blobs(300, { centers = C, std = 0.1, seed = 3 })
    assert.are.same({ 3, 300 }, shape(X))
    assert.are.same({ 3, 300 }, shape(Y))
    for j = 1, 300 do
      local c = labels:get(j) + 1
      for i = 1, 3 do assert.is_true(math.abs(X:get(i, j) - C:get(i, c)) < 0.6) end
    end
    local _, Y4 = data.blobs(8, { k = 4, seed = 1 })
    assert.are.same({ 4, 8 }, shape(Y4))
  end)

  it('circles: the outer ring has radius 1, the inner one the factor', function()
    local X, _, labels = data.circles(400, { noise = 0, factor = 0.3, seed = 2 })
    for j = 1, 400 do
      local r = math.sqrt(X:get(1, j) ^ 2 + X:get(2, j) ^ 2)
      local want = labels:get(j) == 0 and 1 or 0.3
      assert.is_true(math.abs(r - want) < 1e-12)
    end
  end)

  it('spirals: radius at most 1 without noise, the arms half a turn apart', function()
    local X, _, labels = data.spirals(200, { noise = 0, seed = 5 })
    for j = 1, 200 do
      local x, y = X:get(1, j), X:get(2, j)
      local r = math.sqrt(x * x + y * y)
      assert.is_true(r <= 1 + 1e-12)
      -- angle = r * turns * 2 pi (+ pi for class 1)
      local a = r * 1.5 * 2 * math.pi + labels:get(j) * math.pi
      assert.is_true(math.abs(x - r * math.cos(a)) < 1e-9 and math.abs(y - r * math.sin(a)) < 1e-9)
    end
  end)

  it('noisy_xor: without noise, label 1 exactly where x1 x2 < 0', function()
    local X, _, labels = data.noisy_xor(40, { noise = 0, seed = 1 })
    for j = 1, 40 do
      assert.are.equal(X:get(1, j) * X:get(2, j) < 0 and 1 or 0, labels:get(j))
      assert.are.equal(1, math.abs(X:get(1, j)))
    end
  end)

  it('regression: sorted x in [lo, hi], y = f(x) + noise of the given size', function()
    local X, Y, F = data.regression(2000, { seed = 8, noise = 0.2, lo = -1, hi = 2 })
    assert.are.same({ 1, 2000 }, shape(X))
    local sum, sq = 0, 0
    for j = 1, 2000 do
      local x = X:get(j)
      assert.is_true(x >= -1 and x <= 2)
      if j > 1 then assert.is_true(X:get(j - 1) <= x) end
      assert.are.equal(math.sin(x), F:get(j))
      local e = Y:get(j) - F:get(j)
      sum, sq = sum + e, sq + e * e
    end
    local sd = math.sqrt(sq / 2000 - (sum / 2000) ^ 2)
    assert.is_true(math.abs(sd - 0.2) < 0.02, 'noise sd ' .. sd)
    local X2, Y2 = data.regression(5, { noise = 0, f = function(x) return 2 * x + 1 end, seed = 1 })
    for j = 1, 5 do assert.are.equal(2 * X2:get(j) + 1, Y2:get(j)) end
  end)

  it('check their arguments', function()
    assert.are.equal('data.blobs: n (the number of points) must be a positive integer, got 0',
      err(function() data.blobs(0) end))
    assert.are.equal('data.circles: noise must be a non-negative number, got -1',
      err(function() data.circles(10, { noise = -1 }) end))
    assert.are.equal('data.spirals: opts must be a table or a seed, got string',
      err(function() data.spirals(10, 'x') end))
    assert.are.equal('data.blobs: k must be a positive integer, got 0',
      err(function() data.blobs(10, { k = 0 }) end))
    assert.is_truthy(err(function() data.regression(3, { f = function() end }) end)
      :match('^data%.regression: f%(%-?[%d.]+%) returned nil, expected a number$'))
  end)
end)
