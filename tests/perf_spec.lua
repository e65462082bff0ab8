-- The fast paths give the same answers as the slow ones: the matrix
-- product's small loops and BLAS (with transposes) against a Lua loop, the
-- C training loop of Sequential:sgd against the Lua loop it replaces (the
-- same bits), and the layers' reused buffers against the results a student
-- keeps.  No timings here: those are in tests/bench (make bench).
local U = require 'nn_util'
local matrix, nn = U.matrix, U.nn

-- op(a) * op(b) by the textbook loop in Lua.
local function lua_matmul(a, b, ta, tb)
  if ta then a = a:T() end
  if tb then b = b:T() end
  local m, k = a:shape()
  local _, n = b:shape()
  local d = matrix.zeros(m, n)
  for i = 1, m do
    for j = 1, n do
      local s = 0
      for p = 1, k do s = s + a:get(i, p) * b:get(p, j) end
      d:set(i, j, s)
    end
  end
  return d
end

describe('the matrix product', function()
  it('runs the C test of its paths: plain loops, AVX2 tiles and BLAS agree', function()
    local out, err, code = H.sh(H.quote(os.getenv('NNLAB_KERNELS_TEST') or
      (H.root .. '/build/kernels-test')))
    assert.are.equal('', err)
    assert.are.equal(0, code, out)
    assert.truthy(out:match('\n%d+ checks, 0 failures\n$'), out)
  end)

  -- work m*n*k on both sides of the small path's limit (4096 multiply-adds)
  local shapes = {{1, 1, 1}, {3, 5, 7}, {10, 1, 10}, {1, 10, 2}, {9, 17, 8}, {16, 16, 16},
    {17, 16, 16}, {33, 31, 5}, {5, 70, 13}, {64, 3, 40}}
  for _, s in ipairs(shapes) do
    local m, n, k = s[1], s[2], s[3]
    it(string.format('op(a) * op(b) for %dx%dx%d, every transpose flag, against a Lua loop', m, n, k), function()
      matrix.seed(m * 1000 + n * 10 + k)
      for t = 0, 3 do
        local ta, tb = t % 2 == 1, t >= 2
        local a = ta and matrix.randn(k, m) or matrix.randn(m, k)
        local b = tb and matrix.randn(n, k) or matrix.randn(k, n)
        local want = lua_matmul(a, b, ta, tb)
        local what = string.format('ta=%s tb=%s', ta, tb)
        U.close(matrix.matmul(a, b, nil, ta, tb), want, 1e-13, 1e-13, what)
        local dst = matrix.fill(m, n, 0 / 0)
        assert.are.equal(dst, matrix.matmul(a, b, dst, ta, tb))
        U.close(dst, want, 1e-13, 1e-13, what .. ' into dst')
        if not ta and not tb then assert.is_true(a * b == dst) end
      end
    end)
  end

  it('with transposes into an operand, and says which side is transposed when shapes differ', function()
    local a = matrix{{1, 2}, {3, 4}}
    local want = lua_matmul(a, a, true, false)
    assert.is_true(matrix.matmul(a, a, a, true) == want)  -- a = a^T a
    U.fails_with('matrix product: 2x3^T * 3x1 does not align (2 columns vs 3 rows)',
      function() return matrix.matmul(matrix.zeros(2, 3), matrix.zeros(3, 1), nil, true) end)
    U.fails_with('matrix product: 2x3 * 1x2^T does not align (3 columns vs 2 rows)',
      function() return matrix.matmul(matrix.zeros(2, 3), matrix.zeros(1, 2), nil, false, true) end)
    U.fails_with('matmul: destination is 2x2 but the result is 3x3',
      function() return matrix.matmul(matrix.zeros(2, 3), matrix.zeros(2, 3), matrix.zeros(2, 2), true) end)
  end)
end)

