-- nnlab.plot: plots in the terminal and as SVG files.
--
-- Each plot function builds a figure (plain data: panels of line and point
-- series, and for plot.boundary a classifier to shade regions with), then
-- draws it.  Drawing is a pure function of (figure, width, height, style):
--   style.unicode  braille dots for lines, symbols for points, box drawing axes;
--                  otherwise plain ASCII
--   style.color    ANSI colour escapes (region shading as background colour)
-- Only choosing the defaults looks at the world: the terminal size, whether
-- standard output is a terminal, NO_COLOR and TERM=dumb.  Every plot
-- function returns a plot object whose tostring is the text (the REPL shows
-- it; print(p) in a script); opts.file also writes the same figure as SVG.
-- This file holds the figures and the public functions; the drawing is in
-- nnlab.plot_text and nnlab.plot_svg, what they share in nnlab.plot_style.
local core = require 'nnlab.core'
local util = require 'nnlab.util'
local style = require 'nnlab.plot_style'
local text = require 'nnlab.plot_text'
local svg = require 'nnlab.plot_svg'
local graph = require 'nnlab.plot_graph'

local matrix, cio = core.matrix, core.io
local isfinite = style.isfinite

local M = {}

-- fail(fname, fmt, ...) raises "plot.<fname>: <message>" at the first caller
-- outside plot's files (this one and its drawing).
local fail = util.failer('plot', debug.getinfo(1, 'S').source,
  debug.getinfo(style.ticks, 'S').source, debug.getinfo(text.render, 'S').source,
  debug.getinfo(svg.render, 'S').source, debug.getinfo(graph.figure, 'S').source)

-- --- input helpers ----------------------------------------------------------

-- A list of numbers from a vector matrix or a Lua array.
local function numbers(v, fname, what)
  if matrix.is(v) then
    local r, c = v:shape()
    if r ~= 1 and c ~= 1 then
      fail(fname, '%s must be a vector (1 x n or n x 1), got a %dx%d matrix', what, r, c)
    end
    local t = {}
    for i = 1, r * c do t[i] = v:get(i) end
    return t
  end
  if type(v) ~= 'table' then
    fail(fname, '%s must be a matrix or a table of numbers, got %s', what, type(v))
  end
  local t, i, kind = util.numbers(v)
  if not t then fail(fname, '%s[%d] is a %s, expected a number', what, i, kind) end
  return t
end

