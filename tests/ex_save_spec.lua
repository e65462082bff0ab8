-- ex.save writes the functions typed at the REPL as their source: each
-- REPL entry is the chunk "=stdin", and nnlab.sources keeps the text of the
-- entry that made each function (src/host/repl.c calls it after each
-- entry).  Driven through the real program: on a terminal (ptydrive) and
-- over a pipe to the REPL (nnlab -i).

-- The verdict marks by part id in a report.
local function marks(text)
  local v = {}
  for mark, id in text:gmatch('%[(%u+)%] ([%w_.]+)') do v[id] = mark end
  return v
end

-- A ptydrive script typing lines, each entry ending at the prompt P1$ (set
-- first, from characters no line contains); a line that continues an entry
-- waits for P2$.  lines: {text, wait} where wait is the text to wait for
-- before the next prompt (optional).
local function script_of(lines)
  local s = { 'timeout 60', 'wait > ',
    'line _PROMPT, _PROMPT2 = string.char(80, 49, 36, 32), string.char(80, 50, 36, 32)', 'wait P1$ ' }
  for _, l in ipairs(lines) do
    s[#s + 1] = 'line ' .. l[1]
    if l.wait then s[#s + 1] = 'wait ' .. l.wait end
    s[#s + 1] = l.more and 'wait P2$ ' or 'wait P1$ '
  end
  s[#s + 1] = 'ctrl-d'
  return table.concat(s, '\n') .. '\n'
end

describe('ex.save of functions typed at the REPL', function()
  local dir
  before_each(function() dir = H.tmpdir() end)
  after_each(function() H.sh('rm -rf ' .. H.quote(dir)) end)

  it('writes the features starter pasted line by line; nnlab check gives the REPL verdicts', function()
    local mine = dir .. '/mine.lua'
    local script = script_of {
      { 'local features = {}' },
      { 'local W, W0 = matrix{{-1, 1}, {0.5, -0.5}}, matrix.col{0.5, -1}' },
      { 'function step(z)          -- a helper in a global', more = true },
      { '  return z >= 0 and 1 or 0', more = true },
      { 'end' },
      { 'function features.phi(x)', more = true },
      { '  local z = W:T() * x + W0', more = true },
      { '  return matrix.col{step(z:get(1, 1)), step(z:get(2, 1))}', more = true },
      { 'end' },
      { '6 * 7', wait = '42' },  -- checked in a later entry than the one that made it
      { "ex.check('features.phi', features.phi)", wait = '[PASS] features.phi (2/2)' },
      { "ex.check('features.h', function(x)", more = true },
      { '  local p = features.phi(x)', more = true },
      { '  return p:get(1, 1) + p:get(2, 1) - 0.5 >= 0 and 1 or -1', more = true },
      { 'end)', wait = 'features.h (2/2)' },
      { "ex.check('features.and_theta0', -1.5)", wait = ' points' },
      { 'ex.save(' .. string.format('%q', mine) .. ')', wait = 'ex.save: 1 exercise written' },
    }
    local out, err, code = H.sh(table.concat({ 'env TERM=xterm NO_COLOR=1',
      'NNLAB_HISTORY=' .. H.quote(dir .. '/history'), 'XDG_STATE_HOME=' .. H.quote(dir .. '/state'),
      H.quote(H.ptydrive), '-t 120', H.quote(H.bin) }, ' '), script)
    out = out:gsub('\r', '')
    assert(code == 0 and err == '', 'ptydrive status ' .. code .. ': ' .. err .. '\n--- output:\n' .. out)
    assert.is_nil(out:find('is not written', 1, true), out)
    local repl = marks(out)
    assert.are.same({ 'PASS', 'PASS' }, { repl['features.phi'], repl['features.h'] }, out)
    -- the file: valid Lua that returns the answers, each function with its
    -- own entry's text and the values it uses (the global helper too)
    local text = H.slurp(mine)
    assert.truthy(text:find('  local z = W:T() * x + W0\n', 1, true), text)
    assert.truthy(text:find('local step = function(z)          -- a helper in a global\n  return z >= 0', 1, true), text)
    assert.truthy(text:find('local features = features\nreturn function(x)\n  local p = features.phi(x)', 1, true), text)
    assert.is_nil(text:find('6 * 7', 1, true), text)
    assert.is_nil(text:find('ex.check', 1, true), text)
    local got = H.nnlab({ '-e', 'local t = dofile(' .. string.format('%q', mine) .. ') '
      .. 'print(type(t.features.phi), type(t.features.h), t.features.and_theta0, '
      .. 't.features.phi(matrix.col{0.2, 1}):get(1, 1), t.features.h(matrix.col{1, 1}))' })
    assert.are.equal('function\tfunction\t-1.5\t1.0\t1\n', got)
    -- graded as the REPL did
    local gout = H.nnlab({ 'check', 'lecture', mine })
    local graded = marks(gout)
    for id, mark in pairs(repl) do assert.are.equal(mark, graded[id], id .. ':\n' .. gout) end
    assert.are.same({ 'PASS', 'PASS' }, { graded['features.phi'], graded['features.h'] }, gout)
  end)

  it('over a pipe: earlier entries, inline answers, closures of factories; says what it cannot find', function()
    local set = H.write(dir .. '/toy.lua', H.TOY_SET .. [=[
return { id = 'toy', limits = { seconds = 5, slack = 2 }, exercises = {
  { id = 'toy', title = 'Toy', parts = {
    { id = 'twice', points = 1, check = calls('twice', 2, 4) },
    { id = 'square', points = 1, check = calls('square', 3, 9) },
    { id = 'plus', points = 1, check = calls('plus', 1, 11) },
    { id = 'cube', points = 1, check = calls('cube', 2, 8) },
    { id = 'fact', points = 1, check = calls('fact', 5, 120) },
  } } } }
]=])
    local mine = dir .. '/mine.lua'
    local out, err, code = H.nnlab({ '-i' }, table.concat({
      'ex.use(' .. string.format('%q', set) .. ')',
      'local toy = {}',
      'function toy.square(x) return x * x end',      -- a first square, replaced
      'function toy.square(x)\n  return x * x + 0\nend',
      'function mk(n) return function(x) return x * n end end',
      'local k = 10',
      'ex.check("toy.plus", function(x) return x + k end)',
      'ex.check("toy.square", toy.square)',
      'ex.check("toy.twice", mk(2))',                 -- a closure made by an earlier entry
      'function fact(n) return n < 2 and 1 or n * fact(n - 1) end',
      'ex.check("toy.fact", fact)',                   -- a global that calls itself
      -- unreachable: a function kept only in a table with a metatable
      'do local function cube(x) return x * x * x end hidden = setmetatable({}, {__index = {f = cube}}) end',
      'ex.check("toy.cube", hidden.f)',
      'ex.save(' .. string.format('%q', mine) .. ')',
    }, '\n') .. '\n', { XDG_STATE_HOME = dir .. '/state' })
    assert.are.equal(0, code, err)
    assert.are.equal('', err)
    local repl = marks(out)
    assert.are.same({ ['toy.plus'] = 'PASS', ['toy.square'] = 'PASS', ['toy.twice'] = 'PASS',
      ['toy.fact'] = 'PASS', ['toy.cube'] = 'PASS' }, repl, out)
    assert.matches('ex.save: toy.cube is not written: the source of the function defined at stdin:1 is not known', out)
    assert.is_nil(out:find('toy.square is not written', 1, true), out)
    local text = H.slurp(mine)
    assert.truthy(text:find('toy%["square"%] = function%(x%)\n  return x %* x %+ 0\nend'), text)
    assert.truthy(text:find('local n = 2\nreturn function(x) return x * n end', 1, true), text)
    assert.truthy(text:find('local fact; fact = function(n)', 1, true), text)
    local gout = H.nnlab({ 'check', set, mine })
    local graded = marks(gout)
    repl['toy.cube'] = 'FAIL'  -- not written
    assert.are.same(repl, graded, gout)
  end)
end)
