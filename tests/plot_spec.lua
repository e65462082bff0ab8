-- Plots: the ASCII fallback cell by cell for known data (axes, ticks,
-- legends, where points land, the shading of a known classifier's regions),
-- Unicode and colour only when asked for or on a terminal, and SVG files that
-- are well-formed and hold the data.
local nnlab = require 'nnlab'
local matrix, plot = nnlab.matrix, nnlab.plot

local ASCII = { style = 'ascii', color = false }

local function with(opts, more)
  local t = {}
  for k, v in pairs(opts) do t[k] = v end
  for k, v in pairs(more or {}) do t[k] = v end
  return t
end

local function lines(s)
  local t = {}
  for l in (s .. '\n'):gmatch('(.-)\n') do t[#t + 1] = l end
  return t
end

local err = H.err_at('plot_spec.lua')

-- The plot area of an ASCII plot: the axis row is the one that starts (after
-- blanks) with the corner '+' followed by '-' and '+'; the rows above it with
-- '|' or '+' in the corner's column are the plot rows.  Returns a table with
-- the corner column, the first plot row, the area's size and cell(r, c)
-- (0-based within the area).
local function area(text)
  local ls = lines(text)
  for i, l in ipairs(ls) do
    local pad = l:match('^(%s*)%+[-+]+$')
    if pad then
      local cc = #pad + 1
      local top = i
      while top > 1 and ls[top - 1]:sub(cc, cc):match('[|+]') do top = top - 1 end
      local a = { lines = ls, axisrow = i, corner = cc, top = top, hp = i - top, wp = #l - cc }
      function a.cell(r, c)
        local s = ls[top + r]:sub(cc + 1 + c, cc + 1 + c)
        return s == '' and ' ' or s
      end
      return a
    end
  end
  error('no axis in:\n' .. text)
end

-- Render with sizes adjusted until the plot area is wp x hp cells.
local function sized(f, wp, hp, opts)
  local width, height = 40, 16
  for _ = 1, 8 do
    local text = f(with(opts, { width = width, height = height }))
    local a = area(text)
    if a.wp == wp and a.hp == hp then return text, a end
    width, height = width + wp - a.wp, height + hp - a.hp
  end
  error('could not size the plot')
end

describe('ASCII plots', function()
  it('put each point in the cell whose centre is nearest, with its class symbol', function()
    local X = matrix { { 0, 10, 3, 7, 5 }, { 0, 5, 2, 4, 5 } }
    local labels = { 0, 1, 0, 1, 1 }
    local text, a = sized(function(o) return tostring(plot.scatter(X, labels, o)) end, 11, 6,
      with(ASCII, { xlim = { 0, 10 }, ylim = { 0, 5 } }))
    -- with 11 x 6 cells over [0, 10] x [0, 5], x = k is column k and y = k is row 5 - k
    local want = { [5 * 100 + 0] = 'o', [0 * 100 + 10] = 'x', [3 * 100 + 3] = 'o', [1 * 100 + 7] = 'x',
      [0 * 100 + 5] = 'x' }
    for r = 0, 5 do
      for c = 0, 10 do
        assert.are.equal(want[r * 100 + c] or ' ', a.cell(r, c),
          string.format('cell (%d, %d) of\n%s', r, c, text))
      end
    end
    assert.is_nil(text:find('\27', 1, true))
    assert.is_nil(text:find('[\128-\255]'), 'not plain ASCII')
  end)

  it('draw axes with tick marks and labels at the tick values', function()
    local X = matrix { { 0, 10 }, { 0, 5 } }
    local text, a = sized(function(o) return tostring(plot.scatter(X, nil, o)) end, 11, 6,
      with(ASCII, { xlim = { 0, 10 }, ylim = { 0, 5 } }))
    local ls, cc = a.lines, a.corner
    -- y ticks 5, 2.5, 0 at rows 0, round(2.5) = 3 and 5
    local function ylabel(r) return ls[a.top + r]:sub(1, cc) end
    assert.are.equal('5.0+', ylabel(0):match('%S+$'))
    assert.are.equal('2.5+', ylabel(3):match('%S+$'))
    assert.are.equal('0.0+', ylabel(5):match('%S+$'))
    for _, r in ipairs{ 1, 2, 4 } do assert.are.equal('|', ylabel(r):sub(cc, cc)) end
    -- x ticks 0, 5, 10 at columns 0, 5, 10 of the area
    local axis = ls[a.axisrow]
    for c = 0, 10 do
      local want = (c == 0 or c == 5 or c == 10) and '+' or '-'
      assert.are.equal(want, axis:sub(cc + 1 + c, cc + 1 + c), 'axis column ' .. c .. ': ' .. axis)
    end
    local ticks = ls[a.axisrow + 1]
    assert.are.equal('0', ticks:sub(cc + 1, cc + 1))
    assert.are.equal('5', ticks:sub(cc + 6, cc + 6))
    assert.are.equal('10', ticks:sub(-2))
    assert.are.equal('x1', ls[a.axisrow + 2]:match('%S+'))
    assert.are.equal('x2', ls[a.top - 1]:match('%S+'))
    assert.is_truthy(text:find('%+%-%-%-%-%+'))
  end)

  it('show a legend with a symbol per class and the title', function()
    local X = matrix { { 0, 1, 2 }, { 0, 1, 0 } }
    local text = tostring(plot.scatter(X, matrix { { -1, 1, 1 } }, with(ASCII, { width = 50, height = 14, title = 'Lab 3' })))
    local ls = lines(text)
    assert.are.equal('Lab 3', ls[1]:match('^%s+(.-)%s*$'))
    assert.are.equal('o y=-1   x y=1', ls[#ls])
    -- one-hot labels are named by class index
    text = tostring(plot.scatter(X, matrix { { 1, 0, 0 }, { 0, 1, 1 } }, with(ASCII, { width = 50, height = 14 })))
    ls = lines(text)
    assert.are.equal('o class 1   x class 2', ls[#ls])
  end)

  it('draw a line through every cell between its points, and skip non-finite values', function()
    -- y = x on an 11 x 11 area: the diagonal, every cell of it
    local xs, ys = {}, {}
    for i = 0, 10 do xs[#xs + 1], ys[#ys + 1] = i, i end
    local text, a = sized(function(o) return tostring(plot.line(xs, ys, o)) end, 11, 11, ASCII)
    for r = 0, 10 do
      for c = 0, 10 do
        assert.are.equal(r + c == 10 and '*' or ' ', a.cell(r, c), text)
      end
    end
    -- nan and inf break the line; they draw nothing and break nothing
    local text2 = tostring(plot.line({ 1, 2, 3, 4, 5 }, { 1, 0 / 0, 3, math.huge, 5 }, with(ASCII, { width = 30, height = 10 })))
    local a2 = area(text2)
    local stars = 0
    for r = 0, a2.hp - 1 do
      for c = 0, a2.wp - 1 do
        if a2.cell(r, c) == '*' then stars = stars + 1 end
      end
    end
    assert.are.equal(3, stars)  -- the three finite points, unconnected
    assert.is_truthy(tostring(plot.line({ 0 / 0 }, { 0 / 0 }, with(ASCII, { width = 30, height = 10 }))):find('%+%-'))
  end)

  it('draw several series, each with its marker and name', function()
    local text = tostring(plot.line({ 1, 2, 3 }, matrix { { 1, 2, 3 }, { 3, 2, 1 } },
      with(ASCII, { width = 40, height = 12, names = { 'up', 'down' } })))
    local ls = lines(text)
    assert.are.equal('** up   ++ down', ls[#ls])
    assert.is_truthy(text:find('%*'))
    assert.is_truthy(text:find('\n |[^\n]*%+%+'), text)  -- the second series in the plot
  end)
end)

describe('plot.curve', function()
  local history = { loss = {}, accuracy = {}, val_loss = {}, val_accuracy = {} }
  for e = 1, 20 do
    history.loss[e] = 2 / e
    history.val_loss[e] = 2.5 / e
    history.accuracy[e] = 1 - 0.5 / e
    history.val_accuracy[e] = 0.9 - 0.5 / e
  end

  it('shows loss and accuracy in two panels, each key with its val_ twin', function()
    local text = tostring(plot.curve(history, with(ASCII, { width = 60, height = 30 })))
    local ls = lines(text)
    local titles, legends, axes = {}, {}, 0
    for _, l in ipairs(ls) do
      if l:match('^%s+loss$') or l:match('^%s+accuracy$') then titles[#titles + 1] = l:match('%S+') end
      if l:match('^%*%*') then legends[#legends + 1] = l end
      if l:match('^%s*%+[-+]+$') then axes = axes + 1 end
    end
    assert.are.same({ 'loss', 'accuracy' }, titles)
    assert.are.same({ '** loss   ++ val_loss', '** accuracy   ++ val_accuracy' }, legends)
    assert.are.equal(2, axes)
    assert.is_truthy(text:find('epoch'))
    assert.are.equal(30, #ls)
    for _, l in ipairs(ls) do assert.is_true(#l <= 60, l) end
    -- accuracy in [0, 1] gets the axis 0 .. 1
    assert.is_truthy(text:find('\n1%.0%+'))
  end)

  it('accepts a plain list of numbers, and chosen keys', function()
    local text = tostring(plot.curve({ 3, 2, 1.5, 1 }, with(ASCII, { width = 40, height = 12 })))
    assert.is_truthy(text:find('values'))
    text = tostring(plot.curve(history, with(ASCII, { width = 40, height = 14, keys = { 'loss' } })))
    assert.is_nil(text:find('accuracy'))
    assert.is_nil(text:find('val_loss'))
  end)

  it('checks what it is given', function()
    assert.are.equal('plot.curve: history has no lists of numbers (like loss = {...})',
      err(function() plot.curve({}) end))
    assert.are.equal('plot.curve: history has no "lr"',
      err(function() plot.curve(history, { keys = { 'lr' } }) end))
  end)
end)

describe('plot.boundary', function()
  -- A classifier known exactly: class 2 where x1 > 0, else class 1.
  local function make_net()
    local net = { calls = 0 }
    function net:classify(X)
      self.calls = self.calls + 1
      return X:row(1):map(function(x) return x > 0 and 2 or 1 end)
    end
    return net
  end
  local X = matrix { { -0.5, 0.5 }, { 0.5, -0.5 } }
  local labels = { 0, 1 }
  local lims = { xlim = { -1, 1 }, ylim = { -1, 1 } }

  it('shades each cell by the class at its centre, behind the points', function()
    local net = make_net()
    local text, a = sized(function(o) return tostring(plot.boundary(net, X, labels, o)) end, 21, 9,
      with(ASCII, lims))
    -- column c is centred at x = -1 + c / 10: c <= 10 is class 1 (blank), c > 10 class 2 ('.')
    for r = 0, 8 do
      for c = 0, 20 do
        local want = c > 10 and '.' or ' '
        if r == 2 and c == 5 then want = 'o' end   -- (-0.5, 0.5)
        if r == 6 and c == 15 then want = 'x' end  -- (0.5, -0.5)
        assert.are.equal(want, a.cell(r, c), string.format('cell (%d, %d) of\n%s', r, c, text))
      end
    end
    local ls = lines(text)
    assert.are.equal('o y=0 [ ]   x y=1 [.]', ls[#ls])
    assert.is_true(net.calls >= 1)
  end)

  it('asks the classifier once for the whole grid', function()
    local net = make_net()
    plot.boundary(net, X, labels, with(ASCII, { width = 50, height = 20 }))
    assert.are.equal(1, net.calls)
  end)

  it('works from forward() (one output: class 2 where >= 0.5; several: the largest) or a function', function()
    local one = { forward = function(_, G) return G:row(1) end }  -- class 2 where x1 >= 0.5
    local text, a = sized(function(o) return tostring(plot.boundary(one, X, labels, o)) end, 21, 9, with(ASCII, lims))
    for c = 0, 20 do
      local x = -1 + c / 10
      assert.are.equal(x >= 0.5 - 1e-12 and '.' or ' ', a.cell(0, c), text)
    end
    local two = { forward = function(_, G) return matrix { G:totable()[2], G:totable()[1] } end }  -- class 2 where x1 > x2
    text, a = sized(function(o) return tostring(plot.boundary(two, X, labels, o)) end, 21, 21, with(ASCII, lims))
    for r = 0, 20 do
      for c = 0, 20 do
        local x, y = -1 + c / 10, 1 - r / 10
        local want = x > y and '.' or ' '
        -- on the diagonal itself the classifier's rounding decides
        if a.cell(r, c) ~= 'o' and a.cell(r, c) ~= 'x' and math.abs(x - y) > 1e-9 then
          assert.are.equal(want, a.cell(r, c), text)
        end
      end
    end
    local f = function(G) return make_net():classify(G) end
    assert.are.equal(tostring(plot.boundary(make_net(), X, labels, with(ASCII, lims))),
      tostring(plot.boundary(f, X, labels, with(ASCII, lims))))
  end)

  it('shades a trained nn.Sequential by its classify, cell by cell', function()
    local nn = nnlab.nn
    local Xd, Yd = nnlab.data.xor_more()
    matrix.seed(0)
    local net = nn.Sequential({ nn.Linear(2, 8), nn.Tanh(), nn.Linear(8, 2), nn.SoftMax() }, nn.NLLM())
    net:sgd(Xd, Yd, 2000, 0.1)
    local text = tostring(plot.boundary(net, Xd, Yd, with(ASCII, { width = 50, height = 20, xlim = { 0, 3 }, ylim = { 0, 3 } })))
    local a = area(text)
    local shaded = { 0, 0 }
    for r = 0, a.hp - 1 do
      for c = 0, a.wp - 1 do
        local ch = a.cell(r, c)
        if ch ~= 'o' and ch ~= 'x' then
          -- the cell's centre, classified on its own
          local x, y = c * 3 / (a.wp - 1), 3 - r * 3 / (a.hp - 1)
          local k = net:classify(matrix.col { x, y }):get(1)
          assert.are.equal(k == 2 and '.' or ' ', ch, string.format('cell (%d, %d) of\n%s', r, c, text))
          shaded[k] = shaded[k] + 1
        end
      end
    end
    assert.is_true(shaded[1] > 0 and shaded[2] > 0, 'both classes have a region')
  end)

  it('colours regions as backgrounds, only when asked', function()
    local text = tostring(plot.boundary(make_net(), X, labels, with(lims, { style = 'ascii', color = true, width = 40, height = 14 })))
    local rows = 0
    for l in text:gmatch('[^\n]+') do
      local bgs = {}
      for code in l:gmatch('48;5;(%d+)') do bgs[#bgs + 1] = code end
      if #bgs > 0 then
        rows = rows + 1
        assert.are.equal('17', bgs[1])      -- class 1 on the left
        assert.are.equal('52', bgs[#bgs])   -- class 2 on the right
        local last
        for code in l:gmatch('\27%[([%d;]*)m') do last = code end
        assert.are.equal('0', last, 'colour must not run past the end of a line')
      end
    end
    assert.is_true(rows >= 8)
  end)

  it('says what is wrong with its arguments', function()
    assert.are.equal('plot.boundary: net must have a classify(X) or forward(X) method, or be a function of X, got number',
      err(function() plot.boundary(3, X, labels) end))
    assert.are.equal('plot.boundary: X must be 2 x n (one 2-D point per column), got 3x2',
      err(function() plot.boundary(make_net(), matrix.zeros(3, 2), labels) end))
    assert.are.equal('plot.boundary: X has 2 points but there are 3 labels',
      err(function() plot.boundary(make_net(), X, { 1, 2, 3 }) end))
    assert.are.equal('plot.boundary: the classifier returned 0.5; expected class indices 1, 2, ...',
      err(function() plot.boundary(function(G) return G:row(1):map(function() return 0.5 end) end, X, labels, ASCII) end))
    assert.are.equal('plot.boundary: a width of 6 columns is too small for this plot (need at least 9)',
      err(function() plot.boundary(make_net(), X, labels, with(ASCII, { width = 6, height = 20 })) end))
  end)
end)

describe('Unicode and colour', function()
  local xs, ys = {}, {}
  for i = 1, 30 do xs[i], ys[i] = i, math.sin(i / 4) end

  it('braille lines and box-drawing axes, without escapes unless asked', function()
    local text = tostring(plot.line(xs, ys, { style = 'unicode', color = false, width = 50, height = 14 }))
    assert.is_nil(text:find('\27', 1, true))
    local braille = 0
    for _, code in utf8.codes(text) do
      if code >= 0x2800 and code <= 0x28FF then braille = braille + 1 end
    end
    assert.is_true(braille > 20)
    assert.is_truthy(text:find('└', 1, true) and text:find('│', 1, true) and text:find('┤', 1, true))
    for l in text:gmatch('[^\n]+') do assert.is_true(utf8.len(l) <= 50) end
    local colored = tostring(plot.line(xs, ys, { style = 'unicode', color = true, width = 50, height = 14 }))
    assert.is_truthy(colored:find('\27%[0;94m'))
    -- the same cells under the escapes
    assert.are.equal(text, (colored:gsub('\27%[[%d;]*m', ''):gsub(' +\n', '\n'):gsub(' +$', '')))
  end)

  local function run(script, env, tty)
    local dir = os.tmpname()
    local f = assert(io.open(dir, 'w'))
    f:write(script)
    f:close()
    local cmd = string.format('%s LUA_PATH=%s LUA_CPATH=%s lua5.4 %s', env or '',
      H.quote(os.getenv('LUA_PATH') or (H.root .. '/lua/?.lua;;')),
      H.quote(os.getenv('LUA_CPATH') or (H.root .. '/build/?.so;;')), H.quote(dir))
    if tty then
      -- a pseudo-terminal of 50 x 20 from script(1)
      cmd = 'script -qec ' .. H.quote('stty cols 50 rows 20; ' .. cmd) .. ' /dev/null'
    end
    local out, e, code = H.sh(cmd)
    os.remove(dir)
    assert.are.equal(0, code, e)
    return (out:gsub('\r', ''))
  end
  local script = [[
    local plot = require('nnlab').plot
    local xs, ys = {}, {}
    for i = 1, 30 do xs[i], ys[i] = i, math.sin(i / 4) end
    print(plot.line(xs, ys))
  ]]

  it('by default: plain ASCII when standard output is not a terminal', function()
    local out = run(script)
    assert.is_nil(out:find('[\27\128-\255]'))
    assert.is_truthy(out:find('%+%-%-'))
  end)

  it('by default: braille and colour on a terminal, sized to it', function()
    local out = run(script, '', true)
    assert.is_truthy(out:find('\27[', 1, true))
    assert.is_truthy(out:find('└', 1, true))
    local n = 0
    for l in out:gmatch('[^\n]+') do
      n = n + 1
      assert.is_true(utf8.len((l:gsub('\27%[[%d;]*m', ''))) <= 49, l)
    end
    assert.is_true(n >= 12 and n <= 17, 'lines: ' .. n)
    assert.are.equal('50\t20\n', run("print(require('nnlab.core').io.termsize())", '', true))
    assert.are.equal('nil\n', run("print(require('nnlab.core').io.termsize())"))
  end)

  it('by default: ASCII on a terminal when NO_COLOR is set or TERM is dumb', function()
    for _, env in ipairs{ 'NO_COLOR=1', 'TERM=dumb' } do
      local out = run(script, env, true)
      assert.is_nil(out:find('[\27\128-\255]'), env)
      assert.is_truthy(out:find('%+%-%-'), env)
    end
  end)

  it('explicit options win over the terminal', function()
    local out = run([[
      local plot = require('nnlab').plot
      io.write(tostring(plot.line({1, 2, 3}, {1, 3, 2}, {style = 'unicode', color = true, width = 30, height = 10})))
    ]], 'NO_COLOR=1')
    local here = tostring(plot.line({ 1, 2, 3 }, { 1, 3, 2 }, { style = 'unicode', color = true, width = 30, height = 10 }))
    assert.are.equal(here, out)
    assert.are.equal("plot.line: style must be 'unicode' or 'ascii', got fancy",
      err(function() plot.line({ 1 }, { 1 }, { style = 'fancy' }) end))
  end)
end)

describe('SVG', function()
  -- A minimal XML check: a declaration, then properly nested elements with
  -- quoted attributes, one root.  Returns the list of elements {name, attrs}.
  local function parse_xml(s)
    local pos = s:match('^<%?xml[^>]*%?>\n()')
    assert.is_truthy(pos, 'no XML declaration')
    local stack, elements, roots = {}, {}, 0
    while true do
      local lt = s:find('<', pos, true)
      if not lt then break end
      assert.is_nil(s:sub(pos, lt - 1):find('[<>]'), 'stray angle bracket')
      local gt = s:find('>', lt, true)
      assert.is_truthy(gt, 'unclosed tag')
      local tag = s:sub(lt + 1, gt - 1)
      if tag:sub(1, 1) == '/' then
        local name = tag:sub(2)
        assert.are.equal(table.remove(stack), name, 'mismatched closing tag')
      else
        local name, rest = tag:match('^([%w:-]+)(.-)$')
        assert.is_truthy(name, 'bad tag <' .. tag .. '>')
        local selfclosing = rest:sub(-1) == '/'
        if selfclosing then rest = rest:sub(1, -2) end
        local attrs = {}
        local left = rest:gsub('%s+([%w:-]+)="([^"<]*)"', function(k, v)
          assert.is_nil(attrs[k], 'attribute twice: ' .. k)
          attrs[k] = v
          return ''
        end)
        assert.is_truthy(left:match('^%s*$'), 'bad attributes in <' .. tag .. '>')
        if #stack == 0 then roots = roots + 1 end
        elements[#elements + 1] = { name = name, attrs = attrs }
        if not selfclosing then stack[#stack + 1] = name end
      end
      pos = gt + 1
    end
    assert.are.equal(0, #stack, 'unclosed elements')
    assert.are.equal(1, roots)
    assert.is_truthy(s:sub(pos):match('^%s*$'))
    return elements
  end

  local function of(elements, class)
    local t = {}
    for _, e in ipairs(elements) do
      if e.attrs.class == class then t[#t + 1] = e end
    end
    return t
  end

  local X = matrix { { 0, 10, 3, 7, 2.5 }, { 0, 5, 2, 4, 1 } }
  local labels = { 0, 1, 0, 1, 0 }

  it('is a well-formed standalone document holding every point where it belongs', function()
    local svg = plot.svg('scatter', X, labels, { title = 'a < b & c' })
    local el = parse_xml(svg)
    assert.are.equal('svg', el[1].name)
    assert.are.equal('http://www.w3.org/2000/svg', el[1].attrs.xmlns)
    assert.is_truthy(svg:find('a &lt; b &amp; c', 1, true))
    local pts = of(el, 'point')
    assert.are.equal(5, #pts)
    -- circles are in class order; positions are affine in the data
    local order = { 1, 3, 5, 2, 4 }
    local cx = function(k) return tonumber(pts[k].attrs.cx) end
    local cy = function(k) return tonumber(pts[k].attrs.cy) end
    -- points 1 (0, 0) and 2 (10, 5) are pts[1] and pts[4]
    local x0, x1, y0, y1 = cx(1), cx(4), cy(1), cy(4)
    assert.is_true(x1 > x0 and y1 < y0)  -- y grows upwards
    for k, j in ipairs(order) do
      local x, y = X:get(1, j), X:get(2, j)
      assert.is_true(math.abs(cx(k) - (x0 + x / 10 * (x1 - x0))) < 0.02, 'x of point ' .. j)
      assert.is_true(math.abs(cy(k) - (y0 + y / 5 * (y1 - y0))) < 0.02, 'y of point ' .. j)
    end
    assert.are_not.equal(pts[1].attrs.fill, pts[4].attrs.fill)  -- the classes differ in colour
  end)

  it('opts.file writes the same SVG, and the text plot is still returned', function()
    local path = os.tmpname()
    local text = tostring(plot.scatter(X, labels, with(ASCII, { width = 40, height = 12, file = path })))
    assert.is_truthy(text:find('%+%-%-'))
    local svg = plot.svg('scatter', X, labels, {})
    assert.are.equal(svg, H.slurp(path))
    os.remove(path)
    assert.is_nil(plot.svg('scatter', X, labels, { file = path }))
    assert.are.equal(svg, H.slurp(path))
    os.remove(path)
    assert.is_truthy(err(function() plot.scatter(X, labels, with(ASCII, { file = '/nonexistent/dir/p.svg' })) end)
      :find("^plot%.scatter: cannot write '/nonexistent/dir/p%.svg': No such file or directory"))
  end)

  it('curves: one polyline per series, broken at non-finite values', function()
    local el = parse_xml(plot.svg('curve', { loss = { 3, 2, 1 }, val_loss = { 4, 0 / 0, 2, 1 } }))
    local names = {}
    for _, e in ipairs(of(el, 'line')) do names[#names + 1] = e.name end
    -- loss; val_loss: the lone 4 as a dot, then 2, 1
    assert.are.same({ 'polyline', 'circle', 'polyline' }, names)
  end)

  it('boundary: the regions of a known classifier, left and right of x1 = 0', function()
    local net = { classify = function(_, G) return G:row(1):map(function(x) return x > 0 and 2 or 1 end) end }
    local P = matrix { { -1, 1 }, { -1, 1 } }
    local el = parse_xml(plot.svg('boundary', net, P, { 0, 1 }, { xlim = { -1, 1 }, ylim = { -1, 1 } }))
    local regions = of(el, 'region')
    assert.is_true(#regions >= 2)
    local pts = of(el, 'point')
    local mid = (tonumber(pts[1].attrs.cx) + tonumber(pts[2].attrs.cx)) / 2  -- where x1 = 0
    local fills = {}
    for _, r in ipairs(regions) do
      local x, w = tonumber(r.attrs.x), tonumber(r.attrs.width)
      fills[r.attrs.fill] = true
      if x + w <= mid - 3 then assert.are.equal('#c6dbef', r.attrs.fill) end
      if x >= mid + 3 then assert.are.equal('#fcbba1', r.attrs.fill) end
    end
    assert.is_true(fills['#c6dbef'] and fills['#fcbba1'])
  end)
end)

describe('what plot functions return', function()
  it('an object whose tostring is the text, for the REPL and print', function()
    local X = matrix { { 0, 1, 2 }, { 0, 1, 0 } }
    local opts = with(ASCII, { width = 40, height = 12 })
    local p = plot.scatter(X, { 0, 1, 1 }, opts)
    local text = tostring(p)
    assert.are.equal('string', type(text))
    assert.are.equal(text, p.text)
    assert.are.equal(plot.render(plot.figure('scatter', X, { 0, 1, 1 }, opts), 40, 12,
      { unicode = false, color = false }), text)
    assert.are.equal('> ' .. text, '> ' .. p)
    assert.are.equal(text .. '!', p .. '!')
    -- p:svg() is the SVG of the same figure; p:svg(path) writes it
    assert.are.equal(plot.svg('scatter', X, { 0, 1, 1 }), p:svg())
    local path = os.tmpname()
    assert.is_nil(p:svg(path))
    assert.are.equal(p:svg(), H.slurp(path))
    os.remove(path)
    -- print in a script prints the text
    local out = H.sh(string.format([[LUA_PATH=%s LUA_CPATH=%s lua5.4 -e "print(require('nnlab').plot.line({1, 2}, {3, 4}, {width = 30, height = 8}))"]],
      H.quote(os.getenv('LUA_PATH') or (H.root .. '/lua/?.lua;;')),
      H.quote(os.getenv('LUA_CPATH') or (H.root .. '/build/?.so;;'))))
    assert.are.equal(tostring(plot.line({ 1, 2 }, { 3, 4 }, with(ASCII, { width = 30, height = 8 }))) .. '\n', out)
  end)
end)

describe('errors', function()
  it('name the function and the problem', function()
    assert.are.equal('plot.scatter: X must be 2 x n (one 2-D point per column), got 3x4',
      err(function() plot.scatter(matrix.zeros(3, 4)) end))
    assert.are.equal('plot.line: xs has 2 values but ys has 3',
      err(function() plot.line({ 1, 2 }, { 1, 2, 3 }) end))
    assert.are.equal('plot.line: ys[2] is a string, expected a number',
      err(function() plot.line({ 1, 2 }, { 1, 'a' }) end))
    assert.are.equal('plot.scatter: labels must be 1 x 2 (labels) or k x 2 (one-hot), got 2x3',
      err(function() plot.scatter(matrix.zeros(2, 2), matrix.zeros(2, 3)) end))
    assert.are.equal('plot.line: a height of 3 lines is too small for this plot (need at least 4)',
      err(function() plot.line({ 1, 2 }, { 1, 2 }, with(ASCII, { width = 40, height = 3 })) end))
    assert.are.equal('plot.line: xlim must be {lo, hi} with finite numbers lo < hi',
      err(function() plot.line({ 1, 2 }, { 1, 2 }, { xlim = { 2, 1 } }) end))
    assert.are.equal("plot.svg: kind must be 'line', 'curve', 'scatter', 'boundary' or 'graph', got pie",
      err(function() plot.svg('pie') end))
  end)
end)
