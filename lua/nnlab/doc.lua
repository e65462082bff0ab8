-- nnlab.doc: the documentation of every public function and class, as data.
--
-- One source for help(x) in the REPL (nnlab.help) and for the README's
-- reference tables (tools/gen_reference.lua writes them between the
-- "<!-- reference: GROUP -->" and "<!-- end reference -->" markers).
-- tests/help_spec.lua checks that every public name has an entry here, that
-- every entry names something that exists, that every example runs and that
-- the README is what the tool makes of this file.
--
-- Notation (the lecture's): data points are columns, a batch X is d x b;
-- a layer has W (m x n) and W0 (n x 1) and computes Z = W^T A + W0; for v
-- (c x 1) and u (b x 1), dv/du is b x c with entry (j, k) = dv_k/du_j; the
-- derivative of the loss with respect to a matrix has that matrix's shape.
--
-- An entry:
--   name     the public name: 'matrix.zeros' (a field of a module), 'nn.Linear'
--            (a constructor), 'Linear:forward' (a method of a class: Linear,
--            Activation, Loss, Sequential, Optimizer, Dropout, Plot; a
--            matrix's methods are the module's functions, 'matrix.shape' is
--            m:shape(), and its operators its metamethods, 'matrix.__add'),
--            'Optimizer' (a class shared by several constructors: its fields)
--   also     other public names this entry covers (aliases, variants)
--   group    the group (a README table; help(topic) lists a topic's groups)
--   call     how it is called, one string or a list of forms
--   shapes   the shapes in and out, in the lecture's notation ('' if none)
--   desc     what it does, in a line or two
--   fields   for a class: {{names, shapes, meaning}, ...} of its fields
--   example  Lua code that runs as it is in the nnlab program (the spec runs
--            each one in a fresh process, in an empty directory)
--   class    for a constructor whose objects share a class with others: the
--            class of its methods ('Activation' for nn.Tanh)
--   aka      other words help('...') finds the entry by ('+', 'T')
local D = {}

-- help() lists the topics; help('topic') its groups' entries (and points to
-- the topic named by see).
D.topics = {
  { id = 'matrix', title = 'matrices: construction, access, arithmetic, files' },
  { id = 'nn', title = 'layers, activations, losses, Sequential, derivatives', see = 'train' },
  { id = 'train', title = 'training: net:fit, optimizers, Dropout, save and load' },
  { id = 'data', title = 'data sets: built-in, files, generators, preparation' },
  { id = 'plot', title = 'plots in the terminal and as SVG' },
  { id = 'ex', title = 'exercises: list, show, hint, check' },
  { id = 'help', title = 'this help' },
}

D.groups = {
  { id = 'matrix.construction', topic = 'matrix', title = 'Construction' },
  { id = 'matrix.access', topic = 'matrix', title = 'Access' },
  { id = 'matrix.arithmetic', topic = 'matrix', title = 'Arithmetic' },
  { id = 'matrix.elementwise', topic = 'matrix', title = 'Elementwise maths, masks, slicing' },
  { id = 'matrix.files', topic = 'matrix', title = 'Files' },
  { id = 'nn.layers', topic = 'nn', title = 'Layers' },
  { id = 'nn.activations', topic = 'nn', title = 'Activations' },
  { id = 'nn.losses', topic = 'nn', title = 'Losses' },
  { id = 'nn.sequential', topic = 'nn', title = 'Sequential' },
  { id = 'nn.derivatives', topic = 'nn', title = 'Derivatives by differences' },
  { id = 'train.fit', topic = 'train', title = 'Training' },
  { id = 'train.optimizers', topic = 'train', title = 'Optimizers' },
  { id = 'train.dropout', topic = 'train', title = 'Dropout' },
  { id = 'train.save', topic = 'train', title = 'Save and load' },
  { id = 'data.sets', topic = 'data', title = 'Data sets' },
  { id = 'data.prepare', topic = 'data', title = 'Preparing data' },
  { id = 'data.generators', topic = 'data', title = 'Generators' },
  { id = 'plot.plots', topic = 'plot', title = 'Plots' },
  { id = 'plot.object', topic = 'plot', title = 'The plot object' },
  { id = 'plot.drawing', topic = 'plot', title = 'Drawing, for developers' },
  { id = 'ex', topic = 'ex', title = 'Exercises' },
  { id = 'help', topic = 'help', title = 'Help' },
}

D.entries = {
  ---------------------------------------------------------------- matrix
  { name = 'matrix.new', group = 'matrix.construction',
    call = { 'matrix{{1,2},{3,4}}', 'matrix.new(t)' },
    shapes = 'r rows of c numbers -> r x c',
    desc = 'A matrix from a table of rows (equal lengths), or a copy of a matrix. {} gives 0 x 0.',
    example = [[
A = matrix{{1, 2, 3}, {4, 5, 6}}
print(A)
B = matrix.new(A)          -- a copy
]] },
  { name = 'matrix.zeros', group = 'matrix.construction', call = 'matrix.zeros(r, c)',
    shapes = '-> r x c', desc = 'A matrix of zeros.',
    example = [[
W0 = matrix.zeros(3, 1)    -- an offset column, n x 1
print(W0)
]] },
  { name = 'matrix.ones', group = 'matrix.construction', call = 'matrix.ones(r, c)',
    shapes = '-> r x c', desc = 'A matrix of ones.',
    example = [[
print(matrix.ones(2, 3))
]] },
  { name = 'matrix.fill', group = 'matrix.construction',
    call = { 'matrix.fill(r, c, x)', 'm:fill(x)' },
    shapes = '-> r x c',
    desc = 'A new r x c matrix of x; with a matrix as first argument, fills it in place and returns it.',
    example = [[
print(matrix.fill(2, 2, 0.5))
m = matrix.zeros(2, 2)
m:fill(7)                  -- in place
print(m)
]] },
  { name = 'matrix.eye', group = 'matrix.construction', call = 'matrix.eye(n [, m])',
    shapes = '-> n x n (or n x m)', desc = 'The identity matrix.',
    example = [[
print(matrix.eye(3))
print(matrix.eye(2, 3))
]] },
  { name = 'matrix.col', group = 'matrix.construction', also = { 'matrix.row' },
    call = { 'matrix.col{1,2,3}', 'matrix.row{1,2,3}', 'm:col(j)', 'm:row(i)' },
    shapes = 'n numbers -> n x 1 (col), 1 x n (row); m r x c -> r x 1 (col j), 1 x c (row i)',
    desc = 'A column or a row vector from a table of numbers (or from a vector matrix of either orientation); with a matrix m and an index, a copy of its column j or row i.',
    example = [[
x = matrix.col{1, 2}       -- a data point: a 2 x 1 column
print(x, matrix.row{1, 2, 3})
X = matrix{{1, 2, 3}, {4, 5, 6}}
print(X:col(2), X:row(1))  -- the second data point, 2 x 1; the first row, 1 x 3
]] },
  { name = 'matrix.diag', group = 'matrix.construction', call = 'matrix.diag(v)',
    shapes = 'n numbers or n x 1 -> n x n; r x c -> min(r, c) x 1',
    desc = 'v a table or a vector: the square matrix with v on the diagonal; v any other matrix: its diagonal as a column.',
    example = [[
D = matrix.diag{1, 2, 3}
print(D)
print(matrix.diag(matrix{{1, 2}, {3, 4}}))   -- the column 1, 4
]] },
  { name = 'matrix.seed', group = 'matrix.construction', call = 'matrix.seed(s)',
    shapes = '',
    desc = "Seeds the random stream exactly as numpy's np.random.seed(s), 0 <= s < 2^32 (without a seed the stream starts as after seed 0).",
    example = [[
matrix.seed(0)
print(matrix.randn(2, 3))  -- np.random.seed(0); np.random.normal(size=(2, 3))
]] },
  { name = 'matrix.rand', group = 'matrix.construction', call = 'matrix.rand(r, c)',
    shapes = '-> r x c',
    desc = "Uniform numbers in [0, 1): numpy's np.random.random_sample((r, c)), filled row by row.",
    example = [[
matrix.seed(1)
print(matrix.rand(2, 2))
]] },
  { name = 'matrix.randn', group = 'matrix.construction',
    call = 'matrix.randn(r, c [, mean = 0, std = 1])',
    shapes = '-> r x c',
    desc = "Normal numbers: numpy's np.random.normal(mean, std, (r, c)), filled row by row.",
    example = [[
matrix.seed(0)
W = matrix.randn(2, 3, 0, 2^-0.5)   -- as nn.Linear(2, 3) draws its W
print(W)
]] },
  { name = 'matrix.randint', group = 'matrix.construction',
    call = { 'matrix.randint(n)', 'matrix.randint(n, r, c)' },
    shapes = '-> an integer; r x c',
    desc = "An integer in 1..n, numpy's np.random.randint(n) + 1; with r, c an r x c matrix of such draws.",
    example = [[
matrix.seed(0)
i = matrix.randint(4)      -- a column index for one SGD step
print(i, matrix.randint(6, 1, 5))
]] },
  { name = 'matrix.is', group = 'matrix.construction', call = 'matrix.is(x)',
    shapes = '', desc = 'Whether x is a matrix.',
    example = [[
print(matrix.is(matrix.eye(2)), matrix.is({{1}}))
]] },

  { name = 'matrix.shape', group = 'matrix.access', call = 'm:shape()',
    shapes = 'r x c -> r, c', desc = 'The numbers of rows and columns.',
    example = [[
X = matrix.zeros(2, 5)     -- 5 data points in 2-D
d, n = X:shape()
print(d, n)
]] },
  { name = 'matrix.get', group = 'matrix.access', also = { 'matrix.set' },
    call = { 'm:get(i, j)', 'm:set(i, j, x)', 'm:get(k)', 'm:set(k, x)' },
    shapes = '1-based indices',
    desc = 'Element (i, j); set changes it and returns m. A vector (r x 1 or 1 x r) also takes one index k.',
    example = [[
m = matrix{{1, 2}, {3, 4}}
m:set(1, 2, 20)
print(m:get(1, 2), matrix.col{5, 6}:get(2))
]] },
  { name = 'matrix.copy', group = 'matrix.access', call = { 'm:copy()', 'matrix.copy(src, dst)' },
    shapes = 'r x c -> r x c',
    desc = 'A new copy of m; or copies src into dst (same shape) and returns dst.',
    example = [[
A = matrix{{1, 2}, {3, 4}}
snapshot = A:copy()
A:set(1, 1, 0)
print(snapshot:get(1, 1))  -- still 1
matrix.copy(snapshot, A)   -- A is back
]] },
  { name = 'matrix.columns', group = 'matrix.access', call = 'm:columns(idx [, dst])',
    shapes = 'r x c, k indices -> r x k',
    desc = 'The columns idx (a list of column numbers, or a vector matrix of them) of m, in that order, into dst when given: a minibatch X:columns(batch, Xb) without a loop in Lua.',
    example = [[
X = matrix{{1, 2, 3, 4}, {5, 6, 7, 8}}
print(X:columns{4, 1})
Xb = matrix.zeros(2, 2)
X:columns({2, 3}, Xb)      -- into Xb, no new matrix
print(Xb)
]] },
  { name = 'matrix.reshape', group = 'matrix.access', call = 'm:reshape(r, c)',
    shapes = 'p x q -> r x c (r c = p q)',
    desc = 'A new matrix with the same elements in row-major order.',
    example = [[
print(matrix{{1, 2, 3}, {4, 5, 6}}:reshape(3, 2))
]] },
  { name = 'matrix.transpose', group = 'matrix.access', also = { 'matrix.T' }, aka = { 'T' },
    call = { 'm:T()', 'matrix.transpose(m [, dst])' },
    shapes = 'r x c -> c x r',
    desc = 'The transpose, new or into dst (c x r).',
    example = [[
W = matrix{{1, 2, 3}, {4, 5, 6}}   -- m x n = 2 x 3
A = matrix.col{1, 1}               -- m x 1
print(W:T() * A)                   -- Z = W^T A, n x 1
]] },
  { name = 'matrix.totable', group = 'matrix.access', call = 'm:totable()',
    shapes = 'r x c -> r tables of c numbers', desc = 'The matrix as a Lua table of rows.',
    example = [[
t = matrix{{1, 2}, {3, 4}}:totable()
print(t[2][1])             -- 3
]] },

  { name = 'matrix.__add', group = 'matrix.arithmetic', also = { 'matrix.__sub' },
    aka = { '+', '-' }, call = { 'a + b', 'a - b' },
    shapes = 'r x c with r x c, r x 1 (to every column) or a number',
    desc = 'Sum and difference: equal shapes; or an n x 1 column with an n x b matrix, added to every column (as W0 over a batch); or a number.',
    example = [[
Z = matrix{{1, 2, 3}, {4, 5, 6}}
W0 = matrix.col{10, 20}
print(Z + W0, Z - 1)
]] },
  { name = 'matrix.__mul', group = 'matrix.arithmetic', aka = { '*' }, call = 'a * b',
    shapes = 'p x q * q x r -> p x r',
    desc = 'The matrix product; with a number on either side, scaling.',
    example = [[
W = matrix{{1, 2}, {3, 4}, {5, 6}}   -- 3 x 2
A = matrix{{1}, {0}, {-1}}           -- 3 x 1
print(W:T() * A, 2 * A)
]] },
  { name = 'matrix.__div', group = 'matrix.arithmetic', also = { 'matrix.__unm' },
    aka = { '/' }, call = { 'a / x', 'x / a', '-a' },
    shapes = 'r x c and a number -> r x c',
    desc = 'Elementwise division by a number x, or of x by each element; negation. (a / b with two matrices is an error: use a:div(b).)',
    example = [[
a = matrix{{1, 2}, {4, 8}}
print(a / 2, 1 / a, -a)
]] },
  { name = 'matrix.__eq', group = 'matrix.arithmetic', aka = { '==' }, call = 'a == b',
    shapes = '', desc = 'Whether a and b have the same shape and equal elements (NaN is never equal).',
    example = [[
print(matrix.eye(2) == matrix{{1, 0}, {0, 1}}, matrix.eye(2) == matrix.eye(3))
]] },
  { name = 'matrix.__tostring', group = 'matrix.arithmetic', call = { 'tostring(m)', 'print(m)' },
    shapes = '',
    desc = 'The shape, then the elements with 6 significant digits in aligned columns; beyond 20 rows or 10 columns the middle is elided with ...',
    example = [[
print(tostring(matrix.eye(2)))
]] },
  { name = 'matrix.add', group = 'matrix.arithmetic', also = { 'matrix.sub' },
    call = { 'matrix.add(a, b [, dst])', 'matrix.sub(a, b [, dst])' },
    shapes = 'as a + b, a - b; dst the result\'s shape',
    desc = 'a + b and a - b, into dst when given (dst may be a or b: matrix.add(a, b, a) adds in place). Returns the result.',
    example = [[
W = matrix.ones(2, 3)
dW = matrix.fill(2, 3, 0.5)
matrix.sub(W, dW * 0.1, W)   -- W = W - 0.1 dW, in place
print(W)
]] },
  { name = 'matrix.mul', group = 'matrix.arithmetic', also = { 'matrix.div' },
    call = { 'a:mul(b [, dst])', 'a:div(b [, dst])' },
    shapes = 'r x c with r x c, r x 1 or a number -> r x c',
    desc = 'Elementwise product and quotient (b a matrix of a\'s shape, a column, or a number), into dst when given.',
    example = [[
A = matrix{{1, 2}, {3, 4}}
print(A:mul(A), A:div(matrix.col{1, 2}))
]] },
  { name = 'matrix.matmul', group = 'matrix.arithmetic', call = 'matrix.matmul(a, b [, dst [, ta [, tb]]])',
    shapes = 'p x q, q x r -> p x r',
    desc = 'The matrix product a * b, into dst when given (dst may be a or b); with ta (tb) true, a^T (b^T) is used without making the transpose: matrix.matmul(W, A, Z, true) is W^T A.',
    example = [[
A = matrix{{1, 2}, {3, 4}}
out = matrix.zeros(2, 2)
matrix.matmul(A, A, out)
print(out)
print(matrix.matmul(A, A, nil, true))   -- A^T A
]] },
  { name = 'matrix.threads', group = 'matrix.arithmetic', call = 'matrix.threads([n])',
    shapes = '',
    desc = 'The number of threads big matrix products use (OpenBLAS\'s pool, the only threads nnlab has; as many as cores unless OPENBLAS_NUM_THREADS says otherwise); with n, sets it and returns the old number.',
    example = [[
n = matrix.threads()
matrix.threads(1)          -- one core for products from here on
print(matrix.threads(n))   -- back to n; prints 1
]] },
  { name = 'matrix.scale', group = 'matrix.arithmetic', call = 'matrix.scale(a, x [, dst])',
    shapes = 'r x c -> r x c', desc = 'x times a, into dst when given.',
    example = [[
print(matrix.scale(matrix.ones(2, 2), 3))
]] },
  { name = 'matrix.map', group = 'matrix.arithmetic', call = 'a:map(f [, dst])',
    shapes = 'r x c -> r x c',
    desc = 'f(x, i, j) for every element (f must return a number), into a new matrix or dst.',
    example = [[
Z = matrix{{-1, 0.5}, {2, -3}}
A = Z:map(function(z) return math.max(0, z) end)   -- ReLU by hand
print(A)
]] },
  { name = 'matrix.sum', group = 'matrix.arithmetic', also = { 'matrix.mean', 'matrix.max', 'matrix.min' },
    call = { 'a:sum([axis])', 'a:mean([axis])', 'a:max([axis])', 'a:min([axis])' },
    shapes = 'r x c -> a number; axis 1: 1 x c; axis 2: r x 1',
    desc = 'Over all elements; axis 1: one per column (over the rows); axis 2: one per row. max and min of an empty matrix are errors.',
    example = [[
dLdZ = matrix{{1, 2, 3}, {4, 5, 6}}   -- n x b
print(dLdZ:sum(), dLdZ:sum(2))        -- dLdW0: summed over the batch, n x 1
print(dLdZ:max(1), dLdZ:mean())
]] },
  { name = 'matrix.argmax', group = 'matrix.arithmetic', call = 'a:argmax([axis])',
    shapes = 'r x c -> i, j; axis 1: 1 x c; axis 2: r x 1',
    desc = '1-based position of the first maximum; axis 1: the row index in each column (the class of each data point); axis 2: the column index in each row.',
    example = [[
P = matrix{{0.1, 0.7}, {0.9, 0.3}}    -- class probabilities, one column per point
print(P:argmax(1))                    -- classes 2, 1
print(P:argmax())                     -- 2, 1: row and column of the largest
]] },
  { name = 'matrix.dot', group = 'matrix.arithmetic', call = 'a:dot(b)',
    shapes = 'same shapes, or vectors of one length -> a number',
    desc = 'The inner product: the sum of the elementwise products.',
    example = [[
print(matrix.col{1, 2, 3}:dot(matrix.row{4, 5, 6}))   -- 32
]] },
  { name = 'matrix.outer', group = 'matrix.arithmetic', call = 'matrix.outer(u, v)',
    shapes = 'vectors of lengths p, q -> p x q', desc = 'The outer product u v^T.',
    example = [[
A = matrix.col{1, 2}          -- m x 1
dLdZ = matrix.col{1, 0, -1}   -- n x 1
print(matrix.outer(A, dLdZ))  -- dL/dW = A dLdZ^T, m x n
]] },
  { name = 'matrix.norm', group = 'matrix.arithmetic', call = 'a:norm()',
    shapes = 'r x c -> a number', desc = 'The Frobenius norm, sqrt of the sum of squares.',
    example = [[
print(matrix.col{3, 4}:norm())   -- 5
]] },
  { name = 'matrix.allclose', group = 'matrix.arithmetic',
    call = 'a:allclose(b [, rtol = 1e-5, atol = 1e-8])',
    shapes = 'same shapes -> boolean',
    desc = "numpy's allclose: |a - b| <= atol + rtol |b| everywhere; different shapes give false; NaN is never close.",
    example = [[
a = matrix{{1, 2}}
print(a:allclose(a + 1e-9), a:allclose(a + 1e-3))
]] },

  { name = 'matrix.exp', group = 'matrix.elementwise',
    also = { 'matrix.log', 'matrix.tanh', 'matrix.sqrt', 'matrix.abs', 'matrix.sign' },
    call = { 'matrix.exp(a [, dst])', 'a:log([dst])', 'a:tanh([dst])', 'a:sqrt([dst])', 'a:abs([dst])', 'a:sign([dst])' },
    shapes = 'r x c -> r x c',
    desc = "The function of every element, into dst when given (dst may be a). exp, log, tanh and sqrt are the C library's (numpy's exp, log and sqrt are the same, bit for bit; its tanh is its own, within 2 units in the last place); as in numpy, log and sqrt of a negative number are nan, log(0) is -inf; sign is -1, 0 or 1 (nan stays nan).",
    example = [[
Z = matrix{{-1, 0, 2}}
print(matrix.tanh(Z), Z:exp(), Z:abs():log())
]] },
  { name = 'matrix.maximum', group = 'matrix.elementwise', also = { 'matrix.minimum' },
    call = { 'matrix.maximum(a, b [, dst])', 'matrix.minimum(a, b [, dst])' },
    shapes = 'r x c with r x c or a number -> r x c',
    desc = "numpy's maximum and minimum: elementwise, b a matrix of a's shape or a number; nan where either is nan. matrix.maximum(Z, 0) is ReLU.",
    example = [[
Z = matrix{{-1, 0.5}, {2, -3}}
print(matrix.maximum(Z, 0), Z:minimum(Z:T()))
]] },
  { name = 'matrix.clip', group = 'matrix.elementwise', call = 'matrix.clip(a, lo, hi [, dst])',
    shapes = 'r x c -> r x c',
    desc = 'Each element held to lo..hi: min(max(x, lo), hi), as numpy.clip; lo or hi nil for no bound; nan stays nan.',
    example = [[
P = matrix{{0, 0.5, 1}}
print(P:clip(1e-12, 1 - 1e-12):log())   -- a log that stays finite
]] },
  { name = 'matrix.gt', group = 'matrix.elementwise',
    also = { 'matrix.ge', 'matrix.lt', 'matrix.le', 'matrix.eq', 'matrix.ne' },
    call = { 'a:gt(b [, dst])', 'a:ge(b)', 'a:lt(b)', 'a:le(b)', 'a:eq(b)', 'a:ne(b)' },
    shapes = 'r x c with r x c or a number -> r x c of 1 and 0',
    desc = 'A mask: 1 where a > b (>=, <, <=, ==, ~=) and 0 elsewhere; b a matrix of a\'s shape or a number; a comparison with nan is false (ne: true). Multiply by a mask to keep what it marks: Z:gt(0) is the ReLU derivative.',
    example = [[
Z = matrix{{-1, 0.5}, {2, -3}}
mask = Z:gt(0)
print(mask, Z:mul(mask))             -- ReLU: Z where Z > 0, else 0
]] },
  { name = 'matrix.where', group = 'matrix.elementwise', call = 'matrix.where(mask, a, b [, dst])',
    shapes = 'r x c mask; a, b r x c or numbers -> r x c',
    desc = "numpy's where: a where mask is not 0 (nan counts as not 0), else b; a and b matrices of mask's shape or numbers.",
    example = [[
Z = matrix{{-1, 0.5}, {2, -3}}
print(matrix.where(Z:gt(0), Z, 0.01 * Z))   -- leaky ReLU
]] },
  { name = 'matrix.slice', group = 'matrix.elementwise', call = 'm:slice(i1, i2 [, j1, j2 [, dst]])',
    shapes = 'r x c -> (i2 - i1 + 1) x (j2 - j1 + 1)',
    desc = "A copy of rows i1..i2 and columns j1..j2, 1-based and inclusive (numpy's X[i1-1:i2, j1-1:j2]); a negative index counts from the end (-1 is the last), nil is the whole range (m:slice(nil, nil, 2, 5) is X[:, 1:5]); an empty range is i2 = i1 - 1. Into dst when given.",
    example = [[
X = matrix{{1, 2, 3, 4}, {5, 6, 7, 8}, {9, 10, 11, 12}}
print(X:slice(nil, nil, 2, 3), X:slice(-1), X:slice(1, 2, -1, -1))
]] },
  { name = 'matrix.hstack', group = 'matrix.elementwise', also = { 'matrix.vstack' },
    call = { 'matrix.hstack({a, b, ...} [, dst])', 'matrix.vstack({a, b, ...} [, dst])' },
    shapes = 'r x c1, r x c2, ... -> r x (c1 + c2 + ...); r1 x c, r2 x c, ... -> (r1 + r2 + ...) x c',
    desc = 'The matrices side by side (hstack: equal row counts) or one above the other (vstack: equal column counts), as a new matrix or into dst.',
    example = [[
X = matrix{{1, 2}, {3, 4}}
print(matrix.hstack{X, matrix.col{5, 6}}, matrix.vstack{X, matrix.ones(1, 2)})
]] },

  { name = 'matrix.save', group = 'matrix.files', call = { 'matrix.save(m, path)', 'm:save(path)' },
    shapes = '',
    desc = 'Writes m as text with a "# nnlab matrix RxC" header, each number in the fewest digits that read back exactly; the file is replaced whole or not at all.',
    example = [[
m = matrix{{0.1, -0.0}, {1/3, 2}}
m:save('m.txt')
print(matrix.load('m.txt') == m)   -- true: exact round trip
]] },
  { name = 'matrix.load', group = 'matrix.files', call = { 'matrix.load(path)', 'matrix.load(path, {max_bytes = n, any_file = true})' },
    shapes = '-> r x c',
    desc = 'Reads a file written by matrix.save, or any text table of numbers (one row per line, blanks or commas between numbers: a CSV works; # comments), whose first line may be column names (x1,x2,y: skipped). Reads at most max_bytes (default 256 MiB, more is an error) and only a regular file unless any_file is true (a FIFO, /dev/zero); Ctrl-C stops the reading.',
    example = [[
f = io.open('table.txt', 'w')
f:write('# x1 x2\n1, 2\n3, 4\n')
f:close()
print(matrix.load('table.txt'))
f = io.open('table.csv', 'w')
f:write('x1,x2\n1,2\n3,4\n')
f:close()
print(matrix.load('table.csv', {max_bytes = 1000}))
]] },

  ---------------------------------------------------------------- nn
  { name = 'nn.Linear', group = 'nn.layers', call = 'nn.Linear(m, n)',
    shapes = 'W m x n, W0 n x 1',
    desc = "A fully connected layer, Z = W^T A + W0. W is drawn as numpy's np.random.normal(0, m^-0.5, [m, n]) from the matrix random stream (matrix.seed fixes it); W0 and the gradients are zero.",
    fields = {
      { 'layer.W, layer.W0, layer.dLdW, layer.dLdW0', 'm x n, n x 1, m x n, n x 1',
        "the layer's own matrices (changing them changes the layer; keep layer.W:copy() for a snapshot); assigning layer.W = M copies M in and needs its shape" },
      { 'layer.m, layer.n', '', 'the sizes' },
      { 'tostring(layer)', '', 'Linear(m, n)' },
    },
    example = [[
matrix.seed(0)
layer = nn.Linear(2, 3)
print(layer, layer.W, layer.W0)
layer.W0 = matrix.col{1, 2, 3}
]] },
  { name = 'Linear:forward', group = 'nn.layers', call = 'layer:forward(A)',
    shapes = 'A m x b -> Z n x b', desc = 'Z = W^T A + W0; keeps a copy of A for backward.',
    example = [[
layer = nn.Linear(2, 3)
Z = layer:forward(matrix{{1, 2}, {3, 4}})   -- two points, 2 x 2
print(Z:shape())                          -- 3  2
]] },
  { name = 'Linear:backward', group = 'nn.layers', call = 'layer:backward(dLdZ)',
    shapes = 'dLdZ n x b -> dLdA m x b',
    desc = 'Returns dLdA = W dLdZ and sets dLdW = A dLdZ^T (m x n) and dLdW0 = dLdZ summed over the batch (n x 1), for the A of the last forward.',
    example = [[
layer = nn.Linear(2, 3)
layer:forward(matrix.col{1, 2})
dLdA = layer:backward(matrix.col{1, 0, -1})
print(dLdA, layer.dLdW, layer.dLdW0)
]] },
  { name = 'Linear:sgd_step', group = 'nn.layers', call = 'layer:sgd_step(lr)',
    shapes = '', desc = 'W = W - lr dLdW, W0 = W0 - lr dLdW0.',
    example = [[
layer = nn.Linear(2, 1)
layer:forward(matrix.col{1, 1})
layer:backward(matrix.col{1})
layer:sgd_step(0.1)
print(layer.W0)            -- -0.1
]] },
  { name = 'Linear:zero_grad', group = 'nn.layers', call = 'layer:zero_grad()',
    shapes = '', desc = 'Sets dLdW and dLdW0 to zero.',
    example = [[
layer = nn.Linear(2, 1)
layer:forward(matrix.col{1, 1}); layer:backward(matrix.col{1})
layer:zero_grad()
print(layer.dLdW)
]] },
  { name = 'Linear:dZ_dA', group = 'nn.layers', call = 'layer:dZ_dA()',
    shapes = '-> m x n', desc = "A copy of W: the lecture's dZ^(l)/dA^(l-1).",
    example = [[
layer = nn.Linear(2, 3)
print(layer:dZ_dA() == layer.W)   -- true
]] },
  { name = 'Linear:parameters', group = 'nn.layers', call = 'layer:parameters()',
    shapes = '',
    desc = 'The list {{name = "W", value = W, grad = dLdW}, {name = "W0", value = W0, grad = dLdW0}}.',
    example = [[
for _, p in ipairs(nn.Linear(2, 3):parameters()) do
  print(p.name, p.value:shape())
end
]] },

  { name = 'nn.Sigmoid', group = 'nn.activations', class = 'Activation', call = 'nn.Sigmoid()',
    shapes = 'Z n x b -> A n x b',
    desc = 'A = 1 / (1 + e^-z) elementwise (computed as e^z / (1 + e^z) for z < 0: no overflow, no lost precision).',
    example = [[
print(nn.Sigmoid():forward(matrix.col{-1000, 0, 1000}))
]] },
  { name = 'nn.Tanh', group = 'nn.activations', class = 'Activation', call = 'nn.Tanh()',
    shapes = 'Z n x b -> A n x b', desc = 'A = tanh(z) elementwise.',
    example = [[
act = nn.Tanh()
print(act:forward(matrix.col{-1, 0, 1}), act.kind)
]] },
  { name = 'nn.ReLU', group = 'nn.activations', class = 'Activation', call = 'nn.ReLU()',
    shapes = 'Z n x b -> A n x b',
    desc = "A = max(0, z); the derivative is 0 at z = 0 (the homework's A != 0). NaN stays NaN.",
    example = [[
print(nn.ReLU():forward(matrix.col{-2, 0, 3}))
]] },
  { name = 'nn.LeakyReLU', group = 'nn.activations', class = 'Activation', call = 'nn.LeakyReLU([alpha = 0.01])',
    shapes = 'Z n x b -> A n x b',
    desc = 'A = z for z > 0, alpha z otherwise (derivative alpha at 0).',
    example = [[
act = nn.LeakyReLU(0.1)
print(act:forward(matrix.col{-2, 3}), act.alpha)
]] },
  { name = 'nn.Step', group = 'nn.activations', class = 'Activation', call = 'nn.Step()',
    shapes = 'Z n x b -> A n x b',
    desc = 'A = 1{z >= 0} (Step(0) = 1, as in the lecture); its derivative is taken to be 0 everywhere, z = 0 included.',
    example = [[
print(nn.Step():forward(matrix.col{-1, 0, 2}))
]] },
  { name = 'nn.Identity', group = 'nn.activations', class = 'Activation', call = 'nn.Identity()',
    shapes = 'Z n x b -> A n x b', desc = 'A = Z (a linear output, for regression).',
    example = [[
print(nn.Identity():forward(matrix.col{1, 2}))
]] },
  { name = 'nn.SoftMax', group = 'nn.activations', class = 'Activation', call = 'nn.SoftMax()',
    shapes = 'Z n x b -> A n x b',
    desc = "Each column's exp(z) divided by its sum (the column's maximum is subtracted first, so any finite input is safe).",
    example = [[
A = nn.SoftMax():forward(matrix{{1, 0}, {2, 0}})
print(A, A:sum(1))         -- each column sums to 1
]] },
  { name = 'Activation', group = 'nn.activations', call = { 'act = nn.Tanh()', 'tostring(act)' },
    shapes = '',
    desc = 'What the activation constructors make: modules without parameters, one class for all of them.',
    fields = {
      { 'act.kind', '', 'the name: "Tanh", "SoftMax", ... (also nn.kind(act))' },
      { 'act.alpha', '', "LeakyReLU's slope for z <= 0" },
      { 'tostring(act)', '', 'Tanh(), LeakyReLU(0.01)' },
    },
    example = [[
act = nn.LeakyReLU(0.1)
print(act, act.kind, act.alpha)
]] },
  { name = 'Activation:forward', group = 'nn.activations', call = 'act:forward(Z)',
    shapes = 'Z n x b -> A n x b', desc = 'A = f(Z); keeps Z and A for backward.',
    example = [[
act = nn.Tanh()
print(act:forward(matrix{{0, 1}, {-1, 2}}))
]] },
  { name = 'Activation:backward', group = 'nn.activations', call = 'act:backward(dLdA)',
    shapes = 'dLdA n x b -> dLdZ n x b',
    desc = "f'(Z) .* dLdA for the last forward; for SoftMax the Jacobian-vector product a .* (g - a.g) in each column.",
    example = [[
act = nn.Sigmoid()
act:forward(matrix.col{0, 1})
print(act:backward(matrix.col{1, 1}))   -- sigma'(z) = a (1 - a)
]] },
  { name = 'Activation:jacobian', group = 'nn.activations', call = 'act:jacobian(z)',
    shapes = 'z n x 1 -> n x n',
    desc = 'dA/dZ at z in the lecture\'s layout, entry (j, k) = dA_k/dZ_j: diagonal for the elementwise ones, a_k (delta_jk - a_j) for SoftMax.',
    example = [[
print(nn.SoftMax():jacobian(matrix.col{1, 2}))
print(nn.Tanh():jacobian(matrix.col{0, 1}))
]] },
  { name = 'Activation:sgd_step', group = 'nn.activations',
    also = { 'Activation:zero_grad', 'Activation:parameters' },
    call = { 'act:sgd_step(lr)', 'act:zero_grad()', 'act:parameters()' },
    shapes = '', desc = 'Nothing to do (an activation has no parameters); parameters() returns {}.',
    example = [[
act = nn.ReLU()
act:sgd_step(0.1)
print(#act:parameters())   -- 0
]] },

  { name = 'nn.Squared', group = 'nn.losses', class = 'Loss', call = 'nn.Squared()',
    shapes = 'Ypred, Y k x b',
    desc = 'Loss sum (a - y)^2 over every entry; dL/dYpred = 2 (a - y).',
    example = [[
loss = nn.Squared()
print(loss:forward(matrix.col{1, 2}, matrix.col{0, 2}), loss:backward())
]] },
  { name = 'nn.NLL', group = 'nn.losses', class = 'Loss', call = 'nn.NLL()',
    shapes = 'Ypred, Y 1 x b (or k x b)',
    desc = 'Binary negative log likelihood, labels 0/1 (or soft labels in [0, 1]): sum -(y log g + (1 - y) log(1 - g)); dL/dg = -y/g + (1 - y)/(1 - g). A term whose coefficient is 0 is skipped (no 0 log 0).',
    example = [[
loss = nn.NLL()
print(loss:forward(matrix.row{0.9, 0.2}, matrix.row{1, 0}))
]] },
  { name = 'nn.NLLM', group = 'nn.losses', class = 'Loss', call = 'nn.NLLM()',
    shapes = 'Ypred, Y k x b (one-hot columns)',
    desc = 'Multiclass negative log likelihood: sum -y_k log g_k; dL/dg_k = -y_k / g_k. A probability below DBL_MIN in a term that counts is clamped to DBL_MIN.',
    example = [[
loss = nn.NLLM()
G = matrix.col{0.7, 0.2, 0.1}
print(loss:forward(G, matrix.col{1, 0, 0}), loss:backward())
]] },
  { name = 'nn.Hinge', group = 'nn.losses', class = 'Loss', call = 'nn.Hinge()',
    shapes = 'scores Z, Y k x b',
    desc = 'Hinge loss, labels -1/+1 (anything else is an error): sum max(0, 1 - y z); dL/dz = -y where 1 - y z > 0, else 0.',
    example = [[
loss = nn.Hinge()
print(loss:forward(matrix.row{2, 0.5, -1}, matrix.row{1, 1, 1}))   -- 0 + 0.5 + 2
]] },
  { name = 'nn.ZeroOne', group = 'nn.losses', class = 'Loss', call = 'nn.ZeroOne([threshold = 0.5])',
    shapes = 'Ypred, Y k x b',
    desc = 'For evaluation only (backward is an error): the number of mistakes. One row: positive iff g >= threshold (use 0 for scores), true label positive iff y > 0; k >= 2 rows: the row of the maximum.',
    example = [[
err = nn.ZeroOne()
print(err:forward(matrix.row{0.9, 0.4, 0.6}, matrix.row{1, 1, 0}))   -- 2 mistakes
]] },
  { name = 'nn.Asymmetric', group = 'nn.losses', class = 'Loss', call = 'nn.Asymmetric(c_fp, c_fn [, threshold = 0.5])',
    shapes = 'Ypred, Y 1 x b or 2 x b',
    desc = 'For evaluation only: c_fp per false positive (predicted positive, truly negative) plus c_fn per false negative; with 2 rows class 2 is the positive one.',
    example = [[
cost = nn.Asymmetric(1, 5)
print(cost, cost:forward(matrix.row{0.9, 0.1}, matrix.row{0, 1}))   -- 1 + 5
]] },
  { name = 'Loss', group = 'nn.losses', call = { 'loss = nn.NLLM()', 'tostring(loss)' },
    shapes = '',
    desc = 'What the loss constructors make, one class for all of them. Ypred and Y must have the same shape.',
    fields = {
      { 'loss.kind', '', 'the name: "NLLM", "ZeroOne", ... (also nn.kind(loss))' },
      { 'loss.threshold, loss.c_fp, loss.c_fn', '', 'the parameters of ZeroOne and Asymmetric' },
      { 'tostring(loss)', '', 'NLLM(), ZeroOne(0), Asymmetric(1, 5)' },
    },
    example = [[
loss = nn.ZeroOne(0)
print(loss, loss.kind, loss.threshold)
]] },
  { name = 'Loss:forward', group = 'nn.losses', call = 'loss:forward(Ypred, Y)',
    shapes = 'Ypred k x b, Y k x b -> a number',
    desc = 'The loss summed over the batch (and the outputs); keeps Ypred and Y for backward.',
    example = [[
loss = nn.Squared()
print(loss:forward(matrix{{1, 2}}, matrix{{0, 0}}))   -- 1 + 4
]] },
  { name = 'Loss:backward', group = 'nn.losses', call = 'loss:backward()',
    shapes = '-> dL/dYpred k x b',
    desc = "The derivative for the last forward, the shape of Ypred; for one column, the lecture's dloss/dA^(L) (k x 1).",
    example = [[
loss = nn.NLLM()
loss:forward(matrix.col{0.5, 0.5}, matrix.col{0, 1})
print(loss:backward())     -- -y / g
]] },
  { name = 'Loss:forward_logits', group = 'nn.losses', call = 'loss:forward_logits(Z, Y)',
    shapes = 'Z k x b, Y k x b -> loss, dLdZ k x b',
    desc = 'NLLM after SoftMax (NLL after Sigmoid) from the logits Z: the loss exact for every finite Z, and dL/dZ = A - Y (NLLM: A * colsum(Y) - Y, the derivative for any target). Only NLL and NLLM have it.',
    example = [[
loss, dLdZ = nn.NLLM():forward_logits(matrix.col{1000, 0}, matrix.col{0, 1})
print(loss, dLdZ)          -- 1000, where the probabilities underflow
]] },

  { name = 'nn.kind', group = 'nn.losses', call = 'nn.kind(x)',
    shapes = '', desc = 'The kind of a C module or loss ("Linear", "Tanh", "NLLM", ...), nil for anything else.',
    example = [[
print(nn.kind(nn.Linear(2, 3)), nn.kind(nn.SoftMax()), nn.kind({}))
]] },

  { name = 'nn.Sequential', group = 'nn.sequential', call = 'nn.Sequential(modules, loss)',
    shapes = '',
    desc = 'A network: the modules run in order by forward, in reverse by backward. A module is anything with forward and backward methods (sgd_step, zero_grad, parameters are used when present), so Lua modules work next to the C ones.',
    fields = {
      { 'net.modules, net.loss', '', 'the list of modules, in order, and the loss' },
      { 'tostring(net)', '', 'one line per module with its shapes, and whether the loss is fused' },
    },
    example = [[
matrix.seed(0)
net = nn.Sequential({nn.Linear(2, 3), nn.Tanh(), nn.Linear(3, 2), nn.SoftMax()}, nn.NLLM())
print(net)
]] },
  { name = 'Sequential:forward', group = 'nn.sequential', call = 'net:forward(X)',
    shapes = 'X d x b -> k x b', desc = "The last module's output.",
    example = [[
net = nn.Sequential({nn.Linear(2, 3), nn.ReLU(), nn.Linear(3, 2), nn.SoftMax()}, nn.NLLM())
print(net:forward(matrix.col{1, -1}))
]] },
  { name = 'Sequential:backward', group = 'nn.sequential', call = 'net:backward(delta)',
    shapes = 'delta k x b -> dL/dX d x b',
    desc = "delta = dL/d(last output): every module's backward in reverse (the plain chain rule).",
    example = [[
net = nn.Sequential({nn.Linear(2, 1)}, nn.Squared())
net:forward(matrix.col{1, 2})
print(net:backward(matrix.col{1}))   -- W dLdZ, 2 x 1
]] },
  { name = 'Sequential:backprop', group = 'nn.sequential', call = 'net:backprop(X, Y)',
    shapes = 'X d x b, Y k x b -> loss',
    desc = 'Forward, loss and backward: every gradient is set. Fused for SoftMax + NLLM and Sigmoid + NLL at the end (the loss from the logits, A - Y straight into the module below).',
    example = [[
net = nn.Sequential({nn.Linear(2, 2), nn.SoftMax()}, nn.NLLM())
X, Y = matrix{{1, 0}, {0, 1}}, matrix{{1, 0}, {0, 1}}
print(net:backprop(X, Y), net.modules[1].dLdW)
]] },
  { name = 'Sequential:evaluate', group = 'nn.sequential', call = 'net:evaluate(X, Y)',
    shapes = 'X d x b, Y k x b -> loss, output k x b',
    desc = "The loss only (fused as in backprop), and the net's output as a second value; no gradients change.",
    example = [[
net = nn.Sequential({nn.Linear(2, 2), nn.SoftMax()}, nn.NLLM())
print(net:evaluate(matrix.col{1, 2}, matrix.col{0, 1}))
]] },
  { name = 'Sequential:sgd_step', group = 'nn.sequential', call = 'net:sgd_step(lr)',
    shapes = '', desc = "Every module's sgd_step(lr).",
    example = [[
net = nn.Sequential({nn.Linear(2, 2), nn.SoftMax()}, nn.NLLM())
net:backprop(matrix.col{1, 2}, matrix.col{0, 1})
net:sgd_step(0.1)
]] },
  { name = 'Sequential:zero_grad', group = 'nn.sequential', call = 'net:zero_grad()',
    shapes = '', desc = "Every module's zero_grad().",
    example = [[
net = nn.Sequential({nn.Linear(2, 1)}, nn.Squared())
net:backprop(matrix.col{1, 2}, matrix.col{1})
net:zero_grad()
print(net.modules[1].dLdW)
]] },
  { name = 'Sequential:sgd', group = 'nn.sequential', call = 'net:sgd(X, Y, iters, lr [, opts])',
    shapes = 'X d x N, Y k x N -> mean loss',
    desc = "The homework's SGD: each iteration takes column i = matrix.randint(N) of X and Y (numpy's np.random.randint(N) + 1), backprop, sgd_step. Returns the mean loss per step. The loop runs in C unless the net has something only Lua runs (a module written in Lua, Dropout, a loss without a gradient); opts.verbose = true prints why to opts.output (io.stdout).",
    example = [[
matrix.seed(0)
X, Y = data.super_simple_separable()
net = nn.Sequential({nn.Linear(2, 3), nn.Tanh(), nn.Linear(3, 2), nn.SoftMax()}, nn.NLLM())
print(net:sgd(X, Y, 100, 0.05))
]] },
  { name = 'Sequential:classify', group = 'nn.sequential', call = 'net:classify(X [, threshold = 0.5])',
    shapes = 'X d x b -> 1 x b',
    desc = "1-based classes: the row of each column's largest output (first on ties); with one output row, 2 where the output >= threshold, else 1.",
    example = [[
net = nn.Sequential({nn.Linear(2, 2), nn.SoftMax()}, nn.NLLM())
print(net:classify(matrix{{1, -1}, {2, 0}}))
]] },
  { name = 'Sequential:parameters', group = 'nn.sequential', call = 'net:parameters()',
    shapes = '',
    desc = '{{name, value, grad, module = index, layer = module}, ...}; a Lua module without parameters() gives its W/dLdW and W0/dLdW0.',
    example = [[
net = nn.Sequential({nn.Linear(2, 3), nn.ReLU(), nn.Linear(3, 1)}, nn.Squared())
for _, p in ipairs(net:parameters()) do print(p.module, p.name, p.value:shape()) end
]] },

  { name = 'Sequential:explain', group = 'nn.sequential', call = 'net:explain(x, y [, l = 1])',
    shapes = 'x d x 1, y k x 1 -> {factors, names, dZ n^l x 1, dW m^l x n^l, dW0 n^l x 1, loss, agrees, zero_at}',
    desc = "For one data point (a batch is an error), the lecture's chain dloss/dZ^(l) = dA^(l)/dZ^(l) dZ^(l+1)/dA^(l) ... dA^(L)/dZ^(L) dloss/dA^(L), each factor with its shape (n^k x n^k, n^k x n^(k+1) = W^(k+1), ..., n^L x 1) and value, their product, dloss/dW^(l) = A^(l-1) (dloss/dZ^(l))^T and dloss/dW0^(l) = dloss/dZ^(l), each checked against backprop's dLdW, dLdW0 (it runs net:backprop(x, y)). All-zero factors are marked, with the conclusion: every gradient at or below that layer is zero. With SoftMax + NLLM (Sigmoid + NLL) the factors are the lecture's (the activation's Jacobian, then -y/a ...), and it says that backprop forms their product A - y from the logits. Prints nothing itself: the result's tostring is the explanation, so the REPL shows it and print(e) prints it; e.factors multiply to e.dZ.",
    example = [[
matrix.seed(0)
net = nn.Sequential({nn.Linear(2, 3), nn.Sigmoid(), nn.Linear(3, 2), nn.SoftMax()}, nn.NLLM())
e = net:explain(matrix.col{1, 2}, matrix.col{0, 1}, 1)
print(e)
P = e.factors[1]
for i = 2, #e.factors do P = P * e.factors[i] end
print(P:allclose(e.dZ, 1e-12), e.agrees)   -- true  true
]] },

  { name = 'nn.jacobian', group = 'nn.derivatives', call = 'nn.jacobian(f, u [, h = 1e-6])',
    shapes = 'f: b x 1 -> c x 1; u b x 1 -> b x c',
    desc = "Central differences (f(u + h e_j) - f(u - h e_j)) / 2h in the lecture's layout: entry (j, k) = df_k/du_j.",
    example = [[
act = nn.Tanh()
z = matrix.col{0.5, -1}
J = nn.jacobian(function(v) return act:forward(v) end, z)
print(J:allclose(act:jacobian(z), 1e-6))   -- true
]] },
  { name = 'nn.gradcheck', group = 'nn.derivatives', call = 'nn.gradcheck(net, X, Y [, opts])',
    shapes = 'X d x b, Y k x b -> result table',
    desc = 'Every parameter gradient from backprop against central differences of net:evaluate; an entry passes when |a - n| <= atol + rtol max(|a|, |n|) (rtol 1e-5, atol 1e-7 max(1, |loss|)); entries across a ReLU/Step kink are not judged. Prints a table unless opts.print == false; opts: h, rtol, atol.',
    example = [[
matrix.seed(1)
net = nn.Sequential({nn.Linear(2, 3), nn.Tanh(), nn.Linear(3, 2), nn.SoftMax()}, nn.NLLM())
r = nn.gradcheck(net, matrix.randn(2, 4), matrix{{1, 0, 1, 0}, {0, 1, 0, 1}})
print(r.ok)
]] },

  ---------------------------------------------------------------- train
  { name = 'Sequential:fit', group = 'train.fit', call = 'net:fit(X, Y [, opts])',
    shapes = 'X d x N, Y k x N -> history',
    desc = "Trains in mini-batches with an optimizer and measures loss (per point) and accuracy after every epoch. opts: epochs or iters, batch (1), shuffle, optimizer ('sgd', 'momentum', 'adadelta', 'adam' or an object), lr, weight_decay, seed, validation = {Xv, Yv}, callback(epoch, history, net), accuracy, threshold, verbose, output, tty. Ctrl-C stops cleanly and returns the history so far.",
    fields = {
      { 'history.loss, history.accuracy, history.val_loss, history.val_accuracy', '',
        'one number per finished epoch (plot.curve(history) draws them)' },
      { 'history.epochs, history.steps, history.seconds, history.stopped', '',
        "epochs finished, optimizer steps taken, wall time, nil or 'interrupted' or 'callback'" },
      { 'history.optimizer, net.optimizer', '', 'the optimizer used, with its state: pass optimizer = net.optimizer to go on' },
      { 'history.lua_loop', '', "nil when every epoch's steps ran in C; else why the C loop declined, e.g. 'module 2 is written in Lua' (an explicit verbose also prints it)" },
    },
    example = [[
X, Y = data.hard()
net = nn.Sequential({nn.Linear(2, 10), nn.ReLU(), nn.Linear(10, 2), nn.SoftMax()}, nn.NLLM())
h = net:fit(X, Y, {epochs = 50, batch = 5, optimizer = 'adam', lr = 0.01, seed = 1})
print(h.loss[#h.loss], h.accuracy[#h.accuracy])
]] },
  { name = 'Sequential:train', group = 'train.fit', also = { 'Sequential:eval' },
    call = { 'net:train()', 'net:eval()' }, shapes = '',
    desc = 'Training or evaluation mode: train() / eval() on every module that has them (Dropout, Lua modules); returns the net. fit leaves a net in evaluation mode.',
    example = [[
net = nn.Sequential({nn.Linear(2, 4), nn.Dropout(0.5), nn.Linear(4, 1)}, nn.Squared())
net:eval()
print(net.modules[2].training)   -- false
]] },

  { name = 'nn.SGD', group = 'train.optimizers', class = 'Optimizer', call = 'nn.SGD([opts | lr])',
    shapes = '', desc = 'Plain gradient descent: W = W - lr g. lr (0.01), weight_decay (0).',
    example = [[
opt = nn.SGD(0.1)
print(opt, opt.lr)
]] },
  { name = 'nn.Momentum', group = 'train.optimizers', class = 'Optimizer', call = 'nn.Momentum([opts | lr])',
    shapes = '', desc = 'M = gamma M + lr g; W = W - M. lr (0.01), gamma (0.9), weight_decay (0).',
    example = [[
opt = nn.Momentum{lr = 0.05, gamma = 0.8}
print(opt)
]] },
  { name = 'nn.Adadelta', group = 'train.optimizers', class = 'Optimizer', call = 'nn.Adadelta([opts | lr])',
    shapes = '',
    desc = "The course notes' Adadelta: G = gamma G + (1 - gamma) g^2; W = W - lr / sqrt(G + eps) g. lr (0.01), gamma (0.9), eps (1e-8), weight_decay (0).",
    example = [[
print(nn.Adadelta())
]] },
  { name = 'nn.Adam', group = 'train.optimizers', class = 'Optimizer', call = 'nn.Adam([opts | lr])',
    shapes = '',
    desc = 'm = beta1 m + (1 - beta1) g; v = beta2 v + (1 - beta2) g^2; W = W - lr / sqrt(v / (1 - beta2^t) + eps) m / (1 - beta1^t). lr (0.001), beta1 (0.9), beta2 (0.999), eps (1e-8), weight_decay (0).',
    example = [[
X, Y = data.xor()
net = nn.Sequential({nn.Linear(2, 8), nn.Tanh(), nn.Linear(8, 2), nn.SoftMax()}, nn.NLLM())
h = net:fit(X, Y, {epochs = 100, batch = 4, optimizer = nn.Adam{lr = 0.05}, seed = 0})
print(h.optimizer.steps)   -- 100
]] },
  { name = 'Optimizer', group = 'train.optimizers', call = { 'opt = nn.Adam(...)', 'tostring(opt)' },
    shapes = '',
    desc = "What nn.SGD, nn.Momentum, nn.Adadelta and nn.Adam make. weight_decay (lambda) adds lambda W to the gradient of every parameter but the offsets W0. State is kept per parameter matrix.",
    fields = {
      { 'opt.lr, opt.gamma, opt.beta1, opt.beta2, opt.eps, opt.weight_decay', '',
        'the hyperparameters; assigning one changes it (a schedule in a fit callback)' },
      { 'opt.steps', '', 'calls of step so far' },
      { 'opt.kind', '', '"SGD", "Momentum", "Adadelta" or "Adam"' },
    },
    example = [[
opt = nn.Adam(0.01)
opt.lr = opt.lr / 2
print(opt, opt.kind, opt.steps)
]] },
  { name = 'Optimizer:step', group = 'train.optimizers', call = 'opt:step(params [, scale = 1])',
    shapes = 'params: {{name, value, grad}, ...}',
    desc = 'One update of every parameter in the list net:parameters() returns, with gradient scale * grad (fit passes 1/b); every entry is checked before any is changed.',
    example = [[
X, Y = data.xor()
net = nn.Sequential({nn.Linear(2, 2), nn.SoftMax()}, nn.NLLM())
opt = nn.Momentum(0.1)
for i = 1, 10 do
  net:backprop(X, Y)
  opt:step(net:parameters(), 1 / 4)   -- the mean gradient over the 4 points
end
print(opt.steps)
]] },
  { name = 'Optimizer:state', group = 'train.optimizers', call = { 'opt:state(W)', 'opt:state(W, t)' },
    shapes = '',
    desc = 'The state kept for the parameter matrix W: {t} (SGD), {t, M} (Momentum), {t, G} (Adadelta), {t, m, v} (Adam), or nil; with t, replaces it.',
    example = [[
layer = nn.Linear(2, 1)
opt = nn.Adam()
layer:forward(matrix.col{1, 2}); layer:backward(matrix.col{1})
opt:step(layer:parameters())
print(opt:state(layer.W).t, opt:state(layer.W).m)
]] },
  { name = 'Optimizer:reset', group = 'train.optimizers', call = 'opt:reset()', shapes = '',
    desc = 'Forgets all state (the next step is a first step again).',
    example = [[
opt = nn.Momentum()
opt:reset()
]] },

  { name = 'nn.Dropout', group = 'train.dropout', call = 'nn.Dropout([p = 0.5])',
    shapes = 'Z n x b -> n x b',
    desc = "Inverted dropout, p in [0, 1) the probability of dropping a unit. In training mode (a new Dropout's) forward draws a mask from the matrix stream (numpy's np.random.random_sample(Z.shape) >= p) and returns Z .* mask / (1 - p); in evaluation mode it passes Z through and draws nothing.",
    fields = {
      { 'd.p, d.training, d.mask', '', 'the probability, the mode, the last mask' },
      { 'tostring(d)', '', 'Dropout(p)' },
    },
    example = [[
matrix.seed(0)
d = nn.Dropout(0.5)
print(d:forward(matrix.ones(2, 4)), d.mask)
]] },
  { name = 'Dropout:forward', group = 'train.dropout', call = 'd:forward(Z)',
    shapes = 'Z n x b -> n x b',
    desc = 'Z .* mask / (1 - p) with a new mask in training mode; Z in evaluation mode.',
    example = [[
d = nn.Dropout(0.2):eval()
print(d:forward(matrix.col{1, 2}))   -- unchanged
]] },
  { name = 'Dropout:backward', group = 'train.dropout', call = 'd:backward(g)',
    shapes = 'g n x b -> n x b',
    desc = "g .* mask / (1 - p) for the last forward's mask (g in evaluation mode).",
    example = [[
d = nn.Dropout(0.5)
d:forward(matrix.ones(2, 2))
print(d:backward(matrix.ones(2, 2)))
]] },
  { name = 'Dropout:train', group = 'train.dropout', also = { 'Dropout:eval' },
    call = { 'd:train()', 'd:eval()' }, shapes = '',
    desc = 'Training or evaluation mode; returns d.',
    example = [[
d = nn.Dropout():eval()
print(d.training)
]] },
  { name = 'Dropout:sgd_step', group = 'train.dropout',
    also = { 'Dropout:zero_grad', 'Dropout:parameters' },
    call = { 'd:sgd_step(lr)', 'd:zero_grad()', 'd:parameters()' }, shapes = '',
    desc = 'Nothing to do (no parameters); parameters() returns {}.',
    example = [[
print(#nn.Dropout():parameters())
]] },

  { name = 'nn.save', group = 'train.save', call = 'nn.save(net, path [, optimizer])',
    shapes = '',
    desc = 'Writes the net (architecture and parameters) and its optimizer (net.optimizer when not given) with its state to a versioned text file, replaced whole or not at all; returns true.',
    example = [[
matrix.seed(0)
net = nn.Sequential({nn.Linear(2, 3), nn.Tanh(), nn.Linear(3, 2), nn.SoftMax()}, nn.NLLM())
nn.save(net, 'net.nn')
net2 = nn.load('net.nn')
print(net2.modules[1].W == net.modules[1].W)   -- true: exact
]] },
  { name = 'nn.load', group = 'train.save', call = { 'nn.load(path)', 'nn.load(path, {max_bytes = n, any_file = true})' },
    shapes = '-> net, optimizer',
    desc = 'Reads a file written by nn.save (parsed, never run): the net and its optimizer (nil if none; also net.optimizer). Draws nothing from the random stream. Errors name the file, the line and what was expected. Reads at most max_bytes (default 256 MiB) and only a regular file unless any_file, as matrix.load.',
    example = [[
X, Y = data.xor()
net = nn.Sequential({nn.Linear(2, 4), nn.Tanh(), nn.Linear(4, 2), nn.SoftMax()}, nn.NLLM())
net:fit(X, Y, {epochs = 10, optimizer = 'adam', seed = 1})
nn.save(net, 'xor.nn')
net2, opt = nn.load('xor.nn')
print(net2, opt)
]] },

  ---------------------------------------------------------------- data
  { name = 'data.load', group = 'data.sets', call = { 'data.load(name)', 'data.load(path [, {label = c, max_bytes = n, any_file = true}])' },
    shapes = '-> X d x n, Y k x n, labels 1 x n',
    desc = 'A built-in data set by name (Y rows {1-y; y}, the homework\'s for_softmax), or a text file with one point per line and the label in the last column (or column c, negative from the end; label = false: X only). Y = data.one_hot(labels). The file is a text table (blanks or commas between numbers: a CSV works) and may start with a line of column names (x1,x2,label), which is skipped. max_bytes and any_file as matrix.load.',
    example = [[
X, Y, labels = data.load('xor')
print(X, labels)
f = io.open('lab.txt', 'w')
f:write('0 0 -1\n1 1 1\n0 1 1\n')
f:close()
X, Y, labels = data.load('lab.txt')   -- classes -1, +1: rows 1, 2 of Y
print(Y)
f = io.open('lab.csv', 'w')
f:write('x1,x2,label\n0,0,0\n1,1,1\n')
f:close()
X, Y = data.load('lab.csv')           -- a CSV with a header line
print(X)
]] },
  { name = 'data.xor', group = 'data.sets',
    also = { 'data.super_simple_separable_through_origin', 'data.super_simple_separable',
      'data.xor_more', 'data.hard' },
    call = { 'data.super_simple_separable_through_origin()', 'data.super_simple_separable()',
      'data.xor()', 'data.xor_more()', 'data.hard()' },
    shapes = '-> X 2 x n, Y 2 x n, labels 1 x n',
    desc = "The homework's data sets (4, 4, 4, 8 and 20 points), as data.load(name); built into the program.",
    example = [[
X, Y, labels = data.hard()
print(X:shape())           -- 2  20
]] },
  { name = 'data.exoplanets', group = 'data.sets', call = 'data.exoplanets()',
    shapes = '-> X 2 x 40, Y 2 x 40, labels 1 x 40',
    desc = "The lecture's exoplanet example, as data.load('exoplanets'): x1 a planet's distance from its star (AU), x2 the star's luminosity (suns); label 1 outside the habitable zone, as the step features phi_1 = 1{-x1 + 0.5 x2 + 0.5 >= 0} (too close), phi_2 = 1{x1 - 0.5 x2 - 1 >= 0} (too far) with theta = (1, 1), theta0 = -0.5 say, 0 inside. Written by tools/gen_exoplanets.lua from a fixed seed.",
    example = [[
X, Y, labels = data.exoplanets()
print(X:shape())           -- 2  40
print(labels:sum())        -- 24.0 (planets outside the zone)
]] },
  { name = 'data.names', group = 'data.sets', call = 'data.names', shapes = '',
    desc = 'The list of the built-in data set names, sorted.',
    example = [[
print(table.concat(data.names, ', '))
]] },
  { name = 'data.list', group = 'data.sets', call = 'data.list()', shapes = '',
    desc = 'Prints the built-in data sets, one line each, with their sizes.',
    example = [[
data.list()
]] },
  { name = 'data.save', group = 'data.sets', call = 'data.save(path, X [, labels])',
    shapes = 'X d x n, labels 1 x n',
    desc = 'Writes X one point per line with the label last, after two # lines naming the columns; replaced whole like matrix.save.',
    example = [[
X, Y, labels = data.xor()
data.save('xor.txt', X, labels)
X2, Y2, labels2 = data.load('xor.txt')
print(X2 == X, labels2 == labels)
]] },

  { name = 'data.one_hot', group = 'data.prepare',
    call = { 'data.one_hot(labels)', 'data.one_hot(labels, classes)', 'data.one_hot(labels, k)' },
    shapes = 'labels 1 x n -> Y k x n, classes',
    desc = 'Y(c, j) = 1 where labels[j] is class c: the distinct labels sorted, or the classes listed, or 1..k (labels as net:classify returns them; k at most 2^20). Also returns the classes.',
    example = [[
Y, classes = data.one_hot({-1, 1, 1, -1})
print(Y, table.concat(classes, ' '))
print(data.one_hot(matrix.row{2, 1, 3}, 3))
]] },
  { name = 'data.split', group = 'data.prepare',
    call = { 'data.split(X, Y [, fraction = 0.2 [, seed]])', 'data.split(X, Y, {val = 0.2, seed = 1})' },
    shapes = 'X d x n, Y k x n -> Xtrain, Ytrain, Xval, Yval',
    desc = "A shuffled split with round(fraction n) points for validation, in the order of numpy's np.random.seed(seed); np.random.permutation(n).",
    example = [[
X, Y = data.circles(100, 1)
Xtr, Ytr, Xva, Yva = data.split(X, Y, 0.25, 1)
print(Xtr:shape(), Xva:shape())   -- 2 75  2 25
]] },
  { name = 'data.standardize', group = 'data.prepare', also = { 'data.standardise' },
    call = { 'data.standardize(X)', 'data.standardize(X, mean, std)' },
    shapes = 'X d x n -> Xs d x n, mean d x 1, std d x 1',
    desc = "Each feature (row) centred and divided by its standard deviation (population, numpy's std; a constant feature gets 1); with mean and std given, applies them (a validation set with the training set's).",
    example = [[
X = matrix{{1, 2, 3}, {10, 10, 10}}
Xs, mean, std = data.standardize(X)
print(Xs, mean, std)
Xv = data.standardize(matrix.col{2, 10}, mean, std)
]] },
  { name = 'data.permutation', group = 'data.prepare', call = 'data.permutation(n)',
    shapes = '-> a table of n indices',
    desc = "A random permutation of 1..n (0 <= n < 2^31) from the matrix stream: numpy's np.random.permutation(n) + 1 (what data.split uses).",
    example = [[
matrix.seed(0)
print(table.concat(data.permutation(5), ' '))
]] },

  { name = 'data.blobs', group = 'data.generators', call = 'data.blobs(n [, opts])',
    shapes = '-> X 2 x n (d x n), Y k x n, labels 1 x n',
    desc = 'Gaussian clusters: opts.k (2) on a circle of radius 2 with std (0.5), or opts.centers a d x k matrix; opts.seed (or a number) reseeds. Labels 0..k-1, each class contiguous.',
    example = [[
X, Y, labels = data.blobs(60, {k = 3, seed = 1})
print(Y:shape())           -- 3  60
]] },
  { name = 'data.circles', group = 'data.generators', call = 'data.circles(n [, opts])',
    shapes = '-> X 2 x n, Y 2 x n, labels 1 x n',
    desc = 'Two rings: label 0 outer (radius 1), 1 inner (radius factor, 0.5); noise (0.05); seed.',
    example = [[
X, Y, labels = data.circles(200, {noise = 0.1, seed = 1})
]] },
  { name = 'data.spirals', group = 'data.generators', call = 'data.spirals(n [, opts])',
    shapes = '-> X 2 x n, Y 2 x n, labels 1 x n',
    desc = 'Two interleaved spirals of radius 1: turns (1.5), noise (0.05), seed.',
    example = [[
X, Y, labels = data.spirals(100, 3)   -- seed 3
]] },
  { name = 'data.noisy_xor', group = 'data.generators', call = 'data.noisy_xor(n [, opts])',
    shapes = '-> X 2 x n, Y 2 x n, labels 1 x n',
    desc = "Clusters at (+-1, +-1) with noise (0.3); label 1 where the corner's x1 x2 < 0.",
    example = [[
X, Y, labels = data.noisy_xor(40, {noise = 0.2, seed = 0})
]] },
  { name = 'data.regression', group = 'data.generators', call = 'data.regression(n [, opts])',
    shapes = '-> X 1 x n (sorted), Y 1 x n, F 1 x n',
    desc = 'Y = f(X) + noise and F = f(X) without noise: f (math.sin), lo, hi (-3, 3), noise (0.1), seed.',
    example = [[
X, Y, F = data.regression(50, {f = function(x) return x^2 end, noise = 0.5, seed = 2})
]] },

  ---------------------------------------------------------------- plot
  { name = 'plot.line', group = 'plot.plots', call = { 'plot.line(xs, ys [, opts])', 'plot.line(ys [, opts])' },
    shapes = 'ys n values, or a matrix with one series per row',
    desc = 'A line through the points; xs default to 1..n; opts.names names the series.',
    example = [[
xs, ys = {}, {}
for i = 1, 50 do xs[i] = i / 10; ys[i] = math.sin(i / 10) end
print(plot.line(xs, ys, {title = 'sin', width = 60, height = 15}))
]] },
  { name = 'plot.curve', group = 'plot.plots', call = 'plot.curve(history [, opts])',
    shapes = '',
    desc = 'Training curves: one panel per quantity of {loss = {...}, accuracy = {...}, val_loss = ..., val_accuracy = ...}, each with its val_ twin; or a plain list of numbers; opts.keys picks keys.',
    example = [[
h = {loss = {0.9, 0.5, 0.3, 0.2}, accuracy = {0.5, 0.7, 0.85, 0.9}}
print(plot.curve(h, {width = 60, height = 20}))
]] },
  { name = 'plot.scatter', group = 'plot.plots', call = 'plot.scatter(X [, labels] [, opts])',
    shapes = 'X 2 x n, labels 1 x n (raw) or k x n (one-hot)',
    desc = 'The points, one symbol and colour per class (classes in sorted order).',
    example = [[
X, Y, labels = data.hard()
print(plot.scatter(X, labels, {title = 'hard', style = 'ascii'}))
]] },
  { name = 'plot.boundary', group = 'plot.plots', call = 'plot.boundary(net, X, Y [, opts])',
    shapes = 'X 2 x n, Y k x n or 1 x n',
    desc = "The classifier's decision regions shaded behind the points. net needs classify(X) (1 x b of classes 1, 2, ...) or forward(X), or is a function of X.",
    example = [[
matrix.seed(0)
X, Y = data.xor()
net = nn.Sequential({nn.Linear(2, 8), nn.Tanh(), nn.Linear(8, 2), nn.SoftMax()}, nn.NLLM())
net:sgd(X, Y, 2000, 0.1)
print(plot.boundary(net, X, Y, {width = 40, height = 15}))
]] },
  { name = 'plot.graph', group = 'plot.plots', call = { 'plot.graph(net [, X] [, opts])' },
    shapes = 'x m^(1) x 1; W^(l) m^(l) x n^(l), W0^(l) n^(l) x 1; Z^(l), A^(l) n^(l) x 1; with X d x b: n^(l) x b',
    desc = "The net as the lecture's function graph: one column per layer (a Linear and the modules after it, f^(l)), its W^(l) and W0^(l) feeding the circle Z^(l) = W^(l)T A^(l-1) + W0^(l), then the circle f^(l) (the activation's name), then the box A^(l) with its units (more than 5 elided as ... ), from x = A^(0) to the loss; shapes on every node, and with X each value's shape for that batch (X runs through the modules' forward). Lua modules appear by their name field, shapes as far as known (?). Columns that do not fit the width continue below. Options: title, width, style, color, file (also SVG), svg_width; any other is an error.",
    example = [[
net = nn.Sequential({nn.Linear(2, 3), nn.Step(), nn.Linear(3, 2), nn.SoftMax()}, nn.NLLM())
print(plot.graph(net, {style = 'ascii', width = 72}))
print(plot.graph(net, matrix.zeros(2, 4), {file = 'net.svg'}))   -- shapes for a batch of 4
]] },
  { name = 'plot.svg', group = 'plot.plots', call = 'plot.svg(kind, ...)',
    shapes = '',
    desc = "The SVG text of plot.kind(...) ('line', 'curve', 'scatter', 'boundary', 'graph'); with opts.file, written to that file instead.",
    example = [[
svg = plot.svg('line', {1, 4, 9, 16})
print(#svg > 0)
plot.svg('scatter', data.xor(), {file = 'xor.svg'})
]] },

  { name = 'Plot', group = 'plot.object', call = { 'p = plot.line(...)', 'tostring(p)' },
    shapes = '',
    desc = "What every plot function returns: tostring(p) is the drawing (the REPL shows it, a script prints it, .. joins it with strings).",
    fields = {
      { 'p.text', '', 'the drawing, as tostring(p)' },
      { 'p.figure', '', 'the figure, for plot.render and plot.render_svg' },
    },
    example = [[
p = plot.line({1, 2, 3})
print(p)
s = 'plot:\n' .. p
]] },
  { name = 'Plot:svg', group = 'plot.object', call = { 'p:svg(path [, width, height])', 'p:svg()' },
    shapes = '',
    desc = 'Writes the same figure as a standalone SVG file (640 pixels wide by default); without a path returns the SVG text.',
    example = [[
p = plot.curve({1, 0.5, 0.25})
p:svg('loss.svg')
print(#p:svg() > 0)
]] },

  { name = 'plot.figure', group = 'plot.drawing', call = 'plot.figure(kind, ...)',
    shapes = '', desc = "The figure (plain data) plot.kind(...) would draw.",
    example = [[
fig = plot.figure('line', {1, 2, 3})
print(#fig.panels)
]] },
  { name = 'plot.render', group = 'plot.drawing', call = 'plot.render(fig, width, height, style)',
    shapes = '',
    desc = 'The drawing of a figure as text, width x height characters; style = {unicode = bool, color = bool}. A pure function.',
    example = [[
fig = plot.figure('line', {1, 2, 3})
print(plot.render(fig, 30, 8, {unicode = false, color = false}))
]] },
  { name = 'plot.render_svg', group = 'plot.drawing', call = 'plot.render_svg(fig [, width, height])',
    shapes = '', desc = 'The figure as a standalone SVG document (640 pixels wide by default).',
    example = [[
svg = plot.render_svg(plot.figure('line', {1, 2, 3}))
print(svg:sub(1, 5))
]] },
  { name = 'plot.defaults', group = 'plot.drawing', call = 'plot.defaults([opts])',
    shapes = '',
    desc = "The style, width and height a plot with opts gets: Unicode and colour on a terminal, ASCII without colour otherwise (or with NO_COLOR, TERM=dumb); the terminal's size.",
    example = [[
style, width, height = plot.defaults({style = 'ascii'})
print(style.unicode, width, height)
]] },
  { name = 'plot.ticks', group = 'plot.drawing', call = 'plot.ticks(lo, hi, count [, integer])',
    shapes = '', desc = 'About count round tick values in [lo, hi], and their labels.',
    example = [[
t, labels = plot.ticks(0, 1, 5)
print(table.concat(labels, ' '))
]] },

  ---------------------------------------------------------------- ex
  { name = 'ex.list', group = 'ex', call = 'ex.list()', shapes = '',
    desc = 'One line per exercise of the current set: id, title, points so far.',
    example = [[
ex.list()
]] },
  { name = 'ex.show', group = 'ex', call = 'ex.show(id)', shapes = '',
    desc = 'An exercise: statement, parts, points, starter code.',
    example = [[
ex.show('features')
]] },
  { name = 'ex.hint', group = 'ex', call = 'ex.hint(id)', shapes = '',
    desc = "An exercise's next hint (they come round again).",
    example = [[
ex.hint('features')
]] },
  { name = 'ex.check', group = 'ex', call = { 'ex.check(id, answers)', "ex.check('exercise.part', answer)" },
    shapes = '',
    desc = 'Checks an answer from the REPL: a whole exercise (a table of parts) or one part; each part in a child process under the exercise\'s libs, limits and seeds, so the verdict is the one nnlab check gives the same answer in a file; says what is wrong in shape and kind without giving away the reference values.',
    example = [[
ex.check('features.phi', function(x) return x end)
]] },
  { name = 'ex.check_file', group = 'ex', call = 'ex.check_file([id,] path)', shapes = '',
    desc = 'Checks a submission file exactly as the grader will (its sandbox and limits); id limits it to one exercise or part.',
    example = [[
f = io.open('mine.lua', 'w')
f:write('return { features = { phi = function(x) return x end } }\n')
f:close()
ex.check_file('features', 'mine.lua')
]] },
  { name = 'ex.use', group = 'ex', call = 'ex.use(set)', shapes = '',
    desc = "Switches to another exercise set: a built-in name ('lecture') or the path of a set file; each set keeps its own progress.",
    example = [[
ex.use('lecture')
]] },
  { name = 'ex.save', group = 'ex', call = 'ex.save(path)', shapes = '',
    desc = "Writes every answer checked with ex.check (in this run and the earlier ones, for the set in use) into a submission file that nnlab check grades as ex.check did; functions are written as their source (typed at the prompt too, over several entries or inside ex.check), with the values and globals of yours they use (data, matrices, other functions); what cannot be saved is said when it is checked.",
    example = [[
ex.check('features.and_theta0', -1.5)
ex.save('mine.lua')
]] },
  { name = 'ex.reset', group = 'ex', call = 'ex.reset()', shapes = '',
    desc = "Forgets the progress of the set in use: its points and the answers ex.save would write (the file in $XDG_STATE_HOME/nnlab, else ~/.local/state/nnlab).",
    example = [[
ex.reset()
]] },

  ---------------------------------------------------------------- help
  { name = 'help', group = 'help', call = { 'help()', "help('topic')", 'help(x)', '?x' },
    shapes = '',
    desc = "help() lists the topics; help('matrix') a topic's functions; help(f), help('matrix.zeros') or help(obj) one function or class: signature, shapes, description, example. At the REPL's prompt ?x is help(x), and ? alone help().",
    example = [[
help()
help('nn')
help(matrix.zeros)
help('Linear:forward')
help(nn.Linear(2, 3))      -- an object: its class
]] },
}

return D
