-- nnlab.plot_svg: a figure drawn as a standalone SVG document.
local style = require 'nnlab.plot_style'

local isfinite, round, pick, ulen, ticks, legend =
  style.isfinite, style.round, style.pick, style.ulen, style.ticks, style.legend

local V = {}

-- nnlab.plot's classifier grid (classgrid), given by V.bind when plot loads
-- this file (plot's fail skips this file's frames).
local classgrid
function V.bind(plot_classgrid)
  classgrid = plot_classgrid
end

-- Series and class colours: strong for marks, pale for regions.
local SVG_FG = { '#1f77b4', '#d62728', '#2ca02c', '#ff7f0e', '#9467bd', '#17becf', '#8c564b', '#e377c2' }
local SVG_BG = { '#c6dbef', '#fcbba1', '#c7e9c0', '#fdd0a2', '#dadaeb', '#b7e4ea', '#d9c4bc', '#f7c6e3' }

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
-- Render a figure as a standalone SVG document (width x height pixels,
-- checked by plot.render_svg; height nil: 400 per panel).
function V.render(fig, width, height)
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

return V
