-- Issue 14 through the program over a pipe: the library's errors for a
-- caller's mistake name the caller's line (stdin:N:), nn.Sequential checks
-- adjacent Linear sizes when it is made, a method called with '.' says to
-- use ':', A[1] names A:get(i, j), and every options table refuses an
-- unknown option.

-- The first line of what the program says on stderr for the lines given.
local function said(lines)
  local _, err = H.nnlab({}, 'X = matrix.zeros(2, 1); net = nn.Sequential({nn.Linear(2, 1)}, nn.Squared())\n'
    .. 'A = matrix{{1, 2}, {3, 4}}\n' .. lines .. '\n')
  return (err:match('^nnlab: ([^\n]*)') or err)
end

describe('errors at the user\'s line', function()
  local cases = {
    {'nn.Sequential({nn.Linear(2,3), nn.Linear(4,2)}, nn.Squared()):forward(X)',
      'stdin:3: nn.Sequential: module 2 Linear(4, 2) takes 4 inputs but module 1 Linear(2, 3) gives 3'},
    {'nn.Sequential({nn.Linear(2,3), nn.ReLU(), nn.Dropout(0.5), nn.Linear(4,2)}, nn.Squared())',
      'stdin:3: nn.Sequential: module 4 Linear(4, 2) takes 4 inputs but module 1 Linear(2, 3) gives 3'},
    {'net:forward(matrix.zeros(3, 1))',
      'stdin:3: forward: X is 3x1 but module 1 Linear(2, 1) takes 2 inputs (X needs 2 rows)'},
    {'net:backprop(X, matrix.zeros(2, 1))',
      "stdin:3: backprop: Y is 2x1 but the net's output is 1x1 (Y needs 1 row)"},
    {'net:sgd(X, matrix.zeros(1, 1), 10)', 'stdin:3: sgd: lr must be a number, got nil'},
    {'net:fit(X, matrix.zeros(2, 1))', "stdin:3: fit: Y is 2x1 but the net's output is 1x1 (Y needs 1 row)"},
    {'net:fit(X, matrix.zeros(1, 1), {epoch = 1})', "stdin:3: fit: unknown option 'epoch'"},
    {'data.load("nope")', "stdin:3: data.load: cannot open 'nope'"},
    {'nn.load("nope")', "stdin:3: nn.load: cannot open 'nope'"},
    {'ex.check(5)', 'stdin:3: give an exercise id'},
    {'function f()\nlocal Y = net:forward(matrix.zeros(3, 1))\nreturn Y\nend\nf()',
      'stdin:4: forward: X is 3x1'},  -- (the line of the call, in the function)
  }
  for _, c in ipairs(cases) do
    it(c[1], function()
      local got = said(c[1])
      assert.are.equal(c[2], got:sub(1, #c[2]), got)
    end)
  end

  it('a mistake found deep in the library is still reported at the caller (in a file)', function()
    local dir = H.tmpdir()
    local f = H.write(dir .. '/mine.lua', 'local X = matrix.zeros(3, 4)\n'
      .. 'local net = nn.Sequential({nn.Linear(2, 1), nn.Sigmoid()}, nn.NLL())\n'
      .. 'net:fit(X, matrix.zeros(1, 4), {epochs = 1})\n')
    local _, err = H.nnlab({f})
    H.sh('rm -rf ' .. H.quote(dir))
    assert.matches('mine%.lua:3: fit: X is 3x4 but module 1 Linear%(2, 1%) takes 2 inputs', err)
  end)
end)

describe('hints for the classic slips', function()
  local cases = {
    {'net.fit(X, X)', 'fit: call it as net:fit(X, Y [, opts]) (with a colon'},
    {'net.forward(X)', 'forward: call it as net:forward(X) (with a colon'},
    {'net.backprop(X, X)', 'backprop: call it as net:backprop(X, Y) (with a colon'},
    {'net.train()', 'train: call it as net:train() (with a colon'},
    {'net.sgd(X, X, 1, 0.1)', 'sgd: call it as net:sgd(X, Y, iters, lr [, opts]) (with a colon'},
    {'A.get(1, 1)', 'get: call it as A:get(1, 1) (with a colon; argument 1 is a number, not a matrix)'},
    {'A.shape()', 'shape: call it as A:shape() (with a colon'},
    {'A.T()', 'T: call it as A:T() (with a colon'},
    {'l = nn.Linear(2, 3); l.forward(X)', 'forward: call it as layer:forward(...) (with a colon; argument 1 is a matrix, not an nn.Linear)'},
    {'l = nn.Linear(2, 3); l.sgd_step(0.1)', 'sgd_step: call it as layer:sgd_step(0.1) (with a colon'},
    {'a = nn.Tanh(); a.forward(X)', 'forward: call it as act:forward(...) (with a colon; argument 1 is a matrix, not an activation)'},
    {'s = nn.SoftMax(); s.backward(X)', 'backward: call it as act:backward(...) (with a colon'},
    {'L = nn.Squared(); L.forward(X, X)', 'forward: call it as loss:forward(...) (with a colon; argument 1 is a matrix, not a loss)'},
    {'o = nn.Adam{}; o.step({})', 'step: call it as opt:step(...) (with a colon; argument 1 is a table, not an optimizer)'},
    {'d = nn.Dropout(0.5); d.train()', 'train: call it as drop:train() (with a colon'},
    {'p = plot.line({1, 2, 3}); p.svg("x.svg")', 'plot.svg: call it as p:svg(path [, width, height]) (with a colon'},
    {'print(A[1])', 'a matrix is not indexed with [1]: use A:get(i, j) for an entry (A:get(k) in a vector), A:row(i)'},
    {'print(A[1][2])', 'a matrix is not indexed with [1]: use A:get(i, j)'},
  }
  for _, c in ipairs(cases) do
    it(c[1], function()
      local got = said(c[1])
      local want = 'stdin:3: ' .. c[2]
      assert.are.equal(want, got:sub(1, #want), got)
    end)
  end

  it('a method called with a colon still works, and a missing name is still nil', function()
    local out, err = H.nnlab({}, 'A = matrix{{1, 2}, {3, 4}}\nprint(A:get(1, 2), A.nosuch, A:T():get(1, 2))\n')
    assert.are.equal('2.0\tnil\t3.0\n', out, err)
  end)
end)

describe('unknown options are errors everywhere', function()
  local cases = {
    {'plot.line({1, 2}, {colr = 1})', "plot.line: unknown option 'colr'"},
    {'plot.curve({loss = {1, 2}}, {ylabel = "x"})', "plot.curve: unknown option 'ylabel'"},
    {'plot.scatter(matrix.zeros(2, 3), {titel = "x"})', "plot.scatter: unknown option 'titel'"},
    {'plot.boundary(net, X, matrix{{1}}, {xlm = 1})', "plot.boundary: unknown option 'xlm'"},
    {'plot.graph(net, {titl = "x"})', "plot.graph: unknown option 'titl'"},
    {'plot.svg("line", {1, 2}, {fil = "x.svg"})', "plot.line: unknown option 'fil'"},
    {'data.load("xor", {lable = 1})', "data.load: unknown option 'lable'"},
    {'data.blobs(10, {sed = 1})', "data.blobs: unknown option 'sed'"},
    {'data.circles(10, {nois = 1})', "data.circles: unknown option 'nois'"},
    {'data.spirals(10, {turn = 1})', "data.spirals: unknown option 'turn'"},
    {'data.noisy_xor(10, {noize = 1})', "data.noisy_xor: unknown option 'noize'"},
    {'data.regression(10, {low = 1})', "data.regression: unknown option 'low'"},
    {'nn.gradcheck(net, X, matrix{{1}}, {hh = 1})', "gradcheck: unknown option 'hh' (options: atol, h, print, rtol)"},
    {'net:sgd(X, matrix{{1}}, 1, 0.1, {verbos = 1})', "sgd: unknown option 'verbos' (options: output, verbose)"},
    {'net:fit(X, matrix{{1}}, {epoch = 1})', "fit: unknown option 'epoch'"},
    {'nn.Adam{lrate = 1}', "unknown option 'lrate'"},
  }
  for _, c in ipairs(cases) do
    it(c[1], function()
      local got = said(c[1])
      assert.is_truthy(got:find(c[2], 1, true), got)
      assert.are.equal('stdin:3: ', got:sub(1, 9), got)
    end)
  end
end)
