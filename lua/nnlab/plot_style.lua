-- nnlab.plot_style: what plot's text and SVG drawings share: point and line
-- symbols, tick values and legend entries (pure functions, no errors).
local S = {}

local function isfinite(x)
  return x == x and x ~= math.huge and x ~= -math.huge
end

local function round(x)
  return math.floor(x + 0.5)
end

-- Point symbols by class, shading of regions without colour, line markers.
local MARK_ASCII = { 'o', 'x', '+', '*', '#', '@', '%', '&' }
local MARK_UNICODE = { '●', '✕', '▲', '■', '◆', '★', '◼', '▼' }
local SHADE_ASCII = { ' ', '.', ':', '-', '=', '~', '^', '"' }
local SHADE_UNICODE = { ' ', '·', '░', '▒', ':', '┄', '▓', '≈' }
local LINE_ASCII = { '*', '+', 'o', 'x', '#', '@', '%', '&' }

local function pick(list, i)
  return list[(i - 1) % #list + 1]
end

local function ulen(s)
  return utf8.len(s) or #s
end

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

S.isfinite, S.round, S.pick, S.ulen, S.ticks, S.legend = isfinite, round, pick, ulen, ticks, legend
S.MARK_ASCII, S.MARK_UNICODE = MARK_ASCII, MARK_UNICODE
S.SHADE_ASCII, S.SHADE_UNICODE, S.LINE_ASCII = SHADE_ASCII, SHADE_UNICODE, LINE_ASCII

return S
