-- nnlab.nn: layers, activations and losses (C, from nnlab.core), and in Lua
-- Sequential, the numerical Jacobian and the gradient check.
--
-- Conventions (the lecture's): data points are columns, a batch X is d x b;
-- a layer has W (m x n) and W0 (n x 1) and computes Z = W^T A + W0; for v
-- (c x 1) and u (b x 1), dv/du is b x c with entry (j, k) = dv_k/du_j; the
-- derivative of the loss with respect to a matrix has that matrix's shape.
-- Batch losses are sums over the batch, as in the course homework.
local core = require 'nnlab.core'
local util = require 'nnlab.util'

local matrix, C = core.matrix, core.nn
local kind = C.kind
local fmt = string.format

local nn = {}
for k, v in pairs(C) do
  if k:sub(1, 1) ~= '_' then nn[k] = v end  -- _sgd & co. are internal
end

local shape, callable, field, has_method = util.shapestr, util.callable, util.field,
  util.has_method

-- fail(fname, fmt, ...) raises "<fname>: <message>" at the first caller
-- outside the library (util.failer): the caller's mistakes are reported at
-- the caller's line, however deep in the library they are found.
local fail = util.failer('')

local function checkmatrix(fname, what, x)
  if not matrix.is(x) then
    fail(fname, '%s must be a matrix, got %s', what, type(x))
  end
end

-- What a module does to the size (rows) of what goes through it, by
-- module: {m, n} for a C Linear (its W is m x n, a shape it keeps for
-- life), true for the C activations and Dropout (they keep the size), false
-- for a module written in Lua (the size after it is unknown).  Kept per
-- module, so that checking a net's sizes before every call (check_io)
-- costs a table lookup per module, not two C calls.
local size_rule = setmetatable({}, { __mode = 'k' })
local function rule(m)
  local r = size_rule[m]
  if r == nil then
    local k = kind(m)
    if k == 'Linear' then r = { m.W:shape() } else r = k ~= nil end
    if type(m) ~= 'table' then size_rule[m] = r end  -- a Lua module may change
  end
  return r
end

-- The inputs a C Linear takes and the outputs it gives, or nil for any
-- other module.
local function linear_sizes(m)
  local r = rule(m)
  if type(r) == 'table' then return r[1], r[2] end
  return nil
end

-- The size (rows) of what each module gives, as far as it is known:
-- Linear changes it, the C activations and Dropout keep it, a module
-- written in Lua makes it unknown (nil).
local function keeps_size(m)
  return rule(m) == true
end

-- Before running the net on X (and Y): X must be a matrix with the rows
-- the first Linear takes (when the modules before it keep the size), and Y
-- a matrix of the net's output shape (when it is known).  These are the
-- caller's mistakes the C modules would otherwise report at the library's
-- line.
local function check_io(net, fname, X, Y)
  checkmatrix(fname, 'X', X)
  local rows, b = X:shape()
  local first = true  -- the first Linear takes X (the constructor checked the others)
  for i, m in ipairs(net.modules) do
    local mi, n = linear_sizes(m)
    if mi then
      if first and rows and rows ~= mi then
        fail(fname, 'X is %s but module %d %s takes %d inputs (X needs %d rows)', shape(X), i,
          tostring(m), mi, mi)
      end
      first, rows = false, n
    elseif not keeps_size(m) then
      rows = nil
    end
  end
  if Y ~= nil then
    checkmatrix(fname, 'Y', Y)
    local yr, yb = Y:shape()
    if yb ~= b then
      fail(fname, 'X is %s but Y is %s (need one column of Y per column of X)', shape(X), shape(Y))
    end
    if rows and yr ~= rows then
      fail(fname, "Y is %s but the net's output is %dx%d (Y needs %d row%s)", shape(Y), rows, b,
        rows, rows == 1 and '' or 's')
    end
  end
end

---------------------------------------------------------------------------
-- Sequential

local Sequential = {}
Sequential.__index = Sequential

-- A method called with '.' instead of ':' (net.fit(X, Y)) gets X as the
-- net: every method of Sequential first checks its self and says so.
local SIGNATURES = {
  forward = 'X', backward = 'delta', evaluate = 'X, Y', backprop = 'X, Y', sgd_step = 'lr',
  zero_grad = '', sgd = 'X, Y, iters, lr [, opts]', classify = 'X [, threshold]',
  parameters = '', fit = 'X, Y [, opts]', train = '', eval = '', explain = 'x, y [, l]',
}
local function what_is(v)
  if v == nil then return 'nil' end
  local mt = getmetatable(v)
  local name = type(mt) == 'table' and rawget(mt, '__name')
  return 'a ' .. (type(name) == 'string' and name or matrix.is(v) and 'matrix' or type(v))
end
local function checkself(self, name)
  if getmetatable(self) ~= Sequential then
    fail(name, 'call it as net:%s(%s) (with a colon; argument 1 is %s, not an nn.Sequential)',
      name, SIGNATURES[name], what_is(self))
  end
end

-- nn.Sequential(modules, loss): modules run in order by forward and in
-- reverse by backward.  A module is anything with forward(self, A) and
-- backward(self, dLdZ) (sgd_step, zero_grad and parameters are optional), so
-- modules written in Lua work alongside the C ones.
function nn.Sequential(modules, loss)
  if type(modules) ~= 'table' then
    fail('Sequential', 'modules must be a list of modules, got %s', type(modules))
  end
  for i, m in ipairs(modules) do
    for _, meth in ipairs{'forward', 'backward'} do
      if not has_method(m, meth) then
        fail('Sequential', 'module %d (%s) has no %s method', i, tostring(m), meth)
      end
    end
  end
  if loss == nil or not has_method(loss, 'forward') then
    fail('Sequential', 'the loss (argument 2) must have a forward method, got %s',
      tostring(loss))
  end
  -- Adjacent Linear sizes (through the activations and Dropout, which keep
  -- the size): a mismatch is found here, not at the first forward.
  local gives, from
  for i, m in ipairs(modules) do
    local mi, n = linear_sizes(m)
    if mi then
      if gives and gives ~= mi then
        fail('nn.Sequential', 'module %d %s takes %d inputs but module %d %s gives %d', i,
          tostring(m), mi, from, tostring(modules[from]), gives)
      end
      gives, from = n, i
    elseif not keeps_size(m) then
      gives = nil
    end
  end
  return setmetatable({modules = modules, loss = loss}, Sequential)
end

-- The fused pair at the end of the net, if any: SoftMax + NLLM or
-- Sigmoid + NLL, both the C ones (netview names the layers the same way).
local fused = require('nnlab.netview').fused

-- Forward through every module.  Also returns the input of the last module
-- (the logits Z for the fused losses); kinks, when given, collects the
-- inputs of the C ReLU, LeakyReLU and Step modules (for gradcheck).
local function run_forward(net, X, kinks)
  local mods = net.modules
  local Z = X
  for i = 1, #mods do
    local m = mods[i]
    Z = X
    if kinks then
      local k = kind(m)
      if k == 'ReLU' or k == 'LeakyReLU' or k == 'Step' then kinks[#kinks + 1] = X end
    end
    X = m:forward(X)
  end
  return X, Z
end

-- The loss at Ypred = A, from the logits Z when the pair is fused; also
-- returns dL/dZ in the fused case.
local function run_loss(net, A, Z, Y)
  if fused(net) then
    return net.loss:forward_logits(Z, Y)
  end
  return net.loss:forward(A, Y)
end

function Sequential:forward(X)
  checkself(self, 'forward')
  check_io(self, 'forward', X)
  return (run_forward(self, X))
end

-- net:backward(delta): delta is dL/d(output of the last module); returns
-- dL/dX.  This is the plain chain rule through every module.
function Sequential:backward(delta)
  checkself(self, 'backward')
  local mods = self.modules
  for i = #mods, 1, -1 do delta = mods[i]:backward(delta) end
  return delta
end

-- The loss of the net on X, Y (forward and loss, no gradients), and the
-- net's output.
function Sequential:evaluate(X, Y)
  checkself(self, 'evaluate')
  check_io(self, 'evaluate', X, Y)
  local A, Z = run_forward(self, X)
  return (run_loss(self, A, Z, Y)), A
end

-- Forward, loss and backward on X, Y: every module's gradients are set.
-- Returns the loss.  With SoftMax + NLLM or Sigmoid + NLL at the end, the
-- loss comes from the logits and dL/dZ (A - Y for one-hot Y; for NLLM
-- A * colsum(Y) - Y in general) goes straight to the module
-- below the activation; otherwise loss:backward() goes through every module.
function Sequential:backprop(X, Y)
  checkself(self, 'backprop')
  check_io(self, 'backprop', X, Y)
  local A, Z = run_forward(self, X)
  local loss, dLdZ = run_loss(self, A, Z, Y)
  local mods = self.modules
  if fused(self) then
    for i = #mods - 1, 1, -1 do dLdZ = mods[i]:backward(dLdZ) end
  else
    self:backward(self.loss:backward())
  end
  return loss
end

function Sequential:sgd_step(lr)
  checkself(self, 'sgd_step')
  for _, m in ipairs(self.modules) do
    if has_method(m, 'sgd_step') then m:sgd_step(lr) end
  end
end

function Sequential:zero_grad()
  checkself(self, 'zero_grad')
  for _, m in ipairs(self.modules) do
    if has_method(m, 'zero_grad') then m:zero_grad() end
  end
end

-- net:sgd(X, Y, iters, lr [, opts]): the homework's stochastic gradient
-- descent.  Each iteration picks one column i = matrix.randint(N) (numpy's
-- np.random.randint(N) + 1, the same stream), then backprop and sgd_step.
-- Returns the mean of the per-step losses.  fit's contract (train.lua, "The
-- same bits"): the whole loop runs in C (C._sgd) when it can, else the loop
-- below (the oracle) runs, never both; each draws i from core.train.order.
-- With opts.verbose, the reason C._sgd gave for declining goes to
-- opts.output (io.stdout).
local order = core.train.order

local function sgd_explain(opts)
  if type(opts) ~= 'table' then
    fail('sgd', 'opts must be a table, got %s', type(opts))
  end
  local unknown = util.unknown_option(opts, {'verbose', 'output'})
  if unknown then fail('sgd', '%s', unknown) end
  local v, out = opts.verbose, opts.output
  if v ~= nil and v ~= true and v ~= false and v ~= 0 and v ~= 1 and v ~= 2 then
    fail('sgd', 'verbose must be true, false, 0, 1 or 2, got %s', tostring(v))
  end
  if out ~= nil and not has_method(out, 'write') then
    fail('sgd', 'output must be a file or an object with a write method, got %s', type(out))
  end
  if not v or v == 0 then return nil end
  return out or (type(io) == 'table' and io.stdout or nil)  -- none in a sandbox
end

function Sequential:sgd(X, Y, iters, lr, opts)
  checkself(self, 'sgd')
  checkmatrix('sgd', 'X', X)
  checkmatrix('sgd', 'Y', Y)
  check_io(self, 'sgd', X, Y)
  local _, N = X:shape()
  local _, NY = Y:shape()
  if N ~= NY then
    fail('sgd', 'X is %s but Y is %s (need one column of Y per column of X)',
      shape(X), shape(Y))
  end
  if N == 0 then fail('sgd', 'X has no columns') end
  if math.type(iters) ~= 'integer' or iters < 0 then
    fail('sgd', 'iters must be a non-negative integer, got %s', tostring(iters))
  end
  if type(lr) ~= 'number' then
    fail('sgd', 'lr must be a number, got %s', type(lr))
  end
  local out = opts ~= nil and sgd_explain(opts) or nil
  local mean, why = C._sgd(self.modules, self.loss, X, Y, iters, lr)
  if mean then return mean end
  if out then
    out:write('sgd: running the Lua loop: ' .. why .. '\n')
    if out.flush then out:flush() end
  end
  local sum, idx = 0, {}
  for _ = 1, iters do
    local i = order('replace', N, 1, idx)[1]
    sum = sum + self:backprop(X:col(i), Y:col(i))
    self:sgd_step(lr)
  end
  return iters > 0 and sum / iters or 0
end

-- net:classify(X [, threshold]) -> 1 x b of 1-based class indices: the row
-- of the largest output in each column (the first, on ties).  A net with one
-- output row gives 2 where the output is >= threshold (default 0.5) and 1
-- elsewhere, matching one-hot labels {1-y, y}.
function Sequential:classify(X, threshold)
  checkself(self, 'classify')
  if threshold ~= nil and type(threshold) ~= 'number' then
    fail('classify', 'threshold must be a number, got %s', type(threshold))
  end
  check_io(self, 'classify', X)
  local A = self:forward(X)
  local r = A:shape()
  if r == 1 then
    threshold = threshold or 0.5
    return A:map(function(a)
      if a ~= a then return a end
      return a >= threshold and 2 or 1
    end)
  end
  return A:argmax(1)
end

-- net:parameters() -> list of {name, value, grad, module = index, layer = module}.
-- A module contributes what its parameters() returns or, for a Lua module
-- without one, its matrices W and W0 with gradients dLdW and dLdW0.
function Sequential:parameters()
  checkself(self, 'parameters')
  local out = {}
  for i, m in ipairs(self.modules) do
    local ps
    if has_method(m, 'parameters') then
      ps = m:parameters()
    elseif type(m) == 'table' then
      ps = {}
      for _, p in ipairs{{'W', 'dLdW'}, {'W0', 'dLdW0'}} do
        if matrix.is(m[p[1]]) then
          ps[#ps + 1] = {name = p[1], value = m[p[1]], grad = m[p[2]]}
        end
      end
    end
    for _, p in ipairs(ps or {}) do
      out[#out + 1] = {name = p.name, value = p.value, grad = p.grad, module = i, layer = m}
    end
  end
  return out
end

local function describe(m)
  local s = tostring(m)
  if s:match('^table: ') then s = '(Lua module)' end
  return s
end

function Sequential:__tostring()
  local lines = {fmt('Sequential: %d modules, loss %s', #self.modules, describe(self.loss))}
  for i, m in ipairs(self.modules) do
    local extra = ''
    local W, W0 = field(m, 'W'), field(m, 'W0')
    if not matrix.is(W0) then W0 = nil end
    if matrix.is(W) then
      local r, c = W:shape()
      extra = fmt('  %d -> %d   W %s', r, c, shape(W)) .. (W0 and ('  W0 ' .. shape(W0)) or '')
    end
    lines[#lines + 1] = fmt('  %d  %s%s', i, describe(m), extra)
  end
  local f = fused(self)
  if f then
    lines[#lines + 1] = fmt('  (%s + %s fused: the loss from the logits, dL/dZ = A - Y)',
      f, describe(self.loss))
  end
  return table.concat(lines, '\n')
end

---------------------------------------------------------------------------
-- Training (lua/nnlab/train.lua) and files (lua/nnlab/netfile.lua)

local train = require 'nnlab.train'
train.check_io = check_io
Sequential.fit = train.fit
Sequential.train = train.train
Sequential.eval = train.eval

-- net:explain(x, y [, l]): the backward chain of layer l at one point, as
-- the lecture writes it (lua/nnlab/explain.lua).
-- (loaded by its first call, not when the program starts)
function Sequential.explain(...) return require('nnlab.explain').explain(...) end
for _, name in ipairs{'fit', 'train', 'eval', 'explain'} do
  local method = Sequential[name]
  Sequential[name] = function(self, ...)
    checkself(self, name)
    return method(self, ...)
  end
end

-- nn.save(net, path [, optimizer]) and nn.load(path) -> net, optimizer:
-- the text format of the README's "Save and load".
local netfile = require 'nnlab.netfile'
netfile.nn = nn
nn.save, nn.load = netfile.save, netfile.load


---------------------------------------------------------------------------
-- Numerical derivatives

-- nn.jacobian(f, u [, h]): the Jacobian of f (a b x 1 matrix to a c x 1
-- matrix) at u by central differences, in the lecture's layout: b x c with
-- entry (j, k) = df_k/du_j.  h defaults to 1e-6.
function nn.jacobian(f, u, h)
  if not callable(f) then
    fail('jacobian', 'f must be a function, got %s', type(f))
  end
  checkmatrix('jacobian', 'u', u)
  h = h or 1e-6
  if type(h) ~= 'number' or not (h > 0) then
    fail('jacobian', 'h must be a positive number, got %s', tostring(h))
  end
  local b, uc = u:shape()
  if uc ~= 1 then fail('jacobian', 'u must be a column (b x 1), got %s', shape(u)) end
  local J
  local x = u:copy()
  for j = 1, b do
    local uj = u:get(j, 1)
    local up, um = uj + h, uj - h
    x:set(j, 1, up)
    local fp = f(x:copy())
    x:set(j, 1, um)
    local fm = f(x:copy())
    x:set(j, 1, uj)
    local both = {fp, fm}
    for k = 1, 2 do  -- (ipairs would stop at a nil fp)
      local v = both[k]
      if not matrix.is(v) then
        fail('jacobian', 'f must return a matrix, got %s', type(v))
      end
      local _, vc = v:shape()
      if vc ~= 1 then
        fail('jacobian', 'f must return a column (c x 1), got %s', shape(v))
      end
    end
    if shape(fp) ~= shape(fm) then
      fail('jacobian', 'f returned %s and then %s', shape(fp), shape(fm))
    end
    local c = fp:shape()
    J = J or matrix.zeros(b, c)
    if select(2, J:shape()) ~= c then
      fail('jacobian', 'f returned %d rows and then %d', select(2, J:shape()), c)
    end
    for k = 1, c do
      J:set(j, k, (fp:get(k, 1) - fm:get(k, 1)) / (up - um))
    end
  end
  if not J then  -- b == 0: the shape of f(u) still sets the columns
    local v = f(u:copy())
    if not matrix.is(v) then
      fail('jacobian', 'f must return a matrix, got %s', type(v))
    end
    J = matrix.zeros(0, (v:shape()))
  end
  return J
end

-- Did a central difference cross a kink?  The inputs of the C ReLU,
-- LeakyReLU and Step modules on the two sides have different signs somewhere.
local function crossed(kp, km)
  for i = 1, #kp do
    local a, b = kp[i], km[i]
    local r, c = a:shape()
    for p = 1, r do
      for q = 1, c do
        local x, y = a:get(p, q), b:get(p, q)
        if (x > 0) ~= (y > 0) or (x >= 0) ~= (y >= 0) then return true end
      end
    end
  end
  return false
end

local GRADCHECK = {h = 1e-6, rtol = 1e-5, atol = 1e-7, print = true}

-- nn.gradcheck(net, X, Y [, opts]): every parameter's gradient from backprop
-- against central differences of the loss.  An entry passes when
--   |a - n| <= atol + rtol * max(|a|, |n|)
-- (defaults rtol = 1e-5, atol = 1e-7 times max(1, |loss|); opts.h = 1e-6).
-- Entries whose difference crossed a kink of a ReLU, LeakyReLU or Step (an
-- input changed sign between loss(p + h) and loss(p - h)) are counted in
-- 'kinks' and not judged.  Prints a table (unless opts.print == false) and
-- returns {ok = bool, loss = ..., h, rtol, atol, [1..] = one row per
-- parameter: {name, shape, max_abs, max_rel, kinks, ok, worst = {i, j, analytic, numeric}}}.
function nn.gradcheck(net, X, Y, opts)
  if getmetatable(net) ~= Sequential then
    fail('gradcheck', 'net must be an nn.Sequential, got %s', tostring(net))
  end
  checkmatrix('gradcheck', 'X', X)
  checkmatrix('gradcheck', 'Y', Y)
  check_io(net, 'gradcheck', X, Y)
  if opts ~= nil and type(opts) ~= 'table' then
    fail('gradcheck', 'opts must be a table, got %s', type(opts))
  end
  opts = opts or {}
  local unknown = util.unknown_option(opts, {'h', 'rtol', 'atol', 'print'})
  if unknown then fail('gradcheck', '%s', unknown) end
  local o = {}
  for k, v in pairs(GRADCHECK) do
    if opts[k] == nil then o[k] = v else o[k] = opts[k] end
  end
  for _, k in ipairs{'h', 'rtol', 'atol'} do
    if type(o[k]) ~= 'number' or not (o[k] >= 0 and o[k] < math.huge) or (k == 'h' and o[k] == 0) then
      fail('gradcheck', 'opts.%s must be a %s number, got %s', k,
        k == 'h' and 'positive' or 'non-negative', tostring(o[k]))
    end
  end
  local loss = net:backprop(X, Y)
  local atol = o.atol * math.max(1, math.abs(loss))
  local function eval()
    local kinks = {}
    local A, Z = run_forward(net, X, kinks)
    return (run_loss(net, A, Z, Y)), kinks
  end
  local result = {loss = loss, h = o.h, rtol = o.rtol, atol = atol, ok = true}
  for _, p in ipairs(net:parameters()) do
    local V = p.value
    if not matrix.is(p.grad) then
      fail('gradcheck', 'module %d (%s) has no gradient for %s (run backward first?)',
        p.module, describe(p.layer), p.name)
    end
    local G = p.grad:copy()
    local r, c = V:shape()
    local row = {name = fmt('%d %s %s', p.module, describe(p.layer), p.name),
      shape = shape(V), max_abs = 0, max_rel = 0, kinks = 0, ok = true}
    for i = 1, r do
      for j = 1, c do
        local v = V:get(i, j)
        local vp, vm = v + o.h, v - o.h
        V:set(i, j, vp)
        local Lp, kp = eval()
        V:set(i, j, vm)
        local Lm, km = eval()
        V:set(i, j, v)
        local num = (Lp - Lm) / (vp - vm)
        local a = G:get(i, j)
        if crossed(kp, km) then
          row.kinks = row.kinks + 1
        else
          local err = math.abs(a - num)
          local scale = math.max(math.abs(a), math.abs(num))
          local rel = err / math.max(scale, 1e-300)
          if err ~= err then err, rel = math.huge, math.huge end  -- NaN fails
          local good = err <= atol + o.rtol * scale
          if err > row.max_abs or (not good and row.ok) then
            row.worst = {i = i, j = j, analytic = a, numeric = num}
          end
          row.max_abs = math.max(row.max_abs, err)
          row.max_rel = math.max(row.max_rel, rel)
          if not good then row.ok = false end
        end
      end
    end
    net:backprop(X, Y)  -- leave the gradients (and module state) as they were
    if not row.ok then result.ok = false end
    result[#result + 1] = row
  end
  if o.print then
    local out = {fmt('gradcheck: loss %.6g, h = %g; an entry passes if |a - n| <= %.3g + %g * max(|a|, |n|)',
      loss, o.h, atol, o.rtol)}
    local w = 9
    for _, row in ipairs(result) do w = math.max(w, #row.name) end
    out[#out + 1] = fmt('  %-' .. w .. 's  %-7s  %11s  %11s  %5s  %s', 'parameter', 'shape',
      'max abs err', 'max rel err', 'kinks', 'result')
    local anykink = false
    for _, row in ipairs(result) do
      out[#out + 1] = fmt('  %-' .. w .. 's  %-7s  %11.3e  %11.3e  %5d  %s', row.name, row.shape,
        row.max_abs, row.max_rel, row.kinks, row.ok and 'ok' or 'FAIL')
      if not row.ok and row.worst then
        local wt = row.worst
        out[#out + 1] = fmt('      worst at (%d, %d): analytic %.10g, numeric %.10g',
          wt.i, wt.j, wt.analytic, wt.numeric)
      end
      if row.kinks > 0 then anykink = true end
    end
    if anykink then
      out[#out + 1] = '  kinks: entries whose finite difference crossed a ReLU/LeakyReLU/Step kink'
        .. ' (an input is within h of 0 there); not judged'
    end
    out[#out + 1] = result.ok and 'gradcheck: ok' or 'gradcheck: FAILED'
    print(table.concat(out, '\n'))
  end
  return result
end

return nn
