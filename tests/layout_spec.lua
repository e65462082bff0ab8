-- The source's layers and the include rule (README, "Source layout"):
-- src/core holds the numerical kernels, which know nothing of Lua;
-- src/lua the bindings, which know nothing of the program; src/host the
-- program.  A file may include its own layer's headers and those of the
-- layers below it, never above.
local H = require 'helper'

local LAYERS = { core = 1, lua = 2, host = 3 }
-- Headers of the outside world that a layer may not use.
local FORBIDDEN = {
  core = { 'lua.h', 'lauxlib.h', 'lualib.h', 'luaconf.h', 'readline/' },
  lua = { 'readline/' },
  host = {},
}

local function files(layer)
  local list = {}
  local p = io.popen('ls ' .. H.quote(H.root .. '/src/' .. layer))
  for name in p:lines() do
    if name:match('%.[ch]$') then list[#list + 1] = name end
  end
  p:close()
  return list
end

-- Which layer's folder holds header name (nil: none of ours).
local function layer_of(header)
  for layer in pairs(LAYERS) do
    local f = io.open(H.root .. '/src/' .. layer .. '/' .. header)
    if f then f:close() return layer end
  end
end

-- The breaches of the rule in the text of a file of the given layer.
local function breaches(layer, text)
  local found = {}
  for kind, header in text:gmatch('\n%s*#%s*include%s*([<"])([^>"]+)[>"]') do
    if kind == '"' then
      local at = layer_of(header:match('[^/]*$'))
      if at and LAYERS[at] > LAYERS[layer] then
        found[#found + 1] = string.format('"%s" (src/%s)', header, at)
      end
    end
    for _, bad in ipairs(FORBIDDEN[layer]) do
      if header:sub(1, #bad) == bad then found[#found + 1] = '<' .. header .. '>' end
    end
  end
  return found
end

describe('the source layout', function()
  it('has the three layers and no C file outside them', function()
    local p = io.popen('cd ' .. H.quote(H.root) .. ' && find src -name "*.[ch]"')
    local n = 0
    for path in p:lines() do
      n = n + 1
      assert.is_truthy(path:match('^src/(%a+)/[^/]+$') and LAYERS[path:match('^src/(%a+)/')], path)
    end
    p:close()
    assert.is_true(n > 30)
  end)

  for layer in pairs(LAYERS) do
    it('keeps the include rule in src/' .. layer, function()
      for _, name in ipairs(files(layer)) do
        local text = '\n' .. H.slurp(H.root .. '/src/' .. layer .. '/' .. name)
        assert.are.same({}, breaches(layer, text), 'src/' .. layer .. '/' .. name)
      end
    end)
  end

  it('catches a kernel that includes lua.h, and a binding that includes a host header', function()
    assert.are.same({ '<lua.h>' }, breaches('core', '\n#include <stdio.h>\n#include <lua.h>\n'))
    assert.are.same({ '"lmatrix.h" (src/lua)' }, breaches('core', '\n#include "lmatrix.h"\n'))
    assert.are.same({ '"proc.h" (src/host)' }, breaches('lua', '\n#include "mat.h"\n#include "proc.h"\n'))
    assert.are.same({}, breaches('host', '\n#include "proc.h"\n#include <readline/readline.h>\n'))
  end)

  it('is what the README says, file by file', function()
    local readme = H.slurp(H.root .. '/README.md')
    local section = readme:match('\n## Source layout\n(.-)\n## ')
    assert.is_string(section, 'README has no "Source layout" section')
    for layer in pairs(LAYERS) do
      for _, name in ipairs(files(layer)) do
        if name:match('%.c$') then
          assert.is_truthy(section:find('`' .. name:gsub('%.c$', '') .. '`', 1, true)
            or section:find(name, 1, true), 'README Source layout does not name src/' .. layer .. '/' .. name)
        end
      end
    end
  end)
end)
