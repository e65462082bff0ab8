-- The loaders (matrix.load, data.load, nn.load) on what is not a normal
-- file, driven through the real program: /dev/zero, /dev/urandom and a FIFO
-- are refused at once (not read until the memory is gone), a size limit
-- stops an endless source, Ctrl-C stops a read; and the text tables they
-- read may be CSV files with a line of column names.

local nnlab = require 'nnlab'
local matrix, data, nn = nnlab.matrix, nnlab.data, nnlab.nn

local function tmpname()
  local name = os.tmpname()
  os.remove(name)
  return name
end

-- Run a script through the program (standard input, not a terminal) under
-- a 1 GiB address-space limit and a time limit: a loader that reads without
-- end fails the test instead of filling the machine.  Returns stdout,
-- stderr, status and the whole seconds it took.  (The sanitized build,
-- make test-asan, reserves terabytes of address space for its shadow
-- memory, so it runs without the address-space limit: the time limit still
-- catches an endless read, and the normal build checks the bound.)
local LIMIT = os.getenv('ASAN_OPTIONS') and '' or 'ulimit -v 1048576; '
local function script(text)
  local t = os.time()
  local out, err, code = H.sh(LIMIT .. 'timeout 20 ' .. H.quote(H.bin), text)
  return out, err, code, os.time() - t
end

