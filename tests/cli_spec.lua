-- The nnlab program through pipes: its command line (that of `lua`), the
-- global `arg`, exit statuses, errors on stderr, standard input as a script,
-- and the REPL's rules for what it prints (with -i and a pipe; the terminal
-- features are in repl_spec.lua).
local nnlab = H.nnlab

local tmpfile = H.tmpfile

local tmpdir = H.tmpdir

describe('nnlab options', function()
  it('-v and --version print the version line', function()
    for _, opt in ipairs({ '-v', '--version' }) do
      local out, err, code = nnlab({ opt })
      assert.are.equal(0, code)
      assert.are.equal('', err)
      assert.matches('^nnlab %d+%.%d+%.%d+ %(Lua 5%.4%.%d+%)\n$', out)
    end
  end)

  it('-v with a script prints the version, then runs the script', function()
    local script = tmpfile('print("ran")\n')
    local out, _, code = nnlab({ '-v', script })
    os.remove(script)
    assert.are.equal(0, code)
    assert.matches('^nnlab [^\n]*\nran\n$', out)
  end)

  it('--help lists the options on stdout', function()
    local out, err, code = nnlab({ '--help' })
    assert.are.equal(0, code)
    assert.are.equal('', err)
    assert.matches('^usage: nnlab %[options%] %[script %[args%]%]', out)
    for _, opt in ipairs({ '-e stat', '-i', '-l mod', '-l g=mod', '-v', '-E', '-W',
      '--  ', '-   ', '--help', '--version' }) do
      assert.truthy(out:find('\n  ' .. opt, 1, true), opt)  -- one a line
    end
    for _, var in ipairs({ 'NNLAB_HISTORY', 'LUA_INIT', 'NO_COLOR' }) do
      assert.truthy(out:find('\nEnvironment:.*' .. var), var)
    end
  end)

  it('rejects an unknown option with usage on stderr and status 1', function()
    for _, opt in ipairs({ '-x', '--frobnicate', '-vx', '-Ex' }) do
      local out, err, code = nnlab({ opt })
      assert.are.equal(1, code)
      assert.are.equal('', out)
      assert.matches("^nnlab: unrecognized option '" .. opt:gsub('%-', '%%-') .. "'\nusage:", err)
    end
  end)

  it('says when -e or -l lacks its argument', function()
    for _, opt in ipairs({ '-e', '-l' }) do
      local _, err, code = nnlab({ opt })
      assert.are.equal(1, code)
      assert.matches("^nnlab: '" .. opt:gsub('%-', '%%-') .. "' needs argument\n", err)
    end
    -- an option in the place of the argument is no argument either
    local _, err, code = nnlab({ '-e', '-v' })
    assert.are.equal(1, code)
    assert.matches("'%-e' needs argument", err)
  end)

  it('-e runs each statement in order, also glued to the option', function()
    local out, err, code = nnlab({ '-e', 'x = 6', '-ex = x * 7', '-e', 'print(x)' })
    assert.are.equal('', err)
    assert.are.equal(0, code)
    assert.are.equal('42\n', out)
  end)

  it('-e errors go to stderr with a traceback, status 1, and stop the rest', function()
    local out, err, code = nnlab({ '-e', 'error("boom")', '-e', 'print("after")' })
    assert.are.equal(1, code)
    assert.are.equal('', out)
    assert.matches('^nnlab: %(command line%):1: boom\nstack traceback:\n', err)
    local _, err2, code2 = nnlab({ '-e', 'x = = 1' })
    assert.are.equal(1, code2)
    assert.matches('^nnlab: %(command line%):1: unexpected symbol', err2)
  end)

  it('-l requires a module into a global of its name, or of the name given', function()
    local dir = tmpdir()
    local f = assert(io.open(dir .. '/mymod.lua', 'w'))
    f:write('return { answer = 42 }\n')
    f:close()
    local env = { LUA_PATH = dir .. '/?.lua' }
    local out, err, code = nnlab({ '-l', 'mymod', '-e', 'print(mymod.answer)' }, nil, env)
    assert.are.equal('', err)
    assert.are.equal(0, code)
    assert.are.equal('42\n', out)
    out, err, code = nnlab({ '-lm=mymod', '-e', 'print(m.answer, mymod)' }, nil, env)
    assert.are.equal('', err)
    assert.are.equal(0, code)
    assert.are.equal('42\tnil\n', out)
    out, err, code = nnlab({ '-l', 'nosuchmodule' }, nil, env)
    assert.are.equal(1, code)
    assert.matches("^nnlab: module 'nosuchmodule' not found", err)
    H.sh('rm -rf ' .. H.quote(dir))
  end)

  it('-E ignores LUA_INIT and LUA_PATH', function()
    local dir = tmpdir()
    local f = assert(io.open(dir .. '/envmod.lua', 'w'))
    f:write('return "found"\n')
    f:close()
    local env = { LUA_INIT = 'print("init ran")', LUA_PATH = dir .. '/?.lua' }
    local out, _, code = nnlab({ '-e', 'print((require("envmod")))' }, nil, env)
    assert.are.equal(0, code)
    assert.are.equal('init ran\nfound\n', out)
    local out2, err2, code2 = nnlab({ '-E', '-e', 'print(pcall(require, "envmod"))' }, nil, env)
    assert.are.equal('', err2)
    assert.are.equal(0, code2)
    assert.matches('^false\tmodule \'envmod\' not found', out2)
    H.sh('rm -rf ' .. H.quote(dir))
  end)

  it('runs LUA_INIT (code or @file, LUA_INIT_5_4 first) before the options', function()
    local out = nnlab({ '-e', 'print(x)' }, nil, { LUA_INIT = 'x = "from init"' })
    assert.are.equal('from init\n', out)
    out = nnlab({ '-e', 'print(x)' }, nil, { LUA_INIT = 'x = 1', LUA_INIT_5_4 = 'x = 2' })
    assert.are.equal('2\n', out)
    local init = tmpfile('x = matrix.eye(2):sum()\n')
    out = nnlab({ '-e', 'print(x)' }, nil, { LUA_INIT = '@' .. init })
    os.remove(init)
    assert.are.equal('2.0\n', out)
    local _, err, code = nnlab({ '-e', 'print(1)' }, nil, { LUA_INIT = 'error("bad init")' })
    assert.are.equal(1, code)
    assert.matches('^nnlab: LUA_INIT:1: bad init', err)
  end)

  it('-W turns warnings on', function()
    local _, err, code = nnlab({ '-e', 'warn("quiet")' })
    assert.are.equal(0, code)
    assert.are.equal('', err)
    _, err, code = nnlab({ '-W', '-e', 'warn("loud")' })
    assert.are.equal(0, code)
    assert.matches('loud', err)
  end)
end)