-- The options each plot function takes: its figure's, then the drawing's
-- (M.defaults and show).
local DRAWING = { 'style', 'color', 'width', 'height', 'file', 'svg_width', 'svg_height' }
local function options(...)
  local t = { ... }
  for _, k in ipairs(DRAWING) do t[#t + 1] = k end
  return t
end
local OPTIONS = {
  line = options('title', 'xlabel', 'ylabel', 'legend', 'names', 'xlim', 'ylim'),
  curve = options('title', 'xlabel', 'legend', 'ylim', 'keys'),
  scatter = options('title', 'xlabel', 'ylabel', 'legend', 'xlim', 'ylim'),
  boundary = options('title', 'xlabel', 'ylabel', 'legend', 'xlim', 'ylim'),
}

local function checkopts(opts, fname)
  if opts ~= nil and type(opts) ~= 'table' then
    fail(fname, 'opts must be a table, got %s', type(opts))
  end
  opts = opts or {}
  local unknown = util.unknown_option(opts, OPTIONS[fname])
  if unknown then fail(fname, '%s', unknown) end
  for _, k in ipairs{ 'title', 'xlabel', 'ylabel' } do
    local v = opts[k]
    if v ~= nil and type(v) ~= 'string' and type(v) ~= 'number' then
      fail(fname, '%s must be a string, got %s', k, type(v))
    end
  end
  if opts.names ~= nil and type(opts.names) ~= 'table' then
    fail(fname, 'names must be a table of strings, got %s', type(opts.names))
  end
  return opts
end

-- A size of a drawing: an integer in 1 .. most (a bigger one would take
-- minutes and gigabytes to draw).
local function checksize(v, what, most, fname)
  if math.type(v) ~= 'integer' and not (type(v) == 'number' and v == math.floor(v)) then
    fail(fname, '%s must be an integer, got %s', what, tostring(v))
  end
  if v < 1 or v > most then
    fail(fname, '%s must be between 1 and %d, got %s', what, most, tostring(v))
  end
  return math.tointeger(v)
end

local MAX_CELLS, MAX_PIXELS = 1000, 20000

local function checklim(lim, fname, what)
  if lim == nil then return nil end
  if type(lim) ~= 'table' or type(lim[1]) ~= 'number' or type(lim[2]) ~= 'number'
      or not isfinite(lim[1]) or not isfinite(lim[2]) or not (lim[1] < lim[2]) then
    fail(fname, '%s must be {lo, hi} with finite numbers lo < hi', what)
  end
  return lim
end

-- The range of the finite values in the lists, widened when it is a point
-- and padded by the fraction pad.
local function datarange(lists, lim, pad)
  if lim then return lim[1], lim[2] end
  local lo, hi = math.huge, -math.huge
  for _, list in ipairs(lists) do
    for _, v in ipairs(list) do
      if isfinite(v) then
        if v < lo then lo = v end
        if v > hi then hi = v end
      end
    end
  end
  if lo > hi then return 0, 1 end
  if lo == hi then
    local d = math.abs(lo) * 0.1
    if d == 0 then d = 1 end
    return lo - d, hi + d
  end
  local d = (hi - lo) * (pad or 0)
  return lo - d, hi + d
end

-- Point classes from labels: a 1 x n (or n x 1) matrix or table of raw labels
-- (classes are the distinct values in sorted order, as data.one_hot), or a
-- k x n one-hot (or score) matrix (the class is the row of the largest
-- entry).  Returns the class of each point and a name for each class.
local function pointclasses(Y, n, fname)
  if Y == nil then return nil end
  if matrix.is(Y) then
    local r, c = Y:shape()
    if r > 1 and c == n then
      local idx = n > 0 and Y:argmax(1) or nil
      local cls, names = {}, {}
      for j = 1, n do cls[j] = math.tointeger(idx:get(j)) end
      for k = 1, r do names[k] = 'class ' .. k end
      return cls, names
    end
    if not ((r == 1 and c == n) or (c == 1 and r == n)) then
      fail(fname, 'labels must be 1 x %d (labels) or k x %d (one-hot), got %dx%d', n, n, r, c)
    end
  end
  local ys = numbers(Y, fname, 'labels')
  if #ys ~= n then fail(fname, 'X has %d points but there are %d labels', n, #ys) end
  local distinct, nan = util.distinct(ys)
  if not distinct then fail(fname, 'label %d is nan', nan) end
  local index, names = {}, {}
  for k, y in ipairs(distinct) do
    index[y] = k
    names[k] = 'y=' .. string.format('%.6g', y)
  end
  local cls = {}
  for j, y in ipairs(ys) do cls[j] = index[y] end
  return cls, names
end

-- The columns of a 2 x n matrix as two lists.
local function points2(X, fname)
  if not matrix.is(X) then fail(fname, 'X must be a 2 x n matrix, got %s', type(X)) end
  local d, n = X:shape()
  if d ~= 2 then
    fail(fname, 'X must be 2 x n (one 2-D point per column), got %dx%d', d, n)
  end
  if n == 0 then return {}, {}, 0 end
  local t = X:totable()
  return t[1], t[2], n
end

-- A classifier from a net: f(G) -> class indices (1-based) for the columns
-- of G.  net:classify(G) is used when present, else net:forward(G) (one
-- output row: class 2 where >= 0.5; several: the row of the largest), or
-- net itself when it is a function.
local function classifier(net, fname)
  if type(net) == 'function' then return net end
  local ok, classify = pcall(function() return net.classify end)
  if classify == 'not enough memory' then error(classify, 0) end
  if ok and classify then return function(G) return net:classify(G) end end
  local ok2, forward = pcall(function() return net.forward end)
  if forward == 'not enough memory' then error(forward, 0) end
  if ok2 and forward then
    return function(G)
      local A = net:forward(G)
      if not matrix.is(A) then return A end
      if A:shape() == 1 then
        return A:map(function(a) return a >= 0.5 and 2 or (a == a and 1 or a) end)
      end
      return A:argmax(1)
    end
  end
  fail(fname, 'net must have a classify(X) or forward(X) method, or be a function of X, got %s',
    type(net))
end

-- Classes of a grid of gw x gh points over [xlo, xhi] x [ylo, yhi] (row 1 at
-- the top): cls[row][col], 0 where the classifier gives nan.
local function classgrid(region, gw, gh, xlo, xhi, ylo, yhi)
  local G = matrix.zeros(2, gw * gh)
  for r = 1, gh do
    local y = gh > 1 and yhi - (r - 1) * (yhi - ylo) / (gh - 1) or (ylo + yhi) / 2
    for c = 1, gw do
      local x = gw > 1 and xlo + (c - 1) * (xhi - xlo) / (gw - 1) or (xlo + xhi) / 2
      local j = (r - 1) * gw + c
      G:set(1, j, x)
      G:set(2, j, y)
    end
  end
  local out = region.classify(G)
  local vals = numbers(out, region.fname, 'the classes returned by the classifier')
  if #vals ~= gw * gh then
    fail(region.fname, 'the classifier returned %d classes for %d points', #vals, gw * gh)
  end
  local cls = {}
  for r = 1, gh do
    local row = {}
    for c = 1, gw do
      local v = vals[(r - 1) * gw + c]
      if v ~= v then
        v = 0
      elseif v < 1 or v ~= math.floor(v) then
        fail(region.fname, 'the classifier returned %s; expected class indices 1, 2, ...',
          tostring(v))
      end
      row[c] = math.tointeger(v)
    end
    cls[r] = row
  end
  return cls
end

text.bind(fail, classgrid)
graph.bind(fail)
svg.bind(classgrid)

-- --- drawing ----------------------------------------------------------------

M.ticks = style.ticks

-- Render a figure as text lines joined by newlines (nnlab.plot_text).
-- width, height: the whole figure in character cells; st = {unicode = bool,
-- color = bool}.
function M.render(fig, width, height, st)
  width, height = checksize(width, 'width', MAX_CELLS, 'render'), checksize(height, 'height', MAX_CELLS, 'render')
  if fig.graph then return graph.text(fig, width, st) end
  return text.render(fig, width, height, st)
end

-- Render a figure as a standalone SVG document (width x height pixels;
-- nnlab.plot_svg).
function M.render_svg(fig, width, height)
  if fig.graph and width == nil then return graph.svg(fig) end  -- its natural size
  width = checksize(width or 640, 'svg width', MAX_PIXELS, 'svg')
  if height ~= nil then height = checksize(height, 'svg height', MAX_PIXELS, 'svg') end
  if fig.graph then return graph.svg(fig, width) end
  return svg.render(fig, width, height)
end

-- --- figures ----------------------------------------------------------------

local function panel(fname, opts)
  return {
    fname = fname, series = {}, title = opts.title, xlabel = opts.xlabel, ylabel = opts.ylabel,
    legend = opts.legend,
  }
end

local build = {}

-- line(xs, ys [, opts]) or line(ys [, opts]); ys may be a matrix with one
-- series per row (opts.names names them).
function build.line(xs, ys, opts)
  if ys == nil or (type(ys) == 'table' and not matrix.is(ys) and ys[1] == nil and next(ys) ~= nil) then
    xs, ys, opts = nil, xs, ys
  end
  opts = checkopts(opts, 'line')
  local rows
  if matrix.is(ys) and select(2, ys:shape()) > 1 and ys:shape() > 1 then
    rows = ys:totable()
  else
    if ys == nil then fail('line', 'expected ys (a vector or a table of numbers)') end
    rows = { numbers(ys, 'line', 'ys') }
  end
  local n = #rows[1]
  if xs == nil then
    xs = {}
    for i = 1, n do xs[i] = i end
  else
    xs = numbers(xs, 'line', 'xs')
  end
  if #xs ~= n then fail('line', 'xs has %d values but ys has %d', #xs, n) end
  local p = panel('line', opts)
  local names = opts.names or {}
  for k, r in ipairs(rows) do
    p.series[k] = { kind = 'line', xs = xs, ys = r, color = k, name = names[k] or (#rows > 1 and 'y' .. k or nil) }
  end
  p.xlim = { datarange({ xs }, checklim(opts.xlim, 'line', 'xlim')) }
  p.ylim = { datarange(rows, checklim(opts.ylim, 'line', 'ylim')) }
  return { panels = { p } }, opts
end

-- curve(history [, opts]): history = {loss = {...}, accuracy = {...},
-- val_loss = {...}, val_accuracy = {...}} (any keys with lists of numbers; a
-- key and its val_ twin share a panel), or a plain list of numbers.
function build.curve(history, opts)
  opts = checkopts(opts, 'curve')
  if matrix.is(history) or (type(history) == 'table' and history[1] ~= nil) then
    history = { values = numbers(history, 'curve', 'history') }
  end
  if type(history) ~= 'table' then
    fail('curve', 'history must be a table like {loss = {...}, accuracy = {...}}, got %s', type(history))
  end
  local keys = {}
  if opts.keys then
    for _, k in ipairs(opts.keys) do
      if history[k] == nil then fail('curve', 'history has no %q', tostring(k)) end
      keys[#keys + 1] = k
    end
  else
    for k, v in pairs(history) do
      if type(k) == 'string' and (matrix.is(v) or (type(v) == 'table' and type(v[1]) == 'number')) then
        keys[#keys + 1] = k
      end
    end
  end
  if #keys == 0 then fail('curve', 'history has no lists of numbers (like loss = {...})') end
  -- group "x" and "val_x" into panel "x"; loss first, accuracy next
  local groups, order = {}, {}
  for _, k in ipairs(keys) do
    local base = k:gsub('^val_', '')
    if not groups[base] then
      groups[base] = {}
      order[#order + 1] = base
    end
    table.insert(groups[base], k)
  end
  local rank = { loss = 1, accuracy = 2 }
  table.sort(order, function(a, b)
    local ra, rb = rank[a] or 3, rank[b] or 3
    if ra ~= rb then return ra < rb end
    return a < b
  end)
  local fig = { panels = {}, title = opts.title }
  for _, base in ipairs(order) do
    local ks = groups[base]
    table.sort(ks, function(a, b) return #a < #b or (#a == #b and a < b) end)  -- x before val_x
    local p = panel('curve', { xlabel = opts.xlabel or 'epoch', legend = opts.legend })
    p.title = base
    p.xinteger = true
    local lists, maxn = {}, 0
    for i, k in ipairs(ks) do
      local ys = numbers(history[k], 'curve', k)
      local xs = {}
      for e = 1, #ys do xs[e] = e end
      maxn = math.max(maxn, #ys)
      lists[#lists + 1] = ys
      p.series[i] = { kind = 'line', xs = xs, ys = ys, color = i, name = k }
    end
    p.xlim = { datarange({ { 1, math.max(maxn, 2) } }) }
    local lo, hi = datarange(lists, checklim(opts.ylim, 'curve', 'ylim'))
    if base:find('acc') and not opts.ylim and lo >= 0 and hi <= 1 then lo, hi = 0, 1 end
    p.ylim = { lo, hi }
    fig.panels[#fig.panels + 1] = p
  end
  return fig, opts
end

-- Point series of a 2-D data set, one per class.
local function classseries(p, xs1, xs2, cls, names)
  if not cls then
    p.series[#p.series + 1] = { kind = 'points', xs = xs1, ys = xs2, color = 1, mark = 1 }
    return 1
  end
  local byclass = {}
  for k = 1, #names do byclass[k] = { xs = {}, ys = {} } end
  for j = 1, #xs1 do
    local b = byclass[cls[j]]
    b.xs[#b.xs + 1] = xs1[j]
    b.ys[#b.ys + 1] = xs2[j]
  end
  for k, b in ipairs(byclass) do
    p.series[#p.series + 1] = { kind = 'points', xs = b.xs, ys = b.ys, color = k, mark = k, name = names[k] }
  end
  return #names
end

-- scatter(X, labels [, opts]): X 2 x n, labels raw (1 x n) or one-hot (k x n).
-- scatter(X, Y, labels [, opts]), as the data functions return them, works too.
function build.scatter(X, labels, opts, more)
  if matrix.is(opts) then labels, opts = opts, more end
  if opts == nil and type(labels) == 'table' and not matrix.is(labels) and labels[1] == nil
      and next(labels) ~= nil then
    labels, opts = nil, labels
  end
  opts = checkopts(opts, 'scatter')
  local xs1, xs2, n = points2(X, 'scatter')
  local p = panel('scatter', opts)
  p.xlabel, p.ylabel = opts.xlabel or 'x1', opts.ylabel or 'x2'
  local cls, names = pointclasses(labels, n, 'scatter')
  classseries(p, xs1, xs2, cls, names)
  p.xlim = { datarange({ xs1 }, checklim(opts.xlim, 'scatter', 'xlim'), 0.05) }
  p.ylim = { datarange({ xs2 }, checklim(opts.ylim, 'scatter', 'ylim'), 0.05) }
  return { panels = { p } }, opts
end

-- boundary(net, X, Y [, opts]): the classifier's regions behind the points
-- (also boundary(net, X, Y, labels [, opts]))
function build.boundary(net, X, Y, opts, more)
  if matrix.is(opts) then Y, opts = opts, more end
  opts = checkopts(opts, 'boundary')
  local classify = classifier(net, 'boundary')
  local xs1, xs2, n = points2(X, 'boundary')
  local p = panel('boundary', opts)
  p.xlabel, p.ylabel = opts.xlabel or 'x1', opts.ylabel or 'x2'
  local cls, names = pointclasses(Y, n, 'boundary')
  if not cls then
    fail('boundary', 'expected Y: labels (1 x n) or one-hot (k x n) for the points')
  end
  classseries(p, xs1, xs2, cls, names)
  p.regions = { classify = classify, fname = 'boundary' }
  p.xlim = { datarange({ xs1 }, checklim(opts.xlim, 'boundary', 'xlim'), 0.1) }
  p.ylim = { datarange({ xs2 }, checklim(opts.ylim, 'boundary', 'ylim'), 0.1) }
  return { panels = { p } }, opts
end

-- graph(net [, X] [, opts]): the net as the lecture's function graph
-- (nnlab.plot_graph).  Options: title, width, style, color, file, svg_width.
local GRAPH_OPTS = { 'title', 'width', 'style', 'color', 'file', 'svg_width' }
function build.graph(net, X, opts, ...)
  if opts == nil and type(X) == 'table' and not matrix.is(X) then X, opts = nil, X end
  if select('#', ...) > 0 then fail('graph', 'too many arguments: graph(net [, X] [, opts])') end
  if opts ~= nil and type(opts) ~= 'table' then fail('graph', 'opts must be a table, got %s', type(opts)) end
  opts = opts or {}
  local unknown = util.unknown_option(opts, GRAPH_OPTS)
  if unknown then fail('graph', '%s', unknown) end
  if opts.title ~= nil and type(opts.title) ~= 'string' and type(opts.title) ~= 'number' then
    fail('graph', 'title must be a string, got %s', type(opts.title))
  end
  return graph.figure(net, X, opts), opts
end

-- --- output -----------------------------------------------------------------

-- The style and size from opts, the terminal and the environment.
function M.defaults(opts, fname)
  opts = opts or {}
  fname = fname or 'defaults'
  local nocolor = os.getenv('NO_COLOR')
  local plain = not cio.isatty(1) or (nocolor ~= nil and nocolor ~= '') or os.getenv('TERM') == 'dumb'
  local st = {}
  if opts.style ~= nil then
    if opts.style ~= 'unicode' and opts.style ~= 'ascii' then
      fail(fname, "style must be 'unicode' or 'ascii', got %s", tostring(opts.style))
    end
    st.unicode = opts.style == 'unicode'
  else
    st.unicode = not plain
  end
  if opts.color ~= nil then st.color = not not opts.color else st.color = not plain end
  local cols, rows = cio.termsize(1)
  local width = opts.width or (cols and math.min(cols - 1, 120)) or 72
  local height = opts.height or (rows and math.max(12, math.min(rows - 4, 30))) or 22
  return st, checksize(width, 'width', MAX_CELLS, fname), checksize(height, 'height', MAX_CELLS, fname)
end

local function writesvg(fig, path, width, height, fname)
  if type(path) ~= 'string' then
    fail(fname, 'file must be a path, got %s', type(path))
  end
  local ok, err = pcall(cio.writefile, path, M.render_svg(fig, width, height))
  if not ok then fail(fname, '%s', err) end
end

-- What the plot functions return: tostring(p) (and print(p), and the REPL)
-- gives the drawn text; p.text is that text, p.figure the figure, and
-- p:svg(path [, width, height]) writes it as SVG (without a path: returns
-- the SVG text).
local Plot = { __name = 'plot' }
Plot.__index = Plot

function Plot.__tostring(p)
  return p.text
end

function Plot.__concat(a, b)
  return tostring(a) .. tostring(b)
end

function Plot:svg(path, width, height)
  if getmetatable(self) ~= Plot then
    fail('svg', 'call it as p:svg(path [, width, height]) (with a colon; argument 1 is %s, not a plot)',
      self == nil and 'nil' or 'a ' .. type(self))
  end
  if path == nil then return M.render_svg(self.figure, width, height) end
  writesvg(self.figure, path, width, height, 'svg')
end

local function show(fname, fig, opts)
  local st, width, height = M.defaults(opts, fname)
  local text = M.render(fig, width, height, st)
  if opts.file ~= nil then writesvg(fig, opts.file, opts.svg_width, opts.svg_height, fname) end
  return setmetatable({ text = text, figure = fig }, Plot)
end

for _, name in ipairs{ 'line', 'curve', 'scatter', 'boundary', 'graph' } do
  M[name] = function(...)
    local fig, opts = build[name](...)
    return show(name, fig, opts)
  end
end

-- svg(kind, args...): the SVG text of plot.kind(args...), or with opts.file,
-- nothing: the SVG is written to that file.
function M.svg(kind, ...)
  if not build[kind] then
    fail('svg', "kind must be 'line', 'curve', 'scatter', 'boundary' or 'graph', got %s", tostring(kind))
  end
  local fig, opts = build[kind](...)
  if opts.file ~= nil then return writesvg(fig, opts.file, opts.svg_width, opts.svg_height, 'svg') end
  return M.render_svg(fig, opts.svg_width, opts.svg_height)
end

-- The figure a plot function would draw, for M.render / M.render_svg.
function M.figure(kind, ...)
  if not build[kind] then fail('figure', 'unknown kind %s', tostring(kind)) end
  return (build[kind](...))
end

return M