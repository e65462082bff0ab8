-- nn.save and nn.load: exact round trips of every module, loss and
-- optimizer, training continued after a load, the documented format, every
-- kind of bad file, and saves that never leave a half-written file.
local U = require 'nn_util'
local matrix, nn = U.matrix, U.nn

local dir
setup(function()
  dir = os.tmpname()
  os.remove(dir)
  assert(os.execute('mkdir ' .. H.quote(dir)))
end)
teardown(function()
  os.execute('rm -rf ' .. H.quote(dir))
end)

local function path(name) return dir .. '/' .. name end

-- A new empty directory under dir, for the tests that list files.
local nfresh = 0
local function fresh()
  nfresh = nfresh + 1
  local d = dir .. '/fresh' .. nfresh
  assert(os.execute('mkdir ' .. H.quote(d)))
  return d
end

local function write(name, text)
  return H.write(path(name), text)
end

local files = H.ls

-- Bitwise: same doubles, the sign of zero included, NaN where NaN.
local function identical(a, b, what)
  assert.are.equal(U.shape(a), U.shape(b))
  local r, c = a:shape()
  for i = 1, r do
    for j = 1, c do
      local x, y = a:get(i, j), b:get(i, j)
      local same = (x ~= x and y ~= y) or (x == y and 1 / x == 1 / y)
      if not same then
        error(string.format('%s (%d, %d): %.17g became %.17g', what, i, j, x, y), 2)
      end
    end
  end
end

