-- Numeric text tables (src/core/textio.c through core.io) and matrix.save /
-- matrix.load: what the parser accepts, the line and column of what it
-- rejects, exact round trips, and saves that never leave a broken file.
local nnlab = require 'nnlab'
local core = require 'nnlab.core'
local matrix, cio = nnlab.matrix, core.io

local tmpdir = H.tmpdir

local writefile, ls = H.write, H.ls

-- The values of a table written in plain Lua (split on blanks and commas,
-- tonumber), to compare the parser with.
local function naive(text)
  local rows = {}
  for line in (text .. '\n'):gmatch('(.-)\n') do
    line = line:gsub('#.*', '')
    local row = {}
    for tok in line:gmatch('[^%s,]+') do row[#row + 1] = assert(tonumber(tok), tok) end
    if #row > 0 then rows[#rows + 1] = row end
  end
  return rows
end

local function parse_error(text, flags)
  local ok, e = pcall(cio.parse, text, nil, flags)
  assert.is_false(ok, 'expected an error for ' .. string.format('%q', text))
  return e
end

local function same_bits(a, b)
  if a ~= a then return b ~= b end
  return a == b and 1 / a == 1 / b  -- 1/x tells -0.0 from 0.0
end

describe('the parser accepts', function()
  local cases = {
    ['blanks'] = '1 2 3\n4 5 6\n',
    ['commas'] = '1,2,3\n4,5,6\n',
    ['commas with blanks around them'] = '1 , 2,\t3\n  4 ,5 , 6  \n',
    ['tabs and several spaces'] = '1\t\t2   3\n\t4 5\t6\t\n',
    ['comment lines and blank lines'] = '# header\n\n1 2 3\n   # indented comment\n\n4 5 6\n\n',
    ['comments after the numbers'] = '1 2 3 # first\n4 5 6# second\n',
    ['CRLF line ends'] = '# c\r\n1 2 3\r\n4 5 6\r\n',
    ['no newline at the end'] = '1 2 3\n4 5 6',
    ['signs, points and exponents'] = '-1.5 +2. .25\n1e3 -2.5E-3 +7e+2\n',
  }
  for name, text in pairs(cases) do
    it(name, function()
      local m = cio.parse(text)
      assert.are.same(naive(text), m:totable())
    end)
  end

  it('numbers at the edges of the double range', function()
    local text = '1.7976931348623157e308 -1.7976931348623157e308\n' ..
      '2.2250738585072014e-308 4.9406564584124654e-324\n1e-400 -1e-400\n'
    local m = cio.parse(text)
    assert.are.equal(1.7976931348623157e308, m:get(1, 1))
    assert.are.equal(-1.7976931348623157e308, m:get(1, 2))
    assert.are.equal(2.2250738585072014e-308, m:get(2, 1))
    assert.are.equal(4.9406564584124654e-324, m:get(2, 2))  -- subnormal, kept
    assert.is_true(same_bits(m:get(3, 1), 0.0))             -- underflow to zero
    assert.is_true(same_bits(m:get(3, 2), -0.0))
  end)

  it('a 1 x 1 table and a long row', function()
    assert.are.same({ { 42 } }, cio.parse('42'):totable())
    local parts = {}
    for i = 1, 1000 do parts[i] = tostring(i) end
    local m = cio.parse(table.concat(parts, ','))
    assert.are.same({ 1, 1000 }, { m:shape() })
    assert.are.equal(777, m:get(1, 777))
  end)

  it('nan and inf only when asked to (as matrix.load does)', function()
    local m = cio.parse('nan -inf\nINF +Infinity\n', nil, true)
    assert.is_true(m:get(1, 1) ~= m:get(1, 1))
    assert.are.equal(-math.huge, m:get(1, 2))
    assert.are.equal(math.huge, m:get(2, 1))
    assert.are.equal(math.huge, m:get(2, 2))
    assert.are.equal("line 1, column 2: expected a finite number, got 'inf'",
      parse_error('1 inf\n'))
    assert.are.equal("line 2, column 1: expected a finite number, got 'NaN'",
      parse_error('1\nNaN\n'))
  end)
end)

describe('the parser rejects, naming line and column', function()
  local cases = {
    { 'a bad token', '1 2 3\n4 abc 6\n', "line 2, column 2: expected a number, got 'abc'" },
    { 'a number with two points', '1.2.3\n', "line 1, column 1: expected a number, got '1.2.3'" },
    { 'hex', '0x10 1\n', "line 1, column 1: expected a number, got '0x10'" },
    { 'an exponent without digits', '1 2e\n', "line 1, column 2: expected a number, got '2e'" },
    { 'a lone sign', '1 - 2\n', "line 1, column 2: expected a number, got '-'" },
    { 'a lone point', '.\n', "line 1, column 1: expected a number, got '.'" },
    { 'a row with fewer columns', '1 2 3\n4 5\n', 'line 2 has 2 columns, line 1 has 3' },
    { 'a row with more columns', '# c\n\n1 2\n3 4\n5 6 7\n', 'line 5 has 3 columns, line 3 has 2' },
    { 'a row with one column', '1 2\n3\n', 'line 2 has 1 column, line 1 has 2' },
    { 'an empty text', '', 'no numbers: the text is empty' },
    { 'only blanks', ' \n\t\r\n\n', 'no numbers: the text is empty' },
    { 'only comments', '# a\n\n  # b\n', 'no numbers: only comments and blank lines' },
    { 'a trailing comma', '1,2,\n', "line 1, column 3: expected a number after ',', got the end of the line" },
    { 'a trailing comma before a comment', '1,2, # c\n', "line 1, column 3: expected a number after ',', got the end of the line" },
    { 'two commas', '1,,2\n', "line 1, column 2: expected a number, got ','" },
    { 'a leading comma', '1,2\n,3,4\n', "line 2, column 1: expected a number, got ','" },
    { 'a number too large for a double', '1 1e999\n', "line 1, column 2: number out of range, got '1e999'" },
    { 'a NUL byte in a number', '1 2\n3 4\0\n', "line 2, column 2: expected a number, got '4\\0'" },
    { 'a lone NUL byte', '\0', "line 1, column 1: expected a number, got '\\0'" },
    { 'a bad token on a CRLF line', '1 2\r\n3 x\r\n', "line 2, column 2: expected a number, got 'x'" },
    { 'bytes that are not text', '1 \xff\xfe\n', "line 1, column 2: expected a number, got '\\xFF\\xFE'" },
  }
  for _, c in ipairs(cases) do
    it(c[1], function()
      assert.are.equal(c[3], parse_error(c[2]))
    end)
  end

  it('a token too long to be a number, shown shortened', function()
    local long = string.rep('1', 300)
    assert.are.equal("line 1, column 1: number longer than 256 characters, got '1111111111111111...'",
      parse_error(long))
    local junk = string.rep('z', 100)
    assert.are.equal("line 1, column 1: expected a number, got 'zzzzzzzzzzzzzzzz...'",
      parse_error(junk))
  end)

  it('readtable names the file', function()
    local dir = tmpdir()
    writefile(dir .. '/bad.txt', '1 2\n3 four\n')
    local ok, e = pcall(cio.readtable, dir .. '/bad.txt')
    assert.is_false(ok)
    assert.are.equal(dir .. "/bad.txt: line 2, column 2: expected a number, got 'four'", e)
    ok, e = pcall(cio.readtable, dir .. '/missing.txt')
    assert.is_false(ok)
    assert.are.equal("cannot open '" .. dir .. "/missing.txt': No such file or directory", e)
    os.execute('rm -rf ' .. H.quote(dir))
  end)
end)

describe('the parser on arbitrary bytes', function()
  -- Random texts over an alphabet rich in what the parser cares about: each
  -- is either rejected with a message or gives a table that agrees with the
  -- plain Lua reading.  (libFuzzer goes further; this keeps the suite honest.)
  it('never crashes and accepts only well-formed tables', function()
    local alphabet = { '0', '1', '9', '.', 'e', 'E', '-', '+', ',', ' ', '\t', '\r', '\n', '#',
      '\0', 'x', 'n', 'a', 'i', 'f', '\255', '5', '3', ' ', '\n' }
    matrix.seed(12345)
    local accepted = 0
    for _ = 1, 3000 do
      local len = matrix.randint(40) - 1
      local t = {}
      for i = 1, len do t[i] = alphabet[matrix.randint(#alphabet)] end
      local text = table.concat(t)
      local ok, m = pcall(cio.parse, text)
      if ok then
        accepted = accepted + 1
        assert.is_true(matrix.is(m))
        -- when the bytes are simple, plain Lua must read the same table
        if not text:find('[%z\255xnaif]') then
          local rows = naive(text)
          assert.are.same(rows, m:totable(), string.format('%q', text))
        end
      else
        assert.are.equal('string', type(m))
        assert.is_truthy(m:find('^line %d+') or m:find('^no numbers'), m)
      end
    end
    assert.is_true(accepted > 50, 'too few random texts parsed: ' .. accepted)
  end)
end)

describe('matrix.save and matrix.load', function()
  local dir
  before_each(function() dir = tmpdir() end)
  after_each(function() os.execute('chmod -R u+w ' .. H.quote(dir) .. '; rm -rf ' .. H.quote(dir)) end)

  local function roundtrip(m)
    local path = dir .. '/m.txt'
    matrix.save(m, path)
    local back = matrix.load(path)
    local r, c = m:shape()
    assert.are.same({ r, c }, { back:shape() })
    for i = 1, r do
      for j = 1, c do
        local a, b = m:get(i, j), back:get(i, j)
        if not same_bits(a, b) then
          error(string.format('(%d, %d): saved %.17g (%a), loaded %.17g (%a)', i, j, a, a, b, b))
        end
      end
    end
    return path
  end

  it('round-trips random matrices exactly, over many magnitudes', function()
    matrix.seed(7)
    for _, e in ipairs{ -300, -100, -20, -5, 0, 3, 10, 100, 300 } do
      local m = matrix.randn(7, 5):map(function(x) return x * 10 ^ e end)
      roundtrip(m)
    end
    roundtrip(matrix.rand(30, 40))
  end)

  it('round-trips the awkward values', function()
    roundtrip(matrix { { 1e-300, -0.0, 0.0, 0.1 },
      { 1 / 3, -2 / 3, 1.7976931348623157e308, -1.7976931348623157e308 },
      { 4.9406564584124654e-324, 2.2250738585072014e-308, 2 ^ 53 + 2, -(2 ^ 63) },
      { math.huge, -math.huge, 0 / 0, 123456789012345678 } })
  end)

  it('writes a header with the shape, then one row per line at full precision', function()
    local path = roundtrip(matrix { { 0.1, -0.0, 1e-300 }, { 2, 1 / 3, -1.5 } })
    assert.are.equal('# nnlab matrix 2x3\n0.1 -0 1e-300\n2 0.3333333333333333 -1.5\n', H.slurp(path))
  end)

  it('keeps the shape of empty matrices', function()
    roundtrip(matrix.zeros(0, 3))
    roundtrip(matrix.zeros(4, 0))
    roundtrip(matrix.zeros(0, 0))
  end)

  it('is a method too: m:save(path)', function()
    local path = dir .. '/m.txt'
    local m = matrix { { 1, 2 } }
    m:save(path)
    assert.are.equal(m, matrix.load(path))
  end)

  it('loads any table of numbers, with or without the header', function()
    writefile(dir .. '/plain.csv', '# from somewhere else\n1,2\n3,4\n')
    assert.are.equal(matrix { { 1, 2 }, { 3, 4 } }, matrix.load(dir .. '/plain.csv'))
  end)

  local function load_error(text)
    writefile(dir .. '/x.txt', text)
    local ok, e = pcall(function() matrix.load(dir .. '/x.txt') end)
    assert.is_false(ok)
    return (e:gsub('^[^\n]-textio_spec%.lua:%d+: ', ''))
  end

  it('says when a file is truncated or does not match its header', function()
    local path = dir .. '/x.txt'
    assert.are.equal('matrix.load: ' .. path .. ': the header says 3x2 but the data is 2x2 (a truncated or edited file?)',
      load_error('# nnlab matrix 3x2\n1 2\n3 4\n'))
    assert.are.equal('matrix.load: ' .. path .. ': the header says 2x2 but the data is 0x0 (a truncated or edited file?)',
      load_error('# nnlab matrix 2x2\n'))
    assert.are.equal('matrix.load: ' .. path .. ": line 1: malformed header (expected '# nnlab matrix RxC')",
      load_error('# nnlab matrix two by two\n1 2\n'))
    assert.are.equal('matrix.load: ' .. path .. ': line 3 has 1 column, line 2 has 2',
      load_error('# nnlab matrix 2x2\n1 2\n3\n'))
    assert.are.equal('matrix.load: ' .. path .. ": line 2, column 2: expected a number, got '2;'",
      load_error('# nnlab matrix 1x2\n1 2;\n'))
  end)

  it('errors name the file and the reason, with the position of the call', function()
    local function msg(f)
      local ok, e = pcall(f)
      assert.is_false(ok, 'expected an error')
      return e
    end
    local e = msg(function() matrix.load(dir .. '/none.txt') end)
    assert.is_truthy(e:find("textio_spec%.lua:%d+: matrix%.load: cannot open '.-/none%.txt': " ..
      'No such file or directory$'), e)
    e = msg(function() matrix.load(dir) end)
    assert.is_truthy(e:find("matrix%.load: '.-' is a directory, not a regular file; pass " ..
      "{any_file = true} to read it anyway$"), e)
    e = msg(function() matrix.load(dir, { any_file = true }) end)
    assert.is_truthy(e:find("matrix%.load: cannot read '.-': Is a directory$"), e)
    e = msg(function() matrix.save(matrix.eye(2), dir .. '/no/such/dir/m.txt') end)
    assert.is_truthy(e:find("matrix%.save: cannot write '.-/no/such/dir/m%.txt': No such file or directory$"), e)
    e = msg(function() matrix.save({}, dir .. '/m.txt') end)
    assert.is_truthy(e:find("textio_spec%.lua:%d+: save: call it as A:save%(%.%.%.%) %(with a colon; " ..
      'argument 1 is a table, not a matrix%)'), e)
    e = msg(function() matrix.load() end)
    assert.is_truthy(e:find("bad argument #1 to 'load' %(string expected, got no value%)"), e)
  end)

  it('replaces a file whole: a save that fails part way leaves the old file', function()
    -- A file size limit makes the write itself fail (EFBIG) after the
    -- temporary file is created, whoever runs the test (root included).
    local path = dir .. '/m.txt'
    matrix.save(matrix { { 1, 2 }, { 3, 4 } }, path)
    local before = H.slurp(path)
    local script = dir .. '/big.lua'
    writefile(script, string.format([[
      local matrix = require('nnlab').matrix
      local ok, e = pcall(matrix.save, matrix.rand(200, 200), %q)
      print(ok, e)
    ]], path))
    local out, err, code = H.sh(string.format(
      "trap '' XFSZ; ulimit -f 8; LUA_PATH=%s LUA_CPATH=%s lua5.4 %s",
      H.quote(os.getenv('LUA_PATH') or (H.root .. '/lua/?.lua;;')),
      H.quote(os.getenv('LUA_CPATH') or (H.root .. '/build/?.so;;')), H.quote(script)))
    assert.are.equal(0, code, err)
    assert.is_truthy(out:find("^false\tmatrix%.save: cannot write '.-/m%.txt': File too large"), out)
    assert.are.equal(before, H.slurp(path))
    assert.are.same({ 'big.lua', 'm.txt' }, ls(dir))  -- no temporary file left behind
  end)

  it('fails clearly on a directory it cannot write, leaving the old file', function()
    -- Root writes anywhere, so as root the save runs as user nobody.
    os.execute('chmod 755 ' .. H.quote(dir) .. '; mkdir ' .. H.quote(dir .. '/ro'))
    local path = dir .. '/ro/m.txt'
    matrix.save(matrix { { 5 } }, path)
    os.execute('chmod 555 ' .. H.quote(dir .. '/ro'))
    local root = H.sh('id -u') == '0\n'
    local script = dir .. '/ro.lua'
    writefile(script, string.format([[
      local matrix = require('nnlab').matrix
      print(pcall(matrix.save, matrix { { 6 } }, %q))
    ]], path))
    local out, err = H.sh(string.format('%senv LUA_PATH=%s LUA_CPATH=%s lua5.4 %s',
      root and 'setpriv --reuid=65534 --regid=65534 --clear-groups ' or '',
      H.quote(os.getenv('LUA_PATH') or (H.root .. '/lua/?.lua;;')),
      H.quote(os.getenv('LUA_CPATH') or (H.root .. '/build/?.so;;')), H.quote(script)))
    if root and not out:find('^%a+\t') then
      pending('user nobody cannot run the module from this checkout: ' .. err)
      return
    end
    assert.is_truthy(out:find("^false\tmatrix%.save: cannot write '.-/ro/m%.txt': Permission denied\n$"), out .. err)
    assert.are.equal(matrix { { 5 } }, matrix.load(path))
    assert.are.same({ 'm.txt' }, ls(dir .. '/ro'))
  end)

  it('does not replace a directory, and leaves no temporary file', function()
    os.execute('mkdir ' .. H.quote(dir .. '/d'))
    local ok, e = pcall(function() matrix.save(matrix.eye(2), dir .. '/d') end)
    assert.is_false(ok)
    assert.is_truthy(e:find("cannot write '.-/d': Is a directory$"), e)
    assert.are.same({ 'd' }, ls(dir))
  end)

  it('are not in the grader\'s sandbox, which has no file access', function()
    -- load and save are attached in lua/nnlab.lua, not to the C matrix table
    -- that sandboxes get; this keeps it so.
    local out, e, code = H.nnlab({ '-e', "local sb = require('nnlab.sandbox').new{} " ..
      "print(sb:run('return type(matrix.save) .. \\' \\' .. type(matrix.load) .. \\' \\' .. type(matrix.zeros)'))" })
    assert.are.equal(0, code, e)
    assert.are.equal('true\tnil nil function\n', out)
    assert.is_function(matrix.save)
  end)

  it('gives a new file the umask permissions and keeps an old file\'s', function()
    local path = dir .. '/m.txt'
    local out = H.sh(string.format([[umask 022; LUA_PATH=%s LUA_CPATH=%s lua5.4 -e "require('nnlab').matrix.save(require('nnlab').matrix.eye(1), '%s')"; stat -c %%a %s]],
      H.quote(os.getenv('LUA_PATH') or (H.root .. '/lua/?.lua;;')),
      H.quote(os.getenv('LUA_CPATH') or (H.root .. '/build/?.so;;')), path, H.quote(path)))
    assert.are.equal('644\n', out)
    os.execute('chmod 600 ' .. H.quote(path))
    matrix.save(matrix.eye(2), path)
    assert.are.equal('600\n', (H.sh('stat -c %a ' .. H.quote(path))))
  end)
end)
