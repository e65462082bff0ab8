-- Matrix data lives inside the userdata, where Lua's garbage collector sees
-- it: allocating a matrix shows in collectgarbage('count'), and loops making
-- hundreds of thousands of temporaries neither grow the Lua heap nor the
-- process.
local matrix = require('nnlab').matrix

-- Resident set size of this process in KB, or nil where /proc is missing.
local function rss_kb()
  local f = io.open('/proc/self/statm', 'r')
  if not f then return nil end
  local line = f:read('l')
  f:close()
  local pages = tonumber(line:match('^%d+%s+(%d+)'))
  return pages and pages * 4
end

-- AddressSanitizer keeps freed memory in quarantine (256 MB by default).
local asan = (os.getenv('LD_PRELOAD') or ''):find('asan') ~= nil
local RSS_SLACK_KB = (asan and 1024 or 256) * 1024

local function full_gc()
  collectgarbage('collect')
  collectgarbage('collect')
end

describe('matrix memory', function()
  after_each(function() collectgarbage('restart') end)

  it('is counted by the garbage collector', function()
    full_gc()
    collectgarbage('stop')
    local before = collectgarbage('count')
    local m = matrix.zeros(1000, 1000) -- 8,000,000 bytes = 7812.5 KB
    local grown = collectgarbage('count') - before
    assert.is_true(grown >= 7800, string.format('heap grew by %.1f KB only', grown))
    assert.is_true(grown < 7900, string.format('heap grew by %.1f KB', grown))
    local c = m:T()
    assert.is_true(collectgarbage('count') - before >= 2 * 7800, 'a result is not counted')
    collectgarbage('restart')
    m, c = nil, nil
    full_gc()
    local freed = collectgarbage('count') - before
    assert.is_true(freed < 100, string.format('%.1f KB still held after collection', freed))
  end)

  it('stays bounded over 200k temporaries of (a*b + c):T()', function()
    matrix.seed(1)
    local a, b, c = matrix.rand(50, 50), matrix.rand(50, 50), matrix.rand(50, 50)
    local last
    full_gc()
    local base, rss0 = collectgarbage('count'), rss_kb()
    local peak = base
    for k = 1, 70000 do -- three temporaries each: 210,000 matrices, 4.2 GB in all
      last = (a * b + c):T()
      if k % 64 == 0 then
        local now = collectgarbage('count')
        if now > peak then peak = now end
      end
    end
    assert.is_true(peak - base < 32 * 1024,
      string.format('Lua heap grew by %.0f KB', peak - base))
    if rss0 then
      local grown = rss_kb() - rss0
      assert.is_true(grown < RSS_SLACK_KB, string.format('process grew by %d KB', grown))
    end
    -- and the result is still right
    assert.is_true(last:allclose((a * b + c):T()))
    assert.is_true(last:T():allclose(a * b + c))
  end)

  it('does not leak through other operations or through errors', function()
    local a = matrix.ones(30, 30)
    local bad = matrix.ones(7, 3)
    local col = matrix.ones(30, 1)
    full_gc()
    local base, rss0 = collectgarbage('count'), rss_kb()
    local peak = base
    local small = matrix.ones(3, 3)
    for k = 1, 10000 do
      local _ = { a:copy(), a:sum(1), a:max(2), a + col, a:mul(a), -a, a:reshape(900, 1),
        matrix.col({ 1, 2, 3 }), matrix { { 1, 2 }, { 3, 4 } }, small:map(math.abs),
        a:totable(), tostring(a), a:row(3), a:col(4), matrix.outer(col, col) }
      pcall(matrix.matmul, a, bad)
      pcall(matrix.add, a, bad)
      pcall(matrix.new, { { 1, 2 }, { 3 } })
      pcall(matrix.zeros, 100000000, 100000000)
      pcall(a.get, a, 31, 1)
      pcall(small.map, small, function() error('stop') end)
      if k % 64 == 0 then
        local now = collectgarbage('count')
        if now > peak then peak = now end
      end
    end
    assert.is_true(peak - base < 32 * 1024,
      string.format('Lua heap grew by %.0f KB', peak - base))
    if rss0 then
      local grown = rss_kb() - rss0
      assert.is_true(grown < RSS_SLACK_KB, string.format('process grew by %d KB', grown))
    end
  end)
end)
