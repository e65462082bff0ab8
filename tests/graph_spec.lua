-- plot.graph: the lecture's function graph of a net, its shapes on every
-- node, sized to the width (80 and 120 columns, given and from a
-- terminal), Unicode and colour on a terminal, the SVG well-formed.
local nnlab = require 'nnlab'
local matrix, nn, plot = nnlab.matrix, nnlab.nn, nnlab.plot
local N = require 'nets_fixture'

local err = H.err_at('graph_spec.lua')

local function lines(s)
  local t = {}
  for l in (s .. '\n'):gmatch('(.-)\n') do t[#t + 1] = l end
  return t
end

local function has(text, s)
  return text:find(s, 1, true) ~= nil
end

-- The shapes every node must show for a net of the fixture.
local function check_shapes(t, text, b)
  local m = t.d
  for l, n in ipairs(t.sizes) do
    local msg = t.name .. ', layer ' .. l .. ':\n' .. text
    assert.is_true(has(text, ('W^(%d)  %dx%d'):format(l, m, n)), msg)
    assert.is_true(has(text, ('W0^(%d) %dx1'):format(l, n)), msg)
    assert.is_true(has(text, ('Z^(%d)  %dx1'):format(l, n)), msg)
    assert.is_true(has(text, ('f^(%d) = %s'):format(l, t.acts[l])), msg)
    if b then
      assert.is_true(has(text, ('A^(%d)  %dx1'):format(l, n)), msg)
      assert.is_true(has(text, ('X: %dx%d'):format(n, b)), msg)
    end
    m = n
  end
  assert.is_true(has(text, 'x  ' .. t.d .. 'x1'), text)
  assert.is_true(has(text, t.net.loss.kind .. '  1x1'), text)
  if b then assert.is_true(has(text, ('X  %dx%d'):format(t.d, b)), text) end
end

describe('plot.graph', function()
  it('shows every node with its shape, for nets of depth 1 to 4, in 80 and 120 columns', function()
    for _, t in ipairs(N.nets()) do
      for _, w in ipairs{ 80, 120 } do
        local text = tostring(plot.graph(t.net, { style = 'ascii', color = false, width = w }))
        check_shapes(t, text, nil)
        for _, l in ipairs(lines(text)) do assert.is_true(#l <= w, t.name .. ': ' .. l) end
        assert.is_nil(text:find('[\27\128-\255]'), 'not plain ASCII')
        local X = matrix.randn(t.d, 7)
        local tb = tostring(plot.graph(t.net, X, { style = 'ascii', color = false, width = w }))
        check_shapes(t, tb, 7)
      end
    end
  end)

  it('puts the four layers in one band at 120 columns and continues below at 80', function()
    local t = N.nets()[4]
    local wide = tostring(plot.graph(t.net, { style = 'ascii', width = 120 }))
    local narrow = tostring(plot.graph(t.net, { style = 'ascii', width = 80 }))
    assert.is_false(has(wide, '(from above)'), wide)
    assert.is_true(has(narrow, '(from above)'), narrow)
    -- each layer's title on the row of the band's titles
    local row = lines(wide)[3]
    for l = 1, 4 do assert.is_true(has(row, 'layer ' .. l), row) end
    assert.is_true(has(row, 'input') and has(row, 'loss'), row)
  end)

  it('elides a wide layer as matrices do, and a Lua module shows its name, shape unknown', function()
    local t = N.nets()[4]
    local text = tostring(plot.graph(t.net, { style = 'ascii', width = 120 }))
    assert.is_true(has(text, '| A_11') and has(text, '| A_12') and has(text, '| ...'), text)
    for u = 6, 10 do assert.is_false(has(text, 'A_' .. u), text) end  -- 12 units: 1, 2, ..., 11, 12
    local l3 = tostring(plot.graph(N.nets()[3].net, { style = 'ascii', width = 120 }))
    assert.is_true(has(l3, 'f^(2) = Double, Tanh'), l3)
    assert.is_true(has(l3, 'A^(2)  ?x1'), l3)  -- after a Lua module, known only with X
    local withX = tostring(plot.graph(N.nets()[3].net, matrix.randn(2, 5), { style = 'ascii', width = 120 }))
    assert.is_true(has(withX, 'A^(2)  3x1') and has(withX, 'X: 3x5'), withX)
  end)

  it('draws arrows from x through every Z and f circle to the loss', function()
    local text = tostring(plot.graph(N.nets()[2].net, { style = 'ascii', width = 80 }))
    local ls = lines(text)
    local arrows = 0
    for _, l in ipairs(ls) do
      local _, n = l:gsub('%-%->', '')
      arrows = arrows + n
    end
    assert.are.equal(1, arrows, text)  -- A^(2) into the loss
    local _, into = text:gsub('%+>%(', '')
    assert.are.equal(2, into, text)    -- A^(l-1) into each Z circle
    assert.is_true(has(text, '( Z^(1)  3x1') and has(text, '( f^(1) = Step'), text)
    assert.is_true(has(text, 'SoftMax + NLLM: backprop takes dloss/dZ^(2) = A^(2) - y'), text)
  end)

  local function run_tty(cols, script)
    local path = os.tmpname()
    H.write(path, script)
    local cmd = 'script -qec ' .. H.quote('stty cols ' .. cols .. ' rows 40; ' .. H.quote(H.bin) .. ' '
      .. H.quote(path)) .. ' /dev/null'
    local out, e, code = H.sh(cmd)
    os.remove(path)
    assert.are.equal(0, code, e)
    return (out:gsub('\r', ''))
  end

  it('on a terminal of 80 or 120 columns: box drawing, colour, and the width of the terminal', function()
    local script = [[
      local net = nn.Sequential({nn.Linear(4, 5), nn.ReLU(), nn.Linear(5, 12), nn.Tanh(),
        nn.Linear(12, 4), nn.Sigmoid(), nn.Linear(4, 3), nn.SoftMax()}, nn.NLLM())
      print(plot.graph(net))
    ]]
    for _, cols in ipairs{ 80, 120 } do
      local out = run_tty(cols, script)
      assert.is_true(has(out, '╭') and has(out, '▶') and has(out, '\27['), out)
      local widest = 0
      for _, l in ipairs(lines(out)) do
        widest = math.max(widest, utf8.len((l:gsub('\27%[[%d;]*m', ''))))
      end
      assert.is_true(widest <= cols - 1, cols .. ': ' .. widest)
      assert.are.equal(cols == 80, has(out, '(from above)'), out)
    end
    -- not a terminal: ASCII, no colour
    local out = H.nnlab({ '-e', 'print(plot.graph(nn.Sequential({nn.Linear(2, 1)}, nn.Squared())))' })
    assert.is_nil(out:find('[\27\128-\255]'), out)
  end)

  it('writes SVG that parses, one shape per node', function()
    for _, t in ipairs(N.nets()) do
      local path = os.tmpname()
      plot.graph(t.net, matrix.randn(t.d, 3), { file = path, style = 'ascii' })
      local py = [[
import sys, xml.etree.ElementTree as E
root = E.parse(sys.argv[1]).getroot()
ns = '{http://www.w3.org/2000/svg}'
rects = root.iter(ns + 'rect')
cls = [r.get('class') for r in rects]
texts = ' '.join(t.text or '' for t in root.iter(ns + 'text'))
print(cls.count('eval'), cls.count('node'), len(list(root.iter(ns + 'polyline'))), 'Z^(1)' in texts)
]]
      local out, e, code = H.sh('python3 -c ' .. H.quote(py) .. ' ' .. H.quote(path))
      os.remove(path)
      assert.are.equal(0, code, e)
      local L = #t.sizes
      -- two circles per layer; boxes: x, A^(l), the loss; edges: 3 per layer + 1
      assert.are.equal(('%d %d %d True\n'):format(2 * L, L + 2, 4 * L + 1), out, t.name)
    end
    assert.are.equal(plot.graph(N.nets()[1].net):svg(), plot.svg('graph', N.nets()[1].net))
  end)

  it('refuses unknown options and bad arguments, at the caller', function()
    local net = N.nets()[2].net
    assert.are.equal("plot.graph: unknown option 'height' (options: color, file, style, svg_width, title, width)",
      err(function() plot.graph(net, { height = 10 }) end))
    assert.are.equal('plot.graph: net must be an nn.Sequential, got number',
      err(function() plot.graph(3) end))
    assert.are.equal('plot.graph: X is 3x4 but layer 1 takes 2 inputs (X must be 2 x b)',
      err(function() plot.graph(net, matrix.zeros(3, 4)) end))
    assert.are.equal('plot.graph: a width of 20 columns is too small for this graph (need at least 32)',
      err(function() plot.graph(net, { width = 20, style = 'ascii' }) end))
  end)
end)
