-- Regressions: inputs that crashed nnlab (or read freed memory, or were
-- undefined behaviour) before, found by the fuzzers, the fault injection
-- and the sanitizer runs (README, "Reliability").  Each must now give a
-- clear Lua error or the right result.  Run under `make test-asan` they
-- also show that no memory is touched after it is freed.
local nnlab = require('nnlab')
local matrix, nn = nnlab.matrix, nnlab.nn

describe('robustness regressions', function()
  it("opt:step keeps each parameter's matrices alive while metamethods collect", function()
    -- The entry's __index hands out a fresh grad matrix on every lookup and
    -- collects garbage: the grad that was checked must be the one used.
    local opt = nn.Adam()
    local V = matrix.ones(50, 50)
    local entry = setmetatable({name = 'W'}, {__index = function(_, k)
      collectgarbage()
      if k == 'value' then return V end
      if k == 'grad' then return matrix.ones(50, 50) end
    end})
    opt:step({entry})
    assert.are.equal(1, opt:state(V).t)
    -- Adam's first step moves every weight by lr against the gradient's sign.
    assert.is_true(V:allclose(matrix.fill(50, 50, 1 - 0.001)))
  end)

  it('opt:step refuses a step count that cannot grow, and opt.steps saturates', function()
    local opt = nn.SGD()
    local W, G = matrix.ones(2, 2), matrix.ones(2, 2)
    opt:step({{name = 'W', value = W, grad = G}})
    opt:state(W).t = math.maxinteger
    local ok, err = pcall(opt.step, opt, {{name = 'W', value = W, grad = G}})
    assert.is_false(ok)
    assert.matches('SGD: step: the state of parameter 1', err)
    opt.steps = math.maxinteger
    opt:step({})
    assert.are.equal(math.maxinteger, opt.steps)
  end)

  it('refuses another userdata given the matrix metatable (debug.setmetatable)', function()
    local mt = getmetatable(matrix.zeros(1, 1))
    for _, o in ipairs{nn.Tanh(), nn.Linear(2, 3), nn.SGD(), io.stdout} do
      if o ~= io.stdout then debug.setmetatable(o, mt) end
      local ok, err = pcall(function() return matrix.T(o) end)
      if o ~= io.stdout then
        assert.is_false(ok)
        assert.matches("bad argument #1 to 'T' %(matrix expected, got another userdata", err)
      end
      assert.is_false(matrix.is(o))
    end
  end)

  it('refuses a matrix given the metatable of an nn type', function()
    -- A 1000x1 matrix read as an activation had kind 1000: out of every table.
    local cases = {nn.Tanh(), nn.Linear(2, 3), nn.NLLM(), nn.Adam(), nn.Dropout()}
    for _, o in ipairs(cases) do
      for _, shape in ipairs{{0, 0}, {1, 1}, {1000, 1}, {2, 3}, {6, 1}} do
        local m = matrix.zeros(shape[1], shape[2])
        debug.setmetatable(m, getmetatable(o))
        local ok, err = pcall(function() return m:forward(matrix.zeros(2, 2)) end)
        if nn.kind(o) ~= 'Adam' then
          assert.is_false(ok)
          assert.matches('expected, got another userdata with its metatable', err)
        end
        assert.is_nil(nn.kind(m))
      end
    end
  end)

  it('methods take as self only a userdata made as one of their class', function()
    -- Methods tell self by its size and number of user values, which Lua
    -- code cannot change, not by its metatable, which it can.  Matrices of
    -- each size up to 16 + 8 * 8 bytes (the classes' sizes among them; all
    -- zeros: NULL pointers where a class keeps its matrices) and the objects
    -- of the other classes, wearing the class's metatable or not, are refused.
    local classes = {
      {nn.Linear, {{'forward', matrix.ones(2, 1)}, {'backward', matrix.ones(3, 1)},
        {'sgd_step', 0.1}, {'zero_grad'}, {'dZ_dA'}, {'parameters'}}},
      {nn.Tanh, {{'forward', matrix.ones(2, 1)}, {'backward', matrix.ones(2, 1)},
        {'jacobian', matrix.ones(2, 1)}, {'sgd_step', 0.1}}},
      {nn.NLLM, {{'forward', matrix.ones(2, 1), matrix.ones(2, 1)}, {'backward'},
        {'forward_logits', matrix.ones(2, 1), matrix.ones(2, 1)}}},
    }
    local tried = 0
    for _, class in ipairs(classes) do
      local proto, methods = class[1](2, 3), class[2]
      local makers = {nn.Dropout, nn.SGD}
      for k = 0, 8 do makers[#makers + 1] = function() return matrix.zeros(k, 1) end end
      for _, c in ipairs(classes) do
        if c ~= class then makers[#makers + 1] = function() return c[1](2, 3) end end
      end
      for _, make in ipairs(makers) do
        for _, wear in ipairs{false, true} do
          local impostor = make()
          if wear then debug.setmetatable(impostor, getmetatable(proto)) end
          for _, call in ipairs(methods) do
            local ok, err = pcall(proto[call[1]], impostor, table.unpack(call, 2))
            assert.is_false(ok, call[1])
            assert.matches('expected, got ', err)
            tried = tried + 1
          end
        end
      end
    end
    assert.are.equal(2 * 13 * (6 + 4 + 3), tried)
    -- An object of the class given another metatable is still one.
    local lin = nn.Linear(2, 3)
    local forward = lin.forward
    debug.setmetatable(lin, getmetatable(nn.Tanh()))
    assert.has_error(function() lin:forward(matrix.ones(2, 1)) end)
    assert.are.same({3, 1}, {forward(lin, matrix.ones(2, 1)):shape()})
  end)

  it('a matrix metatable taken out of the registry is an error, not a crash', function()
    -- New matrices took their metatable from the registry, whatever was
    -- there: a number put in its place (debug.getregistry) was read as a table.
    local R, mt = debug.getregistry(), getmetatable(matrix.zeros(1, 1))
    local key
    for k, v in pairs(R) do
      if v == mt and type(k) == 'userdata' then key = k end
    end
    assert.is_not_nil(key)
    R[key] = 42
    local ok, err = pcall(nn.Linear, 2, 3)  -- its W and W0 are new matrices
    R[key] = mt
    assert.is_false(ok)
    assert.matches('the matrix metatable was taken out of the registry', err)
    assert.are.same({2, 3}, {nn.Linear(2, 3).W:shape()})
  end)

  it("every class's metatable taken out of the registry is an error, not a crash", function()
    -- Constructors set their metatable by name from the registry: a number
    -- put there (debug.getregistry) was read as a table (a segfault).
    local core = require('nnlab.core')
    local R = debug.getregistry()
    local classes = {
      ['nn.Linear'] = function() return nn.Linear(2, 3) end,
      ['nn.Activation'] = function() return nn.Tanh() end,
      ['nn.Loss'] = function() return nn.NLLM() end,
      ['nn.Optimizer'] = function() return nn.SGD() end,
      ['nn.Dropout'] = function() return nn.Dropout(0.5) end,
      ['nn.FitJob'] = function() return core.nn._cache() end,
      ['nn.RngState'] = function() return core.train.rngstate() end,
    }
    for tname, make in pairs(classes) do
      local mt = R[tname]
      assert.are.equal('table', type(mt), tname)
      assert.are.equal(mt, getmetatable(make()), tname)
      R[tname] = 42
      local ok, err = pcall(make)
      R[tname] = mt
      assert.is_false(ok, tname)
      assert.matches('the ' .. tname:gsub('%.', '%%.') .. ' metatable was taken out of the registry',
        err)
      assert.are.equal(mt, getmetatable(make()), tname)
    end
    -- the program's own types: a submission's sandbox and a grading child
    local out = H.nnlab({'-e', [[
      local R, sandbox, proc = debug.getregistry(), require('nnlab.sandbox'), require('nnlab.proc')
      for _, t in ipairs{{'nnlab.sandbox', function() return sandbox.new() end},
                         {'nnlab.child', function() return proc.spawn(function() end) end}} do
        local mt = R[t[1] ]
        assert(type(mt) == 'table', t[1])
        R[t[1] ] = 42
        print(t[1], pcall(t[2]))
        R[t[1] ] = mt
      end]]})
    assert.matches('nnlab.sandbox\tfalse\t[^\n]*the nnlab.sandbox metatable was taken out', out)
    assert.matches('nnlab.child\tfalse\t[^\n]*the nnlab.child metatable was taken out', out)
  end)

  it('new matrices ignore what debug.setupvalue puts in their makers', function()
    -- The functions that make matrices take the matrix metatable from the
    -- registry; a number put in an upvalue of theirs must not be set as one.
    local mt = getmetatable(matrix.zeros(1, 1))
    local ones = matrix.ones
    local name, old = debug.getupvalue(ones, 1)
    if name then debug.setupvalue(ones, 1, 42) end
    local ok, m = pcall(ones, 2, 3)
    if name then debug.setupvalue(ones, 1, old) end
    assert.is_true(ok)
    assert.are.equal(mt, getmetatable(m))
    assert.are.same({{1, 1, 1}, {1, 1, 1}}, m:totable())
    local loss = nn.Squared()
    loss:forward(matrix.zeros(2, 1), matrix.ones(2, 1))
    local backward = loss.backward  -- no matrix argument: nothing else to go by
    name, old = debug.getupvalue(backward, 1)
    if name then debug.setupvalue(backward, 1, 42) end
    ok, m = pcall(backward, loss)
    if name then debug.setupvalue(backward, 1, old) end
    assert.is_true(ok)
    assert.are.equal(mt, getmetatable(m))
    assert.are.same({{-2}, {-2}}, m:totable())
  end)

  it("methods refuse a class upvalue that debug.setupvalue replaced", function()
    -- The shared methods (sgd_step, parameters, __index, __tostring) know
    -- their class by an upvalue; a light userdata from the registry, a
    -- number or another class's must not be read as this class.
    local act, lin = nn.Tanh(), nn.Linear(2, 3)
    local sgd_step = act.sgd_step
    local index = getmetatable(act).__index
    local tostr = getmetatable(act).__tostring
    local lightud
    for k in pairs(debug.getregistry()) do
      if type(k) == 'userdata' and getmetatable(k) == nil then lightud = k end
    end
    assert.is_not_nil(lightud)
    local function fails(msg, f)
      local ok, err = pcall(f)
      assert.is_false(ok)
      assert.is_truthy(tostring(err):find(msg, 1, true), tostring(err))
    end
    local _, mine = debug.getupvalue(sgd_step, 1)
    local _, linear = debug.getupvalue(getmetatable(lin).__tostring, 1)
    for _, bad in ipairs{42, lightud} do
      debug.setupvalue(sgd_step, 1, bad)
      debug.setupvalue(index, 2, bad)
      debug.setupvalue(tostr, 1, bad)
      fails("this method's class was replaced (debug.setupvalue)", function() sgd_step(act) end)
      fails("this method's class was replaced (debug.setupvalue)", function() return act.kind end)
      fails("this method's class was replaced (debug.setupvalue)", function() return tostring(act) end)
    end
    debug.setupvalue(tostr, 1, linear)  -- a class, but not act's: the proof fails
    fails('nn.Linear expected, got nn.Activation',
      function() return tostring(act) end)
    debug.setupvalue(sgd_step, 1, mine)
    debug.setupvalue(index, 2, mine)
    debug.setupvalue(tostr, 1, mine)
    assert.are.equal('Tanh()', tostring(act))
    assert.are.equal('Tanh', act.kind)
    assert.is_nil(sgd_step(act))
  end)

  it("a module whose kept matrices were swapped out (debug.setuservalue)", function()
    -- The modules keep pointers to their user values; a value put there by
    -- debug.setuservalue left them pointing at a collected matrix.
    local act = nn.Tanh()
    act:forward(matrix.zeros(2, 2))
    debug.setuservalue(act, nil, 2)
    collectgarbage()
    assert.has_error(function() act:backward(matrix.zeros(2, 2)) end,
      'Tanh(): backward called before forward')
    act:forward(matrix.zeros(2, 2))
    debug.setuservalue(act, matrix.zeros(1, 1), 1)
    collectgarbage()
    assert.has_error(function() act:backward(matrix.zeros(2, 2)) end,
      'Tanh(): backward called before forward')
    local loss = nn.Squared()
    loss:forward(matrix.zeros(3, 3), matrix.ones(3, 3))
    debug.setuservalue(loss, matrix.zeros(1, 1), 2)
    collectgarbage()
    assert.has_error(function() loss:backward() end, 'Squared(): backward called before forward')
    local lin = nn.Linear(2, 3)
    debug.setuservalue(lin, matrix.zeros(2, 3), 1)
    collectgarbage()
    assert.has_error(function() lin:forward(matrix.ones(2, 1)) end,
      'Linear(2, 3): its matrices were replaced (debug.setuservalue)')
    local net = nn.Sequential({lin}, nn.Squared())
    assert.has_error(function() net:sgd(matrix.ones(2, 4), matrix.ones(3, 4), 2, 0.1) end)
  end)

  it("a Linear's methods check each matrix they use against its user value", function()
    -- Each method checks only the kept matrices it uses: a swapped one it
    -- uses is an error (the copy of the last input: forgotten), one it does
    -- not use is left for the methods that do.
    local x, dz = matrix.ones(2, 1), matrix.ones(3, 1)
    local replaced = 'Linear%(2, 3%): its matrices were replaced'
    local fails = {  -- by user value: W, W0, dLdW, dLdW0, the copy of A
      {forward = replaced, backward = replaced, sgd_step = replaced, dZ_dA = replaced,
        set = replaced},
      {forward = replaced, sgd_step = replaced, set = replaced},
      {backward = replaced, sgd_step = replaced, zero_grad = replaced, set = replaced},
      {backward = replaced, sgd_step = replaced, zero_grad = replaced, set = replaced},
      {backward = 'backward called before forward'},
    }
    local calls = {
      forward = function(l) return l:forward(x) end,
      backward = function(l) return l:backward(dz) end,
      sgd_step = function(l) return l:sgd_step(0.1) end,
      zero_grad = function(l) return l:zero_grad() end,
      dZ_dA = function(l) return l:dZ_dA() end,
      parameters = function(l) return l:parameters() end,
      set = function(l) l.dLdW = matrix.ones(2, 3) end,
    }
    for uv = 1, 5 do
      for name, call in pairs(calls) do
        for _, value in ipairs{false, true} do
          local lin = nn.Linear(2, 3)
          lin:forward(x)
          local kept = debug.getuservalue(lin, uv)
          debug.setuservalue(lin, value and matrix.zeros(kept:shape()) or nil, uv)
          collectgarbage()
          local ok, err = pcall(call, lin)
          if fails[uv][name] then
            assert.is_false(ok, uv .. ' ' .. name)
            assert.matches(fails[uv][name], err)
          else
            assert.is_true(ok, uv .. ' ' .. name .. ': ' .. tostring(err))
          end
        end
      end
    end
  end)

  it('a forward refused before it starts leaves the last one for backward', function()
    local lin = nn.Linear(2, 3)
    lin:forward(matrix.ones(2, 4))
    assert.has_error(function() lin:forward(matrix.ones(5, 4)) end)
    assert.are.same({2, 4}, {lin:backward(matrix.ones(3, 4)):shape()})
    local loss = nn.Hinge()
    loss:forward(matrix.zeros(1, 2), matrix.ones(1, 2))
    assert.has_error(function() loss:forward(matrix.zeros(1, 3), matrix.zeros(1, 3)) end)
    assert.are.same({1, 2}, {loss:backward():shape()})
  end)

  it('norm is NaN when any entry is, infinities or not', function()
    assert.is_true(matrix.row{1 / 0, 0 / 0}:norm() ~= matrix.row{1 / 0, 0 / 0}:norm())
    assert.are.equal(math.huge, matrix.row{-1 / 0, 2}:norm())
  end)

  it('arithmetic with a string on the left names the operation', function()
    -- "x" + m reaches matrix's __add through the string library, from C.
    local m = matrix.eye(2)
    assert.has_error(function() return 'x' + m end,
      "bad argument #1 to 'add' (matrix or number expected, got string)")
    assert.has_error(function() return 'x' - m end,
      "bad argument #1 to 'sub' (matrix or number expected, got string)")
  end)

  it('plot sizes are bounded and labels checked', function()
    -- width = 1e9 drew a grid of a billion cells; svg_height = 1e12 shaded
    -- 10^11 rows; a table title failed inside the drawing.
    local plot = nnlab.plot
    assert.has_error(function() plot.line({1, 2}, {1, 2}, {width = 1e9}) end,
      'plot.line: width must be between 1 and 1000, got 1000000000.0')
    assert.has_error(function() plot.line({1, 2}, {1, 2}, {height = -2^63}) end,
      'plot.line: height must be between 1 and 1000, got -9.2233720368548e+18')
    assert.has_error(function() plot.svg('line', {1, 2}, {1, 2}, {svg_height = 1e12}) end,
      'plot.svg: svg height must be between 1 and 20000, got 1000000000000.0')
    assert.has_error(function() plot.line({1, 2}, {1, 2}, {title = {}}) end,
      'plot.line: title must be a string, got table')
    local net = nn.Sequential({nn.Linear(2, 2), nn.SoftMax()}, nn.NLLM())
    local svg = plot.svg('boundary', net, matrix{{0, 1}, {0, 1}}, matrix.row{1, 2},
      {svg_width = 81, svg_height = 20000})
    assert.is_true(#svg < 2e6)
  end)

  it('data.one_hot with an absurd number of classes says so at once', function()
    -- classes = 2^63 built the list 1..2^63 first: it never returned.
    assert.has_error(function() nnlab.data.one_hot({1, 2}, 2^63) end,
      'data.one_hot: the number of classes must be at most 1048576, got 9.2233720368548e+18')
  end)

  it('nn checks the options it used to trip over', function()
    local net = nn.Sequential({nn.Linear(2, 2)}, nn.Squared())
    local X = matrix.ones(2, 1)
    assert.has_error(function() net:classify(X, print) end,
      'classify: threshold must be a number, got function')
    assert.has_error(function() nn.gradcheck(net, X, X, coroutine.create(print)) end,
      'gradcheck: opts must be a table, got thread')
    assert.has_error(function() nn.gradcheck(net, X, X, {h = 'x', print = false}) end,
      'gradcheck: opts.h must be a positive number, got x')
  end)

  it("nn.save and fit pass on an error object that is not theirs", function()
    -- A table raised by the caller's own metamethod was read as save's own
    -- {message} error: "attempt to concatenate a nil value".
    local mine = {}
    local net = setmetatable({}, {__index = function() error(mine) end})
    local path = os.tmpname()
    local ok, err = pcall(nn.save, net, path)
    os.remove(path)
    assert.is_false(ok)
    assert.are.equal(mine, err)
    local real = nn.Sequential({nn.Linear(1, 1)}, nn.Squared())
    local opts = setmetatable({}, {__index = function() error(mine) end})
    ok, err = pcall(real.fit, real, matrix.ones(1, 2), matrix.ones(1, 2), opts)
    assert.is_false(ok)
    assert.are.equal(mine, err)
  end)

  it('data.permutation checks n', function()
    -- permutation(2^63) filled a list until memory ran out; 'x' failed inside.
    assert.has_error(function() nnlab.data.permutation(2^63) end,
      'data.permutation: n must be in 0 .. 2^31-1, got 9.2233720368548e+18')
    assert.has_error(function() nnlab.data.permutation('x') end,
      'data.permutation: n must be an integer, got x')
    assert.are.equal(0, #nnlab.data.permutation(0))
  end)

  it('nn.jacobian names a function that returns nil', function()
    -- ipairs{fp, fm} stopped at a nil fp: "attempt to index a nil value"
    assert.has_error(function() nn.jacobian(function() end, matrix.ones(2, 1)) end,
      'jacobian: f must return a matrix, got nil')
  end)

  it('fit names labels without rows', function()
    -- Y 0 x n reached argmax inside the accuracy measurement
    local net = nn.Sequential({nn.Linear(3, 2), nn.SoftMax()}, nn.NLLM())
    assert.has_error(function()
      net:fit(matrix.ones(3, 1), matrix.zeros(0, 1), {verbose = false})
    end, 'fit: Y has no rows')
  end)

  it('data.one_hot uses the labels it checked', function()
    -- The check counted #labels (0 here) but the work ran ipairs, which saw
    -- what __index made up: matrices, then "attempt to compare two matrix values".
    local labels = setmetatable({}, {__index = function(_, i)
      if i <= 3 then return matrix.eye(1) end
    end})
    local Y, classes = nnlab.data.one_hot(labels)
    assert.are.same({0, 0}, {Y:shape()})
    assert.are.same({}, classes)
  end)

  it('plot uses the labels it checked', function()
    -- as data.one_hot: #labels was checked, ipairs(labels) was used
    local labels = setmetatable({}, {__index = function(_, i)
      if i <= 3 then return matrix.eye(1) end
    end})
    local net = nn.Sequential({nn.Linear(2, 2), nn.SoftMax()}, nn.NLLM())
    local opts = {width = 40, height = 20}
    local p = nnlab.plot.boundary(net, matrix.zeros(2, 0), labels, opts)
    -- no labels (#labels is 0), so the plot of an empty table
    assert.are.equal(tostring(nnlab.plot.boundary(net, matrix.zeros(2, 0), {}, opts)), tostring(p))
  end)

  it("fit's C loop reads the optimizer's state again after Lua code ran", function()
    -- An output whose write gave the state tables new matrices (st.m = M)
    -- between two stretches of the C loop left it updating freed ones.
    matrix.seed(1)
    local X = matrix.randn(20, 20000)  -- an epoch long enough for several stretches
    local Y = matrix.zeros(2, 20000)
    for j = 1, 20000 do Y:set(j % 2 + 1, j, 1) end
    local net = nn.Sequential({nn.Linear(20, 50), nn.Tanh(), nn.Linear(50, 2), nn.SoftMax()},
      nn.NLLM())
    local opt = nn.Adam()
    local writes = 0
    local out = {write = function()
      writes = writes + 1
      for _, p in ipairs(net:parameters()) do
        local st = opt:state(p.value)
        if st then st.m = matrix.zeros(st.m:shape()) st.v = matrix.zeros(st.v:shape()) end
      end
      collectgarbage()
    end}
    net:fit(X, Y, {epochs = 1, batch = 1, optimizer = opt, output = out, tty = true})
    assert.is_true(writes > 2)
    for _, p in ipairs(net:parameters()) do
      assert.are.equal(20000, opt:state(p.value).t)
      assert.is_true(p.value:norm() == p.value:norm())
    end
  end)

  it("fit's C loop stops with an error when Lua code replaced what it writes into", function()
    -- Between two stretches of the C loop, the output's write swaps a
    -- Linear's W (debug.setuservalue) or gives the optimizer's state a
    -- matrix of another shape: the loop would write into a collected or a
    -- too small matrix, so fit raises an error and the net stays usable.
    matrix.seed(2)
    local X = matrix.randn(20, 20000)
    local Y = matrix.zeros(2, 20000)
    for j = 1, 20000 do Y:set(j % 2 + 1, j, 1) end
    local swaps = {
      function(net) debug.setuservalue(net.modules[1], matrix.zeros(20, 50), 1) end,
      function(net, opt)
        local st = opt:state(net.modules[3].W)
        if st then st.m = matrix.zeros(1, 1) end
      end,
    }
    for k, swap in ipairs(swaps) do
      local net = nn.Sequential({nn.Linear(20, 50), nn.Tanh(), nn.Linear(50, 2), nn.SoftMax()},
        nn.NLLM())
      local opt = nn.Adam()
      local out = {write = function() swap(net, opt) collectgarbage() end}
      assert.has_error(function()
        net:fit(X, Y, {epochs = 1, batch = 1, optimizer = opt, output = out, tty = true})
      end, "fit: the net's matrices or the optimizer's state were replaced during the epoch")
      local P = net.modules[3]:forward(net.modules[2]:forward(matrix.ones(50, 1)))
      assert.are.same({2, 1}, {P:shape()}, 'case ' .. k)
    end
  end)

  it("fit's C loop refuses a job whose own user values Lua code replaced", function()
    -- _fit_run took the layers again from the job's user value, unchecked:
    -- a string there was a segmentation fault.  Now each pointer the job
    -- follows is checked to be the object it took; a buffer replaced by a
    -- matrix is not written into (a new one is made).
    local C = require('nnlab.core').nn
    matrix.seed(3)
    local X, Y = matrix.randn(2, 6), matrix.randn(3, 6)
    local function job()
      local c = C._cache()
      assert.is_true(C._fit_begin({nn.Linear(2, 3), nn.Tanh()}, nn.Squared(), X, Y, nn.SGD(), 2,
        false, c))
      return c
    end
    local msg = "fit: the net's matrices or the optimizer's state were replaced during the epoch"
    local swaps = {
      function(c) debug.setuservalue(c, 'x', 1) end,                   -- the layers
      function(c) debug.setuservalue(c, matrix.zeros(1, 1), 2) end,    -- the order
      function(c) debug.setuservalue(c, nn.Linear(2, 3), 6) end,       -- the loss
      function(c) debug.setuservalue(c, matrix.zeros(2, 6), 7) end,    -- X
      function(c) debug.setuservalue(c, {}, 10) end,                   -- the state tables
      function(c) debug.getuservalue(debug.getuservalue(c, 1), 1)[2] = nn.Linear(3, 3) end,
      function(c) debug.setuservalue(debug.getuservalue(c, 1), 'x', 1) end,
    }
    for k, swap in ipairs(swaps) do
      local c = job()
      swap(c)
      collectgarbage()
      local ok, err = pcall(C._fit_run, c, 0, 3)
      assert(not ok and err:find(msg, 1, true), 'case ' .. k .. ': ' .. tostring(err))
    end
    local c = job()
    assert.are.equal(1, (C._fit_run(c, 0, 1)))
    local M = matrix.ones(100, 100)
    debug.setuservalue(c, M, 3)  -- the work buffer
    assert.are.equal(2, (C._fit_run(c, 1, 3)))
    assert.is_true(M == matrix.ones(100, 100))
  end)

  it("the training loop's gather refuses indices past the largest integer", function()
    -- first + k overflowed (undefined behaviour: UBSan stopped the program)
    local gather = require('nnlab.core').train.gather
    assert.has_error(function()
      gather(matrix.ones(2, 3), {[math.maxinteger] = 1}, math.maxinteger, 2)
    end, "bad argument #3 to 'gather' (first index out of range)")
    assert.are.same({2, 1}, {gather(matrix.ones(2, 3), {[math.maxinteger] = 1},
      math.maxinteger, 1):shape()})
  end)

  it('plot ticks and scatter finish on ranges too small or too big for a step', function()
    -- A denormal range made the step 0 (10^-325), and the tick loop ran
    -- from inf to inf for ever (found by a long run of the API fuzzer).
    local plot = nnlab.plot
    local function bounded(f)  -- about a second of Lua, then an error instead of a hang
      debug.sethook(function() error('no answer: a hang', 0) end, '', 100000000)
      local ok, a, b = pcall(f)
      debug.sethook()
      assert(ok, a)
      return a, b
    end
    local t, labels = bounded(function() return plot.ticks(5e-324, 1e-323, 5) end)
    assert.are.same({5e-324, 1e-323}, t)
    assert.are.equal(2, #labels)
    t = bounded(function() return plot.ticks(-1e308, 1e308, 5) end)
    assert.are.same({-1e308, 1e308}, t)
    assert.are.same({0, 2, 4, 6, 8, 10}, (bounded(function() return plot.ticks(0, 10, 5) end)))
    local p = bounded(function()
      return tostring(plot.scatter(matrix{{5e-324, 1e-323}, {0, 1}}, matrix{{1, 2}},
        {style = 'ascii', width = 40, height = 12}))
    end)
    assert.is_true(#p > 0)
  end)
end)
