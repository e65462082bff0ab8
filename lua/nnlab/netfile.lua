-- nnlab.netfile: nn.save and nn.load, a network (architecture, parameters
-- and optimizer state) as a versioned text file.  The file is read by the
-- parser below, never run as Lua.  The format is in the README ("Save and
-- load"); in short:
--
--   nnlab network 1                 header: magic words and format version
--   # comment lines and blank lines are ignored anywhere
--   modules 3                       the number of modules, then each one:
--   Linear 2 3                        Linear m n, then its matrices:
--   W 2 3                               a name and a shape line, then one
--   0.5 -1.25 3                         line of numbers per row
--   2 0 1e-05
--   W0 3 1
--   ...
--   Tanh                              activations: Step Sigmoid Tanh ReLU
--   ...                               Identity SoftMax, LeakyReLU alpha;
--                                     Dropout p train|eval
--   loss NLLM                       the loss (ZeroOne threshold,
--                                     Asymmetric c_fp c_fn threshold)
--   optimizer Adam                  optional: the kind, then one line per
--   lr 0.001                          hyperparameter in a fixed order, then
--   ...                               steps, then the state of each
--   steps 10                          parameter that has one:
--   state 1 10                          state <parameter> <t>, and its
--   m 2 3                               matrices (M; G; m and v)
--   ...
--   end                             the last line: a file without it is cut
--
-- Numbers are written with up to 17 significant digits, so they read back
-- to the same doubles (inf, -inf and nan are written as such).
local core = require 'nnlab.core'
local util = require 'nnlab.util'

local matrix, C, T = core.matrix, core.nn, core.train
local fmt = string.format

local M = {}  -- M.nn is set by nnlab.nn (for Sequential)

local VERSION = 1
local MAGIC = 'nnlab network'

local ACTIVATIONS = {Step = true, Sigmoid = true, Tanh = true, ReLU = true,
  Identity = true, SoftMax = true}
local LOSSES = {Squared = 0, NLL = 0, NLLM = 0, Hinge = 0, ZeroOne = 1, Asymmetric = 3}
local HYPER = {
  SGD = {'lr', 'weight_decay'},
  Momentum = {'lr', 'gamma', 'weight_decay'},
  Adadelta = {'lr', 'gamma', 'eps', 'weight_decay'},
  Adam = {'lr', 'beta1', 'beta2', 'eps', 'weight_decay'},
}
local STATE = {SGD = {}, Momentum = {'M'}, Adadelta = {'G'}, Adam = {'m', 'v'}}

-- The shortest of %.15g, %.16g, %.17g that reads back as x (%.17g always
-- does), so 0.1 is written 0.1.
local function num(x)
  if x ~= x then return 'nan' end
  if x == math.huge then return 'inf' end
  if x == -math.huge then return '-inf' end
  local s = fmt('%.15g', x)
  if tonumber(s) == x then return s end
  s = fmt('%.16g', x)
  if tonumber(s) == x then return s end
  return fmt('%.17g', x)
end

local shape = util.shapestr

---------------------------------------------------------------------------
-- save

local function put_matrix(out, name, m)
  local r, c = m:shape()
  out[#out + 1] = fmt('%s %d %d', name, r, c)
  local row = {}
  for i = 1, r do
    for j = 1, c do row[j] = num(m:get(i, j)) end
    out[#out + 1] = table.concat(row, ' ', 1, c)
  end
end

-- Errors of save are raised as {message} and reported at the caller of
-- nn.save.
local function save_error(msg, ...)
  error({fmt(msg, ...)}, 0)
end

-- The file's text, as a list of lines; errors for what cannot be saved.
local function serialize(net, opt)
  if type(net) ~= 'table' or type(net.modules) ~= 'table' or net.loss == nil then
    save_error('net must be an nn.Sequential, got %s', tostring(net))
  end
  local out = {fmt('%s %d', MAGIC, VERSION),
    fmt('# nnlab %s, nn.save: a text file read by nn.load (see the README, "Save and load")',
      core.version)}
  out[#out + 1] = fmt('modules %d', #net.modules)
  for i, m in ipairs(net.modules) do
    local k = C.kind(m)
    if k == 'Linear' then
      out[#out + 1] = fmt('Linear %d %d', m.m, m.n)
      put_matrix(out, 'W', m.W)
      put_matrix(out, 'W0', m.W0)
    elseif ACTIVATIONS[k] then
      out[#out + 1] = k
    elseif k == 'LeakyReLU' then
      out[#out + 1] = 'LeakyReLU ' .. num(m.alpha)
    elseif k == 'Dropout' then
      out[#out + 1] = fmt('Dropout %s %s', num(m.p), m.training and 'train' or 'eval')
    else
      save_error('module %d (%s) cannot be saved: only nnlab\'s own modules can (Linear, the activations, Dropout)',
        i, tostring(m):match('^table: ') and 'a Lua module' or tostring(m))
    end
  end
  local lk = C.kind(net.loss)
  if lk == nil or LOSSES[lk] == nil then
    save_error('the loss (%s) cannot be saved: only nnlab\'s own losses can',
      tostring(net.loss):match('^table: ') and 'a Lua table' or tostring(net.loss))
  end
  local line = 'loss ' .. lk
  if lk == 'ZeroOne' then line = line .. ' ' .. num(net.loss.threshold) end
  if lk == 'Asymmetric' then
    line = fmt('%s %s %s %s', line, num(net.loss.c_fp), num(net.loss.c_fn),
      num(net.loss.threshold))
  end
  out[#out + 1] = line
  if opt ~= nil then
    local ok = HYPER[C.kind(opt)]
    if not ok then
      save_error('the optimizer (%s) cannot be saved: only nn.SGD, nn.Momentum, nn.Adadelta and nn.Adam can',
        tostring(opt):match('^table: ') and 'a Lua table' or tostring(opt))
    end
    local ok_kind = C.kind(opt)
    out[#out + 1] = 'optimizer ' .. ok_kind
    for _, h in ipairs(HYPER[ok_kind]) do out[#out + 1] = h .. ' ' .. num(opt[h]) end
    out[#out + 1] = fmt('steps %d', opt.steps)
    for i, p in ipairs(net:parameters()) do
      local st = opt:state(p.value)
      if st ~= nil then
        if math.type(st.t) ~= 'integer' or st.t < 0 then
          save_error('the optimizer state of parameter %d has t = %s', i, tostring(st.t))
        end
        out[#out + 1] = fmt('state %d %d', i, st.t)
        for _, sn in ipairs(STATE[ok_kind]) do
          local S = st[sn]
          if not matrix.is(S) or shape(S) ~= shape(p.value) then
            save_error('the optimizer state of parameter %d has %s %s, expected a %s matrix',
              i, sn, matrix.is(S) and shape(S) or type(S), shape(p.value))
          end
          put_matrix(out, sn, S)
        end
      end
    end
  end
  out[#out + 1] = 'end'
  out[#out + 1] = ''
  return table.concat(out, '\n')
end

-- The whole text goes to a temporary file beside path, which is flushed,
-- synced and renamed over path (core.io.writefile): path is always either
-- the old file or the whole new one.
local function write_file(path, text)
  local ok, err = pcall(core.io.writefile, path, text)
  if not ok then
    save_error('%s (the file is unchanged)', (tostring(err):gsub('^[^:\n]*:%d+: ', '')))
  end
end

function M.save(net, path, opt)
  if type(path) ~= 'string' then
    error(fmt('nn.save: path must be a string, got %s', type(path)), 2)
  end
  if type(io) ~= 'table' then  -- a sandbox: no files
    error('nn.save: files cannot be written here (no io library)', 2)
  end
  if opt == nil and type(net) == 'table' then opt = rawget(net, 'optimizer') end
  local ok, err = pcall(function() write_file(path, serialize(net, opt)) end)
  if not ok then
    if type(err) == 'table' and type(rawget(err, 1)) == 'string' then  -- ours (save_error)
      error('nn.save: ' .. err[1], 2)
    end
    error(err, 0)
  end
  return true
end

---------------------------------------------------------------------------
-- load

-- Strict decimal numbers as %.17g writes them, and inf / nan.
local function tonum(s)
  if s:match('^[-+]?%d+%.?%d*$') or s:match('^[-+]?%d*%.%d+$')
    or s:match('^[-+]?%d+%.?%d*[eE][-+]?%d+$') or s:match('^[-+]?%d*%.%d+[eE][-+]?%d+$') then
    local v = tonumber(s) + 0.0
    if v == 0 and s:sub(1, 1) == '-' then v = -0.0 end
    return v
  end
  local l = s:lower()
  if l == 'inf' or l == '+inf' then return math.huge end
  if l == '-inf' then return -math.huge end
  if l == 'nan' or l == '+nan' or l == '-nan' then return 0 / 0 end
end

local function toint(s)
  if s and s:match('^%d+$') then return math.tointeger(tonumber(s)) end
end

-- A line for messages: at most 40 characters, non-printing ones escaped.
local function show(s)
  if #s > 40 then s = s:sub(1, 40) .. '...' end
  return "'" .. s:gsub('[%c\128-\255]', function(c) return fmt('\\%d', c:byte()) end) .. "'"
end

-- The reader: the significant lines (not blank, not comments) one by one.
local function reader(text, path)
  local lines = {}
  if text ~= '' then
    for l in (text .. '\n'):gmatch('([^\n]*)\n') do
      lines[#lines + 1] = (l:gsub('\r$', ''))
    end
    if text:sub(-1) == '\n' then lines[#lines] = nil end
  end
  local R = {i = 0, n = #lines}
  function R.fail(msg, ...)
    error({fmt('%s:%d: %s', path, math.max(R.i, 1), fmt(msg, ...))}, 0)
  end
  -- the next significant line, split into words; what: what is expected
  function R.next(what)
    while R.i < R.n do
      R.i = R.i + 1
      local l = lines[R.i]
      if l:match('%S') and not l:match('^%s*#') then
        local w = {}
        for x in l:gmatch('%S+') do w[#w + 1] = x end
        R.line = l
        return w
      end
    end
    R.i = R.n
    error({fmt('%s: the file ends after line %d, expected %s (the file is cut short)',
      path, R.n, what)}, 0)
  end
  -- the next line, which must be `key value...` with count values
  function R.expect(key, count, what)
    local w = R.next(what)
    if w[1] ~= key or #w ~= count + 1 then R.fail('expected %s, got %s', what, show(R.line)) end
    return w
  end
  function R.number(s, what)
    local v = tonum(s)
    if v == nil then R.fail('%s: %s is not a number', what, show(s)) end
    return v
  end
  -- a matrix: "name r c" (r, c as expected) and r rows of c numbers
  function R.matrix(name, r, c, owner)
    local what = fmt("'%s %d %d' (%s of %s)", name, r, c, name, owner)
    local w = R.expect(name, 2, what)
    local fr, fc = toint(w[2]), toint(w[3])
    if fr ~= r or fc ~= c then
      R.fail('%s of %s must be %dx%d, got %s', name, owner, r, c, show(R.line))
    end
    local rows = {}
    for i = 1, r do
      local row = R.next(fmt('row %d of %s of %s', i, name, owner))
      if #row ~= c then
        R.fail('row %d of %s of %s: expected %d numbers, got %d', i, name, owner, c, #row)
      end
      for j = 1, c do
        row[j] = R.number(row[j], fmt('row %d of %s of %s', i, name, owner))
      end
      rows[i] = row
    end
    return matrix(rows)
  end
  return R
end

local MODULE_NAMES = 'Linear, Step, Sigmoid, Tanh, ReLU, LeakyReLU, Identity, SoftMax, Dropout'

local function parse(text, path)
  local R = reader(text, path)
  local nn = M.nn
  if text:find('\0', 1, true) then
    R.i = 1
    R.fail('not an nnlab network file (binary data)')
  end
  local w = R.next(fmt("'%s %d'", MAGIC, VERSION))
  if R.i ~= 1 or w[1] ~= 'nnlab' or w[2] ~= 'network' or #w ~= 3 then
    R.fail("not an nnlab network file (expected '%s %d', got %s)", MAGIC, VERSION, show(R.line))
  end
  local v = toint(w[3])
  if v == nil then R.fail('bad format version %s', show(w[3])) end
  if v > VERSION then
    R.fail('format version %d is newer than this nnlab reads (version %d)', v, VERSION)
  end
  if v < 1 then R.fail('bad format version %d', v) end
  w = R.expect('modules', 1, "'modules <count>'")
  local count = toint(w[2])
  if count == nil then R.fail("expected 'modules <count>', got %s", show(R.line)) end
  local modules = {}
  for i = 1, count do
    w = R.next(fmt('module %d of %d (%s)', i, count, MODULE_NAMES))
    local k = w[1]
    local m
    if k == 'Linear' then
      local a, b = toint(w[2]), toint(w[3])
      if #w ~= 3 or not a or not b or a < 1 or b < 1 then
        R.fail('module %d: expected \'Linear <m> <n>\' with positive sizes, got %s', i, show(R.line))
      end
      local owner = fmt('module %d, Linear(%d, %d)', i, a, b)
      local W = R.matrix('W', a, b, owner)
      local W0 = R.matrix('W0', b, 1, owner)
      m = nn.Linear(a, b)
      m.W, m.W0 = W, W0
    elseif ACTIVATIONS[k] then
      if #w ~= 1 then R.fail('module %d: %s takes no arguments, got %s', i, k, show(R.line)) end
      m = nn[k]()
    elseif k == 'LeakyReLU' then
      if #w ~= 2 then R.fail('module %d: expected \'LeakyReLU <alpha>\', got %s', i, show(R.line)) end
      m = nn.LeakyReLU(R.number(w[2], fmt('module %d: alpha', i)))
    elseif k == 'Dropout' then
      if #w ~= 3 or (w[3] ~= 'train' and w[3] ~= 'eval') then
        R.fail('module %d: expected \'Dropout <p> train|eval\', got %s', i, show(R.line))
      end
      local p = R.number(w[2], fmt('module %d: p', i))
      if not (p >= 0 and p < 1) then R.fail('module %d: Dropout p must be in [0, 1), got %s', i, w[2]) end
      m = nn.Dropout(p)
      if w[3] == 'eval' then m:eval() end
    else
      R.fail('module %d: unknown module %s (expected %s)', i, show(k), MODULE_NAMES)
    end
    modules[i] = m
  end
  w = R.next("'loss <kind>'")
  local lk = w[2]
  if w[1] ~= 'loss' or lk == nil or LOSSES[lk] == nil or #w ~= 2 + LOSSES[lk] then
    local hint = lk and LOSSES[lk] and fmt(' (%s takes %d numbers)', lk, LOSSES[lk]) or ''
    R.fail("expected 'loss <kind>' with kind Squared, NLL, NLLM, Hinge, ZeroOne or Asymmetric, got %s%s",
      show(R.line), hint)
  end
  local args = {}
  for j = 3, #w do args[#args + 1] = R.number(w[j], 'loss') end
  local loss = nn[lk](table.unpack(args))
  local net = nn.Sequential(modules, loss)
  w = R.next("'optimizer <kind>' or 'end'")
  local opt
  if w[1] == 'optimizer' then
    local ok = w[2]
    if #w ~= 2 or not HYPER[ok] then
      R.fail("expected 'optimizer <kind>' with kind SGD, Momentum, Adadelta or Adam, got %s", show(R.line))
    end
    local h = {}
    for _, name in ipairs(HYPER[ok]) do
      local hw = R.expect(name, 1, fmt("'%s <number>' (of %s)", name, ok))
      h[name] = R.number(hw[2], name)
      local good, e = pcall(nn[ok], {[name] = h[name]})  -- its range, on its line
      if not good then R.fail('%s', (tostring(e):gsub('^[^:]*:%d+: ', ''))) end
    end
    opt = nn[ok](h)
    local sw = R.expect('steps', 1, "'steps <count>'")
    local steps = toint(sw[2])
    if not steps then R.fail("expected 'steps <count>', got %s", show(R.line)) end
    opt.steps = steps
    local params = net:parameters()
    local seen = {}
    w = R.next("'state <parameter> <t>' or 'end'")
    while w[1] == 'state' do
      local pi, t = toint(w[2]), toint(w[3])
      if #w ~= 3 or not pi or not t then
        R.fail("expected 'state <parameter> <t>', got %s", show(R.line))
      end
      local p = params[pi]
      if not p then
        R.fail('state of parameter %d, but the net has %d parameters', pi, #params)
      end
      if seen[pi] then R.fail('a second state for parameter %d', pi) end
      seen[pi] = true
      local st = {t = t}
      local r, c = p.value:shape()
      for _, sn in ipairs(STATE[ok]) do
        st[sn] = R.matrix(sn, r, c, fmt('the state of parameter %d (%s of module %d)',
          pi, p.name, p.module))
      end
      opt:state(p.value, st)
      w = R.next("'state <parameter> <t>' or 'end'")
    end
    net.optimizer = opt
  end
  if w[1] ~= 'end' or #w ~= 1 then
    R.fail("expected 'end', got %s", show(R.line))
  end
  local more, e = pcall(R.next, '')
  if more then R.fail("unexpected text after 'end': %s", show(R.line)) end
  if type(e) ~= 'table' then error(e, 0) end  -- not the end of the file: out of memory
  return net, opt
end

-- nn.load(path) -> net, optimizer (nil when the file has none; also kept as
-- net.optimizer).  Building the layers does not draw from the random stream.
-- opts: max_bytes (the most bytes read, default core.io.max_bytes, 256
-- MiB), any_file (true: read a FIFO or a device too), as matrix.load's.
function M.load(path, opts)
  if type(path) ~= 'string' then
    error(fmt('nn.load: path must be a string, got %s', type(path)), 2)
  end
  if type(io) ~= 'table' then
    error('nn.load: files cannot be read here (no io library)', 2)
  end
  -- read bounded, stopping at Ctrl-C, a regular file only unless asked
  local okread, text = pcall(core.io.readfile, path, opts)
  if not okread then error('nn.load: ' .. tostring(text), 2) end
  local rng = T.rngstate()
  local ok, net, opt = pcall(parse, text, path)
  T.setrngstate(rng)
  if not ok then
    if type(net) == 'table' then error('nn.load: ' .. net[1], 2) end
    error(net, 0)
  end
  return net, opt
end

return M
