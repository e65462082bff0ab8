-- numpy's everyday jobs in C: elementwise functions (exp, log, tanh, sqrt,
-- abs, sign), maximum / minimum / clip / where, comparison masks, slicing
-- and stacking; each against a plain-Lua reference, with its destination
-- form and its errors; and NaN printed as nan.

local nnlab = require 'nnlab'
local matrix = nnlab.matrix

local err = H.err_at('elementwise_spec.lua')

-- The same bits (NaN matches NaN).
local function same(a, b)
  return a == b and (a ~= 0 or 1 / a == 1 / b) or (a ~= a and b ~= b)
end

local function check_all(m, f, ref)
  local r, c = m:shape()
  for i = 1, r do
    for j = 1, c do
      local want, got = ref(m:get(i, j)), f:get(i, j)
      assert(same(want, got), string.format('(%d, %d): %s gives %.17g, want %.17g', i, j,
        tostring(m:get(i, j)), got, want))
    end
  end
end

local X = matrix { { -2.5, -1, -0.0, 0, 1e-300, 0.5 }, { 3, 700, -745, 1 / 0, -1 / 0, 0 / 0 } }

describe('elementwise functions', function()
  local refs = {
    exp = math.exp, log = math.log, sqrt = math.sqrt, abs = math.abs,
    sign = function(x) return x > 0 and 1.0 or x < 0 and -1.0 or x == 0 and 0.0 or x end,
  }
  for name, ref in pairs(refs) do
    it(name .. ' is the C library\'s, bit for bit, new and into a destination', function()
      check_all(X, matrix[name](X), ref)
      check_all(X, X[name](X), ref)
      local D = matrix.zeros(X:shape())
      assert.are.equal(D, matrix[name](X, D))
      assert.is_true(rawequal(D, matrix[name](X, D)))
      check_all(X, D, ref)
      local Y = X:copy()
      matrix[name](Y, Y)   -- in place
      check_all(X, Y, ref)
    end)
  end

  it('log of a negative number is nan and log(0) is -inf, as numpy; sqrt(-1) is nan', function()
    local L = matrix.log(matrix { { -1, 0, -0.0 } })
    assert.is_true(L:get(1, 1) ~= L:get(1, 1))
    assert.are.equal(-math.huge, L:get(1, 2))
    assert.are.equal(-math.huge, L:get(1, 3))
    local S = matrix.sqrt(matrix { { -1 } })
    assert.is_true(S:get(1, 1) ~= S:get(1, 1))
  end)

  it('tanh agrees with its definition to the last bits, and with map', function()
    local T = matrix.tanh(X)
    local function ref(x)
      if x ~= x then return x end
      if x > 20 then return 1.0 elseif x < -20 then return -1.0 end
      local e = math.exp(2 * x)
      return (e - 1) / (e + 1)
    end
    for j = 1, 6 do
      for i = 1, 2 do
        local x, t = X:get(i, j), T:get(i, j)
        if x ~= x then assert.is_true(t ~= t)
        elseif x == 0 then assert.is_true(same(x, t))  -- tanh(-0) = -0
        elseif math.abs(x) < 1e-200 then assert.are.equal(x, t)
        else assert.is_true(math.abs(t - ref(x)) <= 4e-16 * math.abs(t), x) end
      end
    end
    matrix.seed(1)
    local Z = matrix.randn(20, 30, 0, 3)
    assert.is_true(matrix.tanh(Z):allclose(Z:map(function(z)
      local e = math.exp(2 * z) return (e - 1) / (e + 1) end), 1e-14, 0))
  end)

  it('an empty matrix gives an empty matrix', function()
    assert.are.equal(matrix.zeros(0, 3), matrix.exp(matrix.zeros(0, 3)))
  end)

  it('errors: a wrong destination, not a matrix', function()
    assert.are.equal('exp: destination is 1x1 but the result is 2x6',
      err(function() matrix.exp(X, matrix.zeros(1, 1)) end))
    assert.are.equal('tanh: call it as A:tanh(3) (with a colon; argument 1 is a number, not a matrix)',
      err(function() matrix.tanh(3) end))
  end)
end)

