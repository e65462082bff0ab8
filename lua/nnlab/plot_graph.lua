-- nnlab.plot_graph: plot.graph(net [, X] [, opts]), a Sequential drawn as
-- the lecture's function graph: one column per layer (nnlab.netview's
-- layers), its parameters W^(l) and W0^(l) feeding the function evaluation
-- Z^(l) = W^(l)T A^(l-1) + W0^(l) (a circle), then f^(l) (a circle), then
-- A^(l) (a box listing its units, wide layers elided as matrices are), from
-- the input x = A^(0) on the left to the loss on the right.
--
-- The figure is plain data (the columns and their lines); layout() places
-- it on a grid of character cells for a width, wrapping the columns into
-- bands that fit; the text and the SVG are both drawn from that layout.
local core = require 'nnlab.core'
local util = require 'nnlab.util'
local view = require 'nnlab.netview'

local matrix = core.matrix
local fmt, field = string.format, util.field

local G = {}

local fail  -- plot's caller-level fail, given by G.bind
function G.bind(plot_fail) fail = plot_fail end

local UNITS = 5  -- a layer with more units shows the first 2, '...', the last 2

local function dims(r, c)
  return (r and tostring(r) or '?') .. 'x' .. (c and tostring(c) or '?')
end

local function units(prefix, n)
  local t = {}
  if not n then return { prefix .. '_1 ... ' .. prefix .. '_?' } end
  if n <= UNITS then
    for i = 1, n do t[i] = prefix .. '_' .. i end
  else
    t = { prefix .. '_1', prefix .. '_2', '...', prefix .. '_' .. (n - 1), prefix .. '_' .. n }
  end
  return t
end

