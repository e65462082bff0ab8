-- The same results on every processor: the cases of tests/arch_cases.lua
-- against their bits on x86-64 (tests/fixtures/arch.lua, from
-- tools/gen_arch_fixture.lua).  'exact' cases must give the same bits here
-- (make test-arm64 runs this under arm64 emulation); 'close' ones (the
-- OpenBLAS product) to 1e-13 relative.  README, "Building and testing".
local C = require 'arch_cases'
local matrix = require('nnlab').matrix
local want = dofile(H.root .. '/tests/fixtures/arch.lua')

describe('results across processors (x86-64 recorded, this one computed)', function()
  it('has a recorded result for every case, and no other', function()
    local n = 0
    for _, c in ipairs(C.cases) do
      assert.is_table(want[c.name], c.name)
      n = n + 1
    end
    local m = 0
    for _ in pairs(want) do m = m + 1 end
    assert.are.equal(n, m)
  end)

  for _, c in ipairs(C.cases) do
    it(string.format('%s: %s', c.name, c.kind == 'exact' and 'the same bits' or 'to 1e-13'), function()
      local got = c.run()
      if matrix.is(got) then got = C.flat(got) end
      local w = want[c.name]
      assert.are.equal(#w, #got, c.name .. ': number of values')
      for i, hex in ipairs(w) do
        local x, y = got[i], tonumber(hex)
        if c.kind == 'exact' then
          assert(string.format('%a', x) == hex, string.format('%s: value %d is %a (%.17g), x86-64 gave %s (%.17g)',
            c.name, i, x, x, hex, y))
        else
          assert(math.abs(x - y) <= 1e-13 * math.max(1, math.abs(y)),
            string.format('%s: value %d is %.17g, x86-64 gave %.17g', c.name, i, x, y))
        end
      end
    end)
  end

  it('says why each case that is not exact is not', function()
    for _, c in ipairs(C.cases) do
      assert(c.kind == 'exact' or (c.kind == 'close' and type(c.why) == 'string'), c.name)
    end
  end)
end)
