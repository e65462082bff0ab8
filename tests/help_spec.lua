-- help: every public name has an entry in nnlab.doc (found by enumerating
-- the library as it is, so a function added without documentation fails
-- here), the README's reference tables are what tools/gen_reference.lua
-- makes of the entries, every entry's example runs, and help(x) / ?x find
-- and show entries by name and by identity.
local nnlab = require 'nnlab'
local help = require 'nnlab.help'
local doc = require 'nnlab.doc'
local matrix, nn, plot = nnlab.matrix, nnlab.nn, nnlab.plot
local text = help.text

local tmpdir = H.tmpdir

local function documented(name)
  return help.byname[name] ~= nil
end

-- Arguments to make one object of each nn class; a constructor not listed
-- is called without arguments.
local function ctor_args(name)
  local args = {
    Linear = { 2, 3 },
    Asymmetric = { 1, 5 },
    Sequential = { { nn.Linear(2, 2), nn.Tanh() }, nn.Squared() },
  }
  return args[name] or {}
end

-- The methods of an object: what its metatable's __index holds (a table,
-- or for the C classes a function whose first upvalue is the table of
-- methods), or its own function fields when it has no metatable.
local function methods(obj)
  local mt = getmetatable(obj)
  local t
  if mt == nil then
    t = obj
  elseif type(mt.__index) == 'table' then
    t = mt.__index
  elseif type(mt.__index) == 'function' then
    local _, up = debug.getupvalue(mt.__index, 1)
    t = up
  end
  assert(type(t) == 'table', 'cannot find the methods of ' .. tostring(obj))
  local out = {}
  for k, v in pairs(t) do
    if type(k) == 'string' and type(v) == 'function' and not k:match('^__') then out[#out + 1] = k end
  end
  table.sort(out)
  return out
end

-- The class name of an object: its metatable's __name without 'nn.', or
-- the constructor's name.
local function class_name(obj, ctor)
  local mt = getmetatable(obj)
  local n = type(mt) == 'table' and rawget(mt, '__name')
  if type(n) == 'string' then return (n:gsub('^nn%.', ''):gsub('^plot$', 'Plot')) end
  return ctor
end

-- Every public name of the library as it is now, and the names of the
-- classes (which an entry may describe, as 'Optimizer').
local function public_names()
  local names, classes = {}, {}
  local function add(n) names[#names + 1] = n end
  for mod, t in pairs(nnlab) do
    if mod == 'help' then
      add('help')
    elseif type(t) == 'table' then
      for k in pairs(t) do add(mod .. '.' .. k) end
    elseif mod ~= 'version' then
      add(mod)
    end
  end
  -- the matrix operators: the metamethods of a matrix
  for k, v in pairs(getmetatable(matrix.zeros(1, 1))) do
    if type(v) == 'function' then add('matrix.' .. k) end
  end
  -- every method of every nn class
  for k, ctor in pairs(nn) do
    if type(k) == 'string' and k:match('^%u') and type(ctor) == 'function' then
      local ok, obj = pcall(ctor, table.unpack(ctor_args(k)))
      assert(ok, 'cannot make an nn.' .. k .. ' to list its methods (add its arguments to ctor_args): '
        .. tostring(obj))
      local class = class_name(obj, k)
      classes[class] = true
      for _, m in ipairs(methods(obj)) do add(class .. ':' .. m) end
    end
  end
  -- the plot object
  local p = plot.line({ 1, 2, 3 }, { width = 20, height = 6 })
  add(class_name(p))
  for _, m in ipairs(methods(p)) do add(class_name(p) .. ':' .. m) end
  table.sort(names)
  return names, classes
end

describe('help: the entries', function()
  it('cover every public name: module functions, matrix operators, every method of every class', function()
    local names = public_names()
    assert.is_true(#names > 100)
    local missing = {}
    for _, n in ipairs(names) do
      if not documented(n) then missing[#missing + 1] = n end
    end
    assert.are.same({}, missing)
  end)

  it('would notice a public function without an entry', function()
    nn.undocumented_helper = function() end
    local ok, names = pcall(public_names)
    nn.undocumented_helper = nil
    assert.is_true(ok)
    local found = false
    for _, n in ipairs(names) do
      if n == 'nn.undocumented_helper' then found = not documented(n) end
    end
    assert.is_true(found)
  end)

  it('name only things that exist', function()
    local names, public = public_names()
    for _, n in ipairs(names) do public[n] = true end
    local stale = {}
    for _, e in ipairs(doc.entries) do
      for _, n in ipairs{ e.name, table.unpack(e.also or {}) } do
        if not public[n] or help.resolve(n) == nil then stale[#stale + 1] = n end
      end
    end
    assert.are.same({}, stale)
  end)

  it('are complete and unique, in known groups and topics', function()
    local seen, groups, topics = {}, {}, {}
    for _, t in ipairs(doc.topics) do topics[t.id] = 0 end
    for _, g in ipairs(doc.groups) do
      assert.is_not_nil(topics[g.topic], g.id)
      groups[g.id] = 0
      topics[g.topic] = topics[g.topic] + 1
    end
    for _, e in ipairs(doc.entries) do
      for _, n in ipairs{ e.name, table.unpack(e.also or {}) } do
        assert.is_nil(seen[n], 'two entries for ' .. n)
        seen[n] = true
      end
      assert.is_not_nil(groups[e.group], e.name .. ': group ' .. tostring(e.group))
      groups[e.group] = groups[e.group] + 1
      local calls = type(e.call) == 'table' and e.call or { e.call }
      assert.is_true(#calls > 0 and type(calls[1]) == 'string', e.name .. ': call')
      assert.are.equal('string', type(e.shapes), e.name .. ': shapes')
      assert.is_true(type(e.desc) == 'string' and #e.desc > 0, e.name .. ': desc')
      assert.is_true(type(e.example) == 'string' and #e.example > 0, e.name .. ': example')
    end
    for id, n in pairs(groups) do assert.is_true(n > 0, 'group ' .. id .. ' is empty') end
    for id, n in pairs(topics) do assert.is_true(n > 0, 'topic ' .. id .. ' has no group') end
  end)
end)

describe('help: the README', function()
  it('has the reference tables tools/gen_reference.lua makes of the entries', function()
    local out, err, code = H.sh('cd ' .. H.quote(H.root) .. ' && lua5.4 tools/gen_reference.lua --check')
    assert.are.equal('', out)
    assert.are.equal('', err)
    assert.are.equal(0, code)
    local readme = H.slurp(H.root .. '/README.md')
    for _, g in ipairs(doc.groups) do
      assert.truthy(readme:find('<!-- reference: ' .. g.id .. ' -->\n| call |', 1, true), g.id)
    end
    assert.truthy(readme:find('| `matrix.zeros(r, c)` | -> r x c | A matrix of zeros. |', 1, true))
  end)

  it('fails the check when a table is edited by hand, and regenerates it', function()
    local dir = tmpdir()
    local copy = dir .. '/README.md'
    local readme = H.slurp(H.root .. '/README.md')
    local edited = readme:gsub('| A matrix of zeros%. |', '| Zeros. |')
    local f = assert(io.open(copy, 'wb'))
    f:write(edited)
    f:close()
    local tool = H.quote(H.root .. '/tools/gen_reference.lua')
    local _, err, code = H.sh('lua5.4 ' .. tool .. ' --check ' .. H.quote(copy))
    assert.are.equal(1, code)
    assert.matches('matrix%.construction', err)
    _, err, code = H.sh('lua5.4 ' .. tool .. ' ' .. H.quote(copy))
    assert.are.equal(0, code, err)
    assert.are.equal(readme, H.slurp(copy))
    os.execute('rm -rf ' .. H.quote(dir))
  end)

  it('fails when a group has no place in the README', function()
    local dir = tmpdir()
    local copy = dir .. '/README.md'
    local readme = H.slurp(H.root .. '/README.md')
    local f = assert(io.open(copy, 'wb'))
    f:write((readme:gsub('<!%-%- reference: data%.generators %-%->.-<!%-%- end reference %-%->', '')))
    f:close()
    local _, err, code = H.sh('lua5.4 ' .. H.quote(H.root .. '/tools/gen_reference.lua') .. ' --check '
      .. H.quote(copy))
    assert.are.equal(1, code)
    assert.matches("no place for group 'data.generators'", err, 1, true)
    os.execute('rm -rf ' .. H.quote(dir))
  end)
end)

describe('help: the examples', function()
  -- Each example runs in a fresh nnlab process (the program, as a student
  -- would type it), in an empty directory of its own.  Returns the failures,
  -- one "name: message" each.
  local function run_examples(entries)
    local dir = tmpdir()
    local driver = dir .. '/run_example.lua'
    local f = assert(io.open(driver, 'w'))
    f:write([[
local name = arg[1]
local e = require('nnlab.help').byname[name]
local chunk, err = load(e.example, '=example of ' .. name)
if not chunk then io.stderr:write(err, '\n') os.exit(2) end
local ok, msg = pcall(chunk)
if not ok then io.stderr:write(tostring(msg), '\n') os.exit(1) end
]])
    f:close()
    local lines = {}
    for i, e in ipairs(entries) do
      local d = H.quote(dir .. '/' .. i)
      lines[#lines + 1] = string.format(
        'mkdir %s && (cd %s && NO_COLOR=1 timeout 60 %s %s %s >out 2>err) || '
        .. '{ printf "%%s: " %s; cat %s/err; }',
        d, d, H.quote(H.bin), H.quote(driver), H.quote(e.name), H.quote(e.name), d)
    end
    local out, err = H.sh(table.concat(lines, '\n'))
    os.execute('rm -rf ' .. H.quote(dir))
    assert.are.equal('', err)
    return out
  end

  it('run without error, each in a fresh state', function()
    assert.are.equal('', run_examples(doc.entries))
  end)

  it('would report an example that fails', function()
    local out, _, code = H.nnlab({ '-e', [[
local h = require 'nnlab.help'
h.byname['matrix.zeros'].example = 'matrix.zeros(-1, 2)'
local ok, err = pcall(load(h.byname['matrix.zeros'].example))
print(ok, err)
]] })
    assert.are.equal(0, code)
    assert.matches('^false\t.*size must be non%-negative', out)
  end)
end)

describe('help(x)', function()
  it('help() lists the topics', function()
    local t = text()
    for _, topic in ipairs(doc.topics) do
      assert.truthy(t:find('\n  ' .. topic.id .. ' ', 1, true), topic.id)
    end
    assert.are.equal(t, text(''))
  end)

  it("help('matrix') lists every entry of the topic, by name", function()
    local t = text('matrix')
    for _, e in ipairs(doc.entries) do
      local g
      for _, gr in ipairs(doc.groups) do if gr.id == e.group then g = gr end end
      local listed = t:find('\n  ' .. e.name .. ' ', 1, true) ~= nil
      assert.are.equal(g.topic == 'matrix', listed, e.name)
    end
    assert.truthy(t:find('\nConstruction\n', 1, true))
    assert.are.equal(t, text(matrix))
  end)

  it('shows an entry: the call, its group, shapes, description and example', function()
    local e = help.byname['matrix.ones']
    local call = e.call
    local where = '[matrix: Construction]'
    local expected = call .. string.rep(' ', 78 - #call - #where) .. where .. '\n'
      .. '  shapes: ' .. e.shapes .. '\n'
      .. '  ' .. e.desc .. '\n'
      .. '  example:\n'
      .. '    ' .. e.example:gsub('\n$', '')
    assert.are.equal(expected, text('matrix.ones'))
  end)

  it('finds functions and classes by identity', function()
    assert.are.equal(text('matrix.zeros'), text(matrix.zeros))
    assert.are.equal(text('matrix.transpose'), text(matrix.T))
    assert.are.equal(text('data.standardize'), text(nnlab.data.standardise))
    assert.are.equal(text('data.xor'), text(nnlab.data.hard))
    assert.are.equal(text('nn.Linear'), text(nn.Linear))
    assert.are.equal(text('nn.gradcheck'), text(nn.gradcheck))
    assert.are.equal(text('plot.boundary'), text(plot.boundary))
    assert.are.equal(text('ex.check'), text(nnlab.ex.check))
    assert.are.equal(text('help'), text(help.help))
    assert.truthy(text(nn.Linear):find('methods: Linear:forward, Linear:backward', 1, true))
  end)

  it('finds an object by its class, and its methods by identity', function()
    local layer = nn.Linear(2, 3)
    assert.are.equal(text('nn.Linear'), text(layer))
    assert.are.equal(text('Linear:forward'), text(layer.forward))
    assert.are.equal(text('nn.Tanh'), text(nn.Tanh()))
    assert.are.equal(text('nn.LeakyReLU'), text(nn.LeakyReLU(0.2)))
    assert.are.equal(text('Activation:jacobian'), text(nn.SoftMax().jacobian))
    assert.are.equal(text('nn.Asymmetric'), text(nn.Asymmetric(1, 5)))
    assert.are.equal(text('Loss:forward_logits'), text(nn.NLLM().forward_logits))
    local net = nn.Sequential({ nn.Linear(2, 2) }, nn.Squared())
    assert.are.equal(text('nn.Sequential'), text(net))
    assert.are.equal(text('Sequential:backprop'), text(net.backprop))
    local p = plot.line({ 1, 2 }, { width = 20, height = 6 })
    assert.are.equal(text('Plot'), text(p))
    assert.are.equal(text('Plot:svg'), text(p.svg))
    assert.matches('^a 2x3 matrix; its methods are', text(matrix.zeros(2, 3)))
  end)

  it('finds short names, methods of a class by a constructor, and operators', function()
    assert.are.equal(text('matrix.zeros'), text('zeros'))
    assert.are.equal(text('Activation:forward'), text('Tanh:forward'))
    assert.are.equal(text('Activation:forward'), text('nn.Tanh:forward'))
    assert.are.equal(text('matrix.__mul'), text('*'))
    assert.are.equal(text('matrix.transpose'), text('T'))
    assert.are.equal(text('matrix.shape'), text('matrix:shape'))
    local many = text('forward')
    assert.truthy(many:find("'forward' could be any of: ", 1, true))
    assert.truthy(many:find('Linear:forward', 1, true))
    assert.truthy(many:find('Sequential:forward', 1, true))
    assert.truthy(text('nn.losses'):find('\n  nn.NLLM ', 1, true))
  end)

  it('says clearly when there is nothing to show', function()
    assert.are.equal("help: nothing called 'nonsense'. help() lists the topics, help('name') finds a name.",
      text('nonsense'))
    assert.matches('^help: the value is nil', text(nil))
    assert.matches('^help: no help for this number %(42%): it is not part of nnlab', text(42))
    assert.matches('^help: no help for this table', text({}))
    assert.matches("^print is Lua's own", text(print))
    assert.matches("^string.format is Lua's own", text(string.format))
  end)

  it('is a global of the program, and prints', function()
    local out, err, code = H.nnlab({ '-e', 'help(matrix.zeros); help("zeros"); print(type(help))' })
    assert.are.equal(0, code, err)
    local one = text('matrix.zeros') .. '\n'
    assert.are.equal(one .. one .. 'function\n', out)
  end)
end)

describe('?x at the prompt', function()
  it('is help(x) when reading a pipe (nnlab -i)', function()
    local out, err, code = H.nnlab({ '-i' }, table.concat({
      '?zeros', '?', '??', '  ?nn.Tanh', 'layer = nn.Linear(2, 3)', '?layer', '?layer:forward',
      '?nope', '?matrix.zeros(2, 2)', 'print(1 + 1)', '' }, '\n'))
    assert.are.equal(0, code)
    assert.are.equal('', err)
    local expected = table.concat({
      text('matrix.zeros'), text(), text(), text('nn.Tanh'), text('nn.Linear'), text('Linear:forward'),
      "help: nothing called 'nope', and as an expression it is nil. help() lists the topics, "
        .. "help('name') finds a name.",
      text(matrix.zeros(2, 2)), '2', '' }, '\n')
    assert.are.equal(expected, out)
  end)

  -- The same through a terminal, as in tests/repl_spec.lua.
  local function pty(script)
    local hist = os.tmpname()
    local cmd = string.format('env TERM=xterm NO_COLOR=1 NNLAB_HISTORY=%s %s -t 60 %s', H.quote(hist),
      H.quote(H.ptydrive), H.quote(H.bin))
    local out, err, code = H.sh(cmd, 'timeout 30\n' .. script)
    local history = H.slurp(hist)
    os.remove(hist)
    assert(code == 0 and err == '', 'ptydrive status ' .. code .. ': ' .. err .. '\n--- output:\n' .. out)
    return (out:gsub('\r', '')), history
  end

  it('shows help on a terminal, and keeps the line in the history', function()
    local out, history = pty([[
wait ?name or help() for help
wait > 
line ?matrix.zeros
wait A matrix of zeros.
wait > 
line ?
wait this help
wait > 
line net = nn.Sequential({nn.Linear(2, 1)}, nn.Squared())
wait > 
line ?net:backprop
wait every gradient is set
wait > 
line ?nope
wait help: nothing called 'nope'
wait > 
ctrl-d
]])
    assert.truthy(out:find('matrix.zeros(r, c)', 1, true))
    assert.truthy(out:find('  matrix   matrices', 1, true))
    assert.truthy(history:find('?matrix.zeros\n', 1, true))
    assert.truthy(history:find('?net:backprop\n', 1, true))
  end)
end)
