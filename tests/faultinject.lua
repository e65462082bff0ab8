-- The script build/faultinject runs with each of its allocations failing in
-- turn (see tests/faultinject.c): what a session typically does with
-- matrices, layers, training, files and the grader's sandbox.  The first
-- argument is a scratch directory.
--
-- Like a REPL session, it goes on after an error: each step runs in pcall
-- and later steps use what the earlier ones made, so a step that ran out of
-- memory halfway is followed by others on the same objects (a forward cut
-- short, then a backward).  The first error is raised again at the end; the
-- host checks that it is "not enough memory".  A later error may be another
-- one (a backward after a failed forward is refused) but must be an error.
local dir = ...
local nnlab = require 'nnlab'
local matrix, nn, data = nnlab.matrix, nnlab.nn, nnlab.data

local S = {}  -- what the steps share
local steps = {
  function()  -- matrices: construction, arithmetic, products, reductions, printing
    matrix.seed(3)
    S.A = matrix{{1, 2, 3}, {4, 5, 6}}
    S.B = matrix.rand(3, 4)
    S.C = (S.A * S.B + matrix.ones(2, 4) - 1):T()
    S.C = S.C:map(function(x, i, j) return x * 2 + i - j end)
    assert(math.abs(S.C:sum() - S.C:sum(1):sum()) < 1e-9)
  end,
  function()
    local D = matrix(S.C:totable())
    assert(D == S.C)
    matrix.add(D, D, D)
    matrix.matmul(S.A, S.B, matrix.zeros(2, 4))
    local E = matrix.randn(20, 30) * matrix.randn(30, 25)  -- the BLAS path
    assert(E:argmax(1):shape() == 1)
    local _ = tostring(E) .. tostring(S.A:col(2)) .. tostring(matrix.diag{1, 2})
    assert(S.A:reshape(3, 2):get(3, 2) == 6 and matrix.eye(3):norm() > 1.7)
  end,
  function()  -- layers, one call at a time
    S.X, S.Y = data.load('super_simple_separable')
    S.lin, S.sm, S.loss = nn.Linear(2, 2), nn.SoftMax(), nn.NLLM()
    S.Z = S.lin:forward(S.X)
  end,
  function() S.P = S.sm:forward(S.Z) end,
  function() S.loss:forward(S.P, S.Y) end,
  function() S.dP = S.loss:backward() end,
  function() S.dZ = S.sm:backward(S.dP) end,
  function() S.lin:backward(S.dZ) end,
  function() S.lin:sgd_step(0.1) end,
  -- a forward of another shape that may fail halfway, then a backward of
  -- the first shape: what each module kept must still agree
  function()
    S.mods = {nn.ReLU(), nn.Tanh(), nn.Linear(3, 2), nn.Dropout(0.5)}
    for _, m in ipairs(S.mods) do m:forward(matrix.ones(3, 5)) end
    S.sq = nn.Squared()
    S.sq:forward(matrix.ones(1, 1), matrix.zeros(1, 1))
  end,
  function()
    for _, m in ipairs(S.mods) do m:forward(matrix.ones(3, 1)) end
    S.sq:forward(matrix.ones(2, 4), matrix.zeros(2, 4))
  end,
  function()
    for _, m in ipairs(S.mods) do pcall(m.backward, m, matrix.ones(m == S.mods[3] and 2 or 3, 5)) end
    pcall(S.sq.backward, S.sq)
  end,
  function()  -- a net and its training
    S.net = nn.Sequential({nn.Linear(2, 4), nn.Tanh(), nn.Dropout(0.1), nn.Linear(4, 2),
      nn.SoftMax()}, nn.NLLM())
    S.net:backprop(S.X, S.Y)
  end,
  function() S.net:sgd(S.X, S.Y, 3, 0.05) end,
  function() S.net:fit(S.X, S.Y, {epochs = 2, verbose = false, optimizer = nn.Adam()}) end,
  function() assert(S.net:classify(S.X):shape() == 1) end,
  function()
    nn.gradcheck(nn.Sequential({nn.Linear(2, 2), nn.Sigmoid()}, nn.Squared()), S.X, S.Y,
      {print = false})
  end,
  function()  -- files: a matrix, a data set, a net with its optimizer
    matrix.save(S.C, dir .. '/m.txt')
    assert(matrix.load(dir .. '/m.txt') == S.C)
  end,
  function()
    data.save(dir .. '/d.txt', S.X, matrix.row{1, 2, 1, 2})
    assert(data.load(dir .. '/d.txt'):shape() == 2)
  end,
  function() nn.save(S.net, dir .. '/net.txt') end,
  function() assert(tostring(nn.load(dir .. '/net.txt')) == tostring(S.net)) end,
  function()  -- the grader's sandbox: code and answers through marshalling
    local sandbox = require 'nnlab.sandbox'
    S.sb = sandbox.new{memory = 1 << 24, seconds = 30}
    local good, answers = S.sb:run('return {double = function(m) return m * 2 end, ' ..
      'list = {1, 2.5, "three", {4}}, eye = matrix.eye(2)}')
    assert(good, answers)
    S.answers = answers
  end,
  function()
    local _, f = S.sb:lookup(S.answers, 'double')
    local done, twice = S.sb:call(f, S.A)
    assert(done and twice == S.A * 2)
  end,
  function()
    local _, list = S.sb:index(S.answers, 'list')
    assert(list[3] == 'three' and list[4][1] == 4)
    S.sb:close()
  end,
}

local first
for _, step in ipairs(steps) do
  local ok, err = pcall(step)
  if not ok and first == nil then first = err end
end
if first ~= nil then error(first, 0) end
