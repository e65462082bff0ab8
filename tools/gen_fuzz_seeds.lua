-- Seed inputs for the libFuzzer harnesses (tests/fuzz/*_fuzz.c): a few
-- valid files of each format and lines the REPL sees.  libFuzzer grows the
-- corpora from these; `make fuzz-libfuzzer` merges what it finds back.
--   LUA_PATH='lua/?.lua;;' LUA_CPATH='build/?.so;;' lua5.4 tools/gen_fuzz_seeds.lua
local nnlab = require 'nnlab'
local matrix, nn = nnlab.matrix, nnlab.nn
local dir = 'tests/fuzz/corpus'
local H = dofile('tests/helper.lua')  -- the suite's file helpers
local write, slurp = H.write, H.slurp

-- Tables of numbers: the homework's data sets and the formats' corners.
for _, name in ipairs{'super_simple_separable', 'xor', 'hard'} do
  local text = slurp('data/' .. name .. '.txt')
  write(dir .. '/textio/seed-' .. name, text)
  write(dir .. '/data/seed-' .. name, text)
end
local corners = {
  csv = '1,2,3\n4, 5 ,6\n',
  comments = '# a comment\n\n1 2 # after the numbers\n3 4\n',
  crlf = '1 2\r\n3 4\r\n',
  nonfinite = 'nan inf\n-inf -0\n',
  exponents = '1e-300 2.5E+10 .5 5.\n+1 -2 3e2 4\n',
  header = '# nnlab matrix 2x3\n1 2 3\n4 5 6\n',
  empty_header = '# nnlab matrix 0x3\n',
  ragged = '1 2\n3\n',
}
matrix.seed(1)
local m = matrix.randn(3, 4)
m:set(1, 1, 0 / 0)
matrix.save(m, dir .. '/data/seed-saved')
corners.saved = slurp(dir .. '/data/seed-saved')
for name, text in pairs(corners) do
  write(dir .. '/textio/seed-' .. name, text)
  write(dir .. '/data/seed-' .. name, text)
end

-- Networks as nn.save writes them, with each optimizer's state.
matrix.seed(2)
local X = matrix.randn(2, 6)
local Y = matrix.zeros(2, 6)
for j = 1, 6 do Y:set(j % 2 + 1, j, 1) end
local nets = {
  plain = {nn.Sequential({nn.Linear(2, 3), nn.Tanh(), nn.Linear(3, 2), nn.SoftMax()}, nn.NLLM())},
  adam = {nn.Sequential({nn.Linear(2, 2), nn.ReLU(), nn.Dropout(0.25), nn.Linear(2, 2),
    nn.SoftMax()}, nn.NLLM()), nn.Adam{lr = 0.01, weight_decay = 1e-4}},
  momentum = {nn.Sequential({nn.Linear(2, 1), nn.Sigmoid()}, nn.NLL()), nn.Momentum()},
  adadelta = {nn.Sequential({nn.Linear(2, 2), nn.LeakyReLU(0.1), nn.Linear(2, 2), nn.Identity()},
    nn.Squared()), nn.Adadelta()},
  sgd = {nn.Sequential({nn.Linear(2, 1), nn.Step()}, nn.Hinge()), nn.SGD(0.5)},
  zeroone = {nn.Sequential({nn.Linear(2, 2)}, nn.Asymmetric(1, 5, 0.25))},
}
for name, n in pairs(nets) do
  local net, opt = n[1], n[2]
  if opt then
    local k = nn.kind(net.loss)
    local y = (k == 'NLL' or k == 'Hinge') and Y:row(1) or Y
    if k == 'Hinge' then y = y * 2 - 1 end
    if k ~= 'Asymmetric' then net:fit(X, y, {epochs = 2, verbose = false, optimizer = opt}) end
  end
  nn.save(net, dir .. '/netfile/seed-' .. name, opt)
end

-- Lines for the REPL: the README's tour, continuations, comments, completions.
local repl = {
  tour = 'A = matrix{{1, 2, 3}, {4, 5, 6}}\nA\nA:shape()\nA:T() * A;\nW0 = matrix.col{10, 20}\n' ..
    'A + W0\nA * A\nmatrix.seed(0)\nfor i = 1, 2 do\n  print(i, A:sum(2):T())\nend\n',
  quiet = 'x = 1; -- a comment\nx;  -- quiet\nx -- shown\n=x\n',
  unfinished = 'function f(a)\n  return a +\n',
  strings = 'print("a\\n" .. [[\nlong\n]])\n--[[ a\nlong comment ]] y = 2\n',
  completion = 'matrix.ze\nA:tr\nnet.modules[1].\nnn.Li\nt.x.\n_G._G.matrix.\n\tma\nlocal a = data.\n',
  errors = '1 +\n)\nend\nreturn return\n= =\n',
  traceback = 'stdin:1: boom\nstack traceback:\n\t[C]: in function \'error\'\n\tstdin:1: in main chunk\n\t[C]: in ?',
  locals = 'local x = 5\nx\nlocal features = {}\nfunction features.phi(x)\n  return x\nend\n' ..
    'local a <const>, b <close> = 1, nil\nlocal function f(n) return n < 2 and 1 or n * f(n - 1) end\n' ..
    'local y = 1 return y\nlocal z = x + features.phi(kept) -- comment\ndo local w = 1 end\n' ..
    'repeat local r = 1 until r\nlocal s = [[\nlocal not_this = 1\n]] --[==[ local nor = 2 ]==]\n',
  complete_index = 'net.modules[1].\nnet.modules[1]:\nt[\'x\'].\nt["x"]:\nfeatures.\nfeatures[1].\n' ..
    'ex.show(\'fea\nex.check("features.p\ndata.load(\'ha\nprint(\'ma\nA:\nkept.\nnet.modules[1e400].\n',
  library_traceback = 'stdin:1: bad\nstack traceback:\n\t[C]: in function \'error\'\n' ..
    '\tlua/nnlab/util.lua:21: in upvalue \'fail\'\n\tlua/nnlab/data.lua:198: in function \'nnlab.data.load\'\n' ..
    '\t(...tail calls...)\n\tstdin:1: in function <stdin:1>',
}
for name, text in pairs(repl) do write(dir .. '/repl/seed-' .. name, text) end
