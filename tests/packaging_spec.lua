-- The ways nnlab is installed besides `make install`: the LuaRocks rock
-- (nnlab-scm-1.rockspec, nnlab-VERSION-1.rockspec), built with Debian's
-- luarocks from a copy of the checkout into a scratch tree, and the Debian
-- package (`make deb`), unpacked with dpkg-deb into a scratch root.  Each
-- is run from another directory: the program, and stock lua5.4 training a
-- small network with the installed copy, which must give the numbers the
-- checkout's module gives.  (`make deb-check`, as root, installs the
-- package for real, removes it and runs lintian: tools/debcheck.sh.)
local q, slurp = H.quote, H.slurp

-- Under make test-asan, LD_PRELOAD holds libasan for the sanitized module
-- that lua5.4 loads; the tools here (make, gcc, luarocks, groff) and the
-- installed copies are not sanitized, and run without it (troff aborts
-- under it).  Only the checkout's module (reference()) keeps it.
local function sh(cmd, keep_preload)
  return H.sh(keep_preload and cmd or 'unset LD_PRELOAD; ' .. cmd)
end

local VERSION = slurp(H.root .. '/src/core/version.h'):match('#define NNLAB_VERSION "([^"]+)"')

-- A few SGD steps on the xor data set with the copy of nnlab that
-- LUA_PATH and LUA_CPATH find; prints the losses, where nnlab.core was
-- found, the version and where the student copy of the lecture set is.
local TRAIN = [[
local nnlab = require 'nnlab'
local matrix, nn = nnlab.matrix, nnlab.nn
matrix.seed(0)
local X, Y = nnlab.data.load('xor')
local net = nn.Sequential({nn.Linear(2, 4), nn.Tanh(), nn.Linear(4, 2), nn.SoftMax()}, nn.NLLM())
local first = net:sgd(X, Y, 5, 0.5)
local last = net:sgd(X, Y, 1000, 0.5)
io.write(string.format('%.17g %.17g %s %s %s\n', first, last,
  package.searchpath('nnlab.core', package.cpath), nnlab.version,
  package.searchpath('nnlab.sets.lecture', package.path) or '-'))
]]

-- TRAIN run by lua5.4 in dir with these module paths (nothing else: no
-- default paths, no LUA_INIT); returns first, last, core.so's path and
-- the lecture set's path ('-': none).
local function train(dir, lua_path, lua_cpath, keep_preload)
  local script = H.tmpfile(TRAIN)
  local out, err, code = sh(('cd %s && env -u LUA_INIT LUA_PATH=%s LUA_CPATH=%s lua5.4 %s'):format(
    q(dir), q(lua_path), q(lua_cpath), q(script)), keep_preload)
  os.remove(script)
  assert.equal(0, code, err)
  local first, last, core, version, set = out:match('^(%S+) (%S+) (%S+) (%S+) (%S+)\n$')
  assert.truthy(first, out)
  assert.equal(VERSION, version)
  return tonumber(first), tonumber(last), core, set
end

-- The checkout's own module (the suite's LUA_PATH and LUA_CPATH): the
-- numbers an installed copy must give.
local function reference()
  local build = os.getenv('NNLAB_BUILD') or (H.root .. '/build')
  return train(H.root, H.root .. '/lua/?.lua', build .. '/?.so', true)
end

local function close(a, b)
  return math.abs(a - b) <= 1e-12 * math.max(1, math.abs(a))
end

-- The files under dir (find -type f), relative, as a set.
local function files(dir)
  local set = {}
  local p = io.popen('cd ' .. q(dir) .. ' && find . -type f')
  for path in p:lines() do set[path:sub(3)] = true end
  p:close()
  return set
end

-- The Lua files an installed nnlab must have under share/lua/5.4: the
-- library (lua/) and the student copies of the sets as nnlab/sets/.
local function lua_files()
  local set = {}
  for f in pairs(files(H.root .. '/lua')) do
    if f:match('%.lua$') then set[f] = true end
  end
  for f in pairs(files(H.root .. '/exercises')) do
    if f:match('%.lua$') and not f:match('^private/') then set['nnlab/sets/' .. f] = true end
  end
  assert.is_true(set['nnlab.lua'] and set['nnlab/nn.lua'] and set['nnlab/sets/lecture.lua']
    and set['nnlab/sets/lecture/homework.lua'])
  return set
end

