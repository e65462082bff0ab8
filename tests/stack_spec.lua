-- Lua stack discipline: the bindings that push a number of values that
-- depends on their input (results, arguments, table entries, nesting)
-- make room first (luaL_checkstack) or work in constant stack space.  Here
-- every such place is pushed to its limits: a wrong one writes past the
-- stack, which make test-asan reports.
local nnlab = require('nnlab')
local matrix = nnlab.matrix

-- Run Lua code in the nnlab program (the sandbox, the REPL's coroutine
-- functions and the program's arguments live there); returns its output.
local function run(code, args, stdin)
  local path = os.tmpname()
  local f = assert(io.open(path, 'w'))
  f:write(code)
  f:close()
  local argv = {path}
  for _, a in ipairs(args or {}) do argv[#argv + 1] = a end
  local out, err, status = H.nnlab(argv, stdin)
  os.remove(path)
  assert.are.equal(0, status, err)
  return out
end

describe('the Lua stack', function()
  it('holds a 100,000-column totable and its way back', function()
    local m = matrix.zeros(1, 100000):map(function(_, _, j) return j end)
    local t = m:totable()
    assert.are.equal(100000, #t[1])
    assert.are.equal(77777, t[1][77777])
    assert.is_true(matrix(t) == m)
    local c = m:T()
    local tc = c:totable()
    assert.are.equal(100000, #tc)
    assert.are.equal(100000, tc[100000][1])
    assert.is_true(matrix(tc) == c)
    assert.is_true(matrix.row(t[1]) == m and matrix.col(t[1]) == c)
  end)

  it('reads deeply nested tables given to matrix{} as what they are', function()
    local deep = 1
    for _ = 1, 100000 do deep = {deep} end
    assert.has_error(function() matrix(deep) end,
      'matrix: entry (1, 1) is a table, expected a number')
    assert.has_error(function() matrix.col(deep) end)
    assert.has_error(function() matrix.diag{deep} end)
  end)

  it('returns 200,000 results through the training loop\'s protect', function()
    local protect = require('nnlab.core').train.protect
    local t = {}
    for i = 1, 200000 do t[i] = i end
    local r = table.pack(protect(function() return table.unpack(t) end))
    assert.are.equal(200001, r.n)
    assert.is_true(r[1])
    assert.are.equal(200000, r[200001])
  end)

  it('prints 100,000 values and deeply nested tables in the REPL', function()
    local out = run([[
      local pretty = require 'nnlab.pretty'
      local t = {}
      for i = 1, 100000 do t[i] = i end
      local s = pretty.values(table.unpack(t))
      print(#s > 100000, s:sub(-7))
      local deep = {}
      for _ = 1, 100000 do deep = {deep} end
      print(pretty.format(deep))
    ]])
    assert.matches('true\t\t100000\n', out, 1, true)
    assert.matches('{{{{{...}}}}}', out, 1, true)
  end)

  it('resumes coroutines with 100,000 arguments and results (the REPL\'s resume)', function()
    local out = run([[
      local t = {}
      for i = 1, 100000 do t[i] = i end
      local co = coroutine.create(function(...)
        local got = select('#', ...)
        return got, table.unpack(t)
      end)
      local r = table.pack(coroutine.resume(co, table.unpack(t)))
      print(r.n, r[1], r[2], r[r.n])
      local w = coroutine.wrap(function(...) return select('#', ...), ... end)
      local r2 = table.pack(w(table.unpack(t)))
      print(r2.n, r2[1], r2[r2.n])
    ]])
    assert.are.equal('100002\ttrue\t100000\t100000\n100001\t100000\t100000\n', out)
  end)

  it('passes 20,000 arguments to a script', function()
    local args = {}  -- (a command line of one sh -c string is at most 128 KiB)
    for i = 1, 20000 do args[i] = tostring(i % 10) end
    local out = run('print(select("#", ...), #arg, (select(20000, ...)))', args)
    assert.are.equal('20000\t20000\t0\n', out)
  end)

  it('marshals the sandbox\'s data to its depth limit and no further', function()
    local out = run([[
      local sandbox = require 'nnlab.sandbox'
      local sb = sandbox.new{}
      local ok, f = sb:run([=[
        return function(n, ...)
          local t = {}
          for i = 1, n do t[i] = i end
          return select('#', ...), table.unpack(t)
        end]=])
      assert(ok, f)
      -- 100,000 arguments in, 100,000 results out
      local args = {}
      for i = 1, 100000 do args[i] = i end
      local r = table.pack(sb:call(f, 100000, table.unpack(args)))
      print(r.n, r[1], r[2], r[r.n])
      -- nesting: 60 levels cross, 10,000 are refused, both ways
      local function nest(n) local t = {} for _ = 1, n do t = {t} end return t end
      print((sb:call(f, 0, nest(60))))
      print(pcall(sb.call, sb, f, 1, nest(10000)))
      local okd, deep = sb:run('local t = {} for _ = 1, 10000 do t = {t} end return {t}')
      print(okd, sb:index(deep, 1))
      -- a wide table of 100,000 entries
      local okw, wide = sb:run('local t = {} for i = 1, 100000 do t[i] = {i} end return {t}')
      local okx, t = sb:index(wide, 1)
      print(okw, okx, #t, t[100000][1])
    ]])
    local lines = {}
    for l in out:gmatch('[^\n]+') do lines[#lines + 1] = l end
    assert.are.equal('100002\ttrue\t100000\t100000', lines[1])
    assert.are.equal('true', lines[2])
    assert.matches('^false\t.*nested more than 64 levels', lines[3])
    assert.matches('^true\tfalse\t.*nested', lines[4])
    assert.are.equal('true\ttrue\t100000\t100000', lines[5])
  end)
end)