local function same_params(a, b)
  local pa, pb = a:parameters(), b:parameters()
  assert.are.equal(#pa, #pb)
  for i = 1, #pa do identical(pa[i].value, pb[i].value, 'parameter ' .. i) end
end

local X, Y = U.load_data('hard')

local function hard_net(seed, extra)
  matrix.seed(seed or 0)
  local mods = {nn.Linear(2, 8), nn.Tanh()}
  for _, m in ipairs(extra and extra() or {}) do mods[#mods + 1] = m end
  mods[#mods + 1] = nn.Linear(8, 2)
  mods[#mods + 1] = nn.SoftMax()
  return nn.Sequential(mods, nn.NLLM())
end

describe('nn.save / nn.load round trip', function()
  it('gives the same weights, bit for bit, and the same predictions', function()
    local net = hard_net(1)
    net:fit(X, Y, {epochs = 20, batch = 4, optimizer = 'adam', lr = 0.01, verbose = false})
    -- awkward values: -0, subnormal, huge, tiny, inf, NaN, many digits
    local W = net.modules[1].W
    W:set(1, 1, -0.0):set(1, 2, 4.9e-324):set(1, 3, 1.7976931348623157e308)
    W:set(1, 4, -2.2250738585072014e-308):set(2, 1, 1 / 3):set(2, 2, 0.1 + 0.2)
    net.modules[1].W0 = matrix.col{math.huge, -math.huge, 0 / 0, 1e-300, -1e300, 7, -0.0, 123456789.123}
    local p = path('net.nn')
    assert.is_true(nn.save(net, p))
    local back = nn.load(p)
    same_params(net, back)
    assert.are.equal(tostring(net), tostring(back))
    -- predictions, on weights without the planted inf / NaN
    local good = hard_net(2)
    good:fit(X, Y, {epochs = 5, verbose = false})
    nn.save(good, p)
    local g2 = nn.load(p)
    identical(good:forward(X), g2:forward(X), 'prediction')
    assert.is_true(good:classify(X) == g2:classify(X))
  end)

  it('keeps every module, loss and their settings', function()
    matrix.seed(3)
    local mods = {nn.Linear(3, 4), nn.Step(), nn.Linear(4, 4), nn.Sigmoid(), nn.Linear(4, 4),
      nn.Tanh(), nn.Dropout(0.3), nn.Linear(4, 4), nn.ReLU(), nn.LeakyReLU(0.07),
      nn.Dropout(0.1):eval(), nn.Identity(), nn.Linear(4, 3), nn.SoftMax()}
    local losses = {nn.Squared(), nn.NLL(), nn.NLLM(), nn.Hinge(), nn.ZeroOne(), nn.ZeroOne(0.25),
      nn.Asymmetric(1, 5), nn.Asymmetric(2, 3, 0.1)}
    for _, loss in ipairs(losses) do
      local net = nn.Sequential(mods, loss)
      local p = path('all.nn')
      nn.save(net, p)
      local back = nn.load(p)
      assert.are.equal(tostring(net), tostring(back))
      assert.are.equal(#mods, #back.modules)
      for i, m in ipairs(mods) do
        assert.are.equal(nn.kind(m), nn.kind(back.modules[i]))
      end
      assert.are.equal(0.07, back.modules[10].alpha)
      assert.are.equal(0.3, back.modules[7].p)
      assert.is_true(back.modules[7].training)
      assert.is_false(back.modules[11].training)
      assert.are.equal(loss.threshold, back.loss.threshold)
      assert.are.equal(loss.c_fp, back.loss.c_fp)
      assert.are.equal(loss.c_fn, back.loss.c_fn)
      same_params(net, back)
    end
  end)

  it('does not draw from the random stream', function()
    local net = hard_net(4)
    nn.save(net, path('r.nn'))
    matrix.seed(77)
    nn.load(path('r.nn'))
    local r = matrix.rand(1, 3)
    matrix.seed(77)
    assert.is_true(matrix.rand(1, 3) == r)
  end)

  for _, kind in ipairs{'SGD', 'Momentum', 'Adadelta', 'Adam'} do
    it('restores ' .. kind .. '\'s state: training on after a load is the same as never stopping', function()
      local o = {lr = 0.02, weight_decay = 1e-3}
      local drop = function() return {nn.Dropout(0.2), nn.Linear(8, 8), nn.ReLU()} end
      -- one run of 12 epochs
      local a = hard_net(5, drop)
      a:fit(X, Y, {epochs = 12, batch = 3, seed = 9, optimizer = nn[kind](o), verbose = false})
      -- 5 epochs, save, load, 7 more with the loaded optimizer
      local b = hard_net(5, drop)
      b:fit(X, Y, {epochs = 5, batch = 3, seed = 9, optimizer = nn[kind](o), verbose = false})
      nn.save(b, path('opt.nn'))
      local c, opt = nn.load(path('opt.nn'))
      assert.are.equal(kind, nn.kind(opt))
      assert.are.equal(opt, c.optimizer)
      assert.are.equal(35, opt.steps)
      c:fit(X, Y, {epochs = 7, batch = 3, optimizer = opt, verbose = false})
      same_params(a, c)
      for i, p in ipairs(a:parameters()) do
        local sa, sc = a.optimizer:state(p.value), opt:state(c:parameters()[i].value)
        assert.are.equal(sa.t, sc.t)
        for _, k in ipairs{'M', 'G', 'm', 'v'} do
          if sa[k] then identical(sa[k], sc[k], k) end
        end
      end
    end)
  end

  it('saves the optimizer given instead of net.optimizer, and none when there is none', function()
    local net = hard_net()
    nn.save(net, path('plain.nn'))
    local back, opt = nn.load(path('plain.nn'))
    assert.is_nil(opt)
    assert.is_nil(back.optimizer)
    nn.save(net, path('given.nn'), nn.Momentum{lr = 0.5, gamma = 0.25})
    back, opt = nn.load(path('given.nn'))
    assert.are.equal(opt, back.optimizer)
    assert.are.equal('Momentum(lr = 0.5, gamma = 0.25)', tostring(opt))
    assert.are.equal(0, opt.steps)
  end)
end)

describe('the file format', function()
  it('is the documented text, numbers in up to 17 digits', function()
    matrix.seed(0)
    local l = nn.Linear(2, 1)
    l.W = matrix{{0.1}, {-2.5}}
    l.W0 = matrix{{1e-20}}
    local net = nn.Sequential({l, nn.Sigmoid()}, nn.NLL())
    local opt = nn.Momentum{lr = 0.5}
    opt:state(l.W, {t = 3, M = matrix{{1 / 3}, {0}}})
    opt.steps = 3
    nn.save(net, path('doc.nn'), opt)
    local lines = {}
    for line in io.lines(path('doc.nn')) do lines[#lines + 1] = line end
    assert.are.equal('nnlab network 1', lines[1])
    assert.truthy(lines[2]:match('^# '))
    table.remove(lines, 2)
    assert.are.same({'nnlab network 1', 'modules 2', 'Linear 2 1', 'W 2 1', '0.1', '-2.5',
      'W0 1 1', '1e-20', 'Sigmoid', 'loss NLL', 'optimizer Momentum', 'lr 0.5', 'gamma 0.9',
      'weight_decay 0', 'steps 3', 'state 1 3', 'M 2 1', '0.3333333333333333', '0', 'end'}, lines)
  end)

  it('is read by a parser, not run: Lua in the file is an error, never executed', function()
    _G.NNLAB_PWNED = nil
    local p = write('lua.nn', 'NNLAB_PWNED = true\nreturn {}\n')
    local e = U.err(nn.load, p)
    assert.truthy(e:find("not an nnlab network file (expected 'nnlab network 1', got 'NNLAB_PWNED = true')", 1, true), e)
    assert.is_nil(_G.NNLAB_PWNED)
  end)

  it('accepts comments, blank lines and CRLF line ends', function()
    local p = write('crlf.nn', table.concat({'nnlab network 1', '# hello', '', 'modules 1',
      '  # a comment', 'Linear 1 1', 'W 1 1', '  2.5  ', 'W0 1 1', '-1', 'loss Squared', 'end', ''}, '\r\n'))
    local net = nn.load(p)
    assert.are.equal(2.5, net.modules[1].W:get(1, 1))
    assert.are.equal(-1, net.modules[1].W0:get(1, 1))
  end)
end)

describe('nn.load errors', function()
  local good = table.concat({
    'nnlab network 1',         -- 1
    'modules 3',               -- 2
    'Linear 2 3',              -- 3
    'W 2 3',                   -- 4
    '1 2 3',                   -- 5
    '4 5 6',                   -- 6
    'W0 3 1',                  -- 7
    '0.5',                     -- 8
    '-0.5',                    -- 9
    '1e-3',                    -- 10
    'Tanh',                    -- 11
    'Dropout 0.5 eval',        -- 12
    'loss Squared',            -- 13
    'optimizer Adam',          -- 14
    'lr 0.001',                -- 15
    'beta1 0.9',               -- 16
    'beta2 0.999',             -- 17
    'eps 1e-08',               -- 18
    'weight_decay 0',          -- 19
    'steps 2',                 -- 20
    'state 2 2',               -- 21
    'm 3 1',                   -- 22
    '1', '2', '3',             -- 23-25
    'v 3 1',                   -- 26
    '4', '5', '6',             -- 27-29
    'end',                     -- 30
  }, '\n') .. '\n'

  -- good with line n replaced (or removed, when by is false)
  local function edit(n, by)
    local lines = {}
    for l in good:gmatch('([^\n]*)\n') do lines[#lines + 1] = l end
    if by then lines[n] = by else table.remove(lines, n) end
    return table.concat(lines, '\n') .. '\n'
  end

  local function load_error(text)
    local p = write('bad.nn', text)
    return U.err(nn.load, p):gsub('^[^:\n]+:%d+: ', ''):gsub(p, 'FILE', 1, true), p
  end

  it('the good file loads', function()
    local net, opt = nn.load(write('good.nn', good))
    assert.are.equal(3, #net.modules)
    assert.are.equal(2, opt:state(net.modules[1].W0).t)
  end)

  local cases = {
    {'', 'nn.load: FILE: the file ends after line 0, expected \'nnlab network 1\' (the file is cut short)'},
    {'\137PNG\r\n\26\n\0\0\0\rIHDR', 'nn.load: FILE:1: not an nnlab network file (binary data)'},
    {'{"layers": []}\n', 'nn.load: FILE:1: not an nnlab network file (expected \'nnlab network 1\', got \'{"layers": []}\')'},
    {edit(1, 'nnlab network 2'), 'nn.load: FILE:1: format version 2 is newer than this nnlab reads (version 1)'},
    {edit(1, 'nnlab network one'), 'nn.load: FILE:1: bad format version \'one\''},
    {edit(1, 'nnlab network 0'), 'nn.load: FILE:1: bad format version 0'},
    {edit(2, 'modules three'), 'nn.load: FILE:2: expected \'modules <count>\', got \'modules three\''},
    {edit(3, 'Conv 2 3'), 'nn.load: FILE:3: module 1: unknown module \'Conv\' (expected Linear, Step, Sigmoid, Tanh, ReLU, LeakyReLU, Identity, SoftMax, Dropout)'},
    {edit(3, 'Linear 2 -3'), 'nn.load: FILE:3: module 1: expected \'Linear <m> <n>\' with positive sizes, got \'Linear 2 -3\''},
    {edit(4, 'W 3 3'), 'nn.load: FILE:4: W of module 1, Linear(2, 3) must be 2x3, got \'W 3 3\''},
    {edit(4, 'W0 2 3'), 'nn.load: FILE:4: expected \'W 2 3\' (W of module 1, Linear(2, 3)), got \'W0 2 3\''},
    {edit(5, '1 2'), 'nn.load: FILE:5: row 1 of W of module 1, Linear(2, 3): expected 3 numbers, got 2'},
    {edit(6, '4 5 6 7'), 'nn.load: FILE:6: row 2 of W of module 1, Linear(2, 3): expected 3 numbers, got 4'},
    {edit(6, '4 five 6'), 'nn.load: FILE:6: row 2 of W of module 1, Linear(2, 3): \'five\' is not a number'},
    {edit(6, '4 0x10 6'), 'nn.load: FILE:6: row 2 of W of module 1, Linear(2, 3): \'0x10\' is not a number'},
    {edit(6, '4 1.2.3 6'), 'nn.load: FILE:6: row 2 of W of module 1, Linear(2, 3): \'1.2.3\' is not a number'},
    {edit(6, '4 1e 6'), 'nn.load: FILE:6: row 2 of W of module 1, Linear(2, 3): \'1e\' is not a number'},
    {edit(9, '-0.5\0'), 'nn.load: FILE:1: not an nnlab network file (binary data)'},
    {edit(7, 'W0 1 3'), 'nn.load: FILE:7: W0 of module 1, Linear(2, 3) must be 3x1, got \'W0 1 3\''},
    {edit(11, 'Tanh 2'), 'nn.load: FILE:11: module 2: Tanh takes no arguments, got \'Tanh 2\''},
    {edit(12, 'Dropout 1.5 eval'), 'nn.load: FILE:12: module 3: Dropout p must be in [0, 1), got 1.5'},
    {edit(12, 'Dropout 0.5 sometimes'), 'nn.load: FILE:12: module 3: expected \'Dropout <p> train|eval\', got \'Dropout 0.5 sometimes\''},
    {edit(13, 'loss Cosine'), 'nn.load: FILE:13: expected \'loss <kind>\' with kind Squared, NLL, NLLM, Hinge, ZeroOne or Asymmetric, got \'loss Cosine\''},
    {edit(13, 'loss Asymmetric 1'), 'nn.load: FILE:13: expected \'loss <kind>\' with kind Squared, NLL, NLLM, Hinge, ZeroOne or Asymmetric, got \'loss Asymmetric 1\' (Asymmetric takes 3 numbers)'},
    {edit(13, 'Linear 3 3'), 'nn.load: FILE:13: expected \'loss <kind>\' with kind Squared, NLL, NLLM, Hinge, ZeroOne or Asymmetric, got \'Linear 3 3\''},
    {edit(14, 'optimizer RMSprop'), 'nn.load: FILE:14: expected \'optimizer <kind>\' with kind SGD, Momentum, Adadelta or Adam, got \'optimizer RMSprop\''},
    {edit(16, 'beta1 2'), 'nn.load: FILE:16: Adam: beta1 must be in [0, 1), got 2'},
    {edit(16, 'gamma 0.9'), 'nn.load: FILE:16: expected \'beta1 <number>\' (of Adam), got \'gamma 0.9\''},
    {edit(17, 'beta2 nine'), 'nn.load: FILE:17: beta2: \'nine\' is not a number'},
    {edit(20, 'steps -1'), 'nn.load: FILE:20: expected \'steps <count>\', got \'steps -1\''},
    {edit(21, 'state 9 2'), 'nn.load: FILE:21: state of parameter 9, but the net has 2 parameters'},
    {edit(21, 'state 2 2.5'), 'nn.load: FILE:21: expected \'state <parameter> <t>\', got \'state 2 2.5\''},
    {edit(22, 'm 1 3'), 'nn.load: FILE:22: m of the state of parameter 2 (W0 of module 1) must be 3x1, got \'m 1 3\''},
    {edit(30, 'state 2 2'), 'nn.load: FILE:30: a second state for parameter 2'},
    {edit(30, 'the end'), 'nn.load: FILE:30: expected \'end\', got \'the end\''},
    {good .. 'more\n', 'nn.load: FILE:31: unexpected text after \'end\': \'more\''},
    {edit(30, false), 'nn.load: FILE: the file ends after line 29, expected \'state <parameter> <t>\' or \'end\' (the file is cut short)'},
  }
  for _, c in ipairs(cases) do
    it(c[2], function()
      assert.are.equal(c[2], (load_error(c[1])))
    end)
  end

  it('every file cut short is an error naming where', function()
    local n = 0
    for len = 0, #good - 2 do  -- everything up to "end" without its last letter
      local text = good:sub(1, len)
      local p = write('cut.nn', text)
      local ok, e = pcall(nn.load, p)
      if ok then error('a file cut to ' .. len .. ' bytes loaded:\n' .. text) end
      e = tostring(e)
      assert.truthy(e:find('nn.load: ' .. p .. ':%d+: ') or e:find('the file ends after line %d+'), e)
      n = n + 1
    end
    assert.are.equal(#good - 1, n)
  end)

  it('names a missing file and bad arguments', function()
    U.fails_with("nn.load: cannot open '" .. path('nope.nn') .. "': No such file or directory",
      function() nn.load(path('nope.nn')) end)
    U.fails_with('nn.load: path must be a string, got nil', function() nn.load() end)
  end)
end)

describe('nn.save', function()
  it('replaces the file only when the new one is complete: a failed save leaves the old one', function()
    local d = fresh()
    local p = d .. '/keep.nn'
    local net = hard_net(1)
    nn.save(net, p)
    local old = H.slurp(p)
    -- cannot be saved: a module written in Lua
    local lua_net = nn.Sequential({net.modules[1], {forward = function(_, a) return a end,
      backward = function(_, g) return g end}}, nn.Squared())
    U.fails_with('nn.save: module 2 (a Lua module) cannot be saved: only nnlab\'s own modules can (Linear, the activations, Dropout)',
      function() nn.save(lua_net, p) end)
    assert.are.equal(old, H.slurp(p))
    -- the rename fails: a directory is in the way
    os.execute('mkdir ' .. H.quote(d .. '/adir'))
    U.fails_with("nn.save: cannot write '" .. d .. "/adir': Is a directory (the file is unchanged)",
      function() nn.save(net, d .. '/adir') end)
    assert.are.same({'adir', 'keep.nn'}, files(d))
    -- a good save replaces the file whole
    local other = hard_net(2)
    nn.save(other, p)
    same_params(other, nn.load(p))
    assert.are.same({'adir', 'keep.nn'}, files(d))
  end)

  it('leaves the old file when the disk fills up in the middle of writing', function()
    local d = fresh()
    local p = d .. '/full.nn'
    matrix.seed(1)
    nn.save(nn.Sequential({nn.Linear(2, 2)}, nn.Squared()), p)
    local old = H.slurp(p)
    -- a file size limit of a few blocks; SIGXFSZ ignored so that write fails
    local script = string.format([[
      local nnlab = require 'nnlab'
      local net = nnlab.nn.Sequential({nnlab.nn.Linear(40, 40)}, nnlab.nn.Squared())
      local ok, e = pcall(nnlab.nn.save, net, %q)
      io.write(tostring(ok), '\n', tostring(e), '\n')
    ]], p)
    local out, err = H.sh("trap '' XFSZ; ulimit -f 8; exec lua5.4 -e " .. H.quote(script))
    assert.are.equal("false\nnn.save: cannot write '" .. p .. "': File too large (the file is unchanged)\n",
      out, err)
    assert.are.equal(old, H.slurp(p))
    assert.are.same({'full.nn'}, files(d))
    -- killed by the limit instead: the old file is still whole
    local _, _, status = H.sh('ulimit -f 8; exec lua5.4 -e ' .. H.quote(script))
    assert.are_not.equal(0, status)
    assert.are.equal(old, H.slurp(p))
    assert.truthy(nn.load(p))
  end)

  it('reports what cannot be saved, and writes nothing then', function()
    local d = fresh()
    local net = hard_net()
    U.fails_with('nn.save: path must be a string, got nil', function() nn.save(net) end)
    U.fails_with('nn.save: net must be an nn.Sequential, got 42', function() nn.save(42, d .. '/x') end)
    U.fails_with('nn.save: the loss (a Lua table) cannot be saved: only nnlab\'s own losses can',
      function() nn.save(nn.Sequential({nn.Linear(1, 1)}, {forward = function() return 0 end}), d .. '/x') end)
    U.fails_with('nn.save: the optimizer (a Lua table) cannot be saved: only nn.SGD, nn.Momentum, nn.Adadelta and nn.Adam can',
      function() nn.save(net, d .. '/x', {step = function() end}) end)
    U.fails_with("nn.save: cannot write '" .. d .. "/no/such/x': No such file or directory (the file is unchanged)",
      function() nn.save(net, d .. '/no/such/x') end)
    assert.are.same({}, files(d))
  end)
end)
