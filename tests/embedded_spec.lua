-- The Lua library inside the nnlab program: it is loaded from bytecode that
-- the build compiles (tools/luacomp.c, tools/embed.sh, src/host/embedded.h), and
-- the bytecode keeps the sources' debug information, so errors and
-- tracebacks still name lua/nnlab/<file>.lua:<line>; the sources are still
-- in the program, for the grader and for a liblua that refuses the bytecode.
local build = os.getenv('NNLAB_BUILD') or (H.root .. '/build')

-- Line n of a file of the repository.
local function line(path, n)
  local i = 0
  for l in io.lines(H.root .. '/' .. path) do
    i = i + 1
    if i == n then return l end
  end
end

-- Run Lua code in nnlab: stdout, stderr, exit status.
local function run(code)
  return H.nnlab({ '-e', code })
end

describe('the embedded library', function()
  -- The program's output cannot tell bytecode from source (they carry the
  -- same debug information), so a C test looks at the loader itself.  It
  -- fails where the sources are compiled at start-up (main had no bytecode
  -- and no such test).
  it('runs the C test: every module is loaded from its bytecode, which is its source ' ..
     'compiled with debug information; bytecode the liblua refuses gives the source', function()
    local out, err, code = H.sh(H.quote(build .. '/embedload-test'))
    assert.are.equal('', err)
    assert.are.equal(0, code, out)
    local modules = out:match('^(%d+) modules, %d+ checks, 0 failures\n$')
    assert.is_not_nil(modules, out)
    -- (the instructors' copies of the sets, exercises/private/, are never embedded)
    local files = H.sh('cd ' .. H.quote(H.root) .. ' && ls lua/*.lua lua/nnlab/*.lua exercises/*.lua '
      .. 'exercises/*/*.lua | grep -v "^exercises/private/"')
    local _, nfiles = files:gsub('\n', '')
    assert.are.equal(nfiles, tonumber(modules))
  end)

  -- Regression guards: what the program did when it compiled the sources
  -- (they pass there too).  Bytecode stripped of its debug information, or
  -- dumped under another chunk name, fails them.
  it('an error raised inside a library function names lua/nnlab/<file>.lua:<line>', function()
    -- the net calls a method its module no longer has, in run_forward
    local _, err, code = run('local net = nn.Sequential({nn.Linear(2, 2)}, nn.Squared())\n' ..
      'net.modules[1] = {}\nnet:forward(matrix.eye(2))')
    assert.are.equal(1, code)
    local n = err:match("^nnlab: lua/nnlab/nn%.lua:(%d+): attempt to call a nil value %(method 'forward'%)\n")
    assert.is_not_nil(n, err)
    assert.matches('m:forward%(', line('lua/nnlab/nn.lua', tonumber(n)))
    -- and the traceback names the library's frames by file and line
    local a, b = err:match("\n\tlua/nnlab/nn%.lua:(%d+): in [^\n]*'run_forward'\n" ..
      "\tlua/nnlab/nn%.lua:(%d+): in [^\n]*'forward'\n\t%(command line%):3: in main chunk\n")
    assert.is_not_nil(a, err)
    assert.are.equal(n, a)
    assert.matches('run_forward%(self, X%)', line('lua/nnlab/nn.lua', tonumber(b)))
  end)

  it('a library error blames its caller, and the traceback names the library line that raised it', function()
    local _, err, code = run('data.split(42)')
    assert.are.equal(1, code)
    assert.matches('^nnlab: %(command line%):1: data%.split: X must be a matrix, got number\n', err)
    -- (data's fail is nnlab.util's, which raises the error)
    local n = err:match("\n\tlua/nnlab/util%.lua:(%d+): in upvalue 'fail'\n")
    assert.is_not_nil(n, err)
    assert.matches('error%(', line('lua/nnlab/util.lua', tonumber(n)))
  end)

  it('debug.getinfo of a running library function gives its file, current line and definition', function()
    -- a module written in Lua looks at its caller, the net's run_forward
    local out, err, code = run([[
      local seen
      local probe = {
        forward = function(self, X)
          local d = debug.getinfo(2, 'Sl')
          seen = string.format('%s %s %d %d %d', d.what, d.source, d.currentline,
            d.linedefined, d.lastlinedefined)
          return X
        end,
        backward = function(self, d) return d end,
      }
      nn.Sequential({probe}, nn.Squared()):forward(matrix.eye(2))
      print(seen)]])
    assert.are.equal('', err)
    assert.are.equal(0, code)
    local cur, first, last = out:match('^Lua @lua/nnlab/nn%.lua (%d+) (%d+) (%d+)\n$')
    assert.is_not_nil(cur, out)
    cur, first, last = tonumber(cur), tonumber(first), tonumber(last)
    assert.matches('m:forward%(', line('lua/nnlab/nn.lua', cur))
    assert.matches('^local function run_forward%(', line('lua/nnlab/nn.lua', first))
    assert.is_true(first < cur and cur < last)
    assert.matches('^end', line('lua/nnlab/nn.lua', last))
  end)

  it('debug.getinfo of a library function that is not running gives its file and its lines', function()
    local out, err, code = run([[
      local d = debug.getinfo(nn.Sequential, 'SL')
      local n = 0
      for _ in pairs(d.activelines) do n = n + 1 end
      print(d.short_src, d.linedefined, n)]])
    assert.are.equal('', err)
    assert.are.equal(0, code)
    local first, n = out:match('^lua/nnlab/nn%.lua\t(%d+)\t(%d+)\n$')
    assert.is_not_nil(first, out)
    assert.matches('^function nn%.Sequential%(', line('lua/nnlab/nn.lua', tonumber(first)))
    assert.is_true(tonumber(n) > 5, out)
  end)

  it('require "nnlab.embedded" gives the sources of the library and of the exercise sets', function()
    local out, err, code = run([[
      local e = require 'nnlab.embedded'
      local names = {}
      for name, src in pairs(e) do
        assert(type(src) == 'string', name)
        names[#names + 1] = name
      end
      table.sort(names)
      print(table.concat(names, ' '))
      io.write(e['nnlab'], e['nnlab.nn'], e['nnlab.sets.lecture'])]])
    assert.are.equal('', err)
    assert.are.equal(0, code)
    local names, rest = out:match('^([^\n]*)\n(.*)$')
    for _, name in ipairs { 'nnlab', 'nnlab.nn', 'nnlab.data', 'nnlab.grader', 'nnlab.sets.lecture' } do
      assert.is_truthy((' ' .. names .. ' '):find(' ' .. name .. ' ', 1, true), names)
    end
    assert.are.equal(H.slurp(H.root .. '/lua/nnlab.lua') .. H.slurp(H.root .. '/lua/nnlab/nn.lua') ..
      H.slurp(H.root .. '/exercises/lecture.lua'), rest)
  end)
end)
