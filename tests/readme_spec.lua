-- The README's tour is a transcript: typed into nnlab, every line typed
-- ("> " and ">> ") must give exactly the output lines shown after it.
local function tour()
  local readme = H.slurp(H.root .. '/README.md')
  local section = readme:match('\n## A five%-minute tour\n(.-)\n## ')
  assert(section, 'README.md has no tour section')
  local input, expected = {}, {}
  local blanks, inblock = 0, false  -- blank lines inside a block are output lines
  for line in section:gmatch('([^\n]*)\n') do
    local code = line:match('^    (.*)$')
    if line == '' then
      if inblock then blanks = blanks + 1 end
    elseif not code then
      inblock, blanks = false, 0
    end
    if code then
      inblock = true
      for _ = 1, blanks do expected[#expected + 1] = '' end
      blanks = 0
      local typed = code:match('^>> (.*)$') or code:match('^> (.*)$')
      if typed then
        input[#input + 1] = typed
      else
        expected[#expected + 1] = code
      end
    end
  end
  return input, expected
end

describe('the README tour', function()
  it('is what nnlab prints for what it shows typed', function()
    local input, expected = tour()
    assert.is_true(#input > 10)
    local out, _, code = H.sh(H.quote(H.bin) .. ' -i 2>&1', table.concat(input, '\n') .. '\n')
    assert.equal(0, code)
    local got = {}
    for line in out:gmatch('[^\n]*\n') do got[#got + 1] = (line:gsub('%s+$', '')) end
    for i, line in ipairs(expected) do expected[i] = line:gsub('%s+$', '') end
    assert.same(expected, got)
  end)
end)
