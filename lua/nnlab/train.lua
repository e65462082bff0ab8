-- nnlab.train: Sequential:fit (mini-batch training with an optimizer,
-- metrics per epoch, validation, a callback, a progress display and clean
-- stopping on Ctrl-C) and the training / evaluation modes.  nnlab.nn
-- installs these as methods of Sequential.
local core = require 'nnlab.core'
local util = require 'nnlab.util'

local matrix, C, T = core.matrix, core.nn, core.train
local fmt = string.format

local M = {}
local caller_fail = util.failer('')

local field, callable, has_method, shape = util.field, util.callable, util.has_method,
  util.shapestr

---------------------------------------------------------------------------
-- Modes

-- net:train() / net:eval(): call train() / eval() on every module that has
-- it (nn.Dropout and modules written in Lua alike).  Return the net.
local function each_module(net, method)
  for _, m in ipairs(net.modules) do
    if has_method(m, method) then m[method](m) end
  end
  return net
end

function M.train(net) return each_module(net, 'train') end
function M.eval(net) return each_module(net, 'eval') end

---------------------------------------------------------------------------
-- Terminal detection, in one place: the isatty binding when the core has
-- one, else a shell's `test -t 1`, else $TERM.  M.isatty may be replaced.

function M.isatty()
  local io_ = core.io
  if type(io_) == 'table' and type(io_.isatty) == 'function' then
    return io_.isatty(1) and true or false
  end
  if type(os) ~= 'table' then return false end  -- a sandbox
  if os.execute then
    return os.execute('test -t 1') == true
  end
  local term = os.getenv and os.getenv('TERM')
  return term ~= nil and term ~= '' and term ~= 'dumb'
end

---------------------------------------------------------------------------
-- Metrics

-- The true class of every column of Y (a Lua list): the row of the column's
-- maximum for k >= 2 rows (one-hot labels), and for one row 2 where y > 0,
-- else 1 (so both 0/1 and -1/+1 labels work), as classify numbers classes.
-- (classes: the class of every column of M, a Lua list: one(x) of its
-- entry for one row, the row of its maximum for k >= 2 rows.)
local function classes(M, one)
  local r, n = M:shape()
  local out = {}
  if r == 1 then
    for j = 1, n do out[j] = one(M:get(1, j)) end
  else
    local am = M:argmax(1)
    for j = 1, n do out[j] = am:get(1, j) end
  end
  return out
end

local function true_classes(Y)
  return classes(Y, function(y) return y > 0 and 2 or 1 end)
end

-- Classes from the network's outputs A, as Sequential:classify gives them
-- (NaN: 0, counted wrong below).
local function predicted(A, threshold)
  return classes(A, function(a)
    if a ~= a then return 0 end
    return a >= threshold and 2 or 1
  end)
end

