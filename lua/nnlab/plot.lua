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
local core = require 'nnlab.core'

local matrix, cio = core.matrix, core.io

local M = {}

local SOURCE = debug.getinfo(1, 'S').source

-- Raise "plot.<fname>: <message>" with the position of the first caller
-- outside this file in front (none when that is a C function), as C
-- functions' errors have theirs.
local function fail(fname, fmt, ...)
  local level = 2
  while debug.getinfo(level, 'S') and debug.getinfo(level, 'S').source == SOURCE do
    level = level + 1
  end
  error('plot.' .. fname .. ': ' .. string.format(fmt, ...), debug.getinfo(level, 'S') and level or 0)
end

local function isfinite(x)
  return x == x and x ~= math.huge and x ~= -math.huge
end

local function round(x)
  return math.floor(x + 0.5)
end

-- --- styles -----------------------------------------------------------------

-- Series and class colours: ANSI foreground codes, 256-colour backgrounds for
-- regions, and SVG colours (strong for marks, pale for regions).
local FG = { 94, 91, 92, 93, 95, 96, 97, 90 }
local BG = { 17, 52, 22, 58, 53, 23, 237, 234 }
local SVG_FG = { '#1f77b4', '#d62728', '#2ca02c', '#ff7f0e', '#9467bd', '#17becf', '#8c564b', '#e377c2' }
local SVG_BG = { '#c6dbef', '#fcbba1', '#c7e9c0', '#fdd0a2', '#dadaeb', '#b7e4ea', '#d9c4bc', '#f7c6e3' }
-- Point symbols by class, shading of regions without colour, line markers.
local MARK_ASCII = { 'o', 'x', '+', '*', '#', '@', '%', '&' }
local MARK_UNICODE = { '●', '✕', '▲', '■', '◆', '★', '◼', '▼' }
local SHADE_ASCII = { ' ', '.', ':', '-', '=', '~', '^', '"' }
local SHADE_UNICODE = { ' ', '·', '░', '▒', ':', '┄', '▓', '≈' }
local LINE_ASCII = { '*', '+', 'o', 'x', '#', '@', '%', '&' }
local AXES_ASCII = { v = '|', h = '-', ytick = '+', xtick = '+', corner = '+' }
local AXES_UNICODE = { v = '│', h = '─', ytick = '┤', xtick = '┬', corner = '└' }

