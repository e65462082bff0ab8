-- The reliability tools that need no extra compiler (README, "Reliability"):
-- fault injection over a session's typical operations and over loading the
-- library, and every input of the fuzz corpora replayed through its harness.
-- make test builds them (build/faultinject, build/fuzz/*_replay); under
-- make test-asan they are AddressSanitizer builds, and the fault injection
-- also runs LeakSanitizer.
local build = os.getenv('NNLAB_BUILD') or (H.root .. '/build')
local asan = (os.getenv('LD_PRELOAD') or ''):find('asan') ~= nil

local function exists(path)
  local f = io.open(path, 'rb')
  if f then f:close() end
  return f ~= nil
end

-- ASAN_OPTIONS for the tools: leaks checked, crashes as aborts (so that the
-- replay can name its input).
local function env()
  if not asan then return '' end
  return "ASAN_OPTIONS=detect_leaks=1:abort_on_error=1:allocator_may_return_null=1 "
end

local function scratch()
  local dir = os.tmpname()
  os.remove(dir)
  assert(os.execute('mkdir ' .. H.quote(dir)))
  return dir
end

describe('fault injection', function()
  local host = build .. '/faultinject'

  it('fails every allocation of a session in turn: each ends in "not enough memory"', function()
    assert.is_true(exists(host), host .. ' is built by make test')
    local dir = scratch()
    local out, err, code = H.sh(env() .. H.quote(host) .. ' -q ' ..
      H.quote(H.root .. '/tests/faultinject.lua') .. ' ' .. H.quote(dir))
    os.execute('rmdir ' .. H.quote(dir))
    assert.are.equal(0, code, out .. err)
    local total, runs, failed = out:match('(%d+) allocations per run; (%d+) runs, each failing one ' ..
      '%((%d+) failed in all')
    assert.is_not_nil(total, out)
    assert.are.equal(total, runs)
    assert.is_true(tonumber(total) > 1000, out)
    assert.matches('; 0 failed checks', out)
  end)

  it('fails every allocation of loading the library in turn', function()
    local dir = scratch()
    local out, err, code = H.sh(env() .. H.quote(host) .. ' -q -n 1000000 ' ..
      H.quote(H.root .. '/tests/faultinject.lua') .. ' ' .. H.quote(dir))
    os.execute('rmdir ' .. H.quote(dir))
    assert.are.equal(0, code, out .. err)
    local runs = out:match('loading the library: (%d+) runs')
    assert.is_true(tonumber(runs) > 1000, out)
  end)
end)

describe('fuzz corpora', function()
  for _, target in ipairs{'textio', 'netfile', 'data', 'repl'} do
    it('replays every input of tests/fuzz/corpus/' .. target, function()
      local replay = build .. '/fuzz/' .. target .. '_replay'
      assert.is_true(exists(replay), replay .. ' is built by make test')
      local out, err, code = H.sh(env() .. H.quote(replay) .. ' ' ..
        H.quote(H.root .. '/tests/fuzz/corpus/' .. target))
      assert.are.equal(0, code, out .. err)
      local n = tonumber(out:match('replay: (%d+) inputs'))
      assert.is_true(n ~= nil and n > 0, out)
    end)
  end
end)