describe('comparisons, maximum, minimum, clip, where', function()
  local A = matrix { { 1, -2, 0 / 0 }, { 0, 5, -0.0 } }
  local B = matrix { { 1, 2, 3 }, { -1, 0 / 0, 0 } }
  local ops = {
    gt = function(x, y) return x > y end, ge = function(x, y) return x >= y end,
    lt = function(x, y) return x < y end, le = function(x, y) return x <= y end,
    eq = function(x, y) return x == y end, ne = function(x, y) return x ~= y end,
  }
  for name, op in pairs(ops) do
    it(name .. ' gives a mask of 1 and 0, against a matrix or a number', function()
      local M = A[name](A, B)
      local N = A[name](A, 0)
      for i = 1, 2 do
        for j = 1, 3 do
          assert.are.equal(op(A:get(i, j), B:get(i, j)) and 1 or 0, M:get(i, j))
          assert.are.equal(op(A:get(i, j), 0) and 1 or 0, N:get(i, j))
        end
      end
      local D = matrix.zeros(2, 3)
      assert.is_true(rawequal(D, A[name](A, 0, D)))
      assert.are.equal(N, D)
    end)
  end

  it('maximum and minimum are numpy\'s: nan wins', function()
    local function ref(f) return function(x, y)
      if x ~= x or y ~= y then return 0 / 0 end return f(x, y) end end
    local Mx, Mn = matrix.maximum(A, B), A:minimum(B)
    for i = 1, 2 do
      for j = 1, 3 do
        assert.is_true(same(ref(math.max)(A:get(i, j), B:get(i, j)), Mx:get(i, j)) or
          (A:get(i, j) == 0 and Mx:get(i, j) == 0))
        assert.is_true(same(ref(math.min)(A:get(i, j), B:get(i, j)), Mn:get(i, j)) or
          (A:get(i, j) == 0 and Mn:get(i, j) == 0))
      end
    end
    assert.are.equal(matrix { { 1, 0 } }, matrix.maximum(matrix { { 1, -3 } }, 0))
    local D = matrix.zeros(1, 2)
    assert.is_true(rawequal(D, matrix.minimum(matrix { { 1, -3 } }, 0, D)))
    assert.are.equal(matrix { { 0, -3 } }, D)
  end)

  it('clip holds each element to lo..hi; nil is no bound; nan stays nan', function()
    local C = matrix.clip(matrix { { -5, 0.5, 5, 0 / 0 } }, 0, 1)
    assert.are.equal(0, C:get(1, 1)); assert.are.equal(0.5, C:get(1, 2)); assert.are.equal(1, C:get(1, 3))
    assert.is_true(C:get(1, 4) ~= C:get(1, 4))
    assert.are.equal(matrix { { -5, 0.5, 1 } }, matrix { { -5, 0.5, 5 } }:clip(nil, 1))
    assert.are.equal(matrix { { 0, 0.5, 5 } }, matrix { { -5, 0.5, 5 } }:clip(0))
    local D = matrix.zeros(1, 1)
    assert.is_true(rawequal(D, matrix.clip(matrix { { 7 } }, 0, 1, D)))
    assert.are.equal(1, D:get(1, 1))
  end)

  it('where picks from a or b by the mask (nan counts as true), matrices or numbers', function()
    local mask = matrix { { 1, 0, 0 / 0 }, { 0, 2, 0 } }
    assert.are.equal(matrix { { 1, 0, 3 }, { 0, 5, 0 } },
      matrix.where(mask, matrix { { 1, 2, 3 }, { 4, 5, 6 } }, 0))
    assert.are.equal(matrix { { 7, 8, 7 }, { 8, 7, 8 } }, matrix.where(mask, 7, 8))
    local D = matrix.zeros(2, 3)
    assert.is_true(rawequal(D, matrix.where(mask, 7, D, D)))
  end)

  it('errors name the function and both shapes', function()
    assert.are.equal('gt: 2x3 and 3x2 shapes differ (need a 2x3 matrix or a number)',
      err(function() A:gt(A:T()) end))
    assert.are.equal('maximum: 2x3 and 1x3 shapes differ (need a 2x3 matrix or a number)',
      err(function() matrix.maximum(A, matrix.ones(1, 3)) end))
    assert.are.equal('where: 2x3 and 2x2 shapes differ (need a 2x3 matrix or a number)',
      err(function() matrix.where(A, 1, matrix.eye(2)) end))
    assert.are.equal('clip: destination is 2x2 but the result is 2x3',
      err(function() matrix.clip(A, 0, 1, matrix.eye(2)) end))
    assert.are.equal("bad argument #2 to 'lt' (matrix or number expected, got string)",
      err(function() matrix.lt(A, 'x') end))
  end)
end)