describe('matrix.columns', function()
  it('gathers columns by index (a list or a vector of indices), into dst when given', function()
    matrix.seed(2)
    local X = matrix.randn(5, 300)
    local idx = {}
    for k = 1, 280 do idx[k] = (k * 37) % 300 + 1 end  -- more than fit on the C stack
    local want = matrix.zeros(5, #idx)
    for i = 1, 5 do for k, j in ipairs(idx) do want:set(i, k, X:get(i, j)) end end
    assert.is_true(X:columns(idx) == want)
    local d = matrix.zeros(5, #idx)
    assert.is_true(rawequal(d, X:columns(idx, d)) and d == want)
    assert.is_true(X:columns(matrix.row{3, 1, 3}) == X:columns{3, 1, 3})
    assert.is_true(X:columns(matrix.col{3, 1}) == X:columns{3, 1})
    assert.are.equal('5x0', U.shape(X:columns{}))
    local sq = matrix{{1, 2}, {3, 4}}
    assert.is_true(sq:columns({2, 1}, sq) == matrix{{2, 1}, {4, 3}})  -- into itself
  end)

  it('names a bad index and a wrong destination', function()
    local X = matrix.zeros(2, 4)
    U.fails_with('columns: index 2 is 5, not a column of a 2x4 matrix', function() return X:columns{1, 5} end)
    U.fails_with('columns: index 1 is 0, not a column of a 2x4 matrix', function() return X:columns{0} end)
    U.fails_with('columns: index 1 is 1.5, not a column of a 2x4 matrix', function() return X:columns{1.5} end)
    U.fails_with('columns: index 1 is a string, expected a number', function() return X:columns{'one'} end)
    U.fails_with('columns: destination is 3x3 but the result is 2x1',
      function() return X:columns({1}, matrix.zeros(3, 3)) end)
    U.fails_with("bad argument #2 to 'columns' (vector expected (a 1xn or nx1 matrix of indices))",
      function() return matrix.columns(X, matrix.zeros(2, 2)) end)
  end)
end)

describe('OpenBLAS', function()
  it('is loaded by the first product that needs it, not at start-up', function()
    local f = io.open('/proc/self/maps')
    if not f then return end  -- not Linux: nothing to look at
    f:close()
    local out, err, code = H.nnlab({'-e', [[
      local function loaded()
        for l in io.lines('/proc/self/maps') do
          if l:find('openblas', 1, true) then return 'yes' end
        end
        return 'no'
      end
      io.write(loaded(), ' ')
      local _ = matrix.randn(16, 16) * matrix.randn(16, 16)  -- the small path
      io.write(loaded(), ' ')
      _ = matrix.randn(64, 64) * matrix.randn(64, 64)
      io.write(loaded(), '\n')]]})
    assert.are.equal('', err)
    assert.are.equal(0, code)
    assert.are.equal('no no yes\n', out)
  end)

  it('takes its thread count from OPENBLAS_NUM_THREADS when it loads', function()
    -- OPENBLAS_NUM_THREADS is how the count reaches a library that starts its threads as it loads
    local out, err, code = H.nnlab({'-e', 'print(matrix.threads())'}, nil, {OPENBLAS_NUM_THREADS = '1'})
    assert.are.equal('', err)
    assert.are.equal(0, code)
    assert.are.equal('1\n', out)
  end)
end)

describe('matrix.threads', function()
  it('reports the BLAS pool and sets it, returning the old size', function()
    local n = matrix.threads()
    assert.are.equal('integer', math.type(n))
    assert.is_true(n >= 1)
    assert.are.equal(n, matrix.threads(1))
    assert.are.equal(1, matrix.threads())
    -- a product big enough for BLAS's threads is the same on one thread
    local a, b = matrix.randn(100, 90), matrix.randn(90, 80)
    local one = a * b
    assert.are.equal(1, matrix.threads(n))
    U.close(a * b, one, 1e-14, 1e-14)
    U.fails_with("bad argument #1 to 'threads' (thread count must be between 1 and 1024)",
      function() return matrix.threads(0) end)
  end)
end)

-- The networks the C loop must reproduce: every activation, fused and plain
-- losses, a layer that is the same size in and out.
local function onehot(k, b)
  return U.onehot(k, b)
end
local function signs(k, b)
  return matrix.rand(k, b):map(function(x) return x < 0.5 and -1 or 1 end)
end
local NETS = {
  {'Tanh, SoftMax + NLLM (fused)', {'L', 3, 6}, {'Tanh'}, {'L', 6, 6}, {'Tanh'}, {'L', 6, 3}, {'SoftMax'},
    loss = nn.NLLM, y = onehot},
  {'ReLU, Sigmoid + NLL (fused)', {'L', 3, 5}, {'ReLU'}, {'L', 5, 1}, {'Sigmoid'}, loss = nn.NLL,
    y = function(_, b) return matrix.rand(1, b):map(function(x) return x < 0.5 and 0 or 1 end) end},
  {'LeakyReLU, Identity + Squared', {'L', 3, 4}, {'LeakyReLU', 0.2}, {'L', 4, 2}, {'Identity'},
    loss = nn.Squared, y = function(k, b) return matrix.randn(k, b) end},
  {'Sigmoid, SoftMax + Squared (not fused)', {'L', 3, 4}, {'Sigmoid'}, {'L', 4, 3}, {'SoftMax'},
    loss = nn.Squared, y = onehot},
  {'Tanh + Hinge', {'L', 3, 4}, {'Tanh'}, {'L', 4, 2}, loss = nn.Hinge, y = signs},
  {'an activation first, a Step in the middle', {'Tanh'}, {'L', 3, 4}, {'Step'}, {'L', 4, 4},
    {'ReLU'}, {'L', 4, 2}, loss = nn.Squared, y = function(k, b) return matrix.randn(k, b) end},
  {'SoftMax + NLL (binary, per entry: not fused)', {'L', 3, 2}, {'SoftMax'}, loss = nn.NLL,
    y = function(k, b) return matrix.rand(k, b) end},
  {'one Linear + Squared', {'L', 3, 3}, loss = nn.Squared,
    y = function(k, b) return matrix.randn(k, b) end},
}

local function build(spec, seed)
  matrix.seed(seed)
  local mods = {}
  for i = 2, #spec do  -- spec[1] is the name
    local m = spec[i]
    if m[1] == 'L' then mods[#mods + 1] = nn.Linear(m[2], m[3])
    else mods[#mods + 1] = nn[m[1]](m[2]) end
  end
  return nn.Sequential(mods, spec.loss())
end

-- Sequential:sgd's loop in Lua, as the homework writes it.
local function lua_sgd(net, X, Y, iters, lr)
  local _, N = X:shape()
  local sum = 0
  for _ = 1, iters do
    local i = matrix.randint(N)
    sum = sum + net:backprop(X:col(i), Y:col(i))
    net:sgd_step(lr)
  end
  return sum / iters
end

describe('Sequential:sgd in C', function()
  for _, spec in ipairs(NETS) do
    it('gives the Lua loop\'s weights to the bit: ' .. spec[1], function()
      matrix.seed(7)
      local X = matrix.randn(3, 23)
      local a, b = build(spec, 11), build(spec, 11)
      local k = (a:forward(X)):shape()
      matrix.seed(8)
      local Y = spec.y(k, 23)
      matrix.seed(3)
      local ma = a:sgd(X, Y, 300, 0.02)
      local after = matrix.randint(1000)
      matrix.seed(3)
      local mb = lua_sgd(b, X, Y, 300, 0.02)
      assert.are.equal(matrix.randint(1000), after)  -- the same draws from the stream
      assert.are.equal(mb, ma)
      -- each module is left as the Lua loop leaves it: the same gradients,
      -- and backward (which reads the last step's saved Z, A) agrees
      for i, m in ipairs(a.modules) do
        if nn.kind(m) == 'Linear' then
          for _, f in ipairs{'W', 'W0', 'dLdW', 'dLdW0'} do
            assert(m[f] == b.modules[i][f], string.format('module %d %s differs', i, f))
          end
        end
      end
      assert.is_true(a.loss:backward() == b.loss:backward())
      local d = a.loss:backward()
      for i = #a.modules, 1, -1 do  -- module by module, from the top
        assert.is_true(a.modules[i]:backward(d) == b.modules[i]:backward(d))
        d = a.modules[i]:backward(d)
      end
    end)
  end

  it('falls back to the Lua loop for a module written in Lua, with the same result', function()
    local pass = {forward = function(_, A) return A end, backward = function(_, d) return d end}
    matrix.seed(4)
    local X, Y = matrix.randn(2, 9), U.onehot(2, 9)
    matrix.seed(5)
    local a = nn.Sequential({nn.Linear(2, 4), nn.Tanh(), nn.Linear(4, 2), nn.SoftMax()}, nn.NLLM())
    matrix.seed(5)
    local b = nn.Sequential({nn.Linear(2, 4), pass, nn.Tanh(), nn.Linear(4, 2), nn.SoftMax()}, nn.NLLM())
    matrix.seed(6)
    local ma = a:sgd(X, Y, 50, 0.1)
    matrix.seed(6)
    assert.are.equal(ma, b:sgd(X, Y, 50, 0.1))
    assert.is_true(a.modules[3].W == b.modules[4].W)
  end)

  it('runs a module listed twice through the Lua loop (its backward sees the last use)', function()
    matrix.seed(4)
    local X, Y = matrix.randn(2, 5), matrix.randn(2, 5)
    local function twice()
      local t = nn.Tanh()
      return nn.Sequential({nn.Linear(2, 2), t, nn.Linear(2, 2), t}, nn.Squared())
    end
    matrix.seed(5)
    local a = twice()
    matrix.seed(5)
    local b = twice()
    matrix.seed(6)
    local ma = a:sgd(X, Y, 40, 0.1)
    matrix.seed(6)
    assert.are.equal(lua_sgd(b, X, Y, 40, 0.1), ma)
    assert.is_true(a.modules[1].W == b.modules[1].W)
  end)

  it('leaves the errors to the Lua loop, in its words and at its step', function()
    local X = matrix{{1, 2, 3}}
    local net = nn.Sequential({nn.Linear(1, 1)}, nn.Hinge())
    U.fails_with('Hinge(): forward: label Y(1, 1) is 0, expected -1 or +1',
      function() net:sgd(X, matrix{{1, 0, 1}}, 10, 0.1) end)
    U.fails_with('ZeroOne(): backward: a 0-1 loss is for evaluation only, its gradient is zero ' ..
      'or undefined (train with NLL, NLLM, Hinge or Squared)',
      function() nn.Sequential({nn.Linear(1, 1)}, nn.ZeroOne()):sgd(X, X, 1, 0.1) end)
    U.fails_with('sgd: X is 1x3 but module 1 Linear(2, 1) takes 2 inputs (X needs 2 rows)',
      function() nn.Sequential({nn.Linear(2, 1)}, nn.Squared()):sgd(X, X, 1, 0.1) end)
  end)

  it('stops at Ctrl-C in the REPL after a whole step, leaving a usable net', function()
    local history = os.tmpname()
    local script = [[
timeout 30
wait > 
line net = nn.Sequential({nn.Linear(2, 50), nn.Tanh(), nn.Linear(50, 2), nn.SoftMax()}, nn.NLLM())
wait > 
line X, Y = matrix.randn(2, 10), matrix.eye(2, 10)
wait > 
line print('run' .. 'ning') net:sgd(X, Y, 1000000000, 0.01)
wait running
sleep 200
ctrl-c
wait sgd: interrupted
wait > 
line print(net:backprop(X, Y) > 0, net.modules[1].W:norm() == net.modules[1].W:norm())
wait true	true
wait > 
ctrl-d
]]
    local cmd = string.format('env TERM=xterm NO_COLOR=1 NNLAB_HISTORY=%s %s -t 90 %s',
      H.quote(history), H.quote(H.ptydrive), H.quote(H.bin))
    local out, err, code = H.sh(cmd, script)
    os.remove(history)
    assert(code == 0 and err == '', 'ptydrive status ' .. code .. ': ' .. err .. '\n' .. out)
  end)

  it('returns 0 for no steps and changes nothing', function()
    local net = nn.Sequential({nn.Linear(1, 1)}, nn.Squared())
    local W = net.modules[1].W:copy()
    assert.are.equal(0, net:sgd(matrix{{1}}, matrix{{1}}, 0, 0.1))
    assert.is_true(W == net.modules[1].W)
    U.fails_with('Linear(1, 1): backward called before forward',
      function() net.modules[1]:backward(matrix{{1}}) end)
  end)
end)

describe('fit in C', function()
  -- An optimizer written in Lua around a C one: fit then runs its Lua loop,
  -- with the same updates.
  local function in_lua(opt)
    return {step = function(_, params, scale) return opt:step(params, scale) end}
  end

  local function net3()
    return nn.Sequential({nn.Linear(3, 6), nn.ReLU(), nn.Linear(6, 4), nn.Tanh(), nn.Linear(4, 2),
      nn.SoftMax()}, nn.NLLM())
  end

  local cases = {
    {batch = 5, shuffle = true, opt = function() return nn.SGD{lr = 0.1, weight_decay = 0.01} end},
    {batch = 1, shuffle = 'replace', opt = function() return nn.Momentum{lr = 0.05} end},
    {batch = 7, shuffle = false, opt = function() return nn.Adadelta{lr = 0.5} end},
    {batch = 4, shuffle = 'replace', opt = function() return nn.Adam{lr = 0.01, weight_decay = 0.001} end},
    {batch = 23, shuffle = true, opt = function() return nn.Adam() end},
  }
  for _, c in ipairs(cases) do
    it(string.format('gives the Lua loop\'s weights, history and optimizer state to the bit: batch %d, shuffle %s, %s',
      c.batch, tostring(c.shuffle), tostring(c.opt())), function()
      matrix.seed(12)
      local X, Y = matrix.randn(3, 23), U.onehot(2, 23)
      matrix.seed(13)
      local a = net3()
      matrix.seed(13)
      local b = net3()
      local oa, ob = c.opt(), c.opt()
      local opts = {epochs = 3, batch = c.batch, shuffle = c.shuffle, seed = 5, verbose = 0}
      opts.optimizer = oa
      local ha = a:fit(X, Y, opts)
      local after = matrix.randint(1000)
      opts.optimizer = in_lua(ob)
      local hb = b:fit(X, Y, opts)
      assert.are.equal(matrix.randint(1000), after)
      assert.are.same(hb.loss, ha.loss)
      assert.are.same(hb.accuracy, ha.accuracy)
      assert.are.equal(hb.steps, ha.steps)
      assert.are.equal(ob.steps, oa.steps)
      for i, m in ipairs(a.modules) do
        if nn.kind(m) == 'Linear' then
          for _, f in ipairs{'W', 'W0', 'dLdW', 'dLdW0'} do
            assert(m[f] == b.modules[i][f], string.format('module %d %s differs', i, f))
          end
          for _, f in ipairs{'W', 'W0'} do
            local sa, sb = oa:state(m[f]), ob:state(b.modules[i][f])
            assert.are.equal(sb.t, sa.t)
            for k, v in pairs(sb) do
              if matrix.is(v) then assert(v == sa[k], 'optimizer state ' .. k .. ' differs') end
            end
          end
        end
      end
    end)
  end

  it('measures a big set in chunks, in C as in Lua: a module written in Lua changes nothing', function()
    matrix.seed(21)
    local X = matrix.randn(3, 4100)  -- four chunks of 1024 and one of 4
    local Y = U.onehot(3, 4100)
    local pass = {forward = function(_, A) return A end, backward = function(_, d) return d end}
    local hs, nets = {}, {}
    for k, with_lua in ipairs{false, true} do
      matrix.seed(22)
      local mods = {nn.Linear(3, 5), nn.Tanh(), nn.Linear(5, 3), nn.SoftMax()}
      if with_lua then table.insert(mods, 2, pass) end
      nets[k] = nn.Sequential(mods, nn.NLLM())
      hs[k] = nets[k]:fit(X, Y, {epochs = 2, batch = 500, seed = 4, lr = 0.01, verbose = 0})
    end
    assert.are.same(hs[2].loss, hs[1].loss)
    assert.are.same(hs[2].accuracy, hs[1].accuracy)
    assert.is_true(nets[1].modules[3].W == nets[2].modules[4].W)
    -- and it is the loss evaluate gives, to rounding (one sum against three)
    local l, A = nets[1]:evaluate(X, Y)
    U.close_num(hs[1].loss[2], l / 4100, 1e-12, 0)
    local cls, right = nets[1]:classify(X), 0
    for j = 1, 4100 do if cls:get(1, j) == Y:argmax(1):get(1, j) then right = right + 1 end end
    assert.are.equal(right / 4100, hs[1].accuracy[2])
    assert.is_true(matrix.is(A))
  end)

  it('measures in C as in Lua (the oracle): one output row with a threshold, validation too', function()
    matrix.seed(31)
    local X, Xv = matrix.randn(2, 1500), matrix.randn(2, 700)
    local function labels(A) return A:map(function(x) return x > 0 and 1 or 0 end) end
    local Y, Yv = labels(X:row(1)), labels(Xv:row(2))
    local pass = {forward = function(_, A) return A end, backward = function(_, d) return d end}
    local hs = {}
    for k, with_lua in ipairs{false, true} do
      matrix.seed(32)
      local mods = {nn.Linear(2, 3), nn.ReLU(), nn.Linear(3, 1), nn.Sigmoid()}
      if with_lua then table.insert(mods, 3, pass) end
      hs[k] = nn.Sequential(mods, nn.NLL()):fit(X, Y, {epochs = 2, batch = 64, seed = 5,
        threshold = 0.4, validation = {Xv, Yv}, verbose = 0})
    end
    assert.is_nil(hs[1].lua_loop)
    assert.are.equal('module 3 is written in Lua', hs[2].lua_loop)
    for _, f in ipairs{'loss', 'accuracy', 'val_loss', 'val_accuracy'} do
      assert.are.equal(2, #hs[1][f])
      assert.are.same(hs[2][f], hs[1][f], f)
    end
  end)

  it('runs the Lua loop for a net with Dropout or a module written in Lua', function()
    matrix.seed(3)
    local X, Y = matrix.randn(2, 10), U.onehot(2, 10)
    local pass = {forward = function(_, A) return A end, backward = function(_, d) return d end}
    for _, mods in ipairs{{nn.Linear(2, 4), nn.Dropout(0.5), nn.Linear(4, 2)},
                          {nn.Linear(2, 4), pass, nn.Linear(4, 2)}} do
      local h = nn.Sequential(mods, nn.Squared()):fit(X, Y, {epochs = 2, batch = 3, verbose = 0})
      assert.are.equal(2, #h.loss)
      assert.is_true(h.loss[2] == h.loss[2])
    end
  end)
end)

describe('the C loops\' internal functions', function()
  local C = require('nnlab.core').nn

  it('are not part of nn', function()
    assert.is_nil(nn._sgd)
    assert.is_nil(nn._fit_run)
    assert.is_function(C._fit_run)
  end)

  it('survive misuse: a job without an epoch, a list emptied under a job, a wrong job', function()
    local cache = C._cache()
    U.fails_with('_fit_run: the job has no epoch set up', function() return C._fit_run(cache, 0, 1) end)
    matrix.seed(1)
    local X, Y = matrix.randn(2, 6), matrix.randn(3, 6)
    local mods = {nn.Linear(2, 4), nn.Tanh(), nn.Linear(4, 3)}
    local first = mods[1]
    assert.is_true(C._fit_begin(mods, nn.Squared(), X, Y, nn.SGD(), 2, false, cache))
    for k in pairs(mods) do mods[k] = nil end
    collectgarbage()
    collectgarbage()
    local k, sum, seen = C._fit_run(cache, 0, 3)  -- the job keeps the modules alive
    assert.are.equal(3, k)
    assert.are.equal(6, seen)
    assert.is_true(sum == sum)
    assert.are.equal('2x2', U.shape(first:backward(matrix.ones(4, 2))))  -- left as after a batch of 2
    assert.has_error(function() return C._fit_run({}, 0, 1) end)
    assert.has_error(function() return C._fit_run(matrix.zeros(1, 1), 0, 1) end)
    assert.is_false(C._fit_begin({}, nn.Squared(), X, Y, nn.SGD(), 2, false, cache))
    assert.is_nil(C._sgd({nn.Linear(5, 3)}, nn.Squared(), X, Y, 1, 0.1))  -- shapes do not chain
  end)

  it('say why they decline, and fit keeps the reason in its history', function()
    local cache = C._cache()
    matrix.seed(1)
    local X, Y = matrix.randn(2, 6), matrix.randn(3, 6)
    local pass = {forward = function(_, A) return A end, backward = function(_, d) return d end}
    local function why(...) return select(2, C._sgd(...)) end
    assert.are.equal('module 1 does not take the rows before it',
      why({nn.Linear(5, 3)}, nn.Squared(), X, Y, 1, 0.1))
    assert.are.equal('module 2 is written in Lua',
      why({nn.Linear(2, 3), pass}, nn.Squared(), X, Y, 1, 0.1))
    local lin = nn.Linear(2, 3)
    assert.are.equal('module 2 is in the net twice', why({lin, lin}, nn.Squared(), X, Y, 1, 0.1))
    assert.are.equal('the loss ZeroOne has no gradient',
      why({nn.Linear(2, 3)}, nn.ZeroOne(), X, Y, 1, 0.1))
    assert.are.equal('the net has no modules', why({}, nn.Squared(), X, Y, 1, 0.1))
    assert.are.equal('the net gives 4 rows, Y has 3', why({nn.Linear(2, 4)}, nn.Squared(), X, Y, 1, 0.1))
    local ok, reason = C._fit_begin({nn.Linear(2, 3)}, nn.Squared(), X, Y, {step = function() end},
      2, false, cache)
    assert.is_false(ok)
    assert.are.equal("the optimizer is not one of nn's", reason)
    local h = nn.Sequential({nn.Linear(2, 3), pass}, nn.Squared()):fit(X, Y, {verbose = 0})
    assert.are.equal('module 2 is written in Lua', h.lua_loop)
    assert.is_nil(nn.Sequential({nn.Linear(2, 3)}, nn.Squared()):fit(X, Y, {verbose = 0}).lua_loop)
  end)

  it('say why through fit (verbose, history.lua_loop) and sgd (verbose), for every kind of net', function()
    matrix.seed(2)
    local X, Y = matrix.randn(2, 6), U.onehot(2, 6)
    local signs = matrix{{1, -1, 1, -1, 1, 0}}
    local pass = {forward = function(_, A) return A end, backward = function(_, d) return d end}
    local lin = nn.Linear(2, 2)
    local lua_loss = {forward = function() return 0 end, backward = function() return matrix.zeros(2, 1) end}
    local cases = {  -- the reason, the net, the labels (Y), fit's opts
      {'module 2 is written in Lua', {nn.Linear(2, 2), pass}},
      {'module 2 is a Dropout (the C loop draws no masks)', {nn.Linear(2, 2), nn.Dropout(0.5)}},
      {'module 3 is in the net twice', {lin, nn.Tanh(), lin}},
      {'the net has no modules', {}},
      {'the list of modules has a metatable', setmetatable({nn.Linear(2, 2)}, {})},
      {'the loss ZeroOne has no gradient', {nn.Linear(2, 2)}, loss = nn.ZeroOne()},
      {"the loss is not one of nn's", {nn.Linear(2, 2)}, loss = lua_loss},
      {'a label is not -1 or +1 (Hinge)', {nn.Linear(2, 1)}, loss = nn.Hinge(), Y = signs},
      {"the optimizer is not one of nn's", {nn.Linear(2, 2)}, sgd = false,
        opts = {optimizer = {step = function() end}}},
    }
    for _, c in ipairs(cases) do
      local said = {}
      local out = {write = function(_, s) said[#said + 1] = s end}
      local net = nn.Sequential(c[2], c.loss or nn.Squared())
      local opts = {epochs = 2, batch = 2, verbose = 2, output = out}
      for k, v in pairs(c.opts or {}) do opts[k] = v end
      local ok, h = pcall(net.fit, net, X, c.Y or Y, opts)  -- some nets then fail in Lua
      assert.are.equal('fit: running the Lua loop: ' .. c[1] .. '\n', said[1])
      if ok then
        assert.are.equal(c[1], h.lua_loop)
        for k = 2, #said do assert(not said[k]:find('Lua loop'), 'said once: ' .. said[k]) end
      end
      if c.sgd ~= false then
        said = {}
        pcall(net.sgd, net, X, c.Y or Y, 2, 0.1, {verbose = true, output = out})
        assert.are.same({'sgd: running the Lua loop: ' .. c[1] .. '\n'}, said)
      end
    end
    -- shapes that do not fit are the caller's mistake, refused before any loop
    -- (nn.Sequential's check of X and Y against the net)
    for _, c in ipairs{
      {{nn.Linear(3, 2)}, 'X is 2x6 but module 1 Linear(3, 2) takes 3 inputs (X needs 3 rows)'},
      {{nn.Linear(2, 4)}, "Y is 2x6 but the net's output is 4x6 (Y needs 4 rows)"},
    } do
      local net = nn.Sequential(c[1], nn.Squared())
      U.fails_with('fit: ' .. c[2], function() net:fit(X, Y, {epochs = 1, verbose = false}) end)
      U.fails_with('sgd: ' .. c[2], function() net:sgd(X, Y, 2, 0.1) end)
    end
    -- nothing is said by default, nor when the C loop runs
    local said = {}
    local out = {write = function(_, s) said[#said + 1] = s end}
    local net = nn.Sequential({nn.Linear(2, 2), pass}, nn.Squared())
    assert.are.equal('module 2 is written in Lua', net:fit(X, Y, {output = out}).lua_loop)
    net:sgd(X, Y, 2, 0.1)
    net:sgd(X, Y, 2, 0.1, {verbose = 0, output = out})
    net = nn.Sequential({nn.Linear(2, 2)}, nn.Squared())
    assert.is_nil(net:fit(X, Y, {verbose = 2, output = out}).lua_loop)
    net:sgd(X, Y, 2, 0.1, {verbose = true, output = out})
    assert.are.equal(1, #said)  -- fit's one epoch line
    assert.truthy(said[1]:find('^epoch 1/1'))
    U.fails_with("sgd: unknown option 'verbos' (options: output, verbose)",
      function() net:sgd(X, Y, 1, 0.1, {verbos = true}) end)
    U.fails_with('sgd: verbose must be true, false, 0, 1 or 2, got 3',
      function() net:sgd(X, Y, 1, 0.1, {verbose = 3}) end)
    U.fails_with('sgd: output must be a file or an object with a write method, got table',
      function() net:sgd(X, Y, 1, 0.1, {verbose = 1, output = {}}) end)
    U.fails_with('sgd: opts must be a table, got number', function() net:sgd(X, Y, 1, 0.1, 1) end)
  end)

  it('draw the batch order the Lua loop draws (T.order)', function()
    local T = require('nnlab.core').train
    assert.are.same({1, 2, 3, 4}, T.order(false, 4, 4, {}))
    matrix.seed(3)
    local p = T.order(true, 5, 5, {})
    matrix.seed(3)  -- np.random.permutation: j = randint(i) from the end
    local q = {1, 2, 3, 4, 5}
    for i = 5, 2, -1 do
      local j = matrix.randint(i)
      q[i], q[j] = q[j], q[i]
    end
    assert.are.same(q, p)
    matrix.seed(4)
    local r = T.order('replace', 9, 3, {})
    matrix.seed(4)
    assert.are.same({matrix.randint(9), matrix.randint(9), matrix.randint(9)}, r)
  end)
end)

describe('the layers\' buffers', function()
  it('are reused, but forward and backward return new matrices a student can keep', function()
    local l, t, loss = nn.Linear(2, 3), nn.Tanh(), nn.Squared()
    local x1, x2 = matrix.col{1, 2}, matrix.col{-3, 0.5}
    local z1 = l:forward(x1)
    local a1 = t:forward(z1)
    local z1c, a1c = z1:copy(), a1:copy()
    local z2 = l:forward(x2)
    local a2 = t:forward(z2)
    assert.is_true(z1 == z1c and a1 == a1c)  -- the first results are untouched
    assert.is_false(rawequal(z1, z2) or rawequal(a1, a2))
    loss:forward(a2, matrix.col{0, 1, 0})
    local g1 = loss:backward()
    local d1 = t:backward(g1)
    local g1c, d1c = g1:copy(), d1:copy()
    local d2 = t:backward(loss:backward())
    assert.is_true(g1 == g1c and d1 == d1c and d1 == d2)
    -- changing an input after forward does not change what backward uses
    x2:set(1, 100)
    z2:fill(7)
    local dA = l:backward(d2)
    U.close(l.dLdW, matrix.col{-3, 0.5} * d2:T(), 0, 0)
    U.close(dA, l.W * d2, 0, 0)
  end)

  it('follow the batch size', function()
    local l, t = nn.Linear(2, 2), nn.ReLU()
    for _, b in ipairs{1, 4, 1, 3} do
      local X = matrix.randn(2, b)
      local Z = l:forward(X)
      assert.are.equal('2x' .. b, U.shape(Z))
      assert.are.equal('2x' .. b, U.shape(t:forward(Z)))
      assert.are.equal('2x' .. b, U.shape(l:backward(t:backward(matrix.ones(2, b)))))
      U.close(l.dLdW, X * t:backward(matrix.ones(2, b)):T(), 0, 0)
    end
  end)
end)
