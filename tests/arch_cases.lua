-- The results whose bits tests/arch_spec.lua compares across processors
-- (x86-64 and arm64): each case computes a list of numbers (or a matrix)
-- from seeded data and says
-- whether every processor must give the same bits ('exact') or only agree to
-- a tolerance ('close', with why).  tools/gen_arch_fixture.lua records them,
-- on x86-64, in tests/fixtures/arch.lua.  README, "Building and testing".
local nnlab = require 'nnlab'
local matrix, nn = nnlab.matrix, nnlab.nn

local function data(name)  -- data/NAME.txt as X (2 x n) and Y one-hot (2 x n)
  local f = assert(io.open((os.getenv('NNLAB_ROOT') or '.') .. '/data/' .. name .. '.txt'))
  local xs, ys = {{}, {}}, {{}, {}}
  for line in f:lines() do
    local a, b, y = line:match('^%s*([-%d.e+]+)%s+(%S+)%s+(%S+)')
    if a then
      xs[1][#xs[1] + 1], xs[2][#xs[2] + 1] = tonumber(a), tonumber(b)
      ys[1][#ys[1] + 1], ys[2][#ys[2] + 1] = 1 - tonumber(y), tonumber(y)
    end
  end
  f:close()
  return matrix(xs), matrix(ys)
end

local function flat(M, t)  -- M's entries row by row, appended to list t
  t = t or {}
  local r, c = M:shape()
  for i = 1, r do for j = 1, c do t[#t + 1] = M:get(i, j) end end
  return t
end

local function weights(net)  -- every Linear's W and W0, in one list
  local t = {}
  for _, m in ipairs(net.modules) do
    if nn.kind(m) == 'Linear' then flat(m.W, t) flat(m.W0, t) end
  end
  return t
end

local function net(arch_seed, ...)
  matrix.seed(arch_seed)
  return nn.Sequential({...}, nn.NLLM())
end

local BLAS = 'a product over 4096 multiply-adds goes to OpenBLAS, whose dgemm kernel ' ..
  '(blocking and fused multiply-adds) is chosen per processor'

local C = {flat = flat}
C.cases = {
  {name = 'rand', kind = 'exact', run = function()
    matrix.seed(1) return matrix.rand(8, 8) end},
  {name = 'randn', kind = 'exact', run = function()  -- log and sqrt (polar Box-Muller)
    matrix.seed(2) return matrix.randn(8, 8) end},
  {name = 'small product (plain loops)', kind = 'exact', run = function()
    matrix.seed(3)
    local a, b = matrix.randn(16, 16), matrix.randn(16, 16)
    return a * b end},
  {name = 'small product, transposed', kind = 'exact', run = function()
    matrix.seed(4)
    local a, b, d = matrix.randn(9, 13), matrix.randn(7, 9), matrix.zeros(13, 7)
    return matrix.matmul(a, b, d, true, true) end},
  {name = 'large product (OpenBLAS)', kind = 'close', why = BLAS, run = function()
    matrix.seed(5)  -- (its bits differ between the two for this shape)
    local a, b = matrix.randn(8, 300), matrix.randn(300, 8)
    return a * b end},
  {name = 'Tanh forward', kind = 'exact', run = function()  -- tanh
    matrix.seed(6) return nn.Tanh():forward(matrix.randn(6, 10) * 4) end},
  {name = 'Sigmoid forward', kind = 'exact', run = function()  -- exp
    matrix.seed(6) return nn.Sigmoid():forward(matrix.randn(6, 10) * 4) end},
  {name = 'SoftMax forward', kind = 'exact', run = function()  -- exp
    matrix.seed(6) return nn.SoftMax():forward(matrix.randn(6, 10) * 4) end},
  {name = 'NLLM loss and gradient', kind = 'exact', run = function()  -- log
    matrix.seed(7)
    local p = nn.SoftMax():forward(matrix.randn(3, 12))
    local y = matrix.zeros(3, 12)
    for j = 1, 12 do y:set(matrix.randint(3), j, 1) end
    local loss = nn.NLLM()
    local l = loss:forward(p, y)
    local g = loss:backward()
    local t = {l}
    for i = 1, 3 do for j = 1, 12 do t[#t + 1] = g:get(i, j) end end
    return t end},
  {name = 'homework: sgd on super_simple_separable, Tanh + SoftMax', kind = 'exact', run = function()
    local X, Y = data('super_simple_separable')
    local n = net(0, nn.Linear(2, 3), nn.Tanh(), nn.Linear(3, 2), nn.SoftMax())
    n:sgd(X, Y, 200, 0.005)
    return weights(n) end},
  {name = 'fit with Adam, ReLU, minibatches of 4', kind = 'exact', run = function()  -- sqrt
    local X, Y = data('super_simple_separable')
    local n = net(8, nn.Linear(2, 8), nn.ReLU(), nn.Linear(8, 2), nn.SoftMax())
    n:fit(X, Y, {epochs = 30, batch = 4, optimizer = 'adam', lr = 0.01, verbose = false})
    return weights(n) end},
}

return C
