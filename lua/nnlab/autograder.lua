-- nnlab.autograder: `nnlab autograder SET -o autograder.zip`, the zip that
-- Gradescope takes as a programming assignment's autograder.
--
-- At the zip's root:
--   setup.sh        run once on Gradescope's Ubuntu image (as root): installs
--                   nnlab's build dependencies with apt-get (tools/deps.sh)
--                   and builds and installs nnlab from nnlab-source/;
--   run_autograder  run for each submission: grades the one .lua file in
--                   /autograder/submission with `nnlab grade --format json`
--                   and writes /autograder/results/results.json;
--   SET             the instructor's set file, and the folder of its
--                   exercise modules (<dir of SET>/<name>/) when there is one;
--   nnlab-source/   what `make install` needs: Makefile, nnlab.1 (the man
--                   page), src/, lua/, tools/
--                   and the student copies under exercises/ (never
--                   exercises/private/).
-- Gradescope unpacks it in /autograder/source.  The scripts take
-- AUTOGRADER_ROOT (default /autograder) and PREFIX (default /usr/local) from
-- the environment, so that they can be tried in a directory laid out the same.
--
-- The source comes from --source DIR, else from the checkout the program
-- runs from (its directory has Makefile and src/), else from the snapshot
-- `make install` puts in PREFIX/share/nnlab/source.
local autograder = {}
local fmt = string.format

local SOURCE_DIR = 'nnlab-source'  -- the source's folder in the zip

local function quote(s)
  return "'" .. tostring(s):gsub("'", "'\\''") .. "'"
end

local function readfile(path)
  local f, err = io.open(path, 'rb')
  if not f then return nil, err end
  local s, rerr = f:read('a')
  f:close()
  if not s then return nil, rerr end
  return s
end

local function sh_ok(cmd)
  return os.execute(cmd .. ' 2>/dev/null') == true
end

local function is_file(path) return sh_ok('test -f ' .. quote(path)) end
local function is_dir(path) return sh_ok('test -d ' .. quote(path)) end

---------------------------------------------------------------------------
-- The zip format (stored entries, Unix permissions)

local crc_table = {}
for i = 0, 255 do
  local c = i
  for _ = 1, 8 do
    if c & 1 == 1 then c = 0xEDB88320 ~ (c >> 1) else c = c >> 1 end
  end
  crc_table[i] = c
end