describe('slice, hstack, vstack', function()
  local M = matrix { { 1, 2, 3, 4 }, { 5, 6, 7, 8 }, { 9, 10, 11, 12 } }

  -- The plain-Lua slice of rows i1..i2, columns j1..j2 (resolved).
  local function ref(i1, i2, j1, j2)
    local t = {}
    for i = i1, i2 do
      local row = {}
      for j = j1, j2 do row[#row + 1] = M:get(i, j) end
      t[#t + 1] = row
    end
    if #t == 0 then return matrix.zeros(0, j2 - j1 + 1) end
    if j2 < j1 then return matrix.zeros(i2 - i1 + 1, 0) end
    return matrix(t)
  end

  it('every range of rows and columns, with negatives and nil', function()
    local function res(k, n, default) if k == nil then return default end return k < 0 and n + 1 + k or k end
    local idx = { nil, 1, 2, 3, -1, -2, -3 }
    for a = 1, 7 do for b = 1, 7 do for c = 1, 5 do for d = 1, 5 do
      local i1, i2, j1, j2 = idx[a], idx[b], idx[c], idx[d]
      local ri1, ri2, rj1, rj2 = res(i1, 3, 1), res(i2, 3, 3), res(j1, 4, 1), res(j2, 4, 4)
      if ri2 >= ri1 - 1 and rj2 >= rj1 - 1 then
        assert.are.equal(ref(ri1, ri2, rj1, rj2), M:slice(i1, i2, j1, j2))
      end
    end end end end
    assert.are.equal(matrix { { 5, 6, 7, 8 } }, M:slice(2, 2))
    assert.are.equal(matrix.zeros(0, 4), M:slice(3, 2))
  end)

  it('is a copy, and fills a destination', function()
    local S = M:slice(1, 1)
    S:set(1, 1, 100)
    assert.are.equal(1, M:get(1, 1))
    local D = matrix.zeros(2, 2)
    assert.is_true(rawequal(D, M:slice(2, 3, -2, -1, D)))
    assert.are.equal(matrix { { 7, 8 }, { 11, 12 } }, D)
    local W = M:copy()
    assert.are.equal(M, W:slice(nil, nil, nil, nil, W))
  end)

  it('errors name the shape and the bad index', function()
    assert.are.equal('slice: row index 4 is out of range for a 3x4 matrix (rows 1..3, or -3..-1 from the end)',
      err(function() M:slice(4) end))
    assert.are.equal('slice: column index -5 is out of range for a 3x4 matrix (columns 1..4, or -4..-1 from the end)',
      err(function() M:slice(1, 2, -5) end))
    assert.are.equal('slice: row index 0 is out of range for a 3x4 matrix (rows 1..3, or -3..-1 from the end)',
      err(function() M:slice(0) end))
    assert.are.equal('slice: rows 3..1 of a 3x4 matrix: the first is after the last',
      err(function() M:slice(3, 1) end))
    assert.are.equal('slice: destination is 1x1 but the result is 3x4',
      err(function() M:slice(nil, nil, nil, nil, matrix.eye(1)) end))
  end)

  it('hstack and vstack, new and into a destination (which may be an input)', function()
    local A, c = matrix { { 1, 2 }, { 3, 4 } }, matrix.col { 5, 6 }
    assert.are.equal(matrix { { 1, 2, 5, 1, 2 }, { 3, 4, 6, 3, 4 } }, matrix.hstack { A, c, A })
    assert.are.equal(matrix { { 1, 2 }, { 3, 4 }, { 5, 6 } }, matrix.vstack { A, c:T() })
    assert.are.equal(A, matrix.vstack { A, matrix.zeros(0, 2) })
    local D = matrix.zeros(2, 3)
    assert.is_true(rawequal(D, matrix.hstack({ A, c }, D)))
    assert.are.equal(matrix { { 1, 2, 5 }, { 3, 4, 6 } }, D)
    local E = matrix { { 1, 2 }, { 3, 4 } }
    matrix.hstack({ E:slice(nil, nil, 2, 2), E:slice(nil, nil, 1, 1) }, E)
    assert.are.equal(matrix { { 2, 1 }, { 4, 3 } }, E)
    local F = matrix.col { 1, 2 }
    matrix.vstack({ F }, F)
    assert.are.equal(matrix.col { 1, 2 }, F)
  end)

  it('errors name the shapes that do not fit', function()
    local A = matrix.ones(2, 2)
    assert.are.equal('hstack: matrix 3 is 3x1 but matrix 1 is 2x2 (hstack needs equal row counts)',
      err(function() matrix.hstack { A, A, matrix.ones(3, 1) } end))
    assert.are.equal('vstack: matrix 2 is 1x3 but matrix 1 is 2x2 (vstack needs equal column counts)',
      err(function() matrix.vstack { A, matrix.ones(1, 3) } end))
    assert.are.equal('vstack: item 2 is a number, expected a matrix',
      err(function() matrix.vstack { A, 3 } end))
    assert.are.equal('hstack: expected a list of matrices, got an empty table',
      err(function() matrix.hstack {} end))
    assert.are.equal('hstack: destination is 2x2 but the result is 2x4',
      err(function() matrix.hstack({ A, A }, A) end))
  end)
end)

describe('the homework maths with the new functions (as a student writes it in numpy)', function()
  it('tanh, softmax and the ReLU mask agree with map', function()
    matrix.seed(3)
    local k, b = 10, 50
    local Z = matrix.randn(k, b)
    local tanh = Z:map(function(z) return 1 - 2 / (math.exp(2 * z) + 1) end)
    assert.is_true(matrix.tanh(Z):allclose(tanh, 1e-14, 1e-15))
    -- softmax: exp, the column sums, the division
    local E = matrix.exp(Z)
    local P = E:div(matrix.ones(k, 1) * E:sum(1))
    local Em = Z:map(math.exp)
    assert.are.equal(Em, E)
    local sums = Em:sum(1)
    local Pm = Em:map(function(e, _, j) return e / sums:get(j) end)
    assert.are.equal(Pm, P)
    assert.is_true(P:allclose(require('nnlab').nn.SoftMax():forward(Z), 1e-14))
    -- ReLU by a mask
    local relu = Z:mul(Z:gt(0))
    assert.are.equal(Z:map(function(z) return z > 0 and z or 0 end), relu)
    assert.are.equal(relu, matrix.maximum(Z, 0))
  end)
end)

describe('NaN prints as nan', function()
  it('in a matrix, and at the REPL prompt (0/0, in a table)', function()
    assert.are.equal('matrix 1x3\n  nan  1  nan', tostring(matrix { { 0 / 0, 1, -(0 / 0) } }))
    local pretty = require 'nnlab.pretty'
    assert.are.equal('nan', pretty.format(0 / 0))
    assert.are.equal('nan', pretty.format(-(0 / 0)))
    assert.are.equal('{nan, x = nan}', pretty.format({ 0 / 0, x = 0 / 0 }))
    local hist = os.tmpname()
    local out, e, code = H.sh('env TERM=xterm NO_COLOR=1 NNLAB_HISTORY=' .. H.quote(hist) .. ' ' ..
      H.quote(H.ptydrive) .. ' -t 30 ' .. H.quote(H.bin), [[
timeout 20
wait > 
line 0/0
wait nan
wait > 
line matrix{{0/0}}
wait 1x1
wait > 
ctrl-d
]])
    os.remove(hist)
    assert(code == 0 and e == '', 'ptydrive: ' .. e .. '\n' .. out)
    out = out:gsub('\r', '')
    assert.truthy(out:find('\n> 0/0\n[^\n]-nan\n', 1) or out:find('0/0\n%S*nan\n'), out)
    assert.is_nil(out:find('-nan', 1, true), out)
  end)
end)
