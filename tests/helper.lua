-- Shared by the specs (busted --helper): where the binaries are, and a way to
-- run the real nnlab program with given arguments and standard input.
local H = {}
_G.H = H -- the one global the test suite sets, for the specs

H.root = os.getenv('NNLAB_ROOT') or '.'
H.bin = os.getenv('NNLAB_BIN') or (H.root .. '/nnlab')
H.ptydrive = os.getenv('NNLAB_PTYDRIVE') or (H.root .. '/build/ptydrive')
-- Under emulation (make test-arm64) the emulator that runs the built
-- programs: NNLAB_BIN is then a wrapper that runs nnlab with it, and the
-- program's processes show it as their /proc/PID/exe.
H.emulator = os.getenv('NNLAB_EMULATOR')
H.exe = H.emulator or H.bin

function H.quote(s)
  return "'" .. tostring(s):gsub("'", "'\\''") .. "'"
end

local function slurp(path)
  local f = assert(io.open(path, 'rb'))
  local s = f:read('a')
  f:close()
  return s
end
H.slurp = slurp

-- The exercises' progress lasts in $XDG_STATE_HOME/nnlab: every command the
-- specs run gets a state directory of this run of the suite (removed at the
-- end), never the user's, so no spec sees another run's progress.
do
  local p = io.popen('mktemp -d')
  H.state_home = p:read('l')
  p:close()
  assert(H.state_home and H.state_home ~= '', 'mktemp -d failed')
  H.state_sentinel = setmetatable({}, {__gc = function()
    os.execute('rm -rf ' .. H.quote(H.state_home))
  end})
end

-- Run a shell command line; returns stdout, stderr, exit status.
-- stdin (a string) is fed to it; without one, stdin is /dev/null.
function H.sh(cmdline, stdin)
  cmdline = 'XDG_STATE_HOME=' .. H.quote(H.state_home) .. '; export XDG_STATE_HOME\n' .. cmdline
  local out, err = os.tmpname(), os.tmpname()
  local inp = '/dev/null'
  if stdin then
    inp = os.tmpname()
    local f = assert(io.open(inp, 'wb'))
    f:write(stdin)
    f:close()
  end
  local ok, how, code = os.execute(string.format('{ %s\n} <%s >%s 2>%s',
    cmdline, H.quote(inp), H.quote(out), H.quote(err)))
  local o, e = slurp(out), slurp(err)
  os.remove(out); os.remove(err)
  if stdin then os.remove(inp) end
  if how == 'signal' then code = 128 + code end
  return o, e, ok and 0 or code
end

-- The shell words that run a program this build made (other than H.bin).
function H.program(path)
  return (H.emulator and H.quote(H.emulator) .. ' ' or '') .. H.quote(path)
end

-- Run nnlab with a list of arguments.
function H.nnlab(args, stdin, env)
  local parts = {}
  for k, v in pairs(env or {}) do parts[#parts + 1] = k .. '=' .. H.quote(v) end
  parts[#parts + 1] = H.quote(H.bin)
  for _, a in ipairs(args or {}) do parts[#parts + 1] = H.quote(a) end
  return H.sh(table.concat(parts, ' '), stdin)
end

-- A new empty directory (mktemp -d); the spec removes it.
function H.tmpdir()
  local p = io.popen('mktemp -d')
  local d = p:read('l')
  p:close()
  assert(d and d ~= '', 'mktemp -d failed')
  return d
end

-- The head of a toy exercise set's source (its first line marks a set
-- file): calls(part, arg, want), a check that the answer toy.part, called
-- with arg, returns want.
H.TOY_SET = [=[
-- nnlab exercise set
local function calls(part, arg, want)
  return function(sub)
    local f, err = sub:get('toy', part)
    if not f then return false, err end
    local ok, r = sub:call(f, arg)
    if not ok then return false, 'raised an error: ' .. tostring(r) end
    return r == want, 'expected ' .. tostring(want) .. ', got ' .. tostring(r)
  end
end
]=]

-- Write text to path (bytes as they are); returns path.
function H.write(path, text)
  local f = assert(io.open(path, 'wb'))
  f:write(text)
  f:close()
  return path
end

-- A new file (os.tmpname) holding text; returns its name.  The spec removes it.
function H.tmpfile(text)
  return H.write(os.tmpname(), text)
end

-- The names in a directory (ls -A), sorted.
function H.ls(dir)
  local names = {}
  local p = io.popen('ls -A ' .. H.quote(dir))
  for l in p:lines() do names[#names + 1] = l end
  p:close()
  table.sort(names)
  return names
end

-- err = H.err_at('x_spec.lua' [, chunk, ...]): err(f) is the message of the
-- error f() raises, which must be a string starting with the position of
-- the call in that spec file (or at line 1 of a chunk of one of the other
-- names), without that position: the error is reported where the user
-- called.
function H.err_at(file, ...)
  local esc = function(s) return (s:gsub('%p', '%%%0')) end
  local pats = {'^[^\n]-' .. esc(file) .. ':%d+: (.*)$'}
  for i = 1, select('#', ...) do pats[i + 1] = '^' .. esc(select(i, ...)) .. ':1: (.*)$' end
  return function(f)
    local ok, e = pcall(f)
    if ok then error('expected an error, got none', 2) end
    if type(e) ~= 'string' then error('error value is not a string: ' .. type(e), 2) end
    for _, p in ipairs(pats) do
      local msg = e:match(p)
      if msg then return msg end
    end
    error('message does not start with the position of the call: ' .. e, 2)
  end
end

return H