describe('nnlab scripts', function()
  it('sets arg as lua does and passes the arguments as ...', function()
    local script = tmpfile([[
print(select('#', ...), ...)
for i = -3, #arg do io.write(i, '=', tostring(arg[i]), ' ') end
print()
]])
    local out, err, code = nnlab({ '-e', 'x=1', script, 'a', 'b c' })
    assert.are.equal('', err)
    assert.are.equal(0, code)
    local lines = {}
    for l in out:gmatch('[^\n]+') do lines[#lines + 1] = l end
    assert.are.equal('2\ta\tb c', lines[1])
    assert.are.equal('-3=' .. H.bin .. ' -2=-e -1=x=1 0=' .. script .. ' 1=a 2=b c ', lines[2])
    os.remove(script)
  end)

  it('without a script, arg[0] is the program and the options follow', function()
    local out = nnlab({ '-e', 'print(arg[0], arg[1], arg[2], arg[-1])' })
    assert.are.equal(H.bin .. '\t-e\tprint(arg[0], arg[1], arg[2], arg[-1])\tnil\n', out)
  end)

  it('exits with status 1 and a traceback on stderr when the script fails', function()
    local script = tmpfile('local function f()\n  error("boom")\nend\nf()\n')
    local out, err, code = nnlab({ script })
    assert.are.equal(1, code)
    assert.are.equal('', out)
    assert.matches('^nnlab: [^\n]*:2: boom\nstack traceback:\n', err)
    assert.matches("in local 'f'", err)
    os.remove(script)
  end)

  it('exits with the status the script gives os.exit', function()
    local _, _, code = nnlab({ '-e', 'os.exit(3)' })
    assert.are.equal(3, code)
    _, _, code = nnlab({ '-e', 'os.exit(false)' })
    assert.are.equal(1, code)
    _, _, code = nnlab({ '-e', 'os.exit(true)' })
    assert.are.equal(0, code)
  end)

  it('reports a missing script', function()
    local out, err, code = nnlab({ '/nonexistent/script.lua' })
    assert.are.equal(1, code)
    assert.are.equal('', out)
    assert.matches('^nnlab: cannot open /nonexistent/script%.lua', err)
  end)

  it('reports a syntax error in the script', function()
    local script = tmpfile('x = \n')
    local _, err, code = nnlab({ script })
    assert.are.equal(1, code)
    assert.matches('^nnlab: [^\n]*:2: unexpected symbol near <eof>', err)
    os.remove(script)
  end)

  it('-- ends the options: what follows is the script and its arguments', function()
    local script = tmpfile("print(select('#', ...), ...)\n")
    local out, err, code = nnlab({ '--', script, '-v' })
    assert.are.equal('', err)
    assert.are.equal(0, code)
    assert.are.equal('1\t-v\n', out)
    out = nnlab({ '-e', 'x = 1', '--', script, '-e', '--' })
    assert.are.equal('2\t-e\t--\n', out)
    os.remove(script)
  end)

  it('-i runs the script, then reads entries from stdin', function()
    local script = tmpfile('x = 20\n')
    local out, err, code = nnlab({ '-i', script }, 'x + 22\n')
    assert.are.equal('', err)
    assert.are.equal(0, code)
    assert.are.equal('42\n', out)
    os.remove(script)
  end)
end)

describe('nnlab with standard input', function()
  it('runs a piped script without prompts or banner', function()
    local out, err, code = nnlab({}, 'x = 1 + 1; print(x)\n')
    assert.are.equal('', err)
    assert.are.equal(0, code)
    assert.are.equal('2\n', out)
    out = nnlab({}, 'print(1)\n')
    assert.are.equal('1\n', out)
  end)

  it('runs a piped script as a whole: a bare expression is an error', function()
    local out, err, code = nnlab({}, 'print("first")\n1 + 1\n')
    assert.are.equal(1, code)
    assert.are.equal('', out) -- nothing ran: the chunk does not compile
    assert.matches('^nnlab: stdin:2: ', err)
  end)

  it('fails with status 1 and a traceback when the piped script fails', function()
    local out, err, code = nnlab({}, 'print("before")\nerror("boom")\nprint("after")\n')
    assert.are.equal(1, code)
    assert.are.equal('before\n', out)
    assert.matches('^nnlab: stdin:2: boom\nstack traceback:\n', err)
  end)

  it('- runs stdin as the script, with arguments', function()
    local out, err, code = nnlab({ '-', 'a', 'b' }, 'print(arg[0], ...)\n')
    assert.are.equal('', err)
    assert.are.equal(0, code)
    assert.are.equal('-\ta\tb\n', out)
  end)

  it('-- alone still reads a piped script', function()
    local out, _, code = nnlab({ '--' }, 'print("piped")\n')
    assert.are.equal(0, code)
    assert.are.equal('piped\n', out)
  end)

  it('-e without -i does not read stdin', function()
    local out, _, code = nnlab({ '-e', 'print(1)' }, 'print("not run")\n')
    assert.are.equal(0, code)
    assert.are.equal('1\n', out)
  end)
end)

describe('nnlab library globals', function()
  it('has matrix (and every part of the nnlab table but version) as globals', function()
    local out, err, code = nnlab({ '-e', [[
local nnlab = require 'nnlab'
local n = 0
for k, v in pairs(nnlab) do
  if k ~= 'version' then
    assert(_G[k] == v, k)
    n = n + 1
  end
end
print(n > 0, matrix == nnlab.matrix, version, nnlab.version)
print(matrix.zeros(2, 3):shape())
]] })
    assert.are.equal('', err)
    assert.are.equal(0, code)
    assert.matches('^true\ttrue\tnil\t%d+%.%d+%.%d+\n2\t3\n$', out)
  end)

  it('works from any working directory, whatever LUA_PATH says', function()
    local out, err, code = H.sh('cd / && LUA_PATH=/nonexistent/?.lua LUA_CPATH=/nonexistent/?.so '
      .. H.quote(H.bin) .. ' -e ' .. H.quote('print(matrix.eye(2):sum(), require("nnlab.pretty") ~= nil)'))
    assert.are.equal('', err)
    assert.are.equal(0, code)
    assert.are.equal('2.0\ttrue\n', out)
  end)

  it('is preloaded before -l, so a -l module can use it', function()
    local dir = tmpdir()
    local f = assert(io.open(dir .. '/usesmatrix.lua', 'w'))
    f:write('return matrix.ones(1, 2)\n')
    f:close()
    local out, err, code = nnlab({ '-l', 'usesmatrix', '-e', 'print(usesmatrix:sum())' }, nil,
      { LUA_PATH = dir .. '/?.lua' })
    assert.are.equal('', err)
    assert.are.equal(0, code)
    assert.are.equal('2.0\n', out)
    H.sh('rm -rf ' .. H.quote(dir))
  end)
end)

describe('nnlab Ctrl-C (SIGINT) in a script', function()
  -- Run code (which prints "started" when its long part begins), send it
  -- SIGINT `times` times once it has started (the first after `delay`
  -- seconds), and return its stderr and exit status.  It gets 60 s to end.
  local START = 'io.write("started\\n") io.flush() '
  local function interrupt(code, times, delay)
    local script = string.format([[
f=$(mktemp)
%s -e %s >"$f" & p=$!
i=0
until grep -q started "$f" || [ $i -ge 600 ]; do sleep 0.05; i=$((i + 1)); done
sleep %s
for n in $(seq %d); do kill -INT $p 2>/dev/null; sleep 0.3; done
i=0
while kill -0 $p 2>/dev/null && [ $i -lt 600 ]; do sleep 0.1; i=$((i + 1)); done
kill -KILL $p 2>/dev/null
wait $p
echo "status $?"
rm -f "$f"
]], H.quote(H.bin), H.quote(code), delay or 0.5, times or 1)
    local out, err = H.sh(script)
    return err, tonumber(out:match('status (%d+)'))
  end

  it('stops a Lua loop with "interrupted!"', function()
    local err, code = interrupt(START .. 'while true do end')
    assert.are.equal(1, code)
    assert.matches('^nnlab: interrupted!\nstack traceback:', err)
  end)

  it('stops a loop inside a running coroutine', function()
    local err, code = interrupt(START .. 'coroutine.wrap(function() while true do end end)()')
    assert.are.equal(1, code)
    assert.matches('interrupted!', err)
    err, code = interrupt(START .. [[
local co = coroutine.create(function() while true do end end)
while true do coroutine.resume(co) end]])
    assert.are.equal(1, code)
    assert.matches('interrupted!', err)
  end)

  it('stops code that catches the interruption', function()
    local err, code = interrupt(START .. 'while true do pcall(function() while true do end end) end')
    assert.are.equal(1, code)
    assert.matches('interrupted!', err)
  end)

  it('stops a long matrix product', function()
    local err, code = interrupt('local a = matrix.zeros(3000, 3000) ' .. START ..
      'while true do local b = a * a end')
    assert.are.equal(1, code)
    assert.matches('matrix product: interrupted', err)
  end)

  it('quits on the third Ctrl-C that C code leaves unanswered', function()
    -- string.find with this pattern runs for ages in C without a Lua instruction
    -- (the string is made first: under emulation string.rep takes a second)
    local err, code = interrupt('local s = string.rep("x", 1e7) ' .. START .. 'print(s:find(".-y"))', 3, 1.5)
    assert.are.equal(130, code)
    assert.matches('nnlab: not answering Ctrl%-C: quitting', err)
  end)
end)

describe('nnlab -i through a pipe (the REPL without a terminal)', function()
  local function repl(input)
    return nnlab({ '-i' }, input)
  end

  it('prints no banner or prompt, and exits 0 at end of input', function()
    local out, err, code = repl('')
    assert.are.equal('', out)
    assert.are.equal('', err)
    assert.are.equal(0, code)
  end)

  it("prints an expression's values without = or return", function()
    local out = repl('1 + 1\n"a" .. "b"\n1, nil, false\n=10\nreturn 11\n')
    assert.are.equal('2\n"ab"\n1\tnil\tfalse\n10\n11\n', out)
  end)

  it('prints nothing for statements, or after a trailing ;', function()
    local out = repl('x = 5\nx * 2;\nx * 3 ;  \nprint("p")\nx\n')
    assert.are.equal('p\n5\n', out)
  end)

  it('continues a chunk while it is incomplete', function()
    local out = repl('for i = 1, 3 do\n  io.write(i, " ")\nend\nprint()\n{\n  1,\n  2\n}\nmatrix.zeros(\n1, 2\n):shape()\n')
    assert.are.equal('1 2 3 \n{1, 2}\n1\t2\n', out)
  end)

  it('reports an error and keeps the state', function()
    local out, err, code = repl('x = 7\nerror("boom")\nnil + 1\nx = = 2\nx\nlocal function f() error("deep") end f()\n')
    assert.are.equal(0, code)
    assert.are.equal('7\n', out)
    assert.matches('^stdin:1: boom\n', err)
    assert.matches('\nstdin:1: attempt to perform arithmetic on a nil value\n', err)
    assert.matches("\nstdin:1: unexpected symbol near '='\n", err)
    assert.matches("\nstdin:1: deep\nstack traceback:\n.-in local 'f'", err)
    assert.is_nil(err:find('nnlab:', 1, true)) -- no program name in the REPL
  end)

  it('reports an incomplete chunk at end of input', function()
    local _, err, code = repl('for i = 1, 2 do\n')
    assert.are.equal(0, code)
    assert.matches("^stdin:1: 'end' expected near <eof>\n$", err)
  end)

  it('executes each entry exactly once', function()
    local out = repl([[
n = 0
function bump() n = n + 1 return n end
bump()
bump();
t = {bump()}
bump(
)
n
]])
    assert.are.equal('1\n4\n4\n', out)
  end)

  it('prints tables readably, strings quoted, matrices with their shape', function()
    local out = repl([[
{3, 2, b = "x", a = {true}, [10] = 1.5}
"line\nbreak"
matrix.eye(2)
]])
    assert.are.equal('{3, 2, [10] = 1.5, a = {true}, b = "x"}\n"line\\nbreak"\n' ..
      tostring(require('nnlab').matrix.eye(2)) .. '\n', out)
  end)

  it('prints cycles and deep nesting safely', function()
    local out, err = repl('t = {name = "t"}\nt.self = t\nt\n{{{{{{1}}}}}}\n')
    assert.are.equal('', err)
    assert.are.equal('{name = "t", self = <cycle>}\n{{{{{...}}}}}\n', out)
  end)

  it('has no colour when the output is not a terminal', function()
    local out, err = repl('1\nerror("x")\n')
    assert.is_nil(out:find('\27', 1, true))
    assert.is_nil(err:find('\27', 1, true))
  end)
end)

describe('a quiet entry', function()
  it('may end in a comment after its ;', function()
    local out = H.nnlab({ '-i' }, 'x = 2\nx * 3;   -- quiet\nx * 4 -- loud\n"a;--b"\n')
    assert.equal('8\n"a;--b"\n', out)
  end)
end)
