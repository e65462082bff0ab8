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