local function keys(set)
  local list = {}
  for k in pairs(set) do list[#list + 1] = k end
  table.sort(list)
  return list
end

-- A rockspec as a table (it is Lua: assignments to globals).
local function rockspec(name)
  local env = {}
  assert(loadfile(H.root .. '/' .. name, 't', env))()
  return env
end

describe('the rockspecs', function()
  local scm_name, rel_name = 'nnlab-scm-1.rockspec', 'nnlab-' .. VERSION .. '-1.rockspec'

  it('pass luarocks lint', function()
    for _, name in ipairs { scm_name, rel_name } do
      local out, err, code = sh(('cd %s && HOME=%s luarocks --lua-version 5.4 lint %s'):format(
        q(H.root), q(os.getenv('TMPDIR') or '/tmp'), name))
      assert.equal(0, code, name .. ': ' .. out .. err)
    end
  end)

  it('are one: the versioned one is the version of src/core/version.h and its tag', function()
    local scm, rel = rockspec(scm_name), rockspec(rel_name)
    assert.equal('scm-1', scm.version)
    assert.equal(VERSION .. '-1', rel.version)
    assert.equal('v' .. VERSION, rel.source.tag)
    assert.is_nil(scm.source.tag)
    assert.equal(scm.source.url, rel.source.url)
    assert.equal('nnlab', scm.package)
    scm.version, rel.version, scm.source, rel.source = nil, nil, nil, nil
    assert.same(scm, rel)
    assert.equal('make', scm.build.type)
    assert.same({ 'lua >= 5.4, < 5.5' }, scm.dependencies)
  end)

  describe('installed with luarocks make into a scratch tree', function()
    local dir, tree, out, err, code

    setup(function()
      -- A copy of what a clone holds, without tools/ (tools/deps.sh is the
      -- Makefile's Debian-only path, which the rock must not need), tests/,
      -- exercises/private/ or a build.
      dir = H.tmpdir()
      tree = dir .. '/tree'
      sh(('mkdir %s/src && cd %s && cp -Rp Makefile nnlab.1 %s %s src lua exercises %s/src/ && ' ..
        'rm -rf %s/src/exercises/private'):format(q(dir), q(H.root), scm_name, rel_name, q(dir), q(dir)))
      -- No network: a proxy that refuses makes any download fail.
      out, err, code = sh(('cd %s/src && HOME=%s http_proxy=http://127.0.0.1:9 ' ..
        'https_proxy=http://127.0.0.1:9 luarocks --lua-version 5.4 make %s --tree %s'):format(
        q(dir), q(dir), scm_name, q(tree)))
    end)

    teardown(function() sh('rm -rf ' .. q(dir)) end)

    it('builds the C module with the warnings on and no warning', function()
      assert.equal(0, code, out .. err)
      assert.truthy(out:find('nnlab scm-1 is now installed', 1, true), out)
      assert.truthy(out:find('-Wall -Wextra', 1, true), out)
      assert.truthy(out:find('-O3 -fno-math-errno', 1, true), 'the kernels lost -O3: ' .. out)
      assert.is_nil((out .. err):find('warning:', 1, true), out .. err)
    end)

    it('installs the library, the C module and the student copies of the sets', function()
      assert.same(keys(lua_files()), keys(files(tree .. '/share/lua/5.4')))
      assert.same({ 'nnlab/core.so' }, keys(files(tree .. '/lib/lua/5.4')))
    end)

    it('runs from another directory, with luarocks path\'s paths only', function()
      local lua_path = sh(('HOME=%s luarocks --lua-version 5.4 path --tree %s --lr-path'):format(
        q(dir), q(tree))):gsub('\n$', '')
      local lua_cpath = sh(('HOME=%s luarocks --lua-version 5.4 path --tree %s --lr-cpath'):format(
        q(dir), q(tree))):gsub('\n$', '')
      assert.truthy(lua_path:find(tree .. '/share/lua/5.4/?.lua', 1, true), lua_path)
      local elsewhere = H.tmpdir()
      local first, last, core, set = train(elsewhere, lua_path, lua_cpath)
      sh('rm -rf ' .. q(elsewhere))
      assert.equal(tree .. '/lib/lua/5.4/nnlab/core.so', core)
      assert.equal(tree .. '/share/lua/5.4/nnlab/sets/lecture.lua', set)
      assert.is_true(last < first / 4, first .. ' ' .. last)
      local rfirst, rlast = reference()
      assert.is_true(close(rfirst, first) and close(rlast, last),
        ('the rock gives %.17g %.17g, the checkout %.17g %.17g'):format(first, last, rfirst, rlast))
    end)
  end)
end)

describe('the Debian package (make deb)', function()
  local deb, root, out, err, code, arch, multiarch

  setup(function()
    out, err, code = sh('cd ' .. q(H.root) .. ' && make --no-print-directory deb')
    deb = out:match('([^\n]+%.deb)\n$')
    if deb and deb:sub(1, 1) ~= '/' then deb = H.root .. '/' .. deb end
    arch = sh('dpkg --print-architecture'):gsub('\n$', '')
    multiarch = sh('cc -print-multiarch'):gsub('\n$', '')
    root = H.tmpdir()
    if deb then sh('dpkg-deb -x ' .. q(deb) .. ' ' .. q(root)) end
  end)

  teardown(function() sh('rm -rf ' .. q(root)) end)

  it('is built without a warning, as build/nnlab_VERSION_ARCH.deb', function()
    assert.equal(0, code, out .. err)
    assert.is_nil((out .. err):find('warning', 1, true), out .. err)
    assert.equal('nnlab_' .. VERSION .. '_' .. arch .. '.deb', deb:match('[^/]+$'))
  end)

  it('has the control fields, Depends from the shared libraries and OpenBLAS', function()
    local function field(name)
      local v = sh(('dpkg-deb -f %s %s'):format(q(deb), name))
      return (v:gsub('\n$', ''))
    end
    assert.equal('nnlab', field('Package'))
    assert.equal(VERSION, field('Version'))
    assert.equal(arch, field('Architecture'))
    local depends = field('Depends')
    for _, p in ipairs { 'libc6', 'liblua5.4-0', 'libreadline8', 'libopenblas0' } do
      assert.truthy(depends:find('%f[%w]' .. p:gsub('%p', '%%%0') .. '%f[^%w.-]'), depends)
    end
    assert.is_true(tonumber(field('Installed-Size')) > 100)
    -- the changelog starts at this version
    local changelog = sh('zcat ' .. q(root .. '/usr/share/doc/nnlab/changelog.gz'))
    assert.equal('nnlab (' .. VERSION .. ')', changelog:match('^[^;]*'):gsub(' unstable$', ''))
  end)

  it('holds the program, the module where lua5.4 looks, the sets, the man page, the docs', function()
    local have = files(root)
    local want = {
      'usr/bin/nnlab', 'usr/lib/' .. multiarch .. '/lua/5.4/nnlab/core.so',
      'usr/share/man/man1/nnlab.1.gz', 'usr/share/doc/nnlab/copyright',
      'usr/share/doc/nnlab/changelog.gz', 'usr/share/doc/nnlab/README.md.gz',
      'usr/share/lintian/overrides/nnlab',
    }
    for f in pairs(lua_files()) do want[#want + 1] = 'usr/share/lua/5.4/' .. f end
    -- the copy of the source `nnlab autograder` uses: the autograder's own rule
    for _, f in ipairs(require('nnlab.autograder').source_files(H.root)) do
      want[#want + 1] = 'usr/share/nnlab/source/' .. f.path
    end
    table.sort(want)
    assert.same(want, keys(have))
    for f in pairs(have) do assert.is_nil(f:find('/private/', 1, true), f) end
    -- lua5.4 looks for C modules there
    local cpath = sh([[lua5.4 -e 'print(package.cpath)']])
    assert.truthy(cpath:find('/usr/lib/' .. multiarch .. '/lua/5.4/?.so', 1, true), cpath)
  end)

  it('runs unpacked, from another directory: the program and stock lua5.4', function()
    local elsewhere = H.tmpdir()
    local o, e, c = sh(('cd %s && env -u LUA_PATH -u LUA_CPATH -u LUA_INIT NNLAB_HISTORY= %s -e %s'):format(
      q(elsewhere), q(root .. '/usr/bin/nnlab'), q('io.write(require("nnlab.core").version, " ", '
        .. 'tostring(matrix.eye(2):sum()), "\\n")')))
    assert.equal(0, c, e)
    assert.equal(VERSION .. ' 2.0\n', o)
    local first, last, core, set = train(elsewhere, root .. '/usr/share/lua/5.4/?.lua',
      root .. '/usr/lib/' .. multiarch .. '/lua/5.4/?.so')
    sh('rm -rf ' .. q(elsewhere))
    assert.equal(root .. '/usr/lib/' .. multiarch .. '/lua/5.4/nnlab/core.so', core)
    assert.equal(root .. '/usr/share/lua/5.4/nnlab/sets/lecture.lua', set)
    assert.is_true(last < first / 4, first .. ' ' .. last)
    local rfirst, rlast = reference()
    assert.is_true(close(rfirst, first) and close(rlast, last),
      ('the package gives %.17g %.17g, the checkout %.17g %.17g'):format(first, last, rfirst, rlast))
    -- stripped, hardened (full RELRO)
    local info = sh('file ' .. q(root .. '/usr/bin/nnlab'))
    assert.truthy(info:find(', stripped', 1, true), info)
    local dyn = sh('readelf -d ' .. q(root .. '/usr/bin/nnlab'))
    assert.truthy(dyn:find('BIND_NOW', 1, true) or dyn:find('FLAGS_1.-NOW'), dyn)
  end)

  it('has the man page, which renders without warnings', function()
    local o, e, c = sh('zcat ' .. q(root .. '/usr/share/man/man1/nnlab.1.gz') .. ' | groff -man -ww -z')
    assert.equal(0, c, e)
    assert.equal('', o .. e)
    assert.equal(slurp(H.root .. '/nnlab.1'), sh('zcat ' .. q(root .. '/usr/share/man/man1/nnlab.1.gz')))
  end)
end)
