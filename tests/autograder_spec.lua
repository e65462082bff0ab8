-- nnlab autograder: the zip Gradescope takes, checked with Debian's unzip and
-- zipinfo, then unpacked into a tree laid out like Gradescope's /autograder
-- (source/, submission/, results/), where setup.sh builds and installs nnlab
-- from the zip's source and run_autograder grades submissions.  The scripts
-- run with an empty environment (PATH only) and, when the suite runs as
-- root, as a user id that has no account at all, as Gradescope's fresh
-- container has nothing of this machine's set-up.
local json = require 'dkjson'

local q, sh, write, slurp = H.quote, H.sh, H.write, H.slurp

-- A small instructor's set: the marker line, one part that needs the C
-- core, one partial-credit part, a private part.
local SET = [[
-- nnlab exercise set (the autograder spec's)
local matrix = require('nnlab').matrix
return {
  id = 'agset',
  limits = { seconds = 2 },
  exercises = {
    { id = 'lin', parts = {
      { id = 'forward', points = 2, check = function(sub)
          local f, err = sub:get('lin', 'forward')
          if not f then return false, err end
          local W, A = matrix.randn(3, 2), matrix.randn(3, 4)
          local ok, Z = sub:call(f, W, A)
          if not ok then return false, 'your function raised an error: ' .. Z end
          return matrix.is(Z) and Z:allclose(W:T() * A), 'the values differ from W^T A'
        end },
    } },
    { id = 'half', parts = {
      { id = 'both', points = 4, check = function(sub)
          local n = (sub:get('half', 'a') == 1 and 1 or 0) + (sub:get('half', 'b') == 2 and 1 or 0)
          return n / 2, n < 2 and 'a must be 1 and b must be 2' or nil
        end },
      { id = 'secret', points = 1, private = true, check = function(sub)
          return sub:get('half', 'c') == 3, 'not c'
        end },
    } },
  },
}
]]

local GOOD = [[
return { lin = { forward = function(W, A) return W:T() * A end }, half = { a = 1, b = 2, c = 3 } }
]]

local SECRET = 'THE-REFERENCE-SOLUTION-4417'

local function exists(path) return select(3, sh('test -e ' .. q(path))) == 0 end

-- The entries of a zip (zipinfo -1), as a list and as a set.
local function listing(zip)
  local out, err, code = sh('zipinfo -1 ' .. q(zip))
  assert.equal(0, code, err)
  local list, set = {}, {}
  for name in out:gmatch('[^\n]+') do list[#list + 1] = name; set[name] = true end
  return list, set
end

local root = sh('id -u') == '0\n'
local UID = 54321  -- no account has it: a user nothing was set up for

-- A command line run with an empty environment (PATH only), as UID when root.
local function clean(env, cmd)
  local parts = {}
  if root then parts[1] = ('setpriv --reuid %d --regid %d --clear-groups'):format(UID, UID) end
  parts[#parts + 1] = 'env -i PATH=/usr/bin:/bin'
  for k, v in pairs(env) do parts[#parts + 1] = k .. '=' .. q(v) end
  parts[#parts + 1] = cmd
  return table.concat(parts, ' ')
end

describe('nnlab autograder', function()
  local dir, set
  setup(function()
    if root then assert.is_not.equal(0, select(3, sh('getent passwd ' .. UID)), 'uid taken') end
    dir = H.tmpdir()
    sh('mkdir -p ' .. q(dir .. '/course/agset'))
    set = write(dir .. '/course/agset.lua', SET)
    write(dir .. '/course/agset/notes.lua', 'return { note = 1 }\n')
  end)
  teardown(function() sh('rm -rf ' .. q(dir)) end)

  it('--help says how', function()
    local out, _, code = H.nnlab({ 'autograder', '--help' })
    assert.equal(0, code)
    assert.matches('usage: nnlab autograder SET -o autograder.zip', out, 1, true)
    assert.matches('--source DIR', out, 1, true)
    out = H.nnlab({ 'grade', '--help' })
    assert.matches('nnlab autograder SET -o autograder.zip', out, 1, true)
  end)

  it('refuses a built-in set, which is the student copy, and writes nothing', function()
    local zip = dir .. '/builtin.zip'
    local _, err, code = H.nnlab({ 'autograder', 'lecture', '-o', zip })
    assert.equal(2, code)
    assert.matches("'lecture' is not a path: give the path of the instructor's set file", err, 1, true)
    assert.is_false(exists(zip))
  end)

  it('refuses a file that does not load as a set, and a missing -o or a second set', function()
    local bad = write(dir .. '/course/bad.lua', '-- nnlab exercise set\nreturn 42\n')
    local _, err, code = H.nnlab({ 'autograder', bad, '-o', dir .. '/bad.zip' })
    assert.equal(2, code)
    assert.matches('the set file must return a table', err, 1, true)
    assert.is_false(exists(dir .. '/bad.zip'))
    _, err, code = H.nnlab({ 'autograder', set })
    assert.equal(2, code)
    assert.matches('give the zip to write with -o FILE', err, 1, true)
    _, err, code = H.nnlab({ 'autograder', set, set, '-o', dir .. '/two.zip' })
    assert.equal(2, code)
    assert.matches('one set only', err, 1, true)
    _, err, code = H.nnlab({ 'autograder', dir .. '/course/none.lua', '-o', dir .. '/none.zip' })
    assert.equal(2, code)
    assert.matches('cannot read exercise set', err, 1, true)
  end)

  it('writes regular files only: a symlink, FIFO or device at -o is refused and left alone', function()
    local target = write(dir .. '/target', 'keep me')
    assert.equal(0, select(3, sh('ln -s ' .. q(target) .. ' ' .. q(dir .. '/link.zip'))))
    assert.equal(0, select(3, sh('mkfifo ' .. q(dir .. '/fifo.zip'))))
    local tests = { { dir .. '/link.zip', '-L' }, { dir .. '/fifo.zip', '-p' } }
    if root then
      assert.equal(0, select(3, sh('mknod ' .. q(dir .. '/null.zip') .. ' c 1 3')))
      tests[#tests + 1] = { dir .. '/null.zip', '-c' }
    end
    for _, t in ipairs(tests) do
      local _, err, code = H.nnlab({ 'autograder', set, '-o', t[1] })
      assert.equal(2, code, t[1])
      assert.matches('refusing to write ' .. t[1] .. ': it is a ', err, 1, true)
      assert.matches(', not a regular file', err, 1, true)
      assert.equal(0, select(3, sh('test ' .. t[2] .. ' ' .. q(t[1]))), t[1])
    end
    assert.equal('keep me', slurp(target))
    assert.equal('', (sh('ls ' .. q(dir) .. ' | grep tmp')))
  end)

  it('from a checkout, carries the checkout the program was built in', function()
    local zip = dir .. '/checkout.zip'
    local out, err, code = H.nnlab({ 'autograder', set, '-o', zip })
    assert.equal(0, code, err)
    local real = sh('cd ' .. q(H.root) .. ' && pwd -P'):gsub('\n$', '')
    assert.matches('(nnlab source from ' .. real .. ')', out, 1, true)
    local _, has = listing(zip)
    for _, f in ipairs { 'setup.sh', 'run_autograder', 'agset.lua', 'agset/notes.lua',
        'nnlab-source/Makefile', 'nnlab-source/src/host/nnlab.c', 'nnlab-source/lua/nnlab.lua',
        'nnlab-source/lua/nnlab/autograder.lua', 'nnlab-source/tools/deps.sh', 'nnlab-source/nnlab.1',
        'nnlab-source/exercises/lecture.lua' } do
      assert.is_true(has[f], f)
    end
    -- a set reached through a symlink is read (only -o must be a regular file)
    sh('ln -s agset.lua ' .. q(dir .. '/course/linked.lua'))
    _, err, code = H.nnlab({ 'autograder', dir .. '/course/linked.lua', '-o', dir .. '/linked.zip' })
    assert.equal(0, code, err)
    assert.is_true(select(2, listing(dir .. '/linked.zip'))['linked.lua'])
    for name in pairs(has) do
      assert.is_nil(name:find('exercises/private', 1, true), name)
      assert.is_nil(name:find('^nnlab%-source/tests/'), name)
      assert.is_nil(name:find('^nnlab%-source/build'), name)
    end
  end)

  describe('the zip on a tree laid out like Gradescope\'s', function()
    local src, zip, ag, prefix, setup_out, setup_code

    local function run(env)
      local e = { AUTOGRADER_ROOT = ag, PREFIX = prefix }
      for k, v in pairs(env or {}) do e[k] = v end
      local _, err, code = sh(clean(e, q(ag .. '/source/run_autograder')))
      local text = slurp(ag .. '/results/results.json')
      local r, _, jerr = json.decode(text)
      assert.is_table(r, (jerr or '') .. ': ' .. text)
      return r, code, err
    end

    local function submit(files)
      sh('rm -rf ' .. q(ag .. '/submission') .. ' && mkdir -p ' .. q(ag .. '/submission'))
      for name, text in pairs(files) do
        local path = ag .. '/submission/' .. name
        sh('mkdir -p ' .. q(path:match('^(.*)/')))
        write(path, text)
      end
      sh('chmod -R a+rX ' .. q(ag .. '/submission'))
    end

    setup(function()
      -- A copy of the source, with what must not travel: the instructors'
      -- copies under exercises/private/, tests, build products, backups.
      src = dir .. '/src'
      -- (With the checkout's build, times kept: make install there builds nothing.)
      sh(('mkdir -p %s && cd %s && cp -Rp Makefile nnlab.1 src lua tools exercises build nnlab %s'):format(
        q(src), q(H.root), q(src)))
      sh('mkdir -p ' .. q(src .. '/exercises/private/lecture') .. ' ' .. q(src .. '/tests') ..
        ' ' .. q(src .. '/build'))
      write(src .. '/exercises/private/lecture.lua', '-- nnlab exercise set\n-- ' .. SECRET .. '\n')
      write(src .. '/exercises/private/lecture/extra.lua', '-- ' .. SECRET .. '\n')
      write(src .. '/tests/x_spec.lua', '-- ' .. SECRET .. '\n')
      write(src .. '/build/junk.o', SECRET)
      write(src .. '/src/old.c~', SECRET)
      write(src .. '/lua/nnlab/.hidden.lua', SECRET)

      zip = dir .. '/autograder.zip'
      local _, err, code = H.nnlab({ 'autograder', '--source', src, set, '-o', zip, '-q' })
      assert.equal(0, code, err)

      ag = dir .. '/autograder'
      prefix = ag .. '/prefix'
      sh('mkdir -p ' .. q(ag .. '/source') .. ' ' .. q(ag .. '/submission') .. ' ' .. q(ag .. '/results'))
      local _, uerr, ucode = sh('unzip -q ' .. q(zip) .. ' -d ' .. q(ag .. '/source'))
      assert.equal(0, ucode, uerr)
      if root then
        sh('chmod 755 ' .. q(dir) .. ' && chown -R ' .. UID .. ':' .. UID .. ' ' .. q(ag))
      end
      -- Built once, with make -j as many cores as there are.
      local out, serr
      out, serr, setup_code = sh(clean({ AUTOGRADER_ROOT = ag, PREFIX = prefix },
        q(ag .. '/source/setup.sh')))
      setup_out = out .. serr
    end)

    it('passes unzip -t; setup.sh and run_autograder are executable at its root', function()
      local out, err, code = sh('unzip -t ' .. q(zip))
      assert.equal(0, code, err)
      assert.matches('No errors detected', out, 1, true)
      out = sh('zipinfo ' .. q(zip))
      assert.matches('\n%-rwxr%-xr%-x[^\n]* setup%.sh\n', out)
      assert.matches('\n%-rwxr%-xr%-x[^\n]* run_autograder\n', out)
      assert.matches('\n%-rw%-r%-%-r%-%-[^\n]* agset%.lua\n', out)
      assert.equal(0, select(3, sh('test -x ' .. q(ag .. '/source/run_autograder'))))
      assert.equal(SET, slurp(ag .. '/source/agset.lua'))
      assert.equal('return { note = 1 }\n', slurp(ag .. '/source/agset/notes.lua'))
    end)

    it('carries no instructor copy, test, build product or backup of the source', function()
      local list = listing(zip)
      for _, name in ipairs(list) do
        assert.is_nil(name:find('/private/', 1, true), name)
        assert.is_nil(name:find('^nnlab%-source/tests'), name)
        assert.is_nil(name:find('^nnlab%-source/build'), name)
        assert.is_nil(name:find('~$'), name)
        assert.is_nil(name:find('/%.'), name)
      end
      assert.is_nil(slurp(zip):find(SECRET, 1, true))
    end)

    it('setup.sh builds and installs nnlab from the zip', function()
      assert.equal(0, setup_code, setup_out)
      assert.matches('nnlab %d+%.%d+%.%d+', setup_out)
      assert.equal(0, select(3, sh('test -x ' .. q(prefix .. '/bin/nnlab'))))
    end)

    it('make install put a source copy without the secrets, which the installed program zips', function()
      local out = sh('cd ' .. q(prefix .. '/share/nnlab/source') .. ' && find . -type f | sort')
      assert.matches('./src/host/nnlab.c', out, 1, true)
      assert.is_nil(out:find('/private/', 1, true))
      assert.equal('', (sh('grep -rl ' .. q(SECRET) .. ' ' .. q(prefix))))
      -- the installed program finds that copy by itself
      local zip2 = ag .. '/installed.zip'
      local iout, err, code = sh(clean({}, q(prefix .. '/bin/nnlab') .. ' autograder ' ..
        q(ag .. '/source/agset.lua') .. ' -o ' .. q(zip2)))
      assert.equal(0, code, iout .. err)
      local real = sh('cd ' .. q(prefix .. '/share/nnlab/source') .. ' && pwd -P'):gsub('\n$', '')
      assert.matches('(nnlab source from ' .. real .. ')', iout, 1, true)
      assert.same(listing(zip), listing(zip2))
    end)

    it('make install copies the same source files as the zip carries, no exercises/private', function()
      local pre = dir .. '/pre'
      local out, err, code = sh('make -s -C ' .. q(src) .. ' install PREFIX=' .. q(pre))
      assert.equal(0, code, out .. err)
      local files = sh('cd ' .. q(pre .. '/share/nnlab/source') .. ' && find . -type f | LC_ALL=C sort')
      local carried = {}
      for _, name in ipairs(listing(zip)) do
        local f = name:match('^nnlab%-source/(.*)')
        if f then carried[#carried + 1] = './' .. f end
      end
      table.sort(carried)
      assert.equal(table.concat(carried, '\n') .. '\n', files)
      assert.equal('', (sh('grep -rl ' .. q(SECRET) .. ' ' .. q(pre))))
    end)

    it('run_autograder gives a correct submission full marks', function()
      submit { ['answers.lua'] = GOOD }
      local r, code, err = run()
      assert.equal(0, code, err)
      assert.equal(7, r.score)
      assert.equal(3, #r.tests)
      for _, t in ipairs(r.tests) do assert.equal(t.max_score, t.score, t.name) end
    end)

    it('finds the one .lua file in a folder, not macOS or hidden leftovers', function()
      submit { ['hw/answers.lua'] = GOOD, ['__MACOSX/hw/._answers.lua'] = 'junk',
        ['.answers.lua'] = 'junk', ['README.txt'] = 'notes' }
      local r = run()
      assert.equal(7, r.score)
    end)

    it('a submission that does not load scores 0 and says why', function()
      submit { ['answers.lua'] = 'return {\n' }
      local r, code = run()
      assert.equal(0, code)
      assert.equal(0, r.score)
      local all = (r.output or '') .. json.encode(r.tests or {})
      assert.matches("answers.lua:2: unexpected symbol near <eof>", all, 1, true)
    end)

    it('no .lua file: score 0 and a clear output', function()
      submit { ['answers.txt'] = GOOD }
      local r, code = run()
      assert.equal(0, code)
      assert.same({ score = 0, output = 'No .lua file was submitted: submit your answers as one .lua file.' }, r)
    end)

    it('several .lua files: score 0, and their names in valid JSON', function()
      submit { ['a.lua'] = GOOD, ['sub/b"\\\t.lua'] = GOOD }
      local r, code = run()
      assert.equal(0, code)
      assert.same({ score = 0,
        output = '2 .lua files were submitted (a.lua, sub/b"\\\t.lua): submit exactly one .lua file.' }, r)
    end)

    it('results.json says so when nnlab grade cannot run or nnlab is missing', function()
      submit { ['answers.lua'] = GOOD }
      local setfile = ag .. '/source/agset.lua'
      sh('mv ' .. q(setfile) .. ' ' .. q(setfile .. '.away'))
      local r, code, err = run()
      sh('mv ' .. q(setfile .. '.away') .. ' ' .. q(setfile))
      assert.equal(0, code)
      assert.matches('cannot read exercise set', err, 1, true)
      assert.equal(0, r.score)
      assert.matches('could not be graded (nnlab grade exited with status 2)', r.output, 1, true)
      r, code = run { PREFIX = dir .. '/nowhere' }
      assert.equal(1, code)
      assert.equal(0, r.score)
      assert.matches('could not run nnlab', r.output, 1, true)
    end)
  end)
  -- As Gradescope runs it: as root, at the default paths (/autograder,
  -- PREFIX /usr/local), in a chroot.  The chroot is this system seen
  -- through an overlay whose writes go to a tmpfs, with no network, and
  -- with the home directories, /tmp, /usr/local, /opt and the checkout's
  -- top directory hidden under empty tmpfs mounts; all of it disappears
  -- with the mount namespace.  It needs root and overlay mounts: without
  -- them these tests are pending (and say why).
  describe('in a chroot, as Gradescope runs it', function()
    local out, status, reason

    local CHROOT = [=[
set -e
base=$OUT/chroot
mkdir -p "$base"
mount -t tmpfs tmpfs "$base" || exit 77
mkdir "$base/u" "$base/w" "$base/r"
r=$base/r
mount -t overlay overlay -o "lowerdir=/,upperdir=$base/u,workdir=$base/w" "$r" || exit 77
mount -t proc proc "$r/proc"
mount --rbind /dev "$r/dev"
for d in /root /home /tmp /var/tmp /usr/local /opt /srv /mnt $HIDE; do
  if [ -d "$r$d" ]; then mount -t tmpfs tmpfs "$r$d"; fi
done
test ! -e "$r/usr/local/bin/nnlab"
test ! -e "$r/autograder"
mkdir -p "$r/autograder/source" "$r/autograder/submission" "$r/autograder/results"
unzip -q "$ZIP" -d "$r/autograder/source"
run() { chroot "$r" /usr/bin/env -i PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin "$@"; }
run sh -c 'cd /autograder/source && ./setup.sh' >"$OUT/setup.log" 2>&1
run sh -c 'cp /autograder/source/run_autograder /autograder/ && ls -l /usr/local/bin/nnlab'
for s in good broken; do
  rm -rf "$r/autograder/submission"/* "$r/autograder/results"/*
  cp "$OUT/$s.lua" "$r/autograder/submission/answers.lua"
  run sh -c 'cd /autograder && ./run_autograder'
  cp "$r/autograder/results/results.json" "$OUT/$s.json"
done
]=]

    setup(function()
      if not root then reason = 'needs root (for mount namespaces and chroot)' return end
      out = dir .. '/chroot-run'
      sh('mkdir -p ' .. q(out))
      write(out .. '/good.lua', GOOD)
      write(out .. '/broken.lua', 'return {\n')
      local zip = dir .. '/chroot.zip'
      local _, err, code = H.nnlab({ 'autograder', set, '-o', zip, '-q' })
      assert.equal(0, code, err)
      local top = sh('cd ' .. q(H.root) .. ' && pwd -P'):match('^(/[^/\n]+)')
      local system = { ['/usr'] = 1, ['/bin'] = 1, ['/lib'] = 1, ['/etc'] = 1, ['/dev'] = 1, ['/proc'] = 1 }
      local o, e
      o, e, status = sh(('OUT=%s ZIP=%s HIDE=%s unshare -m -n --propagation private sh -c %s'):format(
        q(out), q(zip), q(top and not system[top] and top or ''), q(CHROOT)))
      if status == 77 then reason = 'no tmpfs or overlay mounts here: ' .. e end
      out = { dir = out, log = o .. e }
    end)

    it('setup.sh installs nnlab at /usr/local from the zip alone', function()
      if reason then pending(reason) end
      assert.equal(0, status, out.log .. sh('cat ' .. q(out.dir .. '/setup.log')))
      assert.matches('/usr/local/bin/nnlab', out.log, 1, true)
      assert.matches('nnlab %d+%.%d+%.%d+', slurp(out.dir .. '/setup.log'))
    end)

    it('/autograder/run_autograder grades a correct and a broken submission', function()
      if reason then pending(reason) end
      assert.equal(0, status, out.log)
      local good = json.decode(slurp(out.dir .. '/good.json'))
      assert.equal(7, good.score)
      local broken = json.decode(slurp(out.dir .. '/broken.json'))
      assert.equal(0, broken.score)
      assert.matches('answers.lua:2: unexpected symbol near <eof>', slurp(out.dir .. '/broken.json'), 1, true)
    end)
  end)
end)