-- The CRC-32 of a string (zip's, as zlib computes it).
function autograder.crc32(s)
  local c = 0xFFFFFFFF
  local byte, tbl = string.byte, crc_table
  for i = 1, #s, 64 do
    local bytes = { byte(s, i, i + 63) }
    for j = 1, #bytes do
      c = tbl[(c ~ bytes[j]) & 0xFF] ~ (c >> 8)
    end
  end
  return c ~ 0xFFFFFFFF
end

-- MS-DOS date and time of a Unix time (zip's own fields).
local function dos_time(t)
  local d = os.date('*t', t)
  if d.year < 1980 then d = { year = 1980, month = 1, day = 1, hour = 0, min = 0, sec = 0 } end
  return ((d.year - 1980) << 9) | (d.month << 5) | d.day,
    (d.hour << 11) | (d.min << 5) | (d.sec // 2)
end

-- autograder.zip(entries [, time]) -> the bytes of a zip archive.
-- entries: { {name =, data =, mode = 0x1ed (0755) or 0x1a4 (0644)}, ... }
function autograder.zip(entries, time)
  local date, clock = dos_time(time or os.time())
  local out, central, offset = {}, {}, 0
  if #entries >= 0xFFFF then error('too many files for a zip without zip64', 0) end
  for _, e in ipairs(entries) do
    local name, data = e.name, e.data
    if #data >= 0xFFFFFFFF or offset >= 0xFFFFFFFF then
      error('too large for a zip without zip64', 0)
    end
    local flags = utf8.len(name) and name:find('[\128-\255]') and 0x0800 or 0
    local crc = autograder.crc32(data)
    local mode = 0x8000 | (e.mode or 0x1a4)  -- S_IFREG | permissions
    out[#out + 1] = string.pack('<I4I2I2I2I2I2I4I4I4I2I2',
      0x04034b50, 10, flags, 0, clock, date, crc, #data, #data, #name, 0) .. name
    out[#out + 1] = data
    central[#central + 1] = string.pack('<I4I2I2I2I2I2I2I4I4I4I2I2I2I2I2I4I4',
      0x02014b50, (3 << 8) | 20, 10, flags, 0, clock, date, crc, #data, #data,
      #name, 0, 0, 0, 0, mode << 16, offset) .. name
    offset = offset + 30 + #name + #data
  end
  local cd = table.concat(central)
  return table.concat(out) .. cd .. string.pack('<I4I2I2I2I2I4I4I2',
    0x06054b50, 0, 0, #entries, #entries, #cd, offset, 0)
end

---------------------------------------------------------------------------
-- nnlab's source

-- The files under dir that `make install` needs, as { {path =, mode =} }
-- sorted by path: the same rule as the Makefile's install recipe (which
-- copies them to PREFIX/share/nnlab/source).  exercises/private/ (the
-- instructors' copies of the sets) is never among them.
function autograder.source_files(dir)
  local p = assert(io.popen(fmt('cd %s && find Makefile nnlab.1 src lua tools exercises ' ..
    "\\( -path exercises/private -o -name __pycache__ -o -name '.*' \\) -prune " ..
    "-o -type f -printf '%%m %%p\\0' 2>/dev/null", quote(dir))))
  local listing = p:read('a')
  p:close()
  local files = {}
  for mode, path in listing:gmatch('(%d+) ([^%z]*)%z') do
    local keep = path == 'Makefile' or path == 'nnlab.1' or path:match('^src/.*%.[ch]$') or
      path:match('^lua/.*%.lua$') or path:match('^tools/') or
      path:match('^exercises/.*%.lua$') or path:match('^exercises/.*%.md$')
    if path:match('~$') or path:match('%.pyc$') or path:match('^exercises/private/') then
      keep = false
    end
    if keep then
      files[#files + 1] = { path = path, mode = tonumber(mode, 8) & 0x49 ~= 0 and 0x1ed or 0x1a4 }
    end
  end
  table.sort(files, function(a, b) return a.path < b.path end)
  return files
end

local NEEDED = { 'Makefile', 'src/host/nnlab.c', 'lua/nnlab.lua', 'lua/nnlab/grader.lua',
  'tools/deps.sh', 'tools/embed.sh', 'tools/luacomp.c' }

local function is_source(dir)
  for _, f in ipairs(NEEDED) do
    if not is_file(dir .. '/' .. f) then return false, f end
  end
  return true
end

-- The program's own path (Linux), or nil.
local function program_path()
  local p = io.popen('readlink /proc/$PPID/exe 2>/dev/null')
  if not p then return nil end
  local path = p:read('l')
  p:close()
  if path and path ~= '' then return path end
end

-- Where nnlab's source is: a list of candidates in order, each {dir, why}.
local function candidates()
  local list = {}
  local function from(file, up)
    local dir = file:match('^(.*)/[^/]*$')
    if dir then list[#list + 1] = dir .. up end
  end
  local exe = program_path()
  if exe then
    from(exe, '')                          -- a checkout: ./nnlab
    from(exe, '/../share/nnlab/source')    -- installed: PREFIX/bin/nnlab
  end
  -- From stock Lua: lua/nnlab/grader.lua in a checkout, or
  -- PREFIX/share/lua/5.4/nnlab/grader.lua installed.
  local mod = package.searchpath('nnlab.grader', package.path)
  if mod then
    from(mod, '/../..')
    from(mod, '/../../../nnlab/source')
  end
  return list
end

-- A directory's path without symlinks, . or .. (as `pwd -P` gives it).
local function canonical(dir)
  local p = io.popen(fmt('cd %s 2>/dev/null && pwd -P', quote(dir)))
  local path = p and p:read('l')
  if p then p:close() end
  return path and path ~= '' and path or dir
end

-- autograder.find_source([dir]) -> the directory of nnlab's source.
function autograder.find_source(dir)
  if dir then
    local ok, missing = is_source(dir)
    if not ok then error(fmt('%s is not nnlab\'s source: it has no %s', dir, missing), 0) end
    return dir
  end
  local tried = candidates()
  for _, d in ipairs(tried) do
    if is_source(d) then return canonical(d) end
  end
  error(fmt("cannot find nnlab's source (looked in %s): give --source DIR",
    #tried > 0 and table.concat(tried, ', ') or 'no place'), 0)
end

---------------------------------------------------------------------------
-- The scripts

local SETUP = [=[
#!/bin/sh
# Gradescope runs this once, as root, when it builds the autograder's image.
# Written by `nnlab autograder`: installs nnlab's build dependencies (Debian
# or Ubuntu packages, with apt-get: tools/deps.sh installs the missing ones)
# and builds and installs nnlab from the source in this zip.
#   AUTOGRADER_ROOT   where Gradescope put everything (default /autograder)
#   PREFIX            where nnlab goes (default /usr/local)
#   NNLAB_SKIP_APT=1  do not look for missing packages at all
set -e
root=${AUTOGRADER_ROOT:-/autograder}
prefix=${PREFIX:-/usr/local}
cd "$root/source/@SOURCE@"
if [ -z "$NNLAB_SKIP_APT" ]; then
  sh tools/deps.sh build
fi
make -j"$(nproc 2>/dev/null || echo 1)" install PREFIX="$prefix"
"$prefix/bin/nnlab" -v
]=]

local RUN = [=[
#!/bin/sh
# Gradescope runs this for each submission.  Written by `nnlab autograder`:
# grades the one .lua file submitted against the instructor's set and writes
# results.json (score 0 and a message when there is no .lua file, or several).
#   AUTOGRADER_ROOT   where Gradescope put everything (default /autograder)
#   PREFIX            where setup.sh installed nnlab (default /usr/local)
root=${AUTOGRADER_ROOT:-/autograder}
nnlab=${PREFIX:-/usr/local}/bin/nnlab
set=$root/source/@SET@
results=$root/results/results.json
mkdir -p "$root/results" || exit 1
rm -f "$results"

# results.json with score 0 and a message; exits.
zero() {
  NNLAB_MESSAGE=$1 NNLAB_RESULTS=$results "$nnlab" - <<'EOF' && exit 0
local report = require 'nnlab.report'
local f = assert(io.open(os.getenv('NNLAB_RESULTS'), 'wb'))
assert(f:write(report.json_encode { score = 0, output = os.getenv('NNLAB_MESSAGE') }, '\n'))
assert(f:close())
EOF
  printf '{"score": 0, "output": "The autograder could not run nnlab: the instructor can see why in its log."}\n' >"$results"
  exit 1
}

# The submitted .lua file (hidden files and __MACOSX left out), or score 0.
sub=$(NNLAB_SUBMISSION=$root/submission NNLAB_RESULTS=$results "$nnlab" - <<'EOF'
local report = require 'nnlab.report'
local dir = os.getenv('NNLAB_SUBMISSION')
local q = "'" .. dir:gsub("'", "'\\''") .. "'"
local p = assert(io.popen('find ' .. q .. " -mindepth 1 \\( -name '.*' -o -name __MACOSX \\) -prune" ..
  " -o -type f -name '*.lua' -print0 2>/dev/null"))
local files = {}
for f in p:read('a'):gmatch('([^%z]+)%z') do files[#files + 1] = f end
p:close()
table.sort(files)
if #files == 1 then io.write(files[1]) os.exit(0) end
local msg
if #files == 0 then
  msg = 'No .lua file was submitted: submit your answers as one .lua file.'
else
  local names = {}
  for i, f in ipairs(files) do names[i] = f:sub(#dir + 2) end
  msg = string.format('%d .lua files were submitted (%s): submit exactly one .lua file.',
    #files, table.concat(names, ', '))
end
local f = assert(io.open(os.getenv('NNLAB_RESULTS'), 'wb'))
assert(f:write(report.json_encode { score = 0, output = msg }, '\n'))
assert(f:close())
os.exit(3)
EOF
)
case $? in
  0) ;;
  3) exit 0 ;;
  *) zero "The autograder could not look at the submission: the instructor can see why in its log." ;;
esac

"$nnlab" grade --format json -o "$results" "$set" "$sub"
status=$?
if [ "$status" -ne 0 ] || [ ! -s "$results" ]; then
  zero "The submission could not be graded (nnlab grade exited with status $status): the instructor can see why in the autograder's log."
fi
]=]

local function script(text, subst)
  return (text:gsub('@(%u+)@', subst))
end

---------------------------------------------------------------------------
-- Writing the zip

-- The .lua files under dir (its exercise modules), as paths relative to it.
local function module_files(dir)
  local p = assert(io.popen(fmt("find %s -mindepth 1 -name '.*' -prune -o -type f -name '*.lua' -print0 2>/dev/null",
    quote(dir))))
  local files = {}
  for f in p:read('a'):gmatch('([^%z]+)%z') do files[#files + 1] = f:sub(#dir + 2) end
  p:close()
  table.sort(files)
  return files
end

-- autograder.build{set = PATH, output = FILE [, source = DIR]} -> the list
-- of the zip's entry names.
function autograder.build(o)
  local set = o.set
  if not (set:find('/') or set:find('%.lua$')) then
    error(fmt("'%s' is not a path: give the path of the instructor's set file " ..
      '(for example exercises/private/%s.lua); a built-in set is the student copy, ' ..
      'which cannot grade every part', set, set), 0)
  end
  if not is_file(set) then error(fmt('cannot read exercise set %s: not a regular file', set), 0) end
  local name = set:match('([^/]*)$')
  if not name:match('^[%w_][%w_.%-]*$') then
    error(fmt("the set's file name '%s' may only have letters, digits, '_', '-' and '.'", name), 0)
  end
  local stem = name:gsub('%.lua$', '')
  for _, reserved in ipairs { 'setup.sh', 'run_autograder', SOURCE_DIR } do
    if name == reserved or stem == reserved then
      error(fmt("the set's file may not be called %s (the zip has its own)", name), 0)
    end
  end
  -- The set must load here (the grader refuses a file that is not a set
  -- before running any of it): better now than on Gradescope.
  require('nnlab.grader').load_set(set)

  local entries = {}
  local function add(zipname, path, mode)
    local data, err = readfile(path)
    if not data then error(fmt('cannot read %s', err), 0) end
    entries[#entries + 1] = { name = zipname, data = data, mode = mode or 0x1a4 }
  end
  entries[1] = { name = 'setup.sh', data = script(SETUP, { SOURCE = SOURCE_DIR }), mode = 0x1ed }
  entries[2] = { name = 'run_autograder', mode = 0x1ed,
    data = script(RUN, { SET = quote(name) }) }
  add(name, set)
  local dir = set:match('^(.*)/[^/]*$') or '.'
  local moddir = dir .. '/' .. stem
  if is_dir(moddir) then
    for _, f in ipairs(module_files(moddir)) do add(stem .. '/' .. f, moddir .. '/' .. f) end
  end
  local src = autograder.find_source(o.source)
  local files = autograder.source_files(src)
  for _, f in ipairs(files) do
    add(SOURCE_DIR .. '/' .. f.path, src .. '/' .. f.path, f.mode)
  end
  require('nnlab.grader').write_atomic(o.output, autograder.zip(entries))
  local names = {}
  for i, e in ipairs(entries) do names[i] = e.name end
  return names, src
end

---------------------------------------------------------------------------
-- The command line

autograder.usage = [[
usage: nnlab autograder SET -o autograder.zip [--source DIR]
Writes the zip Gradescope takes as a programming assignment's autograder:
setup.sh (installs nnlab on Gradescope's image from the source in the zip),
run_autograder (grades the one .lua file submitted, with nnlab grade
--format json) and SET, the instructor's set file (with its folder of
exercise modules, if any).  SET must be a path: the instructor's copy.
Options:
  -o FILE       the zip to write (an existing file is replaced; a symlink,
                device or FIFO is refused)
  --source DIR  nnlab's source to put in the zip (default: the checkout the
                program runs from, or PREFIX/share/nnlab/source)
  -q            say nothing when all went well
  --help        this text
]]

local function parse(args)
  local o = {}
  require('nnlab.util').each_arg(args, function(a, value)
    if a == '--help' or a == '-h' then o.help = true
    elseif a == '-o' then o.output = value()
    elseif a == '--source' then o.source = value()
    elseif a == '-q' then o.quiet = true
    elseif a:sub(1, 1) == '-' and #a > 1 then error(fmt("unknown option '%s'", a), 0)
    elseif not o.set then o.set = a
    else error(fmt("one set only ('%s' is one too many)", a), 0) end
  end)
  return o
end

-- autograder.main(args) -> exit status (0, or 2 for a usage error or a
-- zip that could not be written).
function autograder.main(args)
  local ok, status = pcall(function()
    local o = parse(args)
    if o.help then io.stdout:write(autograder.usage) return 0 end
    if not o.set then error('no exercise set given', 0) end
    if not o.output then error('give the zip to write with -o FILE', 0) end
    local names, src = autograder.build(o)
    if not o.quiet then
      io.stdout:write(fmt('%s: %d files (nnlab source from %s)\n', o.output, #names, src))
    end
    return 0
  end)
  if ok then return status end
  io.stderr:write(fmt('nnlab autograder: %s\n', tostring(status)))
  if not tostring(status):find('^cannot') then io.stderr:write(autograder.usage) end
  return 2
end

return autograder