describe('the loaders refuse what is not a regular file', function()
  local fifo
  setup(function()
    fifo = tmpname()
    assert(os.execute('mkfifo ' .. H.quote(fifo)))
  end)
  teardown(function() os.remove(fifo) end)

  for _, loader in ipairs { 'matrix.load', 'data.load', 'nn.load' } do
    it(loader .. ' on /dev/zero, /dev/urandom and a FIFO: a clear error at once', function()
      local out, err, code, secs = script(string.format([[
for _, path in ipairs{'/dev/zero', '/dev/urandom', %q} do
  local ok, e = pcall(%s, path)
  print(ok, e)
end
]], fifo, loader))
      assert.are.equal('', err)
      assert.are.equal(0, code)
      local lines = {}
      for l in out:gmatch('[^\n]+') do lines[#lines + 1] = l end
      assert.are.equal(3, #lines, out)
      local kinds = { 'a character device', 'a character device', 'a FIFO %(named pipe%)' }
      for i, path in ipairs { '/dev/zero', '/dev/urandom', fifo } do
        local pat = '^false\t.*' .. loader:gsub('%.', '%%.') .. ": '" .. path:gsub('%p', '%%%0') ..
          "' is " .. kinds[i] .. ', not a regular file; pass {any_file = true} to read it anyway$'
        assert.truthy(lines[i]:find(pat), lines[i])
      end
      assert.is_true(secs < 5, 'took ' .. secs .. ' s')
    end)

    it(loader .. ' with any_file stops at the size limit', function()
      local out, err, code = script(string.format([[
print(pcall(%s, '/dev/zero', {any_file = true, max_bytes = 100000}))
print(pcall(%s, '/dev/urandom', {any_file = true, max_bytes = 4096}))
]], loader, loader))
      assert.are.equal('', err)
      assert.are.equal(0, code)
      assert.truthy(out:find("^false\t[^\n]*" .. loader:gsub('%.', '%%.') .. ": '/dev/zero' is larger " ..
        'than the limit of 100000 bytes; pass {max_bytes = n} to read more\n'), out)
      assert.truthy(out:find("\nfalse\t[^\n]*'/dev/urandom' is larger than the limit of 4096 bytes"), out)
    end)
  end

  it('the default limit is 256 MiB: /dev/zero with any_file stops there, in bounded memory', function()
    assert.are.equal(256 * 2 ^ 20, require('nnlab.core').io.max_bytes)
    local out, err, code, secs = script([[
print(pcall(matrix.load, '/dev/zero', {any_file = true}))
]])
    assert.are.equal('', err)
    assert.are.equal(0, code)
    assert.truthy(out:find("matrix.load: '/dev/zero' is larger than the limit of 256 MiB; pass " ..
      '{max_bytes = n} to read more', 1, true), out)
    assert.is_true(secs < 15, 'took ' .. secs .. ' s')
  end)

  it('a regular file over the limit is refused before it is read; max_bytes raises the limit', function()
    local dir = H.tmpdir()
    local path = H.write(dir .. '/m.txt', '1 2\n3 4\n')
    local ok, e = pcall(matrix.load, path, { max_bytes = 7 })
    assert.is_false(ok)
    assert.truthy(e:find("matrix.load: '" .. path .. "' is larger than the limit of 7 bytes", 1, true), e)
    assert.are.equal(matrix { { 1, 2 }, { 3, 4 } }, matrix.load(path, { max_bytes = 8 }))
    local X = data.load(path, { max_bytes = 8 })
    assert.are.equal(matrix { { 1, 3 } }, X)
    ok, e = pcall(data.load, path, { max_bytes = 7 })
    assert.is_false(ok)
    assert.truthy(e:find('larger than the limit of 7 bytes', 1, true), e)
    os.execute('rm -rf ' .. H.quote(dir))
  end)

  it('nn.load reads within the limit and refuses over it', function()
    local dir = H.tmpdir()
    local net = nn.Sequential({ nn.Linear(2, 2) }, nn.Squared())
    nn.save(net, dir .. '/n.nn')
    local size = #H.slurp(dir .. '/n.nn')
    assert.truthy(nn.load(dir .. '/n.nn', { max_bytes = size }))
    local ok, e = pcall(nn.load, dir .. '/n.nn', { max_bytes = size - 1 })
    assert.is_false(ok)
    assert.truthy(e:find('nn.load: .* is larger than the limit of ' .. (size - 1) .. ' bytes'), e)
    os.execute('rm -rf ' .. H.quote(dir))
  end)

  it('bad options are errors', function()
    local function fails(pat, f, ...)
      local ok, e = pcall(f, ...)
      assert.is_false(ok)
      assert.truthy(e:find(pat, 1, true), e)
    end
    fails("matrix.load: unknown option 'maxbytes' (known: max_bytes, any_file)", matrix.load,
      '/dev/null', { maxbytes = 1 })
    fails("nn.load: unknown option 'anyfile' (known: max_bytes, any_file)", nn.load, '/dev/null',
      { anyfile = true })
    fails('matrix.load: max_bytes must be a non-negative integer, got -1', matrix.load, '/dev/null',
      { max_bytes = -1 })
    fails('matrix.load: max_bytes must be a non-negative integer, got 1.5', matrix.load, '/dev/null',
      { max_bytes = 1.5 })
    fails('matrix.load: any_file must be a boolean, got string', matrix.load, '/dev/null',
      { any_file = 'yes' })
    fails('matrix.load: options must be a table, got number', matrix.load, '/dev/null', 3)
  end)
end)

describe('Ctrl-C stops a loader', function()
  it('reading an endless device, and waiting on a FIFO without a writer', function()
    local fifo = tmpname()
    assert(os.execute('mkfifo ' .. H.quote(fifo)))
    local hist = tmpname()
    local out, err, code = H.sh('env TERM=xterm NO_COLOR=1 NNLAB_HISTORY=' .. H.quote(hist) .. ' ' ..
      H.quote(H.ptydrive) .. ' -t 60 ' .. H.quote(H.bin), string.format([[
timeout 30
wait > 
line print('run' .. 'ning') m = matrix.load('/dev/urandom', {any_file = true, max_bytes = 2^40})
wait running
sleep 300
ctrl-c
wait interrupted while reading '/dev/urandom'
wait > 
line print('wait' .. 'ing') m = data.load('%s', {any_file = true})
wait waiting
sleep 300
ctrl-c
wait interrupted
wait > 
line print(m == nil and 'still' .. ' here')
wait still here
wait > 
ctrl-d
]], fifo))
    os.remove(fifo)
    os.remove(hist)
    assert(code == 0 and err == '', 'ptydrive status ' .. code .. ': ' .. err .. '\n--- output:\n' .. out)
    assert.truthy(out:find("stdin:1: matrix.load: interrupted while reading '/dev/urandom'", 1, true), out)
    -- data.load's Lua part sees the interrupt first (the REPL's "interrupted!")
    assert.truthy(out:find("data.load: interrupted while reading '" .. fifo .. "'", 1, true) or
      out:find('stdin:1: interrupted!', 1, true), out)
  end)
end)

describe('text tables with a line of column names, and CSV', function()
  local dir
  setup(function() dir = H.tmpdir() end)
  teardown(function() os.execute('rm -rf ' .. H.quote(dir)) end)

  it('data.load reads a CSV with an x1,x2,label header (the program, through a pipe)', function()
    local path = H.write(dir .. '/pts.csv', 'x1,x2,label\n0.5,1,0\n-1,2e-1,1\n3,4,1\n')
    local out, err, code = script(string.format([[
X, Y, labels = data.load(%q)
print(X:shape()) print(X:get(2, 2), labels:get(3), Y:get(1, 1))
M = matrix.load(%q)
print(M:shape())
]], path, path))
    assert.are.equal('', err)
    assert.are.equal(0, code)
    assert.are.equal('2\t3\n0.2\t1.0\t1.0\n3\t3\n', out)
  end)

  it('names with blanks between commas, quoted names, a comment, CRLF; blank-separated names', function()
    local cases = {
      { '# points\n"petal length", petal width ,y\r\n1,2,3\r\n4,5,6\r\n', { { 1, 2, 3 }, { 4, 5, 6 } } },
      { 'x y\n1 2\n', { { 1, 2 } } },
      { '\n  \n_a,b1 # names\n1,2\n', { { 1, 2 } } },
      { '1,2\n3,4\n', { { 1, 2 }, { 3, 4 } } },
    }
    for i, c in ipairs(cases) do
      local path = H.write(dir .. '/c' .. i .. '.txt', c[1])
      assert.are.equal(matrix(c[2]), matrix.load(path))
    end
  end)

  it('a names line that does not fit the data, names only, and a typo in the first row are errors', function()
    local function err(text, loader)
      local path = H.write(dir .. '/bad.txt', text)
      local ok, e = pcall(loader or matrix.load, path)
      assert.is_false(ok)
      return (e:gsub('^.-' .. path:gsub('%p', '%%%0') .. ': ', ''))
    end
    assert.are.equal('line 1 has 2 column names, line 2 has 3 numbers', err('a,b\n1,2,3\n'))
    assert.are.equal('line 2 has 3 column names, line 3 has 1 number', err('# c\na b c\n1\n'))
    assert.are.equal('no numbers: only a line of column names', err('x1,x2,label\n'))
    assert.are.equal('no numbers: only a line of column names', err('x1,x2,label\n', data.load))
    -- a first line with a number on it is data: its bad token is reported
    assert.are.equal("line 1, column 3: expected a number, got 'x'", err('1,2,x\n3,4,5\n'))
    -- nan and inf are numbers, not names
    assert.are.equal("line 1, column 1: expected a finite number, got 'nan'", err('nan,x\n1,2\n', data.load))
    -- a second line of names is not skipped
    assert.are.equal("line 2, column 1: expected a number, got 'c'", err('a,b\nc,d\n1,2\n'))
    -- an empty name (a trailing comma) makes the line data
    assert.are.equal("line 1, column 1: expected a number, got 'a'", err('a,b,\n1,2\n'))
  end)

  it('core.io.parse takes names only when asked (its errors are unchanged)', function()
    local cio = require('nnlab.core').io
    assert.is_false((pcall(cio.parse, 'a b\n1 2\n')))
    assert.are.equal(matrix { { 1, 2 } }, cio.parse('a b\n1 2\n', nil, false, true))
  end)
end)
