-- The REPL on a terminal, driven through a pseudo-terminal by tests/ptydrive:
-- prompts, printing, continuation, errors, Ctrl-C, Ctrl-D, history, Tab
-- completion and colour.
--
-- A ptydrive script types keys and waits for text to appear; readline echoes
-- what is typed, so each test waits for output that the typing itself does
-- not contain (e.g. it types `6 * 7` and waits for `42`).  ptydrive refuses a
-- wait for text typed since the previous wait: the echo would satisfy it and
-- the next key would race the REPL (a Ctrl-D typed while the terminal is in
-- cooked mode between two prompts is swallowed, and the run hangs).  `echo`
-- waits for the echo where that is the point.

local function tmpname()
  local name = os.tmpname()
  os.remove(name)
  return name
end

-- Run nnlab in a terminal with the given ptydrive script.  env: extra
-- variables; by default NO_COLOR=1 and a private history file.  Returns the
-- terminal output (carriage returns removed), ptydrive's stderr and status.
local function pty(script, env)
  env = env or {}
  local vars = { TERM = 'xterm', NO_COLOR = '1' }
  if env.NNLAB_HISTORY == nil then
    vars.NNLAB_HISTORY = tmpname()
  end
  for k, v in pairs(env) do vars[k] = v end
  local parts = { 'env' }
  for k, v in pairs(vars) do
    if v == false then
      parts[#parts + 1] = '-u ' .. k
    end
  end
  for k, v in pairs(vars) do
    if v ~= false then parts[#parts + 1] = k .. '=' .. H.quote(v) end
  end
  parts[#parts + 1] = H.quote(H.ptydrive) .. ' -t 90 ' .. H.quote(H.bin)
  local out, err, code = H.sh(table.concat(parts, ' '), 'timeout 30\n' .. script)
  if vars.NNLAB_HISTORY and env.NNLAB_HISTORY == nil then os.remove(vars.NNLAB_HISTORY) end
  return (out:gsub('\r', '')), err, code
end

-- Assert that the run ended normally (Ctrl-D, status 0) and return its output.
local function run(script, env)
  local out, err, code = pty(script, env)
  assert(code == 0 and err == '', 'ptydrive status ' .. code .. ': ' .. err .. '\n--- output:\n' .. out)
  return out
end

-- The part of the output after the first occurrence of marker.
local function after(out, marker)
  local _, e = out:find(marker, 1, true)
  assert(e, 'no "' .. marker .. '" in the output:\n' .. out)
  return out:sub(e + 1)
end

describe('the REPL on a terminal', function()
  it('shows a banner and a prompt, and Ctrl-D at an empty prompt exits with 0', function()
    local out = run('wait > \nctrl-d\n')
    assert.matches('^nnlab %d+%.%d+%.%d+ %(Lua 5%.4%.%d+%)', out)
  end)

  it("prints an expression's value without = or return", function()
    local out = run([[
wait > 
line 6 * 7
wait 42
wait > 
line 'ab' .. 'cd'
wait "abcd"
wait > 
line {1, 2, k = 'v'}
wait {1, 2, k = "v"}
wait > 
line matrix.eye(2)
wait matrix 2x2
wait > 
ctrl-d
]])
    assert.truthy(out:find('42\n', 1, true))
  end)

  it('prints nothing after a trailing ;', function()
    local out = run([[
wait > 
line x = 6
wait > 
line x * 7;
wait > 
line x * 8
wait 48
wait > 
ctrl-d
]])
    assert.is_nil(out:find('42', 1, true))
  end)

  it('continues an incomplete chunk with a continuation prompt', function()
    run([[
wait > 
line for i = 1, 3 do
wait >> 
line   io.write('i', i * 11, ' ')
wait >> 
line end
wait i11 i22 i33
wait > 
line {
wait >> 
line 5, 6}
wait {5, 6}
wait > 
ctrl-d
]])
  end)

  it('keeps a multi-line entry as one history entry, across sessions', function()
    local hist = tmpname()
    run([[
wait > 
line for i = 1, 2 do
wait >> 
line   print('loop ' .. i * 100)
wait >> 
line end
wait loop 200
wait > 
line print('single ' .. 6 * 7)
wait single 42
wait > 
ctrl-d
]], { NNLAB_HISTORY = hist })
    local text = H.slurp(hist)
    -- one timestamp line before each entry, none inside the loop
    local entries = {}
    for entry in (text .. '#0'):gmatch('#%d+\n(.-)\n?%f[#]') do entries[#entries + 1] = entry end
    assert.are.same({ "for i = 1, 2 do\n  print('loop ' .. i * 100)\nend",
      "print('single ' .. 6 * 7)" }, entries)
    -- the next session gets both back: Up twice is the loop, run again whole
    local out = run([[
wait > 
up
up
enter
wait loop 200
wait > 
ctrl-d
]], { NNLAB_HISTORY = hist })
    assert.truthy(after(out, 'end'):find('loop 100\nloop 200\n', 1, true))
    os.remove(hist)
  end)

  it('keeps history in ~/.nnlab_history without NNLAB_HISTORY', function()
    local home = H.sh('mktemp -d'):gsub('%s+$', '')
    run([[
wait > 
line print('home ' .. 2 * 21)
wait home 42
wait > 
ctrl-d
]], { HOME = home, NNLAB_HISTORY = false })
    local text = H.slurp(home .. '/.nnlab_history')
    assert.truthy(text:find("print('home ' .. 2 * 21)", 1, true))
    H.sh('rm -rf ' .. H.quote(home))
  end)

  it('caps the history file at 1000 entries, keeping the newest', function()
    local hist = tmpname()
    local f = assert(io.open(hist, 'w'))
    for i = 1, 1100 do f:write('#', 1000000 + i, '\nold_entry_', i, '\n') end
    f:close()
    run('wait > \nline new_entry = 1\nwait > \nctrl-d\n', { NNLAB_HISTORY = hist })
    local text = H.slurp(hist)
    local n = 0
    for _ in text:gmatch('#%d+\n') do n = n + 1 end
    assert.is_true(n <= 1001, n .. ' entries')
    assert.is_nil(text:find('old_entry_100\n', 1, true))
    assert.truthy(text:find('old_entry_1100\n', 1, true))
    assert.truthy(text:find('new_entry = 1\n', 1, true))
    os.remove(hist)
  end)

  it('uses _PROMPT and _PROMPT2 as prompts when set', function()
    run([[
wait > 
line _PROMPT, _PROMPT2 = 'nn' .. '$ ', 'nn' .. '... '
wait nn$ 
line if true then
wait nn... 
line end
wait nn$ 
ctrl-d
]])
  end)

  it('prints an error and keeps all state', function()
    local out = run([[
wait > 
line x = 7
wait > 
line error('bo' .. 'om')
wait boom
wait > 
line x = = 1
wait unexpected symbol
wait > 
line x * 6
wait 42
wait > 
ctrl-d
]])
    assert.truthy(out:find('stdin:1: boom', 1, true))
  end)

  it('executes each entry exactly once', function()
    run([[
wait > 
line n = 0
wait > 
line function bump() n = n + 1 return n end
wait > 
line bump()
wait > 
line bump();
wait > 
line bump(
wait >> 
line )
wait > 
line 'n=' .. n
wait "n=3"
wait > 
ctrl-d
]])
  end)
end)

describe('Ctrl-C in the REPL', function()
  it('interrupts a Lua loop and returns to the prompt with state intact', function()
    run([[
wait > 
line x = 6
wait > 
line print('run' .. 'ning') while true do end
wait running
sleep 100
ctrl-c
wait interrupted!
wait > 
line x * 7
wait 42
wait > 
ctrl-d
]])
  end)

  it('interrupts loops inside coroutines', function()
    run([[
wait > 
line x = 6
wait > 
line co = coroutine.wrap(function() while true do end end)
wait > 
line print('run' .. 'ning') co()
wait running
sleep 100
ctrl-c
wait interrupted!
wait > 
line c2 = coroutine.create(function() while true do end end)
wait > 
line print('run' .. 'ning') while true do coroutine.resume(c2) end
wait running
sleep 100
ctrl-c
wait interrupted!
wait > 
line x * 7
wait 42
wait > 
ctrl-d
]])
  end)

  it('interrupts a long matrix product', function()
    run([[
wait > 
line x = 6
wait > 
line a = matrix.zeros(3000, 3000)
wait > 
line print('run' .. 'ning') for i = 1, 1000 do b = a * a end
wait running
sleep 300
ctrl-c
wait matrix product: interrupted
wait > 
line x * 7
wait 42
wait > 
ctrl-d
]])
  end)

  it('at the prompt clears the line, and a pending multi-line entry', function()
    local out = run([[
wait > 
line x = 1
wait > 
send x = 2
echo x = 2
ctrl-c
wait > 
line for i = 1, 2 do
wait >> 
line x = 3
wait >> 
ctrl-c
wait > 
line end
wait <eof> expected near 'end'
wait > 
line 'x=' .. x
wait "x=1"
wait > 
ctrl-d
]])
    assert.truthy(out:find('^C', 1, true))
  end)
end)

describe('Tab completion', function()
  it('completes globals, module fields and keywords', function()
    run([[
wait > 
send collectg
tab
wait collectgarbage
send ('count') > 0
enter
wait true
wait > 
send matrix.ze
tab
wait zeros
line (2, 3)
wait matrix 2x3
wait > 
send whi
tab
wait while
line  false do end
wait > 
ctrl-d
]])
  end)

  it('completes the methods of a matrix after :', function()
    local out = run([[
wait > 
line W = matrix.ones(2, 3)
wait > 
send W:tr
tab
wait transpose
line ()
wait matrix 3x2
wait > 
send W:t
tab
tab
wait totable
wait > 
ctrl-c
wait > 
ctrl-d
]])
    local listing = after(out, 'W:t')
    assert.truthy(listing:find('transpose', 1, true))
    assert.truthy(listing:find('totable', 1, true))
  end)

  it("completes a user table's fields after . and only its methods after :", function()
    local out = run([[
wait > 
line cfg = {alpha = 1, gamma = 2, greet = function() return 'hello' end, go = print}
wait > 
send cfg.al
tab
wait alpha
line  + 41
wait 42
wait > 
send cfg:g
tab
tab
wait greet
wait > 
ctrl-c
wait > 
send cfg.g
tab
tab
wait gamma
wait > 
ctrl-c
wait > 
ctrl-d
]])
    local methods = after(out, 'cfg:g')
    methods = methods:sub(1, methods:find('> ', 1, true))
    assert.truthy(methods:find('go', 1, true))
    assert.is_nil(methods:find('gamma', 1, true)) -- not a method
    local fields = after(out, 'cfg.g')
    fields = fields:sub(1, fields:find('> ', 1, true))
    assert.truthy(fields:find('greet', 1, true))
    assert.truthy(fields:find('go', 1, true))
  end)

  it('follows __index tables without calling any metamethod', function()
    run([[
wait > 
line Base = {hello = function() return 'hi from base' end}
wait > 
line obj = setmetatable({}, {__index = Base})
wait > 
send obj:hel
tab
wait hello
line ()
wait "hi from base"
wait > 
line trap = setmetatable({}, {__index = function() called = true end, __pairs = function() called = true end})
wait > 
send trap.x
echo trap.x
tab
wait \x07
tab
wait \x07
ctrl-c
wait > 
line 'called: ' .. tostring(called)
wait "called: nil"
wait > 
ctrl-d
]])
  end)
end)

describe('ptydrive, the terminal the REPL specs type into', function()
  local function drive(script)
    return H.sh('env TERM=xterm ' .. H.quote(H.ptydrive) .. ' -t 20 cat', script)
  end

  it('refuses a wait for text typed since the previous wait', function()
    local _, err, code = drive('line hello\nwait hello\nctrl-d\n')
    assert.are.equal(124, code)
    assert.truthy(err:find('script error: "hello" was typed since the last wait', 1, true), err)
  end)

  it('waits for the echo with echo, and for the answer after it with wait', function()
    local out, err, code = drive('line hello\necho hello\nwait hello\nctrl-d\n')
    assert(code == 0 and err == '', code .. ': ' .. err)
    assert.are.equal('hello\nhello\n', (out:gsub('\r', '')))
  end)
end)

describe('job control', function()
  it('edits lines again after Ctrl-Z and fg', function()
    local hist = tmpname()
    local script = [[
timeout 30
line PS1='SH''ELL$ '
wait SHELL$ 
line NO_COLOR=1 NNLAB_HISTORY=]] .. H.quote(hist) .. ' ' .. H.quote(H.bin) .. [[

wait > 
send \x1a
wait Stopped
wait SHELL$ 
line fg
sleep 300
send matrix.ze
tab
wait zeros
line (1, 1)
wait matrix 1x1
wait > 
ctrl-d
wait SHELL$ 
line exit
]]
    local out, err, code = H.sh('env -u PROMPT_COMMAND TERM=xterm HISTFILE=/dev/null ' ..
      H.quote(H.ptydrive) .. ' -t 60 bash --norc --noprofile -i', script)
    os.remove(hist)
    assert(code == 0 and err == '', 'ptydrive status ' .. code .. ': ' .. err .. '\n--- output:\n' .. out)
  end)
end)

describe('colour in the REPL', function()
  local script = [[
wait > 
line error('oops')
wait 1: oops
wait > 
ctrl-d
]]
  it('is used on a terminal', function()
    local out = run(script, { NO_COLOR = false })
    assert.truthy(out:find('\27[1;32m> ', 1, true)) -- the prompt
    assert.truthy(out:find('\27[31mstdin:1: oops', 1, true)) -- the error
  end)

  it('is not used when NO_COLOR is set', function()
    local out = run(script)
    assert.is_nil(out:find('\27%[[%d;]*m'))
  end)
end)

-- The REPL fed by a pipe (`nnlab -i`): what it prints on stdout and stderr.
local function piped(input)
  local out, err, code = H.nnlab({ '-i' }, input)
  assert(code == 0, 'status ' .. code .. ': ' .. err)
  return out, err
end

describe('top-level locals that last', function()
  it('keep their value for later entries, on a terminal', function()
    run([[
wait > 
line local x = 6 * 7
wait > 
line x
wait 42
wait > 
line local features = {}
wait > 
line function features.phi(v) return v + 1 end
wait > 
line features.phi(99)
wait 100
wait > 
ctrl-d
]])
  end)

  it('keep Lua scoping: shadowing, closures that see later assignments', function()
    local out, err = piped(table.concat({
      'local y = 1; f = function() return y end',
      'y = 2',
      'f()',                          -- 2: the closure sees the assignment
      'local y = 10',
      'f(), y',                       -- 2 10: the new y shadows, f keeps its own
      'local y = y + 1',              -- reads the kept y
      'y',                            -- 11
      'local function fact(n) return n < 2 and 1 or n * fact(n - 1) end',
      'fact(5)',                      -- 120: local function recursion
      'local c <const> = 7',
      'c',                            -- 7: a compile-time constant keeps its value
      'local t <const> = {k = 8}',
      't.k',                          -- 8
      'local a, b = 3, 4 return a + b', -- 7: kept before a top-level return
      'a * b',                        -- 12
      'do local hidden = 1 end',
      'hidden',                       -- nil: not a top-level local
      'local s = [[\nlocal not_a_local = 5\n]]',
      'not_a_local',                  -- nil: inside a long string
      'local z = 5; error("boom")',
      'z',                            -- nil: the entry failed before its end
      'z = 6',
      'global_z = z',
      'global_z',                     -- 6: z was a global
      '_G.x_global = 1; local x_global = 2',
      'x_global, _G.x_global',        -- 2 1
    }, '\n') .. '\n')
    assert.are.equal(table.concat({ '2', '2\t10', '11', '120', '7', '8', '7', '12', 'nil', 'nil',
      'nil', '6', '2\t1' }, '\n') .. '\n', out)
    assert.truthy(err:find('stdin:1: boom', 1, true), err)
  end)

  it('name the entry\'s own line in an expression\'s runtime error, comment or not', function()
    local _, err = piped('nosuch.x\nA = matrix{{1}}\nA[1]\nnosuch.y -- a comment\n')
    local lines = {}
    for l in err:gmatch('[^\n]+') do
      if l:find('^stdin:') then lines[#lines + 1] = l:match('^(stdin:%d+:)') end
    end
    -- each entry is its own chunk: every error is on its line 1, except the
    -- commented one, whose ) had to go on a line of its own
    assert.are.same({ 'stdin:1:', 'stdin:1:', 'stdin:2:' }, lines, err)
  end)

  it('go beyond the 200 locals of a Lua function, and say when an entry names too many', function()
    local lines, sum = {}, {}
    for i = 1, 250 do lines[#lines + 1] = ('local v%d = %d'):format(i, i) end
    lines[#lines + 1] = 'v1 + v125 + v250'
    for i = 1, 195 do sum[#sum + 1] = 'v' .. i end
    lines[#lines + 1] = table.concat(sum, ' + ')
    lines[#lines + 1] = 'v250'
    local out, err = piped(table.concat(lines, '\n') .. '\n')
    assert.are.equal('376\n250\n', out)
    assert.truthy(err:find('stdin:1: an entry can name at most 190 of the kept locals (it names 195)',
      1, true), err)
  end)

  it('make every starter of the lecture set work pasted line by line, and ex.check sees them', function()
    -- the starters, as ex.show prints them
    local text = assert(H.nnlab({ '-e', [[
      local grader = require 'nnlab.grader'
      for _, e in ipairs(grader.load_set('lecture').exercises) do
        if e.starter then io.write('@@ ', e.id, '\n', e.starter, '\n') end
      end]] }))
    -- prompts that no starter line contains ("$ "), typed without typing them
    local script, ids = { 'wait > ', 'line _PROMPT, _PROMPT2 = string.char(80, 49, 36, 32), string.char(80, 50, 36, 32)',
      'wait $ ' }, {}
    for id, starter in text:gmatch('@@ (%S+)\n(.-)\n%f[@\0]') do
      ids[#ids + 1] = id
      local first = starter:match('^local (%w+) = {}')
      assert(first, id .. "'s starter does not begin with a local table: " .. starter)
      for line in (starter .. '\n'):gmatch('([^\n]*)\n') do
        if line:match('^%s*$') then
          script[#script + 1] = 'enter'
        else
          script[#script + 1] = 'line ' .. line:gsub('\\', '\\\\')
        end
        script[#script + 1] = 'wait $ ' -- the prompt, P1$ or P2$, after the line
      end
      -- the table the starter made is there, with its functions
      script[#script + 1] = ('line print("%s:", type(%s), %s == nil and "no" or "kept")'):format(id, first, first)
      script[#script + 1] = ('wait %s:\ttable\tkept'):format(id)
      script[#script + 1] = 'wait $ '
    end
    assert.is_true(#ids >= 5, 'starters found: ' .. #ids)
    -- answers written as a student would, with the starter's local and
    -- locals of their own that the answers' closures capture
    for _, line in ipairs {
      'local W, W0 = matrix{{-1, 1}, {0.5, -0.5}}, matrix.col{0.5, -1}',
      'local function step(z) return z >= 0 and 1 or 0 end',
      'function features.phi(x) local z = W:T() * x + W0 return matrix.col{step(z:get(1, 1)), step(z:get(2, 1))} end',
      'function features.h(x) local p = features.phi(x) return p:get(1, 1) + p:get(2, 1) - 0.5 >= 0 and 1 or -1 end',
    } do
      script[#script + 1] = 'line ' .. line
      script[#script + 1] = 'wait $ '
    end
    script[#script + 1] = "line ex.check('features.phi', features.phi)"
    script[#script + 1] = 'wait [PASS] features.phi (2/2)'
    script[#script + 1] = 'wait $ '
    script[#script + 1] = "line ex.check('features.h', features.h)"
    script[#script + 1] = 'wait [PASS] features.h (2/2)'
    script[#script + 1] = 'wait $ '
    script[#script + 1] = 'ctrl-d'
    local state = H.tmpdir() -- where ex may keep its progress
    local out = run(table.concat(script, '\n') .. '\n', { XDG_STATE_HOME = state, HOME = state })
    os.execute('rm -rf ' .. H.quote(state))
    assert.is_nil(out:find('attempt to index a nil value', 1, true), out)
  end)

  it('take a multi-line paste as one chunk', function()
    local out = run([[
wait > 
send \e[200~local a = 2\nlocal b = a * 21\nprint('sum', a + b)\e[201~
enter
wait sum	44
wait > 
line b
wait 42
wait > 
ctrl-d
]])
    assert.is_nil(out:find('>> ', 1, true)) -- no continuation prompt: one entry
  end)
end)

describe("errors at the user's line", function()
  it("show no library frames for a caller's mistake", function()
    local _, err = piped("ex.show('nope')\n")
    assert.truthy(err:match("^stdin:1: [^\n]*'nope'"), err)
    assert.is_nil(err:find('traceback', 1, true), err)
    assert.is_nil(err:find('lua/nnlab', 1, true), err)
  end)

  it('keep the library frames for a bug inside the library, and the user frames always', function()
    -- chunks named as the library's files are: a function that reports its
    -- caller's mistake (level 2), one with a bug, one that calls back
    local _, err = piped(table.concat({
      [[lib = load("return {check = function(x) if x ~= 1 then error('lib.check: bad x', 2) end end, ]] ..
        [[bug = function() local t = nil; return t.field end, ]] ..
        [[call = function(f) local v = f() return v end}", "@lua/nnlab/fakelib.lua")()]],
      'lib.check(2)',
      'lib.bug()',
      "lib.call(function() lib.check(3) end)",
    }, '\n') .. '\n')
    local mistake, bug, callback = err:match('^(.-)\n(lua/nnlab/.-)\n(stdin:1: lib.check.*)$')
    assert(mistake, err)
    assert.are.equal('stdin:1: lib.check: bad x', mistake)
    assert.truthy(bug:find("^lua/nnlab/fakelib%.lua:1: attempt to index a nil value"), bug)
    assert.truthy(bug:find('\nstack traceback:\n', 1, true), bug)
    assert.truthy(bug:find('\tlua/nnlab/fakelib.lua:1: in ', 1, true), bug)
    assert.truthy(bug:find('\tstdin:1: in main chunk', 1, true), bug)
    -- the user's function that called check is shown; the library's call is not
    local _, frames = callback:gsub('\n\tstdin:1: in ', '')
    assert.are.equal(2, frames, callback)
    assert.truthy(callback:find('\tstdin:1: in main chunk\n$'), callback)
    assert.is_nil(callback:find('fakelib', 1, true), callback)
    assert.is_nil(callback:find("[C]: in function 'error'", 1, true), callback)
  end)

  it('name the entry as the main chunk in a user traceback', function()
    local _, err = piped("function g() error('in g') end\ng()\n")
    assert.are.equal("stdin:1: in g\nstack traceback:\n\t[C]: in function 'error'\n" ..
      "\tstdin:1: in function 'g'\n\tstdin:1: in main chunk\n", err)
  end)
end)

describe('Tab completion that follows the student', function()
  it('completes through index expressions, a C object included', function()
    local out = run([[
wait > 
line net = nn.Sequential({nn.Linear(2, 3), nn.Sigmoid()}, nn.NLL())
wait > 
send net.modules[1].dLdW
tab
tab
wait dLdW0
wait > 
ctrl-c
wait > 
send net.modules[1]:zero_g
tab
wait zero_grad
line ()
wait > 
line t = {key = {alpha = 41}, {beta = 2}}
wait > 
send t['key'].al
tab
wait alpha
line  + 1
wait 42
wait > 
send t[1].be
tab
wait beta
line  * 21
wait 42
wait > 
line local kept_table = {gamma = 42}
wait > 
send kept_t
tab
wait kept_table
send .ga
tab
wait gamma
enter
wait 42
wait > 
line trap = setmetatable({}, {__index = function() called = true end})
wait > 
send trap[1].x
tab
wait \x07
ctrl-c
wait > 
send trap['k']:
tab
wait \x07
ctrl-c
wait > 
line 'called: ' .. tostring(called)
wait "called: nil"
wait > 
ctrl-d
]])
    local fields = after(out, 'dLdW')
    assert.truthy(fields:find('dLdW0', 1, true))
  end)

  it('completes exercise ids and data set names inside the strings', function()
    run([[
wait > 
send ex.hint('fea
tab
wait features'
line )
wait hint 1/
wait > 
send data.load("ha
tab
wait hard"
line ):shape()
wait 2	20
wait > 
send ex.check('features.ph
tab
wait phi'
ctrl-c
wait > 
ctrl-d
]])
  end)

  it('offers only methods after a matrix and :', function()
    local out = run([[
wait > 
line A = matrix.eye(2)
wait > 
send A:
tab
tab
wait totable
wait > 
ctrl-c
wait > 
ctrl-d
]])
    local listing = after(out, 'A:')
    listing = listing:sub(1, listing:find('> ', 1, true))
    for _, m in ipairs { 'totable', 'transpose', 'sum', 'map', 'shape', 'get' } do
      assert.truthy(listing:find('%f[%w]' .. m .. '%f[%W]'), m .. ' missing:\n' .. listing)
    end
    for _, c in ipairs { 'eye', 'zeros', 'seed', 'threads', 'load', 'randn', 'new' } do
      assert.is_nil(listing:find('%f[%w]' .. c .. '%f[%W]'), c .. ' offered:\n' .. listing)
    end
  end)
end)
