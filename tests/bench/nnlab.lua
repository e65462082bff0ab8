-- The nnlab side of the benchmark (tests/bench/bench.py runs it):
--   nnlab tests/bench/nnlab.lua ITEM ARGS...
-- Each measurement prints "RESULT key unit v1 v2 ..." (one value per
-- repetition) and "INFO key text" lines; bench.py makes the table.  The
-- references (ref_numpy.py, ref_torch.py) do the same work from the same
-- seeds: the same data, initial weights and sample order.
local nnlab = require 'nnlab'
local matrix, nn = nnlab.matrix, nnlab.nn
local now = require('nnlab.proc').now

local function result(key, unit, values)
  local s = {}
  for i, v in ipairs(values) do s[i] = string.format('%.6g', v) end
  io.write('RESULT ', key, ' ', unit, ' ', table.concat(s, ' '), '\n')
  io.flush()
end

local function info(key, text)
  io.write('INFO ', key, ' ', text, '\n')
  io.flush()
end

-- How many calls of f(n) (which runs n operations) fill about `seconds`.
local function calibrate(f, seconds)
  local n = 1
  while true do
    local t = now()
    f(n)
    t = now() - t
    if t > seconds / 4 then return math.max(1, math.floor(n * seconds / t)) end
    n = n * 2
  end
end

local item = arg[1]

-- 1. Matrix product, n x n, GFLOP/s: into a destination (no allocation) and
-- as a * b (a new matrix each time).
if item == 'matmul' then
  local reps = tonumber(arg[2])
  for k = 3, #arg do
    local n = math.tointeger(tonumber(arg[k]))
    matrix.seed(n)
    local a, b, c = matrix.randn(n, n), matrix.randn(n, n), matrix.zeros(n, n)
    local flops = 2.0 * n * n * n
    local matmul = matrix.matmul
    local function dst(calls) for _ = 1, calls do matmul(a, b, c) end end
    local function alloc(calls) for _ = 1, calls do local _ = a * b end end
    for _, v in ipairs{{'matmul.', dst}, {'matmul_alloc.', alloc}} do
      local calls = calibrate(v[2], 0.2)
      local out = {}
      for r = 1, reps do
        local t = now()
        v[2](calls)
        out[r] = flops * calls / (now() - t) * 1e-9
      end
      result(v[1] .. n, 'GFLOP/s', out)
    end
  end

-- 2. One small op, Z = W^T x + W0, ns per op: a Linear layer's forward (a
-- new Z each call, as a student gets it) and the matrix expression.
elseif item == 'smallop' then
  local reps = tonumber(arg[2])
  for _, s in ipairs{{4, 3}, {2, 10}} do
    local m, n = s[1], s[2]
    matrix.seed(1)
    local W, W0, x = matrix.randn(m, n), matrix.randn(n, 1), matrix.randn(m, 1)
    local layer = nn.Linear(m, n)
    layer.W, layer.W0 = W, W0
    assert(layer:forward(x) == W:T() * x + W0)
    local forms = {
      {'smallop.linear.', function(calls) for _ = 1, calls do layer:forward(x) end end},
      {'smallop.expr.', function(calls) for _ = 1, calls do local _ = W:T() * x + W0 end end},
    }
    for _, f in ipairs(forms) do
      local calls = calibrate(f[2], 0.1)
      local out = {}
      for r = 1, reps do
        local t = now()
        f[2](calls)
        out[r] = (now() - t) / calls * 1e9
      end
      result(f[1] .. m .. 'x' .. n, 'ns/op', out)
    end
  end

