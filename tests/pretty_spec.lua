-- nnlab.pretty, the REPL's printer of values.
local pretty = require 'nnlab.pretty'
local matrix = require('nnlab').matrix
local format = pretty.format

describe('nnlab.pretty.format', function()
  it('writes scalars as Lua would, strings quoted and escaped', function()
    assert.are.equal('nil', format(nil))
    assert.are.equal('true', format(true))
    assert.are.equal('3', format(3))
    assert.are.equal('1.5', format(1.5))
    assert.are.equal('2.0', format(2.0))
    assert.are.equal('"plain"', format('plain'))
    assert.are.equal('"q\\"b\\\\s\\n\\t\\0001"', format('q"b\\s\n\t\0' .. '1'))
    assert.are.equal('"h\195\169"', format('h\195\169')) -- UTF-8 left alone
  end)

  it('writes tables as constructors: sequence first, then sorted keys', function()
    assert.are.equal('{}', format({}))
    assert.are.equal('{1, 2, 3}', format({ 1, 2, 3 }))
    assert.are.equal('{1, [-1] = 0, [3] = 3}', format({ 1, [3] = 3, [-1] = 0 }))
    assert.are.equal('{[-1] = 0, [2.5] = 1, [3] = 3, a = 1, b = 2, ["end"] = 5, ["not a name"] = 4, [true] = 6}',
      format({ b = 2, a = 1, [3] = 3, [-1] = 0, [2.5] = 1, ['not a name'] = 4, ['end'] = 5, [true] = 6 },
        { width = 200 }))
  end)

  it('sorts string keys by their text, whatever their quoting', function()
    assert.are.equal('{["a b"] = 1, ab = 2, b = 3}', format({ b = 3, ab = 2, ['a b'] = 1 }))
  end)

  it('nests tables, and marks a table inside itself as <cycle>', function()
    local t = { name = 't' }
    t.self = t
    t.list = { t, 1 }
    assert.are.equal('{list = {<cycle>, 1}, name = "t", self = <cycle>}', format(t))
    local shared = { 1 }
    assert.are.equal('{a = {1}, b = {1}}', format({ a = shared, b = shared }))
  end)

  it('stops at the depth limit', function()
    local deep = { { { { { { 1 } } } } } }
    assert.are.equal('{{{{{...}}}}}', format(deep))
    assert.are.equal('{{{...}}}', format(deep, { depth = 2 })) -- two levels shown
    assert.are.equal('{{{{{{1}}}}}}', format(deep, { depth = 10 }))
  end)

  it('shows at most opts.items entries of a table', function()
    local t = {}
    for i = 1, 10 do t[i] = i end
    t.x = 1
    assert.are.equal('{1, 2, 3, ... (8 more)}', format(t, { items = 3 }))
  end)

  it('breaks a table that does not fit the width into indented lines', function()
    local t = { alpha = string.rep('a', 30), beta = string.rep('b', 30), inner = { 1, 2 } }
    local a, b = string.rep('a', 30), string.rep('b', 30)
    assert.are.equal('{\n  alpha = "' .. a .. '",\n  beta = "' .. b .. '",\n  inner = {1, 2}\n}', format(t))
    assert.are.equal('{alpha = "' .. a .. '", beta = "' .. b .. '", inner = {1, 2}}',
      format(t, { width = 200 }))
  end)

  it('shows matrices (any __tostring) as tostring does, indented inside tables', function()
    local m = matrix { { 1, 2 }, { 3, 4 } }
    assert.are.equal(tostring(m), format(m))
    local lines = {}
    for l in tostring(m):gmatch('[^\n]+') do lines[#lines + 1] = l end
    assert.are.equal('{\n  W = ' .. table.concat(lines, '\n      ') .. '\n}', format({ W = m }))
    local obj = setmetatable({}, { __tostring = function() return 'OBJ' end })
    assert.are.equal('{OBJ}', format({ obj }))
  end)

  it('calls no metamethod but __tostring, and survives a failing one', function()
    local called = false
    local function mark() called = true end
    local t = setmetatable({ 1, k = 2 }, { __index = mark, __pairs = mark, __len = mark, __eq = mark, __lt = mark })
    assert.are.equal('{1, k = 2}', format(t))
    assert.is_false(called)
    local bad = setmetatable({}, { __tostring = function() error('no') end })
    assert.matches('^table: 0x%x+$', format(bad))
    local weird = setmetatable({}, { __tostring = function() return {} end })
    assert.matches('^table: 0x%x+$', format(weird))
  end)

  it('shows functions, threads and userdata by type and address', function()
    assert.matches('^function: ', format(print))
    assert.matches('^thread: ', format(coroutine.create(print)))
    assert.matches('^file %(0x%x+%)$', format(io.stdout))
  end)
end)

describe('nnlab.pretty.values', function()
  it('joins values with tabs, counting trailing nils', function()
    assert.are.equal('', pretty.values())
    assert.are.equal('1\t"a"\tnil\tnil', pretty.values(1, 'a', nil, nil))
  end)

  it('puts multi-line values on lines of their own', function()
    local m = matrix.eye(2)
    assert.are.equal(tostring(m) .. '\n3', pretty.values(m, 3))
  end)
end)
