-- nnlab.plot_text: a figure drawn as terminal text: a grid of character
-- cells with braille or ASCII lines, point symbols, shaded regions, axes,
-- ticks and legends, in ANSI colours or none.
local style = require 'nnlab.plot_style'

local isfinite, round, pick, ulen, ticks, legend =
  style.isfinite, style.round, style.pick, style.ulen, style.ticks, style.legend
local MARK_ASCII, MARK_UNICODE = style.MARK_ASCII, style.MARK_UNICODE
local SHADE_ASCII, SHADE_UNICODE, LINE_ASCII = style.SHADE_ASCII, style.SHADE_UNICODE, style.LINE_ASCII

local T = {}

-- nnlab.plot's caller-level fail and its classifier grid (classgrid), given
-- by T.bind when plot loads this file: a plot function's errors blame the
-- caller of plot (plot's fail skips this file's frames too).
local fail, classgrid
function T.bind(plot_fail, plot_classgrid)
  fail, classgrid = plot_fail, plot_classgrid
end

-- ANSI foreground codes for series and classes, 256-colour backgrounds for
-- regions; the axes.
local FG = { 94, 91, 92, 93, 95, 96, 97, 90 }
local BG = { 17, 52, 22, 58, 53, 23, 237, 234 }
local AXES_ASCII = { v = '|', h = '-', ytick = '+', xtick = '+', corner = '+' }
local AXES_UNICODE = { v = '│', h = '─', ytick = '┤', xtick = '┬', corner = '└' }

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
-- whole figure in character cells (checked by plot.render); st = {unicode
-- = bool, color = bool}.
function T.render(fig, width, height, st)
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

return T