-- 3. The homework's small network: 2-10-10-2, Tanh, SoftMax + NLLM, batch
-- 1, plain SGD on data/hard.txt; steps/s of net:sgd and of a student's
-- loop over the modules, and the mean loss over the data afterwards.
elseif item == 'smallnet' then
  local reps, iters, lr, seed, root = tonumber(arg[2]), math.tointeger(tonumber(arg[3])),
    tonumber(arg[4]), math.tointeger(tonumber(arg[5])), arg[6]
  local xs, ys = {{}, {}}, {{}, {}}
  for line in io.lines(root .. '/data/hard.txt') do
    local a, b, y = line:match('^%s*(%S+)%s+(%S+)%s+(%S+)')
    if a and not line:match('^#') then
      y = tonumber(y)
      xs[1][#xs[1] + 1], xs[2][#xs[2] + 1] = tonumber(a), tonumber(b)
      ys[1][#ys[1] + 1], ys[2][#ys[2] + 1] = 1 - y, y
    end
  end
  local X, Y = matrix(xs), matrix(ys)
  local _, N = X:shape()
  local function build()
    matrix.seed(seed)
    return nn.Sequential({nn.Linear(2, 10), nn.Tanh(), nn.Linear(10, 10), nn.Tanh(),
      nn.Linear(10, 2), nn.SoftMax()}, nn.NLLM())
  end
  local function student(net)
    local mods, loss = net.modules, net.loss
    for _ = 1, iters do
      local i = matrix.randint(N)
      local A = X:col(i)
      for k = 1, #mods do A = mods[k]:forward(A) end
      loss:forward(A, Y:col(i))
      local d = loss:backward()
      for k = #mods, 1, -1 do d = mods[k]:backward(d) end
      for k = 1, #mods do mods[k]:sgd_step(lr) end
    end
  end
  for _, mode in ipairs{'sgd', 'student'} do
    local out, final = {}, nil
    for r = 1, reps do
      local net = build()
      local t = now()
      if mode == 'sgd' then net:sgd(X, Y, iters, lr) else student(net) end
      out[r] = iters / (now() - t)
      final = net:evaluate(X, Y) / N
    end
    result('smallnet.' .. mode, 'steps/s', out)
    info('smallnet.' .. mode, string.format('final mean loss %.12g', final))
  end

-- 4. An MNIST-sized network: 784-128-64-10, ReLU, SoftMax + NLLM, batches of
-- 64 in order, one epoch over 60,000 synthetic samples (uniform pixels,
-- random labels), float64, plain SGD on the batch's mean gradient, then the
-- mean loss over the data as fit reports it (the references do the same).
-- Samples/s per epoch; peak RSS is measured by bench.py.
elseif item == 'mnist' then
  local reps, threads, seed, batch, lr = tonumber(arg[2]), math.tointeger(tonumber(arg[3])),
    math.tointeger(tonumber(arg[4])), math.tointeger(tonumber(arg[5])), tonumber(arg[6])
  local N = 60000
  matrix.threads(threads)
  matrix.seed(seed)
  local X = matrix.rand(784, N)
  local Y = matrix.zeros(10, N)
  do
    local labels = matrix.randint(10, 1, N)
    for j = 1, N do Y:set(labels:get(1, j), j, 1) end
  end
  collectgarbage()
  local out, loss = {}, nil
  for r = 1, reps do
    collectgarbage()  -- the last repetition's net and buffers (numpy frees at once)
    matrix.seed(seed + 1)
    local net = nn.Sequential({nn.Linear(784, 128), nn.ReLU(), nn.Linear(128, 64), nn.ReLU(),
      nn.Linear(64, 10), nn.SoftMax()}, nn.NLLM())
    local t = now()
    local h = net:fit(X, Y, {epochs = 1, batch = batch, shuffle = false, lr = lr, verbose = 0})
    out[r] = N / (now() - t)
    loss = h.loss[1]
  end
  result('mnist.t' .. threads, 'samples/s', out)
  info('mnist.t' .. threads, string.format('loss after the epoch %.12g (net:fit)', loss))

-- 8. The homework modules' maths, elementwise: tanh, softmax (exp, the
-- column sums, the division) and ReLU with its mask (forward and the
-- derivative's mask), with the C functions (matrix.tanh, matrix.exp, Z:gt)
-- and the same with map and a Lua function; microseconds per computation,
-- on a hidden layer's Z of k x b.
elseif item == 'elementwise' then
  local reps = tonumber(arg[2])
  for k = 3, #arg do
    local m, b = arg[k]:match('^(%d+)x(%d+)$')
    m, b = math.tointeger(tonumber(m)), math.tointeger(tonumber(b))
    matrix.seed(1)
    local Z, dLdA = matrix.randn(m, b), matrix.randn(m, b)
    local ones = matrix.ones(m, 1)
    local exp = math.exp
    local function tanh(z) return 1 - 2 / (exp(2 * z) + 1) end
    local function relu(z) return z > 0 and z or 0 end
    local function step(z) return z > 0 and 1 or 0 end
    local forms = {
      {'tanh.new', function() return matrix.tanh(Z) end},
      {'tanh.map', function() return Z:map(tanh) end},
      {'softmax.new', function()
        local E = matrix.exp(Z)
        return E:div(ones * E:sum(1))
      end},
      {'softmax.map', function()
        local E = Z:map(exp)
        local s = E:sum(1)
        return E:map(function(e, _, j) return e / s:get(1, j) end)
      end},
      {'relu.new', function() local mask = Z:gt(0) return Z:mul(mask), dLdA:mul(mask) end},
      {'relu.map', function() return Z:map(relu), dLdA:mul(Z:map(step)) end},
    }
    -- the two forms agree
    for i = 1, #forms, 2 do
      local a1, a2 = forms[i][2]()
      local b1, b2 = forms[i + 1][2]()
      assert(a1:allclose(b1, 1e-12) and (a2 == nil or a2 == b2), forms[i][1])
    end
    for _, f in ipairs(forms) do
      local g = f[2]
      local function loop(calls) for _ = 1, calls do g() end end
      local calls = calibrate(loop, 0.1)
      local out = {}
      for r = 1, reps do
        local t = now()
        loop(calls)
        out[r] = (now() - t) / calls * 1e6
      end
      result('elementwise.' .. f[1] .. '.' .. m .. 'x' .. b, 'us', out)
    end
  end

else
  io.stderr:write('usage: nnlab tests/bench/nnlab.lua matmul|smallop|smallnet|mnist|elementwise ARGS...\n')
  os.exit(2)
end
