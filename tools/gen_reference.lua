-- Write the README's reference tables from lua/nnlab/doc.lua, the entries
-- help(x) shows, so that the README and help cannot say different things.
--
-- usage: lua5.4 tools/gen_reference.lua [--check] [README.md]
--
-- Each group of doc.lua has one place in the README, between the lines
--   <!-- reference: GROUP -->
--   <!-- end reference -->
-- where this tool puts its table (one row per entry: the calls, the shapes,
-- the description; a class's fields follow it).  Everything outside the
-- markers is left as it is.  With --check it changes nothing and exits with
-- status 1 when the README is not what it would write (tests/help_spec.lua
-- runs it so).
local check, path = false, nil
for _, a in ipairs(arg) do
  if a == '--check' then check = true else path = a end
end
local root = arg[0]:match('^(.*)/tools/[^/]*$') or '.'
path = path or (root .. '/README.md')
local doc = dofile(root .. '/lua/nnlab/doc.lua')

local function die(msg)
  io.stderr:write('gen_reference: ', msg, '\n')
  os.exit(1)
end

local function cell(s)
  return (s:gsub('|', '\\|'))
end

-- "a.b, c" -> "`a.b`, `c`"
local function code_list(list)
  local out = {}
  for _, s in ipairs(list) do out[#out + 1] = '`' .. s .. '`' end
  return table.concat(out, ', ')
end

local function split_names(s)
  local out = {}
  for n in s:gmatch('[^,]+') do out[#out + 1] = n:match('^%s*(.-)%s*$') end
  return out
end

local function markdown(group)
  local lines = { '| call | shapes | description |', '| --- | --- | --- |' }
  for _, e in ipairs(doc.entries) do
    if e.group == group then
      local calls = type(e.call) == 'table' and e.call or { e.call }
      lines[#lines + 1] = string.format('| %s | %s | %s |', cell(code_list(calls)),
        cell(e.shapes or ''), cell(e.desc))
      for _, f in ipairs(e.fields or {}) do
        lines[#lines + 1] = string.format('| %s | %s | %s |', cell(code_list(split_names(f[1]))),
          cell(f[2]), cell(f[3]))
      end
    end
  end
  return table.concat(lines, '\n')
end

local known = {}
for _, g in ipairs(doc.groups) do known[g.id] = true end

local f = io.open(path, 'rb') or die('cannot read ' .. path)
local text = f:read('a')
f:close()

-- Rebuild the text: every marked section regenerated.
local out, seen, pos, stale = {}, {}, 1, {}
while true do
  local s, e, id = text:find('<!%-%- reference: ([%w_.]+) %-%->\n', pos)
  if not s then break end
  if not known[id] then die(string.format("%s: no group '%s' in doc.lua", path, id)) end
  if seen[id] then die(string.format("%s: group '%s' is marked twice", path, id)) end
  seen[id] = true
  local es, ee = text:find('<!-- end reference -->', e + 1, true)
  if not es then die(string.format("%s: no '<!-- end reference -->' after group '%s'", path, id)) end
  local nexts = text:find('<!-- reference:', e + 1, true)
  if nexts and nexts < es then die(string.format("%s: group '%s' is not closed", path, id)) end
  out[#out + 1] = text:sub(pos, e)
  out[#out + 1] = markdown(id) .. '\n'
  if text:sub(e + 1, es - 1) ~= out[#out] then stale[#stale + 1] = id end
  out[#out + 1] = '<!-- end reference -->'
  pos = ee + 1
end
out[#out + 1] = text:sub(pos)
for _, g in ipairs(doc.groups) do
  if not seen[g.id] then
    die(string.format("%s has no place for group '%s': add '<!-- reference: %s -->' and "
      .. "'<!-- end reference -->' where its table belongs", path, g.id, g.id))
  end
end
local new = table.concat(out)

if check then
  if new ~= text then
    io.stderr:write(path, ' is not what tools/gen_reference.lua makes of lua/nnlab/doc.lua',
      ' (groups: ', table.concat(stale, ', '), '); run lua5.4 tools/gen_reference.lua\n')
    os.exit(1)
  end
  os.exit(0)
end
if new ~= text then
  local w = io.open(path, 'wb') or die('cannot write ' .. path)
  w:write(new)
  w:close()
end