-- The figure of net (and the batch X, or nil).
function G.figure(net, X, opts)
  if type(net) ~= 'table' or type(rawget(net, 'modules')) ~= 'table' or rawget(net, 'loss') == nil then
    fail('graph', 'net must be an nn.Sequential, got %s', type(net))
  end
  local layers = view.layers(net)
  if #layers == 0 then fail('graph', 'the net has no modules') end
  local rows = {}  -- with X: the rows and columns of each module's output
  local b
  if X ~= nil then
    if not matrix.is(X) then fail('graph', 'X must be a matrix (d x b), got %s', type(X)) end
    local d
    d, b = X:shape()
    local m1 = layers[1].m
    if m1 and d ~= m1 then
      fail('graph', 'X is %s but layer 1 takes %d inputs (X must be %d x b)', dims(d, b), m1, m1)
    end
    local A = X
    for i, mod in ipairs(net.modules) do
      A = mod:forward(A)
      if not matrix.is(A) then
        fail('graph', 'module %d (%s) returned %s', i, view.name(mod), type(A))
      end
      rows[i] = A:shape()
    end
    rows[0] = d
  end
  local cols = {}
  local d = layers[1].m or rows[0]
  cols[1] = { kind = 'input', title = 'input',
    a = { 'x  ' .. dims(d, 1), X and ('X  ' .. dims(d, b)) or nil } }
  for _, u in ipairs(units('x', d)) do cols[1].a[#cols[1].a + 1] = u end
  for l, L in ipairs(layers) do
    local zn = L.lin and (rows[L.lin_index] or L.n) or (L.m or rows[(L.parts[1].index) - 1])
    local last = #L.parts > 0 and L.parts[#L.parts].index or L.lin_index
    local an = rows[last] or L.an
    local c = { kind = 'layer', title = 'layer ' .. l }
    if L.lin then
      local lname = view.name(L.lin)
      c.params = { fmt('W^(%d)  %s', l, dims(L.m, L.n)), fmt('W0^(%d) %s', l, dims(L.n, 1)) }
      c.z = { fmt('Z^(%d)  %s', l, dims(zn, 1)) }
      if lname ~= 'Linear' then c.z[#c.z + 1] = '(' .. lname .. ')' end
    else
      c.params = { 'no W', fmt('Z^(%d) = A^(%d)', l, l - 1) }
      c.z = { fmt('Z^(%d)  %s', l, dims(zn, 1)) }
    end
    if X then c.z[#c.z + 1] = 'X: ' .. dims(zn, b) end
    c.f = { fmt('f^(%d) = %s', l, view.fname(L)) }
    c.a = { fmt('A^(%d)  %s', l, dims(an, 1)) }
    if X then c.a[#c.a + 1] = 'X: ' .. dims(an, b) end
    for _, u in ipairs(units('A', an)) do c.a[#c.a + 1] = u end
    c.an = an
    cols[#cols + 1] = c
  end
  local lname = view.name(net.loss)
  cols[#cols + 1] = { kind = 'loss', title = 'loss', a = { lname .. '  1x1' } }
  local notes = {}
  local fused = view.fused(net)
  if fused then
    notes[1] = fmt('%s + %s: backprop takes dloss/dZ^(%d) = A^(%d) - y from the logits',
      fused, lname, #layers, #layers)
  end
  return {
    graph = true, cols = cols, notes = notes,
    title = opts.title ~= nil and tostring(opts.title)
      or 'Z^(l) = W^(l)T A^(l-1) + W0^(l),  A^(l) = f^(l)(Z^(l)),  A^(0) = x',
  }
end

local function ulen(s) return utf8.len(s) or #s end

local function inner(lines)
  local w = 0
  for _, s in ipairs(lines or {}) do w = math.max(w, ulen(s)) end
  return w
end

-- The layout of fig in at most width cells: {w, h, items}; an item is
-- {t = 'text', r, c, s, fg}, {t = 'box' or 'circle', r, c, w, h, lines, fg}
-- or {t = 'edge', pts = {{r, c}, ...}} (an arrow ending at the last point).
-- Rows and columns count from 1.
function G.layout(fig, width)
  local cols = fig.cols
  local zl, fl, al = 0, 0, 0
  for _, c in ipairs(cols) do
    c.w = 4 + math.max(inner(c.a), inner(c.z), inner(c.f), inner(c.params) - 4, ulen(c.title) - 4)
    zl, fl, al = math.max(zl, #(c.z or {})), math.max(fl, #(c.f or {})), math.max(al, #c.a)
  end
  -- rows within a band (from its title row, 0): parameters 1-2, the Z
  -- circle from 4, the f circle, the A box whose first line is ra
  local rz = 5
  local rf = rz + zl + 3
  local ra = rf + fl + 3
  local bandh = ra + al + 1
  local GUT = 4
  -- bands: columns that fit; a band after the first starts with A^(k) from above
  local bands, cur, used = {}, {}, 0
  for i, c in ipairs(cols) do
    local need = c.w + (#cur > 0 and GUT or 0)
    if #cur > 0 and used + need > width then
      bands[#bands + 1] = cur
      local prev = cols[i - 1]
      local lbl = prev.kind == 'input' and 'x' or prev.a[1]:match('^(A^%(%d+%))')
      local cont = { kind = 'cont', title = '(from above)', a = { lbl .. '  ' .. dims(prev.an, 1) } }
      cont.w = 4 + math.max(inner(cont.a), ulen(cont.title) - 4)
      cur, used = { cont }, cont.w
      need = c.w + GUT
    end
    if used + need > width and #cur <= 1 then
      fail('graph', 'a width of %d columns is too small for this graph (need at least %d)', width,
        used + need)
    end
    cur[#cur + 1] = c
    used = used + need
  end
  bands[#bands + 1] = cur
  local items, top, maxw = {}, 1, 0
  local function add(it) items[#items + 1] = it end
  local function wrapped(text)
    local lines, line = {}, ''
    for word in tostring(text):gmatch('%S+') do
      if line ~= '' and ulen(line) + 1 + ulen(word) > width then
        lines[#lines + 1] = line
        line = word
      else
        line = line == '' and word or line .. ' ' .. word
      end
    end
    lines[#lines + 1] = line
    return lines
  end
  for _, s in ipairs(wrapped(fig.title)) do
    add({ t = 'text', r = top, c = 1, s = s })
    maxw = math.max(maxw, ulen(s))
    top = top + 1
  end
  top = top + 1
  local RA, BANDH = ra, bandh
  for _, band in ipairs(bands) do
    local x = 1
    local prev
    ra, bandh = 2, al + 3  -- a band of boxes only (the loss): no rows for circles
    for _, c in ipairs(band) do
      if c.kind == 'layer' then ra, bandh = RA, BANDH end
    end
    for _, c in ipairs(band) do
      local mid = x + c.w // 2
      add({ t = 'text', r = top, c = x + (c.w - ulen(c.title)) // 2, s = c.title, fg = 'title' })
      if c.kind == 'layer' then
        for k, s in ipairs(c.params) do add({ t = 'text', r = top + k, c = x + 2, s = s, fg = 'param' }) end
        add({ t = 'edge', pts = { { top + 3, mid }, { top + rz - 1, mid } } })
        add({ t = 'circle', r = top + rz - 1, c = x, w = c.w, h = zl + 2, lines = c.z, fg = 'circle' })
        add({ t = 'edge', pts = { { top + rz + zl + 1, mid }, { top + rf - 1, mid } } })
        add({ t = 'circle', r = top + rf - 1, c = x, w = c.w, h = fl + 2, lines = c.f, fg = 'circle' })
        add({ t = 'edge', pts = { { top + rf + fl + 1, mid }, { top + ra - 1, mid } } })
      end
      add({ t = 'box', r = top + ra - 1, c = x, w = c.w, h = #c.a + 2, lines = c.a,
        fg = c.kind == 'loss' and 'loss' or 'box' })
      if prev then
        local g0 = x - GUT
        if c.kind == 'layer' then
          add({ t = 'edge', pts = { { top + ra, g0 }, { top + ra, g0 + 2 }, { top + rz, g0 + 2 }, { top + rz, x - 1 } } })
        else
          add({ t = 'edge', pts = { { top + ra, g0 }, { top + ra, x - 1 } } })
        end
      end
      prev = c
      x = x + c.w + GUT
    end
    maxw = math.max(maxw, x - GUT - 1)
    top = top + bandh + 1
  end
  for _, note in ipairs(fig.notes) do
    for _, s in ipairs(wrapped(note)) do
      add({ t = 'text', r = top, c = 1, s = s })
      maxw = math.max(maxw, ulen(s))
      top = top + 1
    end
  end
  local h = 0
  for _, it in ipairs(items) do
    h = math.max(h, it.r and (it.r + (it.h or 1) - 1) or it.pts[#it.pts][1])
  end
  return { w = maxw, h = h, items = items }
end

-- --- text --------------------------------------------------------------------

local CH_UNICODE = { h = '─', v = '│', box = { '┌', '┐', '└', '┘' }, circle = { '╭', '╮', '╰', '╯' },
  right = '▶', down = '▼', corner = { LU = '┘', DR = '┌', UR = '└', LD = '┐' } }
local CH_ASCII = { h = '-', v = '|', box = { '+', '+', '+', '+' }, circle = { '.', '.', "'", "'" },
  right = '>', down = 'v', corner = { LU = '+', DR = '+', UR = '+', LD = '+' } }
local COLOR = { circle = 94, box = 92, param = 93, loss = 91, title = 1 }

function G.text(fig, width, st)
  local lay = G.layout(fig, width)
  local ch = st.unicode and CH_UNICODE or CH_ASCII
  local grid = {}
  for r = 1, lay.h do
    grid[r] = {}
    for c = 1, lay.w do grid[r][c] = { ch = ' ' } end
  end
  local function put(r, c, s, fg)
    for _, code in utf8.codes(s) do
      if grid[r] and grid[r][c] then grid[r][c] = { ch = utf8.char(code), fg = fg } end
      c = c + 1
    end
  end
  for _, it in ipairs(lay.items) do
    if it.t == 'box' or it.t == 'circle' then
      local k = it.t == 'box' and ch.box or ch.circle
      local r2, c2 = it.r + it.h - 1, it.c + it.w - 1
      local sides = (it.t == 'circle' and not st.unicode) and { '(', ')' } or { ch.v, ch.v }
      put(it.r, it.c, k[1] .. string.rep(ch.h, it.w - 2) .. k[2], it.fg)
      put(r2, it.c, k[3] .. string.rep(ch.h, it.w - 2) .. k[4], it.fg)
      for r = it.r + 1, r2 - 1 do
        put(r, it.c, sides[1], it.fg)
        put(r, c2, sides[2], it.fg)
      end
      for i, s in ipairs(it.lines) do put(it.r + i, it.c + 2, s) end
    end
  end
  for _, it in ipairs(lay.items) do
    if it.t == 'edge' then
      local pts = it.pts
      for i = 1, #pts - 1 do
        local a, b = pts[i], pts[i + 1]
        if a[1] == b[1] then
          for c = math.min(a[2], b[2]), math.max(a[2], b[2]) do put(a[1], c, ch.h) end
        else
          for r = math.min(a[1], b[1]), math.max(a[1], b[1]) do put(r, a[2], ch.v) end
        end
      end
      for i = 2, #pts - 1 do
        local p, a, b = pts[i], pts[i - 1], pts[i + 1]
        local from = a[1] == p[1] and 'L' or (a[1] < p[1] and 'U' or 'D')
        local to = b[1] == p[1] and 'R' or (b[1] < p[1] and 'U' or 'D')
        put(p[1], p[2], ch.corner[from .. to] or ch.corner[to .. from] or '+')
      end
      local p, a = pts[#pts], pts[#pts - 1]
      put(p[1], p[2], a[1] == p[1] and ch.right or ch.down)
    end
  end
  for _, it in ipairs(lay.items) do
    if it.t == 'text' then put(it.r, it.c, it.s, it.fg) end
  end
  local out = {}
  for r = 1, lay.h do
    local parts, cur = {}, nil
    for c = 1, lay.w do
      local cell = grid[r][c]
      local fg = st.color and cell.fg and COLOR[cell.fg] or nil
      if fg ~= cur then
        parts[#parts + 1] = fg and ('\27[0;' .. fg .. 'm') or '\27[0m'
        cur = fg
      end
      parts[#parts + 1] = cell.ch
    end
    if cur then parts[#parts + 1] = '\27[0m' end
    out[r] = (table.concat(parts):gsub(' +$', ''))
  end
  return table.concat(out, '\n')
end

-- --- SVG ---------------------------------------------------------------------

local function xml(s)
  return (tostring(s):gsub('[&<>"]', { ['&'] = '&amp;', ['<'] = '&lt;', ['>'] = '&gt;', ['"'] = '&quot;' }))
end

local SVG_COLOR = { circle = '#1f77b4', box = '#2ca02c', param = '#b8860b', loss = '#d62728', title = '#000000' }
local SVG_FILL = { circle = '#e8f1fa', box = '#eaf6ea', loss = '#fdeaea' }

-- The SVG of fig, laid out in one band (cells of 8 x 18 pixels), scaled to
-- width pixels when given.
function G.svg(fig, width)
  local lay = G.layout(fig, math.huge)
  local CW, CH = 8, 18
  local W, H = lay.w * CW + 16, lay.h * CH + 8
  local scale = width and width / W or 1
  local function X(c) return 8 + (c - 1) * CW end
  local function Y(r) return 4 + (r - 1) * CH end
  local out = {
    '<?xml version="1.0" encoding="UTF-8"?>',
    fmt('<svg xmlns="http://www.w3.org/2000/svg" width="%d" height="%d" viewBox="0 0 %d %d" font-family="monospace" font-size="13">',
      math.floor(W * scale + 0.5), math.floor(H * scale + 0.5), W, H),
    '<defs><marker id="arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto"><path d="M0,0 L10,5 L0,10 z" fill="#555555"/></marker></defs>',
    '<rect x="0" y="0" width="100%" height="100%" fill="#ffffff"/>',
  }
  local function add(s) out[#out + 1] = s end
  for _, it in ipairs(lay.items) do
    if it.t == 'box' or it.t == 'circle' then
      local w, h = it.w * CW - 4, it.h * CH - 6
      add(fmt('<rect class="%s" x="%.1f" y="%.1f" width="%d" height="%d" rx="%d" fill="%s" stroke="%s"/>',
        it.t == 'circle' and 'eval' or 'node', X(it.c) + 2, Y(it.r) + 3, w, h,
        it.t == 'circle' and h // 2 or 2, SVG_FILL[it.fg] or '#ffffff', SVG_COLOR[it.fg]))
      for i, s in ipairs(it.lines) do
        add(fmt('<text x="%.1f" y="%.1f">%s</text>', X(it.c + 2), Y(it.r + i) + 13, xml(s)))
      end
    elseif it.t == 'edge' then
      local pts = {}
      for i, p in ipairs(it.pts) do
        local x, y = X(p[2]) + CW / 2, Y(p[1]) + CH / 2
        if i == #it.pts then  -- end at the node's border
          if it.pts[i - 1][1] == p[1] then x = X(p[2]) + CW else y = Y(p[1]) + CH end
        end
        pts[#pts + 1] = fmt('%.1f,%.1f', x, y)
      end
      add(fmt('<polyline class="edge" fill="none" stroke="#555555" stroke-width="1.5" marker-end="url(#arrow)" points="%s"/>',
        table.concat(pts, ' ')))
    elseif it.t == 'text' then
      add(fmt('<text x="%.1f" y="%.1f"%s>%s</text>', X(it.c), Y(it.r) + 13,
        it.fg and fmt(' fill="%s"', SVG_COLOR[it.fg]) or '', xml(it.s)))
    end
  end
  add('</svg>')
  return table.concat(out, '\n') .. '\n'
end

return G
