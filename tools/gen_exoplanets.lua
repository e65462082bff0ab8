-- Generate data/exoplanets.txt: the lecture's exoplanet example as a data set.
--
-- usage: ./nnlab tools/gen_exoplanets.lua [OUT]   (from the repository's root;
--        OUT defaults to data/exoplanets.txt; then run lua5.4
--        tools/gen_datasets.lua to embed it)
--
-- A point is x = (x1, x2): x1 the planet's distance from its star (AU), x2
-- the star's luminosity (suns).  The lecture's two step features (the
-- exercise features uses the same ones):
--
--   phi_1(x) = 1{-x1 + 0.5 x2 + 0.5 >= 0}   too close: too hot
--   phi_2(x) = 1{ x1 - 0.5 x2 - 1   >= 0}   too far: too cold
--
-- and the label is the classifier theta = (1, 1), theta_0 = -0.5:
-- 1{phi_1(x) + phi_2(x) - 0.5 >= 0}, 1 when the planet is outside the
-- habitable zone (one of the features fires), 0 inside it (neither fires;
-- both never fire at once: the zone is the band 0.5 + 0.5 x2 < x1 < 1 + 0.5 x2).
--
-- 40 points from matrix.seed(2021) (numpy's legacy stream, so the file is
-- the same on every machine): x2 uniform in [0.2, 2]; 12 too close, 16 in
-- the zone and 12 too far, x1 uniform in the part of [0.05, 3] of its kind
-- at least 0.05 AU from a boundary (so that a smooth classifier can fit the
-- step one); values rounded to two decimals, the label computed from the
-- rounded values.
local out = arg and arg[1] or 'data/exoplanets.txt'

local function phi(x1, x2)
  return (-x1 + 0.5 * x2 + 0.5 >= 0) and 1 or 0, (x1 - 0.5 * x2 - 1 >= 0) and 1 or 0
end

local function round2(v) return math.floor(v * 100 + 0.5) / 100 end

matrix.seed(2021)
local KINDS = {{'close', 12}, {'zone', 16}, {'far', 12}}
local MARGIN = 0.05
local rows = {}
for _, k in ipairs(KINDS) do
  local kind, count = k[1], k[2]
  local U = matrix.rand(2, count)
  for j = 1, count do
    local x2 = round2(0.2 + 1.8 * U:get(1, j))
    local lo, hi
    if kind == 'close' then
      lo, hi = 0.05, 0.5 + 0.5 * x2 - MARGIN
    elseif kind == 'zone' then
      lo, hi = 0.5 + 0.5 * x2 + MARGIN, 1 + 0.5 * x2 - MARGIN
    else
      lo, hi = 1 + 0.5 * x2 + MARGIN, 3
    end
    local x1 = round2(lo + (hi - lo) * U:get(2, j))
    local p1, p2 = phi(x1, x2)
    local label = (p1 + p2 - 0.5 >= 0) and 1 or 0
    assert(label == (kind == 'zone' and 0 or 1), 'a point off its kind')
    rows[#rows + 1] = string.format('%.2f %.2f %d', x1, x2, label)
  end
end

-- interleave the kinds (a fixed permutation from the same stream), so that
-- the file does not list the classes in blocks
local order = {}
for i = 1, #rows do order[i] = i end
for i = #rows, 2, -1 do
  local j = matrix.randint(i)
  order[i], order[j] = order[j], order[i]
end

local f = assert(io.open(out, 'w'))
f:write("# exoplanets: the lecture's exoplanet example: is a planet outside the habitable zone? ",
  '(tools/gen_exoplanets.lua)\n')
f:write('# One planet per line: x1 (distance from its star, AU) x2 (star\'s luminosity, suns) ',
  'label (1 outside the habitable zone, 0 inside). 40 points.\n')
for _, i in ipairs(order) do f:write(rows[i], '\n') end
f:close()
print('wrote ' .. out .. ': ' .. #rows .. ' points')
