-- Every way of misusing a matrix gives a clear Lua error (never a crash), in
-- the words of the API contract: Lua's own "bad argument" messages for wrong
-- types, and messages that name the operation and both shapes otherwise.
--
-- The calls below are statements inside closures, never tail calls, so that
-- Lua can name the called function ('matmul', not '?') in its messages.  Lua
-- puts the position of the calling line in front of every message, which is
-- checked and then taken off.
local matrix = require('nnlab').matrix

-- The error message of f(), which must fail with a string, without the
-- "file:line: " of the call, which must be in this file (or a chunk of via).
local err = H.err_at('matrix_errors_spec.lua', 'via')

-- A function calling matrix.<name>(...) the way a user writes it, so that the
-- messages can name it (a call through matrix[name] is anonymous to Lua).
local function via(name)
  local chunk = 'local matrix = ... return function(...) matrix.' .. name .. '(...) end'
  return assert(load(chunk, '=via'))(matrix)
end

local function errors_with(msg, f)
  assert.are.equal(msg, err(f))
end

-- The message must start with prefix (a plain string).
local function errors_starting(prefix, f)
  local e = err(f)
  assert.are.equal(prefix, e:sub(1, #prefix), 'message: ' .. e)
end

-- The message must contain every one of the plain strings.
local function errors_mentioning(parts, f)
  local e = err(f)
  for _, p in ipairs(parts) do
    assert.is_truthy(e:find(p, 1, true), 'message lacks "' .. p .. '": ' .. e)
  end
end

local A = matrix { { 1, 2 }, { 3, 4 } }

describe('wrong argument types, in Lua\'s words', function()
  it('matmul', function()
    errors_with("bad argument #2 to 'matmul' (matrix expected, got nil)",
      function() matrix.matmul(A, nil) end)
    errors_with("bad argument #1 to 'matmul' (matrix expected, got nil)",
      function() matrix.matmul(nil, A) end)
    errors_with("bad argument #2 to 'matmul' (matrix expected, got table)",
      function() matrix.matmul(A, { { 1 } }) end)
    errors_with("bad argument #2 to 'matmul' (matrix expected, got number)",
      function() matrix.matmul(A, 2) end)
    errors_with("bad argument #3 to 'matmul' (matrix expected, got string)",
      function() matrix.matmul(A, A, 'x') end)
    -- method call: Lua does not count self
    errors_with("bad argument #1 to 'matmul' (matrix expected, got nil)",
      function() A:matmul(nil) end)
  end)

  it('with two bad arguments, the first is reported (as Lua\'s own functions do)', function()
    -- (no argument at all reads as A.matmul(): the hint for the colon)
    errors_with("matmul: call it as A:matmul() (with a colon; argument 1 is missing, not a matrix)",
      function() matrix.matmul() end)
    errors_with("matmul: call it as A:matmul(1, 2) (with a colon; argument 1 is a number, not a matrix)",
      function() matrix.matmul(1, 2) end)
    errors_with("dot: call it as A:dot(1, 2) (with a colon; argument 1 is a number, not a matrix)",
      function() matrix.dot(1, 2) end)
    errors_with("outer: call it as A:outer(1, 2) (with a colon; argument 1 is a number, not a matrix)",
      function() matrix.outer(1, 2) end)
    errors_with("allclose: call it as A:allclose(1, 2) (with a colon; argument 1 is a number, not a matrix)",
      function() matrix.allclose(1, 2) end)
    for _, name in ipairs { 'zeros', 'ones', 'rand', 'randn', 'eye' } do
      errors_with("bad argument #1 to '" .. name .. "' (number expected, got string)",
        function() via(name)('x', 'y') end)
      errors_with("bad argument #1 to '" .. name .. "' (number expected, got no value)",
        function() via(name)() end)
      errors_with("bad argument #1 to '" .. name .. "' (size must be non-negative, got -1)",
        function() via(name)(-1, -2) end)
    end
    errors_with("bad argument #1 to 'fill' (number expected, got string)",
      function() matrix.fill('x', 'y', 0) end)
    errors_with("bad argument #2 to 'randint' (number expected, got string)",
      function() matrix.randint(3, 'x', 'y') end)
  end)

  it('another userdata is not a matrix', function()
    errors_with("bad argument #1 to 'shape' (matrix expected, got FILE*)",
      function() matrix.shape(io.stdout) end)
    errors_with("bad argument #2 to 'matmul' (matrix expected, got FILE*)",
      function() matrix.matmul(A, io.stdout) end)
  end)

  it('sizes of the constructors', function()
    for _, name in ipairs { 'zeros', 'ones', 'rand', 'randn' } do
      errors_with("bad argument #1 to '" .. name .. "' (number expected, got string)",
        function() via(name)('x', 2) end)
      errors_with("bad argument #2 to '" .. name .. "' (number expected, got no value)",
        function() via(name)(2) end)
      errors_with("bad argument #1 to '" .. name .. "' (number expected, got nil)",
        function() via(name)(nil, 2) end)
      errors_with("bad argument #2 to '" .. name .. "' (number has no integer representation)",
        function() via(name)(2, 1.5) end)
      errors_with("bad argument #1 to '" .. name .. "' (number has no integer representation)",
        function() via(name)(0.5, 2) end)
      errors_with("bad argument #1 to '" .. name .. "' (number has no integer representation)",
        function() via(name)(2 ^ 63, 2) end)
    end
    errors_with("bad argument #1 to 'randint' (number expected, got no value)",
      function() matrix.randint() end)
    errors_with("bad argument #1 to 'fill' (number has no integer representation)",
      function() matrix.fill(1.5, 2, 0) end)
    errors_with("bad argument #3 to 'fill' (number expected, got string)",
      function() matrix.fill(2, 2, 'x') end)
    errors_with("bad argument #3 to 'fill' (number expected, got no value)",
      function() matrix.fill(2, 2) end)
    errors_with("bad argument #1 to 'eye' (number expected, got no value)",
      function() matrix.eye() end)
    errors_with("bad argument #1 to 'eye' (number has no integer representation)",
      function() matrix.eye(2.5) end)
    errors_with("bad argument #2 to 'eye' (number has no integer representation)",
      function() matrix.eye(2, 2.5) end)
    errors_with("bad argument #3 to 'randn' (number expected, got string)",
      function() matrix.randn(2, 2, 'x') end)
    errors_with("bad argument #4 to 'randn' (number expected, got table)",
      function() matrix.randn(2, 2, 0, {}) end)
    errors_with("bad argument #1 to 'randint' (number expected, got string)",
      function() matrix.randint('x') end)
    errors_with("bad argument #1 to 'randint' (number has no integer representation)",
      function() matrix.randint(2.5) end)
    errors_with("bad argument #2 to 'randint' (number has no integer representation)",
      function() matrix.randint(3, 1.5, 2) end)
    errors_with("bad argument #1 to 'seed' (number expected, got string)",
      function() matrix.seed('x') end)
    errors_with("bad argument #1 to 'seed' (number has no integer representation)",
      function() matrix.seed(1.5) end)
  end)

  it('accessors', function()
    errors_with("bad argument #1 to 'shape' (matrix expected, got nil)",
      function() matrix.shape(nil) end)
    errors_with("get: call it as A:get(...) (with a colon; argument 1 is a table, not a matrix)",
      function() matrix.get({}, 1, 1) end)
    errors_with("bad argument #2 to 'get' (number expected, got string)",
      function() matrix.get(A, 'x', 1) end)
    errors_with("bad argument #3 to 'get' (number has no integer representation)",
      function() matrix.get(A, 1, 1.5) end)
    errors_with("bad argument #2 to 'get' (number has no integer representation)",
      function() matrix.get(A, 0.5, 1) end)
    errors_with("bad argument #1 to 'get' (number has no integer representation)",
      function() A:get(1.5, 1) end)
    errors_with("bad argument #1 to 'set' (matrix expected, got nil)",
      function() matrix.set(nil, 1, 1, 0) end)
    errors_with("bad argument #4 to 'set' (number expected, got string)",
      function() matrix.set(A, 1, 1, 'x') end)
    errors_with("bad argument #4 to 'set' (number expected, got nil)",
      function() matrix.set(A, 1, 1, nil) end)
    errors_with("bad argument #3 to 'set' (number has no integer representation)",
      function() matrix.set(A, 1, 1.25, 0) end)
    errors_with("bad argument #1 to 'row' (number has no integer representation)",
      function() A:row(1.5) end)
    errors_with("bad argument #1 to 'col' (number has no integer representation)",
      function() A:col(1.5) end)
    errors_with("bad argument #1 to 'copy' (matrix expected, got nil)",
      function() matrix.copy(nil) end)
    errors_with("bad argument #2 to 'copy' (matrix expected, got number)",
      function() matrix.copy(A, 5) end)
    errors_with("bad argument #1 to 'reshape' (matrix expected, got nil)",
      function() matrix.reshape(nil, 1, 4) end)
    errors_with("bad argument #2 to 'reshape' (number expected, got string)",
      function() matrix.reshape(A, 'x', 4) end)
    errors_with("bad argument #3 to 'reshape' (number has no integer representation)",
      function() matrix.reshape(A, 1, 4.5) end)
    errors_with("bad argument #1 to 'T' (matrix expected, got nil)",
      function() matrix.T(nil) end)
    errors_with("transpose: call it as A:transpose(3) (with a colon; argument 1 is a number, not a matrix)",
      function() matrix.transpose(3) end)
    errors_with("bad argument #2 to 'transpose' (matrix expected, got string)",
      function() matrix.transpose(A, 'x') end)
    errors_with("bad argument #1 to 'totable' (matrix expected, got nil)",
      function() matrix.totable(nil) end)
    errors_with("bad argument #2 to 'fill' (number expected, got string)",
      function() matrix.fill(A, 'x') end)
    errors_with("bad argument #1 to 'fill' (number expected, got string)",
      function() A:fill('x') end)
  end)

  it('arithmetic functions', function()
    for _, name in ipairs { 'add', 'sub', 'mul', 'div' } do
      errors_with("bad argument #3 to '" .. name .. "' (matrix expected, got number)",
        function() via(name)(A, A, 5) end)
      errors_with("bad argument #3 to '" .. name .. "' (matrix expected, got table)",
        function() via(name)(A, 1, {}) end)
      errors_starting("bad argument #2 to '" .. name .. "' (",
        function() via(name)(A, {}) end)
      errors_starting("bad argument #2 to '" .. name .. "' (",
        function() via(name)(A, nil) end)
      errors_starting("bad argument #2 to '" .. name .. "' (",
        function() via(name)(A, 'x') end)
    end
    for _, name in ipairs { 'add', 'sub', 'mul', 'div' } do
      errors_starting("bad argument #1 to '" .. name .. "' (",
        function() via(name)({}, A) end)
      errors_starting("bad argument #1 to '" .. name .. "' (",
        function() via(name)(nil, A) end)
    end
    errors_with("bad argument #1 to 'scale' (matrix expected, got nil)",
      function() matrix.scale(nil, 2) end)
    errors_with("bad argument #2 to 'scale' (number expected, got string)",
      function() matrix.scale(A, 'x') end)
    errors_with("bad argument #2 to 'scale' (number expected, got matrix)",
      function() matrix.scale(A, A) end)
    errors_with("bad argument #3 to 'scale' (matrix expected, got number)",
      function() matrix.scale(A, 2, 3) end)
    errors_with("bad argument #1 to 'map' (matrix expected, got nil)",
      function() matrix.map(nil, math.abs) end)
    errors_with("bad argument #2 to 'map' (function expected, got number)",
      function() matrix.map(A, 5) end)
    errors_with("bad argument #2 to 'map' (function expected, got no value)",
      function() matrix.map(A) end)
    errors_with("bad argument #3 to 'map' (matrix expected, got string)",
      function() matrix.map(A, math.abs, 'x') end)
  end)

  it('reductions and products', function()
    for _, name in ipairs { 'sum', 'mean', 'max', 'min', 'argmax', 'norm' } do
      errors_with("bad argument #1 to '" .. name .. "' (matrix expected, got nil)",
        function() via(name)(nil) end)
    end
    for _, name in ipairs { 'sum', 'mean', 'max', 'min', 'argmax' } do
      errors_with("bad argument #2 to '" .. name .. "' (number expected, got string)",
        function() via(name)(A, 'x') end)
      errors_with("bad argument #2 to '" .. name .. "' (number has no integer representation)",
        function() via(name)(A, 1.5) end)
    end
    errors_with("bad argument #2 to 'dot' (matrix expected, got nil)",
      function() matrix.dot(A, nil) end)
    errors_with("dot: call it as A:dot(...) (with a colon; argument 1 is a number, not a matrix)",
      function() matrix.dot(1, A) end)
    errors_with("bad argument #1 to 'outer' (matrix expected, got nil)",
      function() matrix.outer(nil, matrix.col { 1 }) end)
    errors_with("bad argument #2 to 'outer' (matrix expected, got number)",
      function() matrix.outer(matrix.col { 1 }, 1) end)
    errors_with("bad argument #2 to 'allclose' (matrix expected, got nil)",
      function() matrix.allclose(A, nil) end)
    errors_with("bad argument #3 to 'allclose' (number expected, got string)",
      function() matrix.allclose(A, A, 'x') end)
    errors_with("bad argument #4 to 'allclose' (number expected, got table)",
      function() matrix.allclose(A, A, 1e-5, {}) end)
  end)

  it('constructors given something other than tables or matrices', function()
    errors_starting("bad argument #1 to 'new' (", function() matrix.new(5) end)
    errors_starting("bad argument #1 to 'new' (", function() matrix.new() end)
    errors_starting("bad argument #1 to 'col' (", function() matrix.col(5) end)
    errors_starting("bad argument #1 to 'row' (", function() matrix.row('x') end)
    errors_starting("bad argument #1 to 'diag' (", function() matrix.diag(5) end)
    err(function() matrix(5) end)
    err(function() matrix() end)
  end)

  it('operators on non-numbers', function()
    err(function() local _ = A + 'x' end)
    err(function() local _ = A + {} end)
    err(function() local _ = A - true end)
    err(function() local _ = nil * A end)
    err(function() local _ = A * io.stdout end)
    err(function() local _ = A / 'x' end)
    err(function() local _ = A + nil end)
    err(function() local _ = A < A end)
    err(function() local _ = #A + 1 end)
  end)
end)

describe('sizes', function()
  local ctors = {
    zeros = function(r, c) matrix.zeros(r, c) end,
    ones = function(r, c) matrix.ones(r, c) end,
    fill = function(r, c) matrix.fill(r, c, 1) end,
    rand = function(r, c) matrix.rand(r, c) end,
    randn = function(r, c) matrix.randn(r, c) end,
    eye = function(r, c) matrix.eye(r, c) end,
  }

  it('negative sizes are rejected by every constructor', function()
    for name, f in pairs(ctors) do
      errors_with("bad argument #1 to '" .. name .. "' (size must be non-negative, got -1)",
        function() f(-1, 2) end)
      errors_with("bad argument #2 to '" .. name .. "' (size must be non-negative, got -3)",
        function() f(2, -3) end)
      errors_with("bad argument #1 to '" .. name .. "' (size must be non-negative, got "
        .. math.mininteger .. ")", function() f(math.mininteger, 2) end)
    end
    errors_with("bad argument #1 to 'eye' (size must be non-negative, got -2)",
      function() matrix.eye(-2) end)
    errors_with("bad argument #2 to 'randint' (size must be non-negative, got -1)",
      function() matrix.randint(3, -1, 2) end)
    errors_with("bad argument #3 to 'randint' (size must be non-negative, got -1)",
      function() matrix.randint(3, 2, -1) end)
  end)

  local function too_large(sizes)
    for name, f in pairs(ctors) do
      for _, rc in ipairs(sizes) do
        errors_with(string.format('%s: %dx%d matrix is too large', name, rc[1], rc[2]),
          function() f(rc[1], rc[2]) end)
      end
    end
  end

  it('too many bytes are rejected, whatever overflows', function()
    too_large {
      { 100000000, 100000000 },          -- 8e16 bytes
      { 1048576, 262144 },               -- 2^41 bytes, dims fine
      { 2147483647, 2147483647 },        -- rows*cols*8 overflows 64 bits
    }
    errors_with('randint: 100000000x100000000 matrix is too large',
      function() matrix.randint(2, 100000000, 100000000) end)
  end)

  it('a dimension over 2^31-1 is too large', function()
    too_large {
      { 2147483648, 1 },
      { 1, 2147483648 },
      { math.maxinteger, 1 },
      { math.maxinteger, math.maxinteger },
    }
  end)

  it('a zero dimension needs no memory, but a dimension over 2^31-1 is still too large', function()
    -- 0 elements take no memory: fine, unless a dimension itself is too big
    assert.are.same({ 0, 2147483647 }, { matrix.zeros(0, 2147483647):shape() })
    errors_with('zeros: 0x2147483648 matrix is too large',
      function() matrix.zeros(0, 2147483648) end)
  end)

  it('reshape rejects negative, mismatched and too large sizes', function()
    local m = matrix { { 1, 2, 3 }, { 4, 5, 6 } }
    errors_with('reshape: cannot reshape 2x3 (6 elements) into 4x2 (8 elements)',
      function() m:reshape(4, 2) end)
    errors_with('reshape: cannot reshape 2x3 (6 elements) into 1x5 (5 elements)',
      function() m:reshape(1, 5) end)
    errors_with('reshape: cannot reshape 2x3 (6 elements) into 0x3 (0 elements)',
      function() m:reshape(0, 3) end)
    -- -2 * -3 = 6: a product check alone would let this through
    errors_with("bad argument #2 to 'reshape' (size must be non-negative, got -2)",
      function() matrix.reshape(m, -2, -3) end)
    errors_with("bad argument #3 to 'reshape' (size must be non-negative, got -6)",
      function() matrix.reshape(m, 1, -6) end)
    -- too large: either complaint is right, as long as it is an error
    errors_starting('reshape: ', function() m:reshape(100000000, 100000000) end)
  end)

  it('reshape does not let an overflowing product through', function()
    local m = matrix { { 1, 2, 3 }, { 4, 5, 6 } }
    -- 6148914691236517206 * 9 wraps around to 6 in 64 bits
    errors_with('reshape: 6148914691236517206x9 matrix is too large',
      function() m:reshape(6148914691236517206, 9) end)
    errors_with('reshape: 9x6148914691236517206 matrix is too large',
      function() m:reshape(9, 6148914691236517206) end)
  end)
end)

describe('seed and random arguments', function()
  it('rejects seeds outside 0 .. 2^32-1', function()
    errors_mentioning({ 'seed' }, function() matrix.seed(-1) end)
    errors_mentioning({ 'seed' }, function() matrix.seed(2 ^ 32 | 0) end)
    errors_mentioning({ 'seed' }, function() matrix.seed(math.maxinteger) end)
    matrix.seed(2 ^ 32 - 1)
    matrix.seed(0)
  end)

  it('rejects randint(n) for n < 1 and randn with a negative std', function()
    errors_mentioning({ 'randint' }, function() matrix.randint(0) end)
    errors_mentioning({ 'randint' }, function() matrix.randint(-5) end)
    errors_mentioning({ 'randint' }, function() matrix.randint(0, 2, 2) end)
    errors_mentioning({ 'randn' }, function() matrix.randn(2, 2, 0, -1) end)
  end)
end)

describe('indices out of range', function()
  local m = matrix { { 1, 2 }, { 3, 4 } }

  it('get and set name the index and the shape', function()
    errors_with('get: index (3, 1) out of range for a 2x2 matrix', function() m:get(3, 1) end)
    errors_with('get: index (0, 1) out of range for a 2x2 matrix', function() m:get(0, 1) end)
    errors_with('get: index (1, 0) out of range for a 2x2 matrix', function() m:get(1, 0) end)
    errors_with('get: index (1, 3) out of range for a 2x2 matrix', function() m:get(1, 3) end)
    errors_with('get: index (-1, 1) out of range for a 2x2 matrix', function() m:get(-1, 1) end)
    errors_with('set: index (3, 2) out of range for a 2x2 matrix', function() m:set(3, 2, 0) end)
    errors_with('set: index (2, 0) out of range for a 2x2 matrix', function() m:set(2, 0, 0) end)
    local r = matrix.zeros(2, 5)
    errors_with('get: index (3, 5) out of range for a 2x5 matrix', function() r:get(3, 5) end)
    errors_with('get: index (2, 6) out of range for a 2x5 matrix', function() r:get(2, 6) end)
    errors_with('get: index (1, 1) out of range for a 0x0 matrix',
      function() matrix.zeros(0, 0):get(1, 1) end)
    errors_with('get: index (' .. math.maxinteger .. ', 1) out of range for a 2x2 matrix',
      function() m:get(math.maxinteger, 1) end)
    errors_with('get: index (' .. math.mininteger .. ', 1) out of range for a 2x2 matrix',
      function() m:get(math.mininteger, 1) end)
    -- the matrix is unchanged after a failed set
    assert.is_true(m == matrix { { 1, 2 }, { 3, 4 } })
  end)

  it('vectors with one index', function()
    local c, r = matrix.col { 1, 2, 3 }, matrix.row { 1, 2, 3 }
    errors_mentioning({ 'get: index', '4', 'out of range for a 3x1' }, function() c:get(4) end)
    errors_mentioning({ 'get: index', '0', 'out of range for a 3x1' }, function() c:get(0) end)
    errors_mentioning({ 'get: index', '4', 'out of range for a 1x3' }, function() r:get(4) end)
    errors_mentioning({ 'set: index', '0', 'out of range for a 1x3' }, function() r:set(0, 1) end)
    errors_with('get: index (2, 1) out of range for a 1x3 matrix', function() r:get(2, 1) end)
  end)

  it('one index on a matrix that is not a vector is an error', function()
    err(function() m:get(1) end)
    err(function() m:set(1, 5) end)
    assert.is_true(m == matrix { { 1, 2 }, { 3, 4 } })
  end)

  it('row and col', function()
    local x = matrix.zeros(3, 4)
    errors_mentioning({ 'row', 'out of range', '3x4' }, function() x:row(4) end)
    errors_mentioning({ 'row', 'out of range', '3x4' }, function() x:row(0) end)
    errors_mentioning({ 'col', 'out of range', '3x4' }, function() x:col(5) end)
    errors_mentioning({ 'col', 'out of range', '3x4' }, function() x:col(0) end)
  end)

  it('bad axes', function()
    for _, name in ipairs { 'sum', 'mean', 'max', 'min', 'argmax' } do
      for _, axis in ipairs { 0, 3, -1 } do
        errors_with(("bad argument #2 to '%s' (axis must be 1 or 2, got %d)"):format(name, axis),
          function() via(name)(m, axis) end)
      end
    end
  end)
end)

describe('building from tables', function()
  it('ragged rows', function()
    errors_with('matrix: row 2 has 3 entries, row 1 has 2',
      function() matrix { { 1, 2 }, { 3, 4, 5 } } end)
    errors_with('matrix: row 2 has 3 entries, row 1 has 2',
      function() matrix.new { { 1, 2 }, { 3, 4, 5 } } end)
    errors_with('matrix: row 3 has 1 entries, row 1 has 2',
      function() matrix { { 1, 2 }, { 3, 4 }, { 5 } } end)
    errors_with('matrix: row 2 has 0 entries, row 1 has 1',
      function() matrix { { 1 }, {} } end)
  end)

  it('entries that are not numbers', function()
    errors_with('matrix: entry (1, 2) is a string, expected a number',
      function() matrix { { 1, 'x' }, { 3, 4 } } end)
    errors_with('matrix: entry (2, 1) is a boolean, expected a number',
      function() matrix.new { { 1, 2 }, { true, 4 } } end)
    errors_with('matrix: entry (2, 2) is a table, expected a number',
      function() matrix { { 1, 2 }, { 3, {} } } end)
    errors_with('matrix: entry (1, 1) is a function, expected a number',
      function() matrix { { print } } end)
  end)

  it('numeric strings are strings, not numbers', function()
    errors_with('matrix: entry (1, 2) is a string, expected a number',
      function() matrix { { 1, '2' } } end)
  end)

  it('a flat table points to matrix.col and matrix.row', function()
    errors_mentioning({ 'matrix.col', 'matrix.row' }, function() matrix { 1, 2, 3 } end)
    errors_mentioning({ 'matrix.col', 'matrix.row' }, function() matrix.new { 1, 2, 3 } end)
  end)

  it('rows that are not tables', function()
    err(function() matrix { { 1, 2 }, 3 } end)
    err(function() matrix { { 1 }, 'ab' } end)
  end)

  it('bad vectors', function()
    err(function() matrix.col { 1, 'x' } end)
    err(function() matrix.row { 1, {} } end)
    err(function() matrix.col(matrix.zeros(2, 2)) end)
    err(function() matrix.row(matrix.zeros(2, 3)) end)
    err(function() matrix.diag { 1, 'x' } end)
  end)
end)

describe('shape mismatches', function()
  local a23, a32 = matrix.zeros(2, 3), matrix.zeros(3, 2)

  it('matrix product', function()
    local a, b = matrix.zeros(4, 3), matrix.zeros(4, 1)
    local msg = 'matrix product: 4x3 * 4x1 does not align (3 columns vs 4 rows)'
    errors_with(msg, function() local _ = a * b end)
    errors_with(msg, function() matrix.matmul(a, b) end)
    errors_with(msg, function() a:matmul(b) end)
    errors_with('matrix product: 2x3 * 2x3 does not align (3 columns vs 2 rows)',
      function() local _ = a23 * a23 end)
    errors_with('matrix product: 0x3 * 0x3 does not align (3 columns vs 0 rows)',
      function() local _ = matrix.zeros(0, 3) * matrix.zeros(0, 3) end)
  end)

  it('add, sub, mul and div', function()
    errors_with('add: 2x3 + 3x2 shapes differ (need equal shapes, or a 2x1 column)',
      function() local _ = a23 + a32 end)
    errors_with('add: 2x3 + 3x2 shapes differ (need equal shapes, or a 2x1 column)',
      function() matrix.add(a23, a32) end)
    errors_with('sub: 2x3 - 3x2 shapes differ (need equal shapes, or a 2x1 column)',
      function() local _ = a23 - a32 end)
    errors_with('sub: 2x3 - 3x2 shapes differ (need equal shapes, or a 2x1 column)',
      function() matrix.sub(a23, a32) end)
    errors_with('mul: 2x3 .* 3x2 shapes differ (need equal shapes, or a 2x1 column)',
      function() a23:mul(a32) end)
    errors_with('div: 2x3 ./ 3x2 shapes differ (need equal shapes, or a 2x1 column)',
      function() a23:div(a32) end)
    -- a column of the wrong length, a row where a column is needed
    errors_with('add: 2x3 + 3x1 shapes differ (need equal shapes, or a 2x1 column)',
      function() local _ = a23 + matrix.zeros(3, 1) end)
    errors_with('add: 3x2 + 1x2 shapes differ (need equal shapes, or a 3x1 column)',
      function() local _ = a32 + matrix.zeros(1, 2) end)
    errors_with('mul: 2x3 .* 1x3 shapes differ (need equal shapes, or a 2x1 column)',
      function() a23:mul(matrix.zeros(1, 3)) end)
    errors_with('div: 2x3 ./ 3x1 shapes differ (need equal shapes, or a 2x1 column)',
      function() a23:div(matrix.zeros(3, 1)) end)
    -- a column on the left must fit the matrix on the right
    errors_mentioning({ 'add: 3x1 + 2x3 shapes differ' }, function() local _ = matrix.zeros(3, 1) + a23 end)
    errors_mentioning({ 'sub: 3x1 - 2x3 shapes differ' }, function() local _ = matrix.zeros(3, 1) - a23 end)
  end)

  it('dot', function()
    errors_with('dot: 2x3 and 3x2 shapes differ', function() a23:dot(a32) end)
    errors_with('dot: 3x1 and 1x4 shapes differ', function() matrix.dot(matrix.zeros(3, 1), matrix.zeros(1, 4)) end)
    errors_with('dot: 2x3 and 6x1 shapes differ', function() a23:dot(matrix.zeros(6, 1)) end)
  end)

  it('outer needs vectors', function()
    err(function() matrix.outer(a23, matrix.col { 1 }) end)
    err(function() matrix.outer(matrix.col { 1 }, a32) end)
  end)

  it('copy into a destination of another shape', function()
    errors_mentioning({ 'copy', '2x3', '3x2' }, function() matrix.copy(a23, matrix.zeros(3, 2)) end)
  end)

  it('division by a matrix points to div', function()
    local msg = '/: cannot divide by a matrix (use a:div(b) for the elementwise quotient)'
    errors_with(msg, function() local _ = a23 / a23 end)
    errors_with(msg, function() local _ = matrix.zeros(2, 2) / matrix.zeros(3, 3) end)
  end)

  it('empty matrices', function()
    for _, name in ipairs { 'max', 'min', 'argmax' } do
      errors_mentioning({ name }, function() via(name)(matrix.zeros(0, 0)) end)
      errors_mentioning({ name }, function() via(name)(matrix.zeros(0, 3)) end)
      errors_mentioning({ name }, function() via(name)(matrix.zeros(3, 0)) end)
      errors_mentioning({ name }, function() via(name)(matrix.zeros(0, 3), 1) end)
      errors_mentioning({ name }, function() via(name)(matrix.zeros(3, 0), 2) end)
    end
  end)
end)

describe('destinations', function()
  local a, b = matrix.ones(2, 3), matrix.ones(2, 3)

  it('of the wrong shape name the operation and both shapes', function()
    local d = matrix.zeros(2, 2)
    errors_with('add: destination is 2x2 but the result is 2x3', function() matrix.add(a, b, d) end)
    errors_with('sub: destination is 2x2 but the result is 2x3', function() matrix.sub(a, b, d) end)
    errors_with('mul: destination is 2x2 but the result is 2x3', function() matrix.mul(a, b, d) end)
    errors_with('div: destination is 2x2 but the result is 2x3', function() matrix.div(a, 2, d) end)
    errors_with('add: destination is 2x2 but the result is 2x3', function() matrix.add(a, 1, d) end)
    errors_with('add: destination is 2x2 but the result is 2x3',
      function() matrix.add(a, matrix.zeros(2, 1), d) end)
    errors_with('scale: destination is 2x2 but the result is 2x3', function() matrix.scale(a, 2, d) end)
    errors_with('matmul: destination is 2x2 but the result is 2x3',
      function() matrix.matmul(matrix.zeros(2, 4), matrix.zeros(4, 3), d) end)
    errors_with('transpose: destination is 2x2 but the result is 3x2', function() matrix.transpose(a, d) end)
    errors_with('map: destination is 2x2 but the result is 2x3', function() a:map(math.abs, d) end)
    -- same number of elements is not enough
    errors_with('add: destination is 3x2 but the result is 2x3',
      function() matrix.add(a, b, matrix.zeros(3, 2)) end)
    errors_with('transpose: destination is 2x3 but the result is 3x2',
      function() matrix.transpose(a, matrix.zeros(2, 3)) end)
    -- nothing was written
    assert.is_true(d == matrix.zeros(2, 2))
  end)

  it('a column operand cannot be the destination of a broadcast', function()
    local col = matrix.ones(2, 1)
    errors_with('add: destination is 2x1 but the result is 2x3', function() matrix.add(a, col, col) end)
    errors_with('sub: destination is 2x1 but the result is 2x3', function() matrix.sub(col, a, col) end)
  end)
end)

describe('map', function()
  it('f must return a number', function()
    local m = matrix.ones(2, 2)
    errors_mentioning({ 'map', 'number' }, function() m:map(function() return 'x' end) end)
    errors_mentioning({ 'map', 'number' }, function() m:map(function() end) end)
    errors_mentioning({ 'map', 'number' }, function() m:map(function() return {} end) end)
  end)
end)