-- The loss per data point and, when classes is given, the fraction of
-- columns classified right, with the net as it is now (evaluation mode).
-- A big data set goes through in chunks of MEASURE columns, so that the
-- forward pass never holds activations for the whole set at once (they
-- would be several times the data's size).
--
-- The steps' contract (fit, "The same bits"): the chunks run in C
-- (_evaluate in src/lua/lnet.c) when it runs the net, which it declines for the
-- reasons it declines the steps, else in Lua (measure_lua, the oracle);
-- never both.  Each takes the chunks in order through the same kernels and
-- gives the sum of the chunks' losses and a 1 x n matrix of the classes
-- predicted, so the loss and the accuracy agree to the bit.
local MEASURE = 1024

local function measure_lua(net, X, Y, threshold, want)
  local _, n = X:shape()
  local loss, P = 0, want and matrix.zeros(1, n)
  local idx, Xc, Yc = {}, nil, nil
  for first = 1, n, MEASURE do
    local b = math.min(MEASURE, n - first + 1)
    local l, A
    if b == n then
      l, A = net:evaluate(X, Y)
    else
      if #idx ~= b then idx, Xc, Yc = {}, nil, nil end
      for k = 1, b do idx[k] = first + k - 1 end
      Xc, Yc = X:columns(idx, Xc), Y:columns(idx, Yc)
      l, A = net:evaluate(Xc, Yc)
    end
    loss = loss + l
    if want then
      local p = predicted(A, threshold)
      for k = 1, b do P:set(1, first + k - 1, p[k]) end
    end
  end
  return loss, P
end

local function measure(net, X, Y, classes, threshold, cache)
  local _, n = X:shape()
  local loss, P = C._evaluate(net.modules, net.loss, X, Y, threshold, MEASURE, cache)
  if not loss then loss, P = measure_lua(net, X, Y, threshold, classes ~= nil) end
  if not classes then return loss / n, nil end
  local right = 0
  for j = 1, n do
    if P:get(1, j) == classes[j] then right = right + 1 end
  end
  return loss / n, right / n
end

---------------------------------------------------------------------------
-- Progress display

local function clock_str(s)
  if s ~= s or s == math.huge then return '--:--' end
  s = math.floor(s + 0.5)
  if s >= 3600 then
    return fmt('%d:%02d:%02d', s // 3600, s // 60 % 60, s % 60)
  end
  return fmt('%d:%02d', s // 60, s % 60)
end

local function metrics_str(h, e, sep)
  local parts = {fmt('loss %.4g', h.loss[e])}
  if h.accuracy[e] then parts[#parts + 1] = fmt('acc %.1f%%', 100 * h.accuracy[e]) end
  if h.val_loss[e] then parts[#parts + 1] = fmt('val_loss %.4g', h.val_loss[e]) end
  if h.val_accuracy[e] then
    parts[#parts + 1] = fmt('val_acc %.1f%%', 100 * h.val_accuracy[e])
  end
  return table.concat(parts, sep)
end

-- mode: 'bar' (redrawn in place with \r), 'lines' (one line per epoch) or
-- nil (nothing).
-- The bar's metrics, short: "loss 0.1234 acc 95.0% val 0.2/90.0%".
local function short_metrics(h, e)
  local s = fmt('loss %.4g', h.loss[e])
  if h.accuracy[e] then s = s .. fmt(' acc %.1f%%', 100 * h.accuracy[e]) end
  if h.val_loss[e] then
    s = s .. fmt(' val %.4g', h.val_loss[e])
    if h.val_accuracy[e] then s = s .. fmt('/%.1f%%', 100 * h.val_accuracy[e]) end
  end
  return s
end

-- The width of the terminal: core.io.termsize, else $COLUMNS, else 80.
local function columns(std)
  local io_ = core.io
  if std and type(io_) == 'table' and io_.termsize then
    local c = io_.termsize(1)
    if c then return c end
  end
  local c = type(os) == 'table' and os.getenv and tonumber(os.getenv('COLUMNS'))
  return c and c >= 20 and c or 80
end

-- mode: 'bar' (redrawn in place with \r, within the terminal's width),
-- 'lines' (one line per epoch) or nil (nothing).
local function nothing() end
local QUIET = {step = nothing, epoch = nothing, finish = nothing, note = nothing}

local function new_progress(mode, out, epochs, total_steps, std)
  if not mode then return QUIET end
  local P = {last_draw = -math.huge, width = 0}
  local t0 = T.clock()
  local ew = #tostring(epochs)
  local cols = mode == 'bar' and columns(std) or 80

  local function draw(done, epoch, h, running)
    local now = T.clock()
    local frac = total_steps > 0 and done / total_steps or 1
    local elapsed = now - t0
    local rate = elapsed > 0 and done / elapsed or 0
    local left = frac > 0 and elapsed / frac * (1 - frac) or math.huge
    local what = ''
    if h.loss[#h.loss] then what = short_metrics(h, #h.loss)
    elseif running then what = fmt('loss %.4g', running) end
    local head = fmt('epoch %' .. ew .. 'd/%d ', epoch, epochs)
    local tail = fmt(' %3d%% %s  %s steps/s  %s', math.floor(frac * 100 + 1e-9), what,
      rate >= 100 and fmt('%.0f', rate) or fmt('%.3g', rate),
      frac < 1 and clock_str(left) .. ' left' or 'in ' .. clock_str(elapsed))
    -- the bar takes what is left of the line, 10 to 30 characters
    local barw = math.max(10, math.min(30, cols - 1 - #head - #tail - 2))
    local filled = math.floor(frac * barw + 1e-9)
    local bar = string.rep('=', filled) .. (filled < barw and '>' or '')
      .. string.rep(' ', barw - filled - 1)
    local line = head .. '[' .. bar .. ']' .. tail
    if #line > cols - 1 then line = line:sub(1, cols - 1) end
    local pad = math.max(0, P.width - #line)
    out:write('\r' .. line .. string.rep(' ', pad))
    if out.flush then out:flush() end
    P.width = #line
    P.last_draw = now
  end

  function P.step(done, epoch, h, running)
    if mode == 'bar' and T.clock() - P.last_draw >= 0.1 then draw(done, epoch, h, running) end
  end

  function P.epoch(done, epoch, h)
    if mode == 'bar' then
      if epoch == epochs or T.clock() - P.last_draw >= 0.1 then draw(done, epoch, h) end
    else
      out:write(fmt('epoch %' .. ew .. 'd/%d  %s  (%s)\n', epoch, epochs,
        metrics_str(h, epoch, '  '), clock_str(T.clock() - t0)))
      if out.flush then out:flush() end
    end
  end

  -- a line of its own (above the bar, which its next step draws again)
  function P.note(line)
    if mode == 'bar' and P.width > 0 then out:write('\n') end
    P.width = 0
    out:write(line .. '\n')
    if out.flush then out:flush() end
  end

  function P.finish(h, done, epoch)
    if mode == 'bar' then
      if epoch > 0 then draw(done, epoch, h) end  -- the state it ends in
      if P.width > 0 then out:write('\n') end
    end
    if h.stopped == 'interrupted' then
      out:write(fmt('fit: interrupted in epoch %d after %d steps; the net keeps the weights of the last step\n',
        epoch, done))
    end
    if out.flush then out:flush() end
  end
  return P
end

---------------------------------------------------------------------------
-- fit

local OPTIONS = {
  'epochs', 'iters', 'batch', 'shuffle', 'lr', 'optimizer', 'weight_decay', 'seed',
  'validation', 'callback', 'verbose', 'accuracy', 'threshold', 'output', 'tty',
}

local OPTIMIZERS = {sgd = 'SGD', momentum = 'Momentum', adadelta = 'Adadelta', adam = 'Adam'}

-- Errors in the options are raised as {message} and reported at the caller
-- of fit.
local function fail(msg, ...)
  error({fmt(msg, ...)}, 0)
end

local function check_count(o, name)
  local v = o[name]
  if v ~= nil and (math.type(v) ~= 'integer' or v < 0) then
    fail('%s must be a non-negative integer, got %s', name, tostring(v))
  end
  return v
end

local function check_xy(X, Y, what)
  if not matrix.is(X) then fail('%s must be a matrix, got %s', what[1], type(X)) end
  if not matrix.is(Y) then fail('%s must be a matrix, got %s', what[2], type(Y)) end
  local _, n = X:shape()
  local _, ny = Y:shape()
  if n ~= ny then
    fail('%s is %s but %s is %s (need one column of %s per column of %s)',
      what[1], shape(X), what[2], shape(Y), what[2], what[1])
  end
  if n == 0 then fail('%s has no columns', what[1]) end
  if Y:shape() == 0 then fail('%s has no rows', what[2]) end
  return n
end

-- The optimizer fit uses: opts.optimizer itself when it is an object (with
-- a step method), else a new one by name ('sgd' by default) with opts.lr and
-- opts.weight_decay.
local function make_optimizer(o)
  local opt = o.optimizer
  if opt == nil or type(opt) == 'string' then
    local name = OPTIMIZERS[(opt or 'sgd'):lower()]
    if not name then
      fail("unknown optimizer '%s' (use 'sgd', 'momentum', 'adadelta', 'adam', or an optimizer such as nn.Adam{lr = 0.01})",
        opt)
    end
    local args = {}
    if o.lr ~= nil then
      if type(o.lr) ~= 'number' then fail('lr must be a number, got %s', type(o.lr)) end
      args.lr = o.lr
    end
    if o.weight_decay ~= nil then
      if type(o.weight_decay) ~= 'number' then
        fail('weight_decay must be a number, got %s', type(o.weight_decay))
      end
      args.weight_decay = o.weight_decay
    end
    local ok, made = pcall(C[name], args)
    if not ok then fail('%s', tostring(made):gsub('^[^:]*:%d+: ', '')) end
    return made
  end
  if not has_method(opt, 'step') then
    fail('optimizer must be a name or an optimizer with a step method, got %s', tostring(opt))
  end
  if o.lr ~= nil or o.weight_decay ~= nil then
    fail('lr and weight_decay belong to the optimizer given (e.g. nn.Adam{lr = 0.01, weight_decay = 1e-4}), not to fit')
  end
  return opt
end

-- The checked options of fit, with the defaults filled in.
local function configure(net, X, Y, opts)
  opts = opts or {}
  if type(opts) ~= 'table' then fail('opts must be a table, got %s', type(opts)) end
  local unknown = util.unknown_option(opts, OPTIONS)
  if unknown then fail('%s', unknown) end
  local N = check_xy(X, Y, {'X', 'Y'})
  local epochs, iters = check_count(opts, 'epochs'), check_count(opts, 'iters')
  if epochs and iters then fail('give epochs or iters, not both') end
  local batch = opts.batch or 1
  if math.type(batch) ~= 'integer' or batch < 1 then
    fail('batch must be a positive integer, got %s', tostring(batch))
  end
  batch = math.min(batch, N)
  local steps_per_epoch = (N + batch - 1) // batch
  local total_steps
  if iters then
    total_steps = iters
    epochs = (iters + steps_per_epoch - 1) // steps_per_epoch
  else
    epochs = epochs or 1
    total_steps = epochs * steps_per_epoch
  end
  local shuffle = opts.shuffle
  if shuffle == nil then
    if batch == 1 then shuffle = 'replace' elseif batch == N then shuffle = false else shuffle = true end
  end
  if shuffle ~= true and shuffle ~= false and shuffle ~= 'replace' then
    fail("shuffle must be true, false or 'replace', got %s", tostring(shuffle))
  end
  local Xv, Yv
  if opts.validation ~= nil then
    local v = opts.validation
    if type(v) ~= 'table' then
      fail('validation must be a table {Xv, Yv}, got %s', type(v))
    end
    Xv, Yv = v[1], v[2]
    check_xy(Xv, Yv, {'validation[1]', 'validation[2]'})
    if (Xv:shape()) ~= (X:shape()) then
      fail('validation[1] is %s but X is %s (need the same rows)', shape(Xv), shape(X))
    end
    if (Yv:shape()) ~= (Y:shape()) then
      fail('validation[2] is %s but Y is %s (need the same rows)', shape(Yv), shape(Y))
    end
  end
  local callback = opts.callback
  if callback ~= nil and not callable(callback) then
    fail('callback must be a function, got %s', type(callback))
  end
  local want_acc = opts.accuracy
  if want_acc == nil then
    local k = C.kind(net.loss)
    want_acc = k == 'NLL' or k == 'NLLM' or k == 'Hinge'
  end
  local threshold = opts.threshold
  if threshold == nil then threshold = C.kind(net.loss) == 'Hinge' and 0 or 0.5 end
  if type(threshold) ~= 'number' then
    fail('threshold must be a number, got %s', type(threshold))
  end
  local verbose = opts.verbose
  if verbose ~= nil and verbose ~= true and verbose ~= false and verbose ~= 0
    and verbose ~= 1 and verbose ~= 2 then
    fail('verbose must be true, false, 0, 1 or 2, got %s', tostring(verbose))
  end
  local out = opts.output
  if out ~= nil and not has_method(out, 'write') then
    fail('output must be a file or an object with a write method, got %s', type(out))
  end
  if opts.tty ~= nil and type(opts.tty) ~= 'boolean' then
    fail('tty must be true or false, got %s', tostring(opts.tty))
  end
  local std = out == nil
  if std then out = type(io) == 'table' and io.stdout or nil end  -- none in a sandbox
  local mode  -- 'bar', 'lines' or nil (nothing)
  if out ~= nil and verbose ~= false and verbose ~= 0 then
    if verbose == 2 then
      mode = 'lines'
    else  -- nil (the default), 1 or true: look at the terminal
      local tty = opts.tty
      if tty == nil then tty = std and M.isatty() end
      if tty then mode = 'bar' elseif verbose ~= nil then mode = 'lines' end
    end
  end
  local opt = make_optimizer(opts)
  local seed = opts.seed
  if seed ~= nil then  -- last, so that a bad option leaves the stream alone
    if math.type(seed) ~= 'integer' or seed < 0 or seed > 0xffffffff then
      fail('seed must be an integer between 0 and 2^32 - 1, got %s', tostring(seed))
    end
    matrix.seed(seed)
  end
  return {N = N, epochs = epochs, total_steps = total_steps, batch = batch,
    steps_per_epoch = steps_per_epoch, shuffle = shuffle, Xv = Xv, Yv = Yv,
    callback = callback, want_acc = want_acc, threshold = threshold, mode = mode,
    out = out, std = std, opt = opt, explain = mode ~= nil and verbose ~= nil}
end

-- net:fit(X, Y [, opts]) -> history.  See the README, "Reference: training".
function M.fit(net, X, Y, opts)
  -- X and Y against the net's sizes (nnlab.nn sets check_io), outside the
  -- pcall so that the error names the caller's line
  -- (Y without rows is configure's to report)
  if M.check_io and matrix.is(Y) and Y:shape() > 0 then M.check_io(net, 'fit', X, Y) end
  local ok, cfg = pcall(configure, net, X, Y, opts)
  if not ok then
    if type(cfg) == 'table' and type(rawget(cfg, 1)) == 'string' then  -- ours (fail)
      caller_fail('fit', '%s', cfg[1])
    end
    error(cfg, 0)
  end
  local N, epochs, total_steps, batch = cfg.N, cfg.epochs, cfg.total_steps, cfg.batch
  local steps_per_epoch, shuffle, Xv, Yv = cfg.steps_per_epoch, cfg.shuffle, cfg.Xv, cfg.Yv
  local callback, threshold, opt = cfg.callback, cfg.threshold, cfg.opt
  local want_acc = cfg.want_acc
  net.optimizer = opt

  local classes = want_acc and true_classes(Y)
  local vclasses = want_acc and Xv and true_classes(Yv)
  local history = {loss = {}, accuracy = {}, val_loss = {}, val_accuracy = {},
    epochs = 0, steps = 0, optimizer = opt}
  local progress = new_progress(cfg.mode, cfg.out, epochs, total_steps, cfg.std)
  local idx = {}  -- the batch order (T.order)
  -- The C modules keep their matrices for life, so their parameter list can
  -- be taken once; a module written in Lua may replace its matrices (a new
  -- dLdW every backward), so then the list is taken again every step.
  local params = net:parameters()
  for _, m in ipairs(net.modules) do
    if C.kind(m) == nil then params = nil end
  end
  local epoch = 0
  local Xb, Yb  -- reused while the batch size stays the same
  -- The C loops' buffers, kept from epoch to epoch (one for the validation
  -- data, whose measure needs buffers of its own size).
  local cache, vcache = C._cache(), Xv and C._cache()

  -- The epoch's steps in C, after _fit_begin set them up.
  local function c_steps(e, nsteps, tally)
    local done = 0
    while done < nsteps do
      local k, lsum, lseen = C._fit_run(cache, done, nsteps)
      done, history.steps = done + k, history.steps + k
      tally.seen, tally.sum = tally.seen + lseen, tally.sum + lsum
      T.poll()
      if k == 0 then break end
      progress.step(history.steps, e, history, tally.sum / tally.seen)
    end
  end

  -- The epoch's steps in Lua, for nets the C loop does not run.
  local function lua_steps(e, nsteps, tally)
    if shuffle ~= 'replace' then T.order(shuffle, N, N, idx) end
    for s = 1, nsteps do
      local first, b
      if shuffle == 'replace' then
        b, first = batch, 1
        T.order(shuffle, N, b, idx)
      else
        first = (s - 1) * batch + 1
        b = math.min(batch, N - first + 1)
      end
      if not Xb or select(2, Xb:shape()) ~= b then Xb, Yb = nil, nil end
      Xb = T.gather(X, idx, first, b, Xb)
      Yb = T.gather(Y, idx, first, b, Yb)
      local loss = net:backprop(Xb, Yb)
      T.poll()
      opt:step(params or net:parameters(), b == 1 and 1 or 1 / b)
      history.steps = history.steps + 1
      tally.seen, tally.sum = tally.seen + b, tally.sum + loss
      progress.step(history.steps, e, history, tally.sum / tally.seen)
    end
  end

  local function run()
    for e = 1, epochs do
      epoch = e
      net:train()
      local nsteps = math.min(steps_per_epoch, total_steps - history.steps)
      local tally = {seen = 0, sum = 0}
      -- The same bits.  An epoch runs in C (src/lua/lnet.c) when every module
      -- is a C one and the optimizer too, else in Lua (lua_steps above, the
      -- oracle tests/perf_spec.lua holds the C loop to), never both.  Both
      -- take their batch order from T.order (net_order in src/core/net.h), run
      -- the same kernels in the same order and update with the same scale
      -- 1/b, so the weights, history and optimizer state agree to the bit;
      -- the C loop returns to Lua about ten times a second for Ctrl-C and
      -- the progress display.  When it declines it says why: the reason is
      -- kept as history.lua_loop and shown with an explicit verbose.
      -- Sequential:sgd (nn.lua) and measure follow the same rule.
      local job, why = C._fit_begin(net.modules, net.loss, X, Y, opt, batch, shuffle, cache)
      if job then
        c_steps(e, nsteps, tally)
      else
        if cfg.explain and why ~= history.lua_loop then
          progress.note('fit: running the Lua loop: ' .. why)
        end
        history.lua_loop = why
        lua_steps(e, nsteps, tally)
      end
      net:eval()
      local l, a = measure(net, X, Y, classes, threshold, cache)
      history.loss[e], history.accuracy[e] = l, a
      if Xv then
        history.val_loss[e], history.val_accuracy[e] = measure(net, Xv, Yv, vclasses, threshold, vcache)
      end
      history.epochs = e
      progress.epoch(history.steps, e, history)
      if callback and callback(e, history, net) == false then
        history.stopped = 'callback'
        return
      end
    end
  end

  local t0 = T.clock()
  local err, interrupted
  ok, err, interrupted = T.protect(run)
  net:eval()
  history.seconds = T.clock() - t0
  if not ok then
    if not interrupted then error(err, 0) end
    history.stopped = 'interrupted'
  end
  progress.finish(history, history.steps, epoch)
  return history
end

return M
