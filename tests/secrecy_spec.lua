-- Nothing a student holds gives the lecture set's answers away: the built
-- program and a `make install` tree carry only the student copy of the set
-- (exercises/lecture.lua and exercises/lecture/*.lua), never the
-- instructor's (exercises/private/lecture.lua) nor a line of its reference
-- solution, a choice letter in context or a fixed answer.
local SET = H.root .. '/exercises/private/lecture.lua'
local set = dofile(SET)
local student = require('nnlab.grader').load_set(H.root .. '/exercises/lecture.lua')

local function trim(s) return (s:gsub('^%s+', ''):gsub('%s+$', '')) end

-- What the student copy shows on purpose: statements, starters, hints.
local public = {}
for _, ex in ipairs(student.exercises) do
  public[#public + 1] = ex.statement or ''
  public[#public + 1] = ex.starter or ''
  for _, h in ipairs(ex.hints or {}) do public[#public + 1] = h end
  for _, p in ipairs(ex.parts) do public[#public + 1] = p.statement or '' end
end
-- and the library itself (nn.lua's Sequential is the one the homework's
-- mirrors in Lua; it is the product, not an answer)
public[#public + 1] = H.slurp(H.root .. '/lua/nnlab/nn.lua')
public = table.concat(public, '\n')

-- The answers, as text to look for.
local function needles()
  local list, seen = {}, {}
  local function add(kind, s)
    if not seen[s] then
      seen[s] = true
      list[#list + 1] = {kind = kind, text = s}
    end
  end
  for line in set.solution:gmatch('[^\n]+') do
    -- a string answer in context: why = 'b', regression = 'identity'
    for name, value in line:gmatch("([%w_]+) = ('[^']*')") do add('choice', name .. ' = ' .. value) end
    -- a fixed answer: and_theta0 = -1.5, W1 = {3, 4}
    for name, value in line:gmatch('([%w_]+%.[%w_]+) = (%-?%d[%d.]*)') do
      add('literal', name .. ' = ' .. value)
    end
    for name, value in line:gmatch('([%w_]+) = ({%d+, %d+})') do add('literal', name .. ' = ' .. value) end
    -- a line of the solution's code that the student copy does not show
    local t = trim(line)
    if #t >= 24 and not t:match('^%-%-') and not public:find(t, 1, true) then add('line', t) end
  end
  return list
end

local function slurp_tree(dir)
  local out = {}
  local p = io.popen('find ' .. H.quote(dir) .. ' -type f')
  for path in p:lines() do out[#out + 1] = {path = path, text = H.slurp(path)} end
  p:close()
  return out
end

local function absent(list, haystacks)
  local found = {}
  for _, n in ipairs(list) do
    for _, h in ipairs(haystacks) do
      if h.text:find(n.text, 1, true) then
        found[#found + 1] = string.format('%s holds the %s %q of the reference solution', h.path,
          n.kind, n.text)
      end
    end
  end
  assert.equal('', table.concat(found, '\n'))
end

describe('the answers of the lecture set', function()
  local list = needles()
  local counts = {}
  for _, n in ipairs(list) do counts[n.kind] = (counts[n.kind] or 0) + 1 end

  it('are many, and all in the instructor\'s copy (the test can fail)', function()
    assert.is_true((counts.choice or 0) >= 6, 'choices')
    assert.is_true((counts.literal or 0) >= 10, 'literals')
    assert.is_true((counts.line or 0) >= 90, 'lines: ' .. tostring(counts.line))
    local private = H.slurp(SET)
    for _, n in ipairs(list) do assert.is_truthy(private:find(n.text, 1, true), n.text) end
    for _, s in ipairs{"why = 'b'", "step = 'c'", "why = 'd'", 'and_theta0 = -1.5', "scale = 'b'",
        "screening = 'asymmetric'", "dislike = 'squared'"} do
      assert.is_truthy(private:find(s, 1, true), s)
    end
  end)

  it('are not in the built program', function()
    absent(list, {{path = H.bin, text = H.slurp(H.bin)}})
  end)

  it('are not in a make install tree, which has the student copy and no private file', function()
    local dest = H.tmpdir()
    local out, err, code = H.sh(string.format('cd %s && make install DESTDIR=%s PREFIX=/usr',
      H.quote(H.root), H.quote(dest)))
    assert.equal(0, code, out .. err)
    local tree = slurp_tree(dest)
    local names = {}
    for _, f in ipairs(tree) do names[f.path:sub(#dest + 1)] = true end
    assert.is_true(names['/usr/share/lua/5.4/nnlab/sets/lecture.lua'])
    assert.is_true(names['/usr/share/lua/5.4/nnlab/sets/lecture/homework.lua'])
    for name in pairs(names) do assert.is_nil(name:find('/private/', 1, true), name) end
    absent(list, tree)
    os.execute('rm -rf ' .. H.quote(dest))
  end)

  it('are not in the Debian package (make deb), compressed files read uncompressed', function()
    -- (built without the suite's LD_PRELOAD: libasan under make test-asan)
    local out, err, code = H.sh('unset LD_PRELOAD; cd ' .. H.quote(H.root)
      .. ' && make --no-print-directory deb')
    assert.equal(0, code, out .. err)
    local deb = out:match('([^\n]+%.deb)\n$')
    if deb:sub(1, 1) ~= '/' then deb = H.root .. '/' .. deb end
    local dest = H.tmpdir()
    assert.equal(0, select(3, H.sh('dpkg-deb -x ' .. H.quote(deb) .. ' ' .. H.quote(dest))))
    local tree, gz = slurp_tree(dest), 0
    for _, f in ipairs(tree) do
      if f.path:match('%.gz$') then
        f.text, gz = H.sh('zcat ' .. H.quote(f.path)), gz + 1
      end
    end
    assert.is_true(gz >= 3)  -- the man page, changelog.gz, README.md.gz
    local names = {}
    for _, f in ipairs(tree) do names[f.path:sub(#dest + 1)] = true end
    assert.is_true(names['/usr/share/lua/5.4/nnlab/sets/lecture/homework.lua'])
    for name in pairs(names) do assert.is_nil(name:find('/private/', 1, true), name) end
    absent(list, tree)
    os.execute('rm -rf ' .. H.quote(dest))
  end)
end)

describe('the student copy', function()
  it('has no private part, and its total leaves homework.extra out', function()
    local total, itotal = 0, 0
    for _, e in ipairs(require('nnlab.grader').parts(student)) do
      assert.is_nil(e.part.private, e.id)
      total = total + e.part.points
    end
    for _, e in ipairs(require('nnlab.grader').parts(set)) do itotal = itotal + e.part.points end
    assert.equal(84, total)
    assert.equal(86, itotal)
    assert.is_nil(student.solution)
    assert.is_nil(student.wrong)
  end)

  it('is what the program has built in, and nothing of exercises/private/ is', function()
    local out, err, code = H.nnlab({'-e', [[
      local names = {}
      for name in pairs(require 'nnlab.embedded') do
        if name:find('^nnlab%.sets%.') then names[#names + 1] = name end
      end
      table.sort(names)
      print(table.concat(names, ' '))]]})
    assert.equal(0, code, err)
    assert.equal('nnlab.sets.lecture nnlab.sets.lecture.activations nnlab.sets.lecture.backprop '
      .. 'nnlab.sets.lecture.derivs nnlab.sets.lecture.features nnlab.sets.lecture.homework '
      .. 'nnlab.sets.lecture.losses nnlab.sets.lecture.notation nnlab.sets.lecture.predict '
      .. 'nnlab.sets.lecture.sgd nnlab.sets.lecture.step\n', out)
  end)

  it('cannot be built with the private file: tools/embed.sh refuses it', function()
    local _, err, code = H.sh('cd ' .. H.quote(H.root)
      .. ' && sh tools/embed.sh exercises/private/lecture.lua')
    assert.is_true(code ~= 0)
    assert.matches('refusing to embed exercises/private/lecture.lua', err, 1, true)
  end)
end)
