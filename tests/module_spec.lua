-- nnlab as a Lua module: stock lua5.4 loads it with the test environment's
-- paths, it sets no globals, and `make install` gives a tree from which both
-- the module and the nnlab program work on their own.
local root = H.root

-- The paths the Makefile's test environment uses (set when run by make test).
local LUA_PATH = os.getenv('LUA_PATH') or (root .. '/lua/?.lua;;')
local LUA_CPATH = os.getenv('LUA_CPATH') or (root .. '/build/?.so;;')

local write_temp = H.tmpfile

local tmpdir = H.tmpdir

-- Run a Lua script with stock lua5.4 under the given paths, from directory dir.
local function lua(script, path, cpath, dir)
  local file = write_temp(script)
  local out, err, code = H.sh(string.format('cd %s && LUA_PATH=%s LUA_CPATH=%s lua5.4 %s',
    H.quote(dir or root), H.quote(path), H.quote(cpath), H.quote(file)))
  os.remove(file)
  return out, err, code
end

local function version()
  local v = H.slurp(root .. '/src/core/version.h'):match('NNLAB_VERSION%s+"([^"]+)"')
  assert(v, 'no NNLAB_VERSION in src/core/version.h')
  return v
end

describe('require "nnlab" in stock lua5.4', function()
  it('gives the library table with the matrix type', function()
    local out, err, code = lua([[
      local nnlab = require 'nnlab'
      local m = nnlab.matrix { { 1, 2, 3 }, { 4, 5, 6 } }
      print(type(nnlab), nnlab.version, nnlab.matrix.is(m), m:shape())
      print(m:sum(), (m * m:T()):get(2, 1))
      print(require('nnlab') == nnlab, require('nnlab.core').matrix == nnlab.matrix)
    ]], LUA_PATH, LUA_CPATH)
    assert.are.equal('', err)
    assert.are.equal(0, code)
    assert.are.equal(string.format('table\t%s\ttrue\t2\t3\n21.0\t32.0\ntrue\ttrue\n', version()), out)
  end)

  it('sets no globals and changes none', function()
    local out, err, code = lua([[
      local before = {}
      for k, v in pairs(_G) do before[k] = v end
      local smt = getmetatable('')
      local nnlab = require 'nnlab'
      require 'nnlab.core'
      local m = nnlab.matrix.ones(2, 2) + 1
      local _ = tostring(m), m:T(), m:sum()
      local added, changed = {}, {}
      for k, v in pairs(_G) do
        if before[k] == nil then added[#added + 1] = tostring(k)
        elseif before[k] ~= v then changed[#changed + 1] = tostring(k) end
      end
      for k in pairs(before) do
        if rawget(_G, k) == nil then changed[#changed + 1] = tostring(k) end
      end
      table.sort(added)
      table.sort(changed)
      print('added: ' .. table.concat(added, ' '))
      print('changed: ' .. table.concat(changed, ' '))
      print('string metatable same: ' .. tostring(getmetatable('') == smt))
    ]], LUA_PATH, LUA_CPATH)
    assert.are.equal('', err)
    assert.are.equal(0, code)
    assert.are.equal('added: \nchanged: \nstring metatable same: true\n', out)
  end)

  it('loads nnlab.core on its own, without globals', function()
    local out, err, code = lua([[
      local n = 0
      for _ in pairs(_G) do n = n + 1 end
      local core = require 'nnlab.core'
      local m = 0
      for _ in pairs(_G) do m = m + 1 end
      print(type(core.matrix), core.matrix.zeros(3, 4):shape())
      print(m - n)
    ]], LUA_PATH, LUA_CPATH)
    assert.are.equal('', err)
    assert.are.equal(0, code)
    assert.are.equal('table\t3\t4\n0\n', out)
  end)
end)

describe('make install', function()
  local dest, elsewhere

  setup(function()
    dest, elsewhere = tmpdir(), tmpdir()
  end)

  teardown(function()
    if dest then H.sh('rm -rf ' .. H.quote(dest)) end
    if elsewhere then H.sh('rm -rf ' .. H.quote(elsewhere)) end
  end)

  it('installs a module and a program that work from anywhere', function()
    local out, err, code = H.sh(string.format('make -C %s install PREFIX=/usr DESTDIR=%s',
      H.quote(root), H.quote(dest)))
    assert.are.equal(0, code, out .. err)
    local usr = dest .. '/usr'
    for _, f in ipairs { '/bin/nnlab', '/share/lua/5.4/nnlab.lua', '/lib/lua/5.4/nnlab/core.so' } do
      local h = io.open(usr .. f, 'rb')
      assert.is_truthy(h, 'not installed: /usr' .. f)
      h:close()
    end
    local _, _, xcode = H.sh('test -x ' .. H.quote(usr .. '/bin/nnlab'))
    assert.are.equal(0, xcode, 'nnlab is not executable')

    -- the installed module, and only it (no ';;': no default or repo paths)
    local path = usr .. '/share/lua/5.4/?.lua'
    local cpath = usr .. '/lib/lua/5.4/?.so'
    out, err, code = H.sh(string.format('cd %s && LUA_PATH=%s LUA_CPATH=%s lua5.4 -e %s',
      H.quote(elsewhere), H.quote(path), H.quote(cpath), H.quote('require "nnlab"')))
    assert.are.equal('', err)
    assert.are.equal(0, code)
    out, err, code = lua([[
      local nnlab = require 'nnlab'
      print(nnlab.matrix.ones(2, 3):sum())
      print(package.searchpath('nnlab.core', package.cpath))
    ]], path, cpath, elsewhere)
    assert.are.equal('', err)
    assert.are.equal(0, code)
    assert.are.equal('6.0\n' .. usr .. '/lib/lua/5.4/nnlab/core.so\n', out)

    -- the installed program, from another directory, with no Lua paths set
    out, err, code = H.sh(string.format('cd %s && env -u LUA_PATH -u LUA_CPATH -u LUA_PATH_5_4 '
      .. '-u LUA_CPATH_5_4 %s -e %s', H.quote(elsewhere), H.program(usr .. '/bin/nnlab'),
      H.quote('print(matrix.zeros(2,2):shape())')))
    assert.are.equal('', err)
    assert.are.equal(0, code)
    assert.are.equal('2\t2\n', out)
  end)

  it('make uninstall removes what it installed', function()
    local out, err, code = H.sh(string.format('make -C %s install PREFIX=/usr DESTDIR=%s',
      H.quote(root), H.quote(dest)))
    assert.are.equal(0, code, out .. err)
    local files = H.sh('find ' .. H.quote(dest) .. ' -type f')
    assert.is_truthy(files:find('/usr/lib/lua/5.4/nnlab/core.so', 1, true), files)
    out, err, code = H.sh(string.format('make -C %s uninstall PREFIX=/usr DESTDIR=%s',
      H.quote(root), H.quote(dest)))
    assert.are.equal(0, code, out .. err)
    out = H.sh('find ' .. H.quote(dest) .. ' -type f')
    assert.are.equal('', out, 'left behind after uninstall')
  end)
end)
