-- The man page nnlab.1 against the program's own help, so that they cannot
-- drift: every option and command `nnlab --help` lists is in the page, and
-- every option the page lists is in the help (the program's options in
-- OPTIONS, check's and grade's in "Options of check and grade",
-- autograder's in "Options of autograder"); the environment variables
-- the help names are in ENVIRONMENT; the page renders without a warning.
local PAGE = H.root .. '/nnlab.1'

-- groff and man run without the suite's LD_PRELOAD (libasan under make
-- test-asan, where troff aborts).
local function tool(cmd) return H.sh('unset LD_PRELOAD; ' .. cmd) end

-- A line of roff source as text: the escapes the page uses, and the font
-- macros' arguments (.B and .I join them with spaces, the alternating
-- ones .BR, .IR, .BI, ... without).
local function plain(line)
  local macro, rest = line:match('^%.(%u%u?) ?(.*)$')
  if macro then
    local args = {}
    local i = 1
    while i <= #rest do
      local c = rest:sub(i, i)
      if c == ' ' then
        i = i + 1
      elseif c == '"' then
        local j = rest:find('"', i + 1, true) or #rest + 1
        args[#args + 1] = rest:sub(i + 1, j - 1)
        i = j + 1
      else
        local j = rest:find(' ', i, true) or #rest + 1
        args[#args + 1] = rest:sub(i, j - 1)
        i = j
      end
    end
    line = table.concat(args, (macro == 'B' or macro == 'I') and ' ' or '')
  end
  line = line:gsub('\\f[BIRP]', ''):gsub('\\%-', '-'):gsub('\\%(aq', "'"):gsub('\\%(dq', '"')
    :gsub('\\&', '')
  return (line:gsub('%s+', ' '):gsub('^ ', ''):gsub(' $', ''))
end

-- The sections (.SH) and subsections (.SS) of the page: name -> list of
-- the tags of its .TP items, as text ("-e stat", "--format F").
local function page_items()
  local items, current = {}, nil
  local lines = {}
  for line in H.slurp(PAGE):gmatch('([^\n]*)\n') do lines[#lines + 1] = line end
  for i, line in ipairs(lines) do
    local head = line:match('^%.S[HS] (.*)$')
    if head then
      current = plain(head)
      items[current] = items[current] or {}
    elseif (line == '.TP' or line == '.TQ') and current then
      table.insert(items[current], plain(lines[i + 1]))
    end
  end
  return items
end

-- The options a help text lists: the first column of its "  -x ..." lines.
local function help_options(text)
  local list = {}
  for line in text:gmatch('[^\n]+') do
    local opt = line:match('^  (%-%S*[^\n]-)  ') or line:match('^  (%-%S*)$')
    if opt then list[#list + 1] = opt end
  end
  return list
end

local function set_of(list)
  local s = {}
  for _, v in ipairs(list) do s[v] = true end
  return s
end

-- Every element of a is in b, and the other way round.
local function same(a, b, what)
  local sa, sb = set_of(a), set_of(b)
  for _, v in ipairs(a) do assert.is_true(sb[v] == true, what .. ': ' .. v .. ' is in --help, not in nnlab.1') end
  for _, v in ipairs(b) do assert.is_true(sa[v] == true, what .. ': ' .. v .. ' is in nnlab.1, not in --help') end
end

local function help(args)
  local out, err, code = H.nnlab(args)
  assert.equal(0, code, err)
  return out
end

describe('the man page nnlab.1', function()
  local items = page_items()

  it('lists exactly the options of nnlab --help', function()
    local opts = help_options(help({ '--help' }))
    assert.is_true(#opts >= 11, 'help options: ' .. #opts)
    assert.is_true(set_of(opts)['-l g=mod'] and set_of(opts)['--version'])
    same(opts, items.OPTIONS, 'OPTIONS')
  end)

  it('has a section for each command nnlab --help shows', function()
    local text = help({ '--help' })
    local commands = {}
    for cmd in text:gmatch('\n       nnlab (%l+) ') do commands[#commands + 1] = cmd end
    assert.same({ 'check', 'grade', 'strip', 'autograder' }, commands)
    same(commands, items.COMMANDS, 'COMMANDS')
    local synopsis = H.slurp(PAGE):match('\n%.SH SYNOPSIS\n(.-)\n%.SH ')
    for _, cmd in ipairs(commands) do
      assert.truthy(synopsis:find('\n.B nnlab ' .. cmd, 1, true), 'SYNOPSIS: ' .. cmd)
    end
  end)

  it('lists exactly the options of check and grade, and of autograder', function()
    local check = help({ 'check', '--help' })
    assert.equal(check, help({ 'grade', '--help' }))
    local opts = help_options(check)
    assert.is_true(set_of(opts)['--jobs N'] and set_of(opts)['--'], table.concat(opts, ' '))
    same(opts, items['Options of check and grade'], 'check and grade')
    assert.truthy(check:find('nnlab check --selftest SET', 1, true))
    assert.truthy(H.slurp(PAGE):find('.B nnlab check \\-\\-selftest', 1, true))
    opts = help_options(help({ 'autograder', '--help' }))
    assert.is_true(set_of(opts)['--source DIR'] and set_of(opts)['-q'], table.concat(opts, ' '))
    same(opts, items['Options of autograder'], 'autograder')
  end)

  it('names the environment variables and files the program uses', function()
    local env = set_of(items.ENVIRONMENT)
    local text = help({ '--help' }):match('\nEnvironment: (.*)$')
    assert.truthy(text, 'no Environment: in --help')
    local n = 0
    for var in text:gmatch('%u+_[%u_]*%u') do
      n = n + 1
      assert.is_true(env[var] == true, 'ENVIRONMENT lacks ' .. var)
    end
    assert.equal(3, n)
    for _, var in ipairs { 'OPENBLAS_NUM_THREADS', 'XDG_STATE_HOME', 'LUA_PATH, LUA_CPATH' } do
      assert.is_true(env[var] == true, 'ENVIRONMENT lacks ' .. var)
    end
    local files = table.concat(items.FILES, '\n')
    for _, f in ipairs { '~/.nnlab_history', '$XDG_STATE_HOME/nnlab/', '~/.local/state/nnlab/' } do
      assert.truthy(files:find(f, 1, true), 'FILES lacks ' .. f)
    end
  end)

  it('carries the program\'s version', function()
    local version = help({ '--version' }):match('^nnlab (%S+)')
    assert.truthy(H.slurp(PAGE):find('\n.TH NNLAB 1 %S+ "nnlab ' .. version:gsub('%p', '%%%0') .. '"'),
      'the .TH line is not of version ' .. version)
  end)

  it('renders without warnings (groff -ww, and man)', function()
    local out, err, code = tool('groff -man -ww -z ' .. H.quote(PAGE))
    assert.equal(0, code, err)
    assert.equal('', out .. err)
    out, err, code = tool('MANWIDTH=80 man --warnings -l ' .. H.quote(PAGE))
    assert.equal(0, code, err)
    assert.equal('', err)
    assert.truthy(out:find('\nOPTIONS\n', 1, true), out)
    assert.truthy(out:find('--source DIR', 1, true), out)
    -- the test can fail: a broken request is a warning
    local bad = H.tmpfile('.TH X 1\n.SH NAME\n.BOGUS x\nx \\- y\n')
    out, err = tool('groff -man -ww -z ' .. H.quote(bad))
    os.remove(bad)
    assert.are_not.equal('', out .. err)
  end)
end)