local function pick(list, i)
  return list[(i - 1) % #list + 1]
end

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
  local t = {}  -- a copy: the values checked are the values used
  for i = 1, #v do
    local x = v[i]
    if type(x) ~= 'number' then
      fail(fname, '%s[%d] is a %s, expected a number', what, i, type(x))
    end
    t[i] = x
  end
  return t
end

local function checkopts(opts, fname)
  if opts ~= nil and type(opts) ~= 'table' then
    fail(fname, 'opts must be a table, got %s', type(opts))
  end
  opts = opts or {}
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
  local distinct, seen = {}, {}
  for j, y in ipairs(ys) do
    if y ~= y then fail(fname, 'label %d is nan', j) end
    if not seen[y] then
      seen[y] = true
      distinct[#distinct + 1] = y
    end
  end
  table.sort(distinct)
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

-- --- ticks ------------------------------------------------------------------

local function nicestep(range, count, integer)
  local raw = range / math.max(count, 1)
  local base = 10 ^ math.floor(math.log(raw, 10))
  local m = raw / base
  local step = (m <= 1 and 1 or m <= 2 and 2 or m <= 2.5 and 2.5 or m <= 5 and 5 or 10) * base
  if integer and step < 1 then step = 1 end
  return step
end

local function decimals(step)
  for d = 0, 12 do
    local s = step * 10 ^ d
    if math.abs(s - round(s)) < 1e-6 * s then return d end
  end
  return 12
end

local function ticklabel(v, step)
  if math.abs(v) < step * 1e-9 then v = 0 end  -- no "-0.0" from k * step rounding
  if math.abs(v) >= 1e6 or step < 1e-4 then return string.format('%.4g', v) end
  return string.format('%.' .. decimals(step) .. 'f', v)
end

-- Tick values in [lo, hi], about count of them, with their labels.
local function ticks(lo, hi, count, integer)
  local t, labels
  for _ = 1, 4 do  -- ask for more until there are two (or the step is 1 for integers)
    local step = nicestep(hi - lo, count, integer)
    local first, last = math.ceil(lo / step - 1e-9), math.floor(hi / step + 1e-9)
    if not (step > 0 and step < math.huge and math.abs(first) < 2^53 and math.abs(last) < 2^53
            and last - first <= 1000) then
      -- a range too small for a step (denormal: the step is 0) or too big
      -- (the step overflows): the ends only
      return { lo, hi }, { string.format('%.4g', lo), string.format('%.4g', hi) }
    end
    t, labels = {}, {}
    for k = first, last do
      t[#t + 1] = k * step
      labels[#t] = ticklabel(k * step, step)
    end
    if #t >= 2 or (integer and step == 1) then break end
    count = count * 2
  end
  return t, labels
end
M.ticks = ticks

-- --- text rendering ---------------------------------------------------------

-- A grid of cells {ch, fg, bg}; fg and bg are palette indices (or nil).
local function newgrid(w, h)
  local g = { w = w, h = h }
  for r = 1, h do
    local row = {}
    for c = 1, w do row[c] = { ch = ' ' } end
    g[r] = row
  end
  return g
end

-- Write s (UTF-8) at row r from column c on, clipped to the grid.
local function put(g, r, c, s, fg)
  if r < 1 or r > g.h then return end
  for _, code in utf8.codes(s) do
    if c >= 1 and c <= g.w then
      g[r][c].ch = utf8.char(code)
      g[r][c].fg = fg
    end
    c = c + 1
  end
end

local function ulen(s)
  return utf8.len(s) or #s
end

local function sgr(fg, bg)
  local codes = { '0' }
  if fg then codes[#codes + 1] = tostring(pick(FG, fg)) end
  if bg then codes[#codes + 1] = '48;5;' .. pick(BG, bg) end
  return '\27[' .. table.concat(codes, ';') .. 'm'
end

local function serialize(g, color)
  local lines = {}
  for r = 1, g.h do
    local parts, cur = {}, nil
    for c = 1, g.w do
      local cell = g[r][c]
      if color then
        local key = (cell.fg or 0) .. ':' .. (cell.bg or 0)
        if key ~= cur then
          parts[#parts + 1] = (cell.fg or cell.bg) and sgr(cell.fg, cell.bg) or (cur and '\27[0m' or '')
          cur = key
        end
      end
      parts[#parts + 1] = cell.ch
    end
    local line = table.concat(parts)
    if color then
      if cur and cur ~= '0:0' then line = line .. '\27[0m' end
    else
      line = line:gsub(' +$', '')
    end
    lines[r] = line
  end
  return lines
end

-- Legend entries {sym, label, fg, bg} into lines of width w (a list of
-- lists of entries).
local function legendlines(entries, w)
  local lines, cur, used = {}, {}, 0
  for _, e in ipairs(entries) do
    local len = ulen(e.sym) + 1 + ulen(e.label) + (e.shade and 3 or 0)
    if #cur > 0 and used + 3 + len > w then
      lines[#lines + 1] = cur
      cur, used = {}, 0
    end
    used = used + (#cur > 0 and 3 or 0) + len
    cur[#cur + 1] = e
  end
  if #cur > 0 then lines[#lines + 1] = cur end
  return lines
end

-- The legend entries of a panel in a style.
local function legend(p, st)
  local entries = {}
  local marks = st.unicode and MARK_UNICODE or MARK_ASCII
  local shades = st.unicode and SHADE_UNICODE or SHADE_ASCII
  for _, s in ipairs(p.series) do
    if s.name then
      local sym
      if s.kind == 'points' then sym = pick(marks, s.mark)
      else sym = st.unicode and '━━' or string.rep(pick(LINE_ASCII, s.color), 2) end
      local e = { sym = sym, label = s.name, fg = s.color }
      if p.regions and s.kind == 'points' then
        -- the shading of this class's region, in brackets
        e.label = s.name .. ' '
        e.shade = { ch = st.color and ' ' or pick(shades, s.color), bg = st.color and s.color or nil }
      end
      entries[#entries + 1] = e
    end
  end
  return entries
end

-- Draw a segment between pixels (x0, y0) and (x1, y1) (Bresenham).
local function segment(x0, y0, x1, y1, plot)
  local dx, dy = math.abs(x1 - x0), -math.abs(y1 - y0)
  local sx, sy = x0 < x1 and 1 or -1, y0 < y1 and 1 or -1
  local err = dx + dy
  while true do
    plot(x0, y0)
    if x0 == x1 and y0 == y1 then break end
    local e2 = 2 * err
    if e2 >= dy then err = err + dy; x0 = x0 + sx end
    if e2 <= dx then err = err + dx; y0 = y0 + sy end
  end
end

-- Clip the segment (ax, ay)-(bx, by) to the box (Liang-Barsky); nil if outside.
local function clip(ax, ay, bx, by, xlo, xhi, ylo, yhi)
  local t0, t1 = 0, 1
  local dx, dy = bx - ax, by - ay
  for _, pq in ipairs{ { -dx, ax - xlo }, { dx, xhi - ax }, { -dy, ay - ylo }, { dy, yhi - ay } } do
    local p, q = pq[1], pq[2]
    if p == 0 then
      if q < 0 then return nil end
    else
      local t = q / p
      if p < 0 then
        if t > t1 then return nil end
        if t > t0 then t0 = t end
      else
        if t < t0 then return nil end
        if t < t1 then t1 = t end
      end
    end
  end
  return ax + t0 * dx, ay + t0 * dy, ax + t1 * dx, ay + t1 * dy
end

local BRAILLE = { { 0x01, 0x02, 0x04, 0x40 }, { 0x08, 0x10, 0x20, 0x80 } }

-- Draw panel p into grid g, in the rectangle of w x h cells at (top, 1).
local function drawpanel(g, top, w, h, p, st)
  local ax = st.unicode and AXES_UNICODE or AXES_ASCII
  local row = top
  if p.title then
    put(g, row, math.max(1, (w - ulen(p.title)) // 2 + 1), p.title)
    row = row + 1
  end
  if p.ylabel then
    put(g, row, 1, p.ylabel)
    row = row + 1
  end
  local legends = p.legend == false and {} or legendlines(legend(p, st), w)
  local bottom = 2 + (p.xlabel and 1 or 0) + #legends
  local hp = top + h - row - bottom
  if hp < 2 then
    fail(p.fname, 'a height of %d lines is too small for this plot (need at least %d)', h,
      h - hp + 2)
  end
  local xlo, xhi, ylo, yhi = p.xlim[1], p.xlim[2], p.ylim[1], p.ylim[2]
  if not (isfinite(xhi - xlo) and isfinite(yhi - ylo)) then
    fail(p.fname, 'the data range is too large to plot (x %g .. %g, y %g .. %g)', xlo, xhi, ylo, yhi)
  end
  local yt, ylabels = ticks(ylo, yhi, math.max(2, hp // 3), p.yinteger)
  local lw = 0
  for _, s in ipairs(ylabels) do lw = math.max(lw, #s) end
  local wp = w - lw - 1
  if wp < 4 then
    fail(p.fname, 'a width of %d columns is too small for this plot (need at least %d)', w,
      lw + 5)
  end
  local x0, y0 = lw + 2, row  -- the plot area's top left cell

  -- regions, one classifier call for the whole grid of cell centres
  local cls
  if p.regions then
    cls = classgrid(p.regions, wp, hp, xlo, xhi, ylo, yhi)
    local shades = st.unicode and SHADE_UNICODE or SHADE_ASCII
    for r = 1, hp do
      for c = 1, wp do
        local k = cls[r][c]
        if k > 0 then
          local cell = g[y0 + r - 1][x0 + c - 1]
          if st.color then cell.bg = k else cell.ch = pick(shades, k) end
        end
      end
    end
  end

  -- lines: braille dots (2 x 4 per cell) or ASCII markers (1 per cell)
  local sx, sy = st.unicode and 2 or 1, st.unicode and 4 or 1
  local pw, ph = wp * sx, hp * sy
  local dots = {}
  local function pixel(s)
    return function(px, py)
      if px < 0 or px >= pw or py < 0 or py >= ph then return end
      local cx, cy = px // sx, py // sy
      local cell = g[y0 + cy][x0 + cx]
      if st.unicode then
        local key = cy * wp + cx
        dots[key] = (dots[key] or 0) | BRAILLE[px % 2 + 1][py % 4 + 1]
        cell.ch = utf8.char(0x2800 + dots[key])
      else
        cell.ch = pick(LINE_ASCII, s.color)
      end
      cell.fg = s.color
    end
  end
  local function topx(x) return round((x - xlo) / (xhi - xlo) * (pw - 1)) end
  local function topy(y) return round((yhi - y) / (yhi - ylo) * (ph - 1)) end
  for _, s in ipairs(p.series) do
    if s.kind == 'line' then
      local plot = pixel(s)
      local n = #s.xs
      for i = 1, n do
        local xa, ya = s.xs[i], s.ys[i]
        if isfinite(xa) and isfinite(ya) then
          local xb, yb = s.xs[i + 1], s.ys[i + 1]
          if i < n and isfinite(xb) and isfinite(yb) then
            local cx0, cy0, cx1, cy1 = clip(xa, ya, xb, yb, xlo, xhi, ylo, yhi)
            if cx0 then segment(topx(cx0), topy(cy0), topx(cx1), topy(cy1), plot) end
          elseif xa >= xlo and xa <= xhi and ya >= ylo and ya <= yhi then
            plot(topx(xa), topy(ya))  -- a point with no next neighbour
          end
        end
      end
    end
  end

  -- points: one symbol per cell, the cell whose centre is nearest
  local marks = st.unicode and MARK_UNICODE or MARK_ASCII
  for _, s in ipairs(p.series) do
    if s.kind == 'points' then
      for i = 1, #s.xs do
        local x, y = s.xs[i], s.ys[i]
        if isfinite(x) and isfinite(y) then
          local c = round((x - xlo) / (xhi - xlo) * (wp - 1))
          local r = round((yhi - y) / (yhi - ylo) * (hp - 1))
          if c >= 0 and c < wp and r >= 0 and r < hp then
            local cell = g[y0 + r][x0 + c]
            cell.ch = pick(marks, s.mark)
            cell.fg = s.color
          end
        end
      end
    end
  end

  -- axes, ticks and labels
  for r = 0, hp - 1 do put(g, y0 + r, x0 - 1, ax.v) end
  put(g, y0 + hp, x0 - 1, ax.corner)
  for c = 0, wp - 1 do put(g, y0 + hp, x0 + c, ax.h) end
  local used = {}
  for i, t in ipairs(yt) do
    local r = round((yhi - t) / (yhi - ylo) * (hp - 1))
    if r >= 0 and r < hp and not used[r] then
      used[r] = true
      put(g, y0 + r, x0 - 1, ax.ytick)
      put(g, y0 + r, x0 - 1 - #ylabels[i], ylabels[i])
    end
  end
  local xt, xlabels = ticks(xlo, xhi, math.max(2, wp // 12), p.xinteger)
  local free = 1  -- the first column a label may use
  for i, t in ipairs(xt) do
    local c = round((t - xlo) / (xhi - xlo) * (wp - 1))
    if c >= 0 and c < wp then
      put(g, y0 + hp, x0 + c, ax.xtick)
      local s = xlabels[i]
      local start = x0 + c - (#s - 1) // 2
      if start + #s - 1 > w then start = w - #s + 1 end
      if start >= free then
        put(g, y0 + hp + 1, start, s)
        free = start + #s + 1
      end
    end
  end
  row = y0 + hp + 2
  if p.xlabel then
    put(g, row, math.max(1, x0 + (wp - ulen(p.xlabel)) // 2), p.xlabel)
    row = row + 1
  end
  for _, line in ipairs(legends) do
    local c = 1
    for k, e in ipairs(line) do
      if k > 1 then c = c + 3 end
      put(g, row, c, e.sym, e.fg)
      c = c + ulen(e.sym) + 1
      put(g, row, c, e.label)
      c = c + ulen(e.label)
      if e.shade then
        put(g, row, c, '[')
        g[row][math.min(c + 1, w)].ch = e.shade.ch
        g[row][math.min(c + 1, w)].bg = e.shade.bg
        put(g, row, c + 2, ']')
        c = c + 3
      end
    end
    row = row + 1
  end
end

-- Render a figure as text lines joined by newlines.  width, height: the
-- whole figure in character cells; st = {unicode = bool, color = bool}.
function M.render(fig, width, height, st)
  width, height = checksize(width, 'width', MAX_CELLS, 'render'), checksize(height, 'height', MAX_CELLS, 'render')
  local g = newgrid(width, height)
  local row, h = 1, height
  if fig.title then
    put(g, 1, math.max(1, (width - ulen(fig.title)) // 2 + 1), fig.title)
    row, h = 2, height - 1
  end
  local n = #fig.panels
  for k, p in ipairs(fig.panels) do
    local ph = h // n + (k <= h % n and 1 or 0)
    drawpanel(g, row, width, ph, p, st)
    row = row + ph
  end
  local lines = serialize(g, st.color)
  return table.concat(lines, '\n')
end

-- --- SVG rendering ----------------------------------------------------------

local function xml(s)
  return (tostring(s):gsub('[&<>"]', { ['&'] = '&amp;', ['<'] = '&lt;', ['>'] = '&gt;', ['"'] = '&quot;' }))
end

local function f2(x)
  local s = string.format('%.2f', x)
  return s == '-0.00' and '0.00' or s
end

local function svgpanel(out, p, oy, W, H, id)
  local left, right, top, bottom = 64, 16, p.title and 30 or 12, 44
  local entries = p.legend == false and {} or legend(p, { unicode = true, color = true })
  if #entries > 0 then bottom = bottom + 22 end
  local pw, ph = W - left - right, H - top - bottom
  local xlo, xhi, ylo, yhi = p.xlim[1], p.xlim[2], p.ylim[1], p.ylim[2]
  local function X(x) return left + (x - xlo) / (xhi - xlo) * pw end
  local function Y(y) return oy + top + (yhi - y) / (yhi - ylo) * ph end
  local x0, y0 = left, oy + top
  local add = function(s) out[#out + 1] = s end
  if p.title then
    add(string.format('<text x="%s" y="%s" text-anchor="middle" font-weight="bold">%s</text>',
      f2(left + pw / 2), f2(oy + 20), xml(p.title)))
  end
  add(string.format('<clipPath id="%s"><rect x="%s" y="%s" width="%s" height="%s"/></clipPath>',
    id, f2(x0), f2(y0), f2(pw), f2(ph)))
  if p.regions then
    local gw = 128
    local gh = math.min(math.max(2, round(gw * ph / pw)), 8 * gw)
    local cls = classgrid(p.regions, gw, gh, xlo, xhi, ylo, yhi)
    local cw, ch = pw / (gw - 1), ph / (gh - 1)
    add('<g shape-rendering="crispEdges">')
    for r = 1, gh do
      local c = 1
      while c <= gw do
        local k, c2 = cls[r][c], c
        while c2 < gw and cls[r][c2 + 1] == k do c2 = c2 + 1 end
        if k > 0 then
          -- grid point (r, c) is the centre of its rectangle; clip to the area
          local xa = math.max(x0, x0 + (c - 1.5) * cw)
          local xb = math.min(x0 + pw, x0 + (c2 - 0.5) * cw)
          local ya = math.max(y0, y0 + (r - 1.5) * ch)
          local yb = math.min(y0 + ph, y0 + (r - 0.5) * ch)
          add(string.format('<rect class="region" x="%s" y="%s" width="%s" height="%s" fill="%s"/>',
            f2(xa), f2(ya), f2(xb - xa), f2(yb - ya), pick(SVG_BG, k)))
        end
        c = c2 + 1
      end
    end
    add('</g>')
  end
  -- grid lines, ticks and their labels
  local yt, yl = ticks(ylo, yhi, math.max(2, ph // 50), p.yinteger)
  for i, t in ipairs(yt) do
    local y = Y(t)
    add(string.format('<line x1="%s" y1="%s" x2="%s" y2="%s" stroke="#dddddd"/>',
      f2(x0), f2(y), f2(x0 + pw), f2(y)))
    add(string.format('<text x="%s" y="%s" text-anchor="end">%s</text>', f2(x0 - 6), f2(y + 4),
      xml(yl[i])))
  end
  local xt, xl = ticks(xlo, xhi, math.max(2, pw // 80), p.xinteger)
  for i, t in ipairs(xt) do
    local x = X(t)
    add(string.format('<line x1="%s" y1="%s" x2="%s" y2="%s" stroke="#dddddd"/>',
      f2(x), f2(y0), f2(x), f2(y0 + ph)))
    add(string.format('<text x="%s" y="%s" text-anchor="middle">%s</text>', f2(x),
      f2(y0 + ph + 16), xml(xl[i])))
  end
  add(string.format('<rect x="%s" y="%s" width="%s" height="%s" fill="none" stroke="#333333"/>',
    f2(x0), f2(y0), f2(pw), f2(ph)))
  if p.xlabel then
    add(string.format('<text x="%s" y="%s" text-anchor="middle">%s</text>', f2(x0 + pw / 2),
      f2(y0 + ph + 34), xml(p.xlabel)))
  end
  if p.ylabel then
    add(string.format('<text x="%s" y="%s" text-anchor="middle" transform="rotate(-90 %s %s)">%s</text>',
      f2(14), f2(y0 + ph / 2), f2(14), f2(y0 + ph / 2), xml(p.ylabel)))
  end
  -- the data
  for _, s in ipairs(p.series) do
    if s.kind == 'line' then
      local run = {}
      local function flush()
        if #run > 1 then
          add(string.format('<polyline class="line" clip-path="url(#%s)" fill="none" stroke="%s" stroke-width="1.5" points="%s"/>',
            id, pick(SVG_FG, s.color), table.concat(run, ' ')))
        elseif #run == 1 then
          local x, y = run[1]:match('([^,]+),([^,]+)')
          add(string.format('<circle class="line" clip-path="url(#%s)" cx="%s" cy="%s" r="1.5" fill="%s"/>', id, x, y,
            pick(SVG_FG, s.color)))
        end
        run = {}
      end
      for i = 1, #s.xs do
        local x, y = s.xs[i], s.ys[i]
        if isfinite(x) and isfinite(y) then run[#run + 1] = f2(X(x)) .. ',' .. f2(Y(y))
        else flush() end
      end
      flush()
    end
  end
  for _, s in ipairs(p.series) do
    if s.kind == 'points' then
      for i = 1, #s.xs do
        local x, y = s.xs[i], s.ys[i]
        if isfinite(x) and isfinite(y) and x >= xlo and x <= xhi and y >= ylo and y <= yhi then
          add(string.format('<circle class="point" cx="%s" cy="%s" r="3.5" fill="%s" stroke="#000000" stroke-width="0.5"/>',
            f2(X(x)), f2(Y(y)), pick(SVG_FG, s.color)))
        end
      end
    end
  end
  -- the legend, in a row under the axes
  local lx, ly = x0, oy + H - 10
  for _, e in ipairs(entries) do
    local color = pick(SVG_FG, e.fg)
    if e.shade then
      add(string.format('<rect x="%s" y="%s" width="14" height="14" fill="%s" stroke="#999999"/>',
        f2(lx), f2(ly - 11), pick(SVG_BG, e.shade.bg)))
      add(string.format('<circle cx="%s" cy="%s" r="3.5" fill="%s" stroke="#000000" stroke-width="0.5"/>',
        f2(lx + 7), f2(ly - 4), color))
    elseif e.sym:find('━') then
      add(string.format('<line x1="%s" y1="%s" x2="%s" y2="%s" stroke="%s" stroke-width="2"/>',
        f2(lx), f2(ly - 4), f2(lx + 14), f2(ly - 4), color))
    else
      add(string.format('<circle cx="%s" cy="%s" r="3.5" fill="%s" stroke="#000000" stroke-width="0.5"/>',
        f2(lx + 7), f2(ly - 4), color))
    end
    add(string.format('<text x="%s" y="%s">%s</text>', f2(lx + 20), f2(ly), xml(e.label)))
    lx = lx + 20 + 7 * ulen(e.label) + 24
  end
end

-- Render a figure as a standalone SVG document (width x height pixels).
function M.render_svg(fig, width, height)
  width = checksize(width or 640, 'svg width', MAX_PIXELS, 'svg')
  if height ~= nil then height = checksize(height, 'svg height', MAX_PIXELS, 'svg') end
  local n = #fig.panels
  local ph = height and (height - (fig.title and 30 or 0)) // n or 400
  height = height or ph * n + (fig.title and 30 or 0)
  local out = {
    '<?xml version="1.0" encoding="UTF-8"?>',
    string.format('<svg xmlns="http://www.w3.org/2000/svg" width="%d" height="%d" viewBox="0 0 %d %d" font-family="sans-serif" font-size="12">',
      width, height, width, height),
    '<rect x="0" y="0" width="100%" height="100%" fill="#ffffff"/>',
  }
  local oy = 0
  if fig.title then
    out[#out + 1] = string.format('<text x="%s" y="20" text-anchor="middle" font-size="15" font-weight="bold">%s</text>',
      f2(width / 2), xml(fig.title))
    oy = 30
  end
  for k, p in ipairs(fig.panels) do
    svgpanel(out, p, oy, width, ph, 'area' .. k)
    oy = oy + ph
  end
  out[#out + 1] = '</svg>'
  return table.concat(out, '\n') .. '\n'
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
  if path == nil then return M.render_svg(self.figure, width, height) end
  writesvg(self.figure, path, width, height, 'svg')
end

local function show(fname, fig, opts)
  local st, width, height = M.defaults(opts, fname)
  local text = M.render(fig, width, height, st)
  if opts.file ~= nil then writesvg(fig, opts.file, opts.svg_width, opts.svg_height, fname) end
  return setmetatable({ text = text, figure = fig }, Plot)
end

for _, name in ipairs{ 'line', 'curve', 'scatter', 'boundary' } do
  M[name] = function(...)
    local fig, opts = build[name](...)
    return show(name, fig, opts)
  end
end

-- svg(kind, args...): the SVG text of plot.kind(args...), or with opts.file,
-- nothing: the SVG is written to that file.
function M.svg(kind, ...)
  if not build[kind] then
    fail('svg', "kind must be 'line', 'curve', 'scatter' or 'boundary', got %s", tostring(kind))
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
