-- nnlab.report: grading results as text, JSON (Gradescope's results.json),
-- TAP, JUnit XML and a CSV summary.
--
-- A result is {file =, score =, max =, seconds =, error = message|nil,
-- parts = {{id =, title =, points =, score =, status = 'passed'|'failed',
-- feedback =, output =}, ...}}.  Everything a submission could have
-- written (its output, its error messages) is sanitised here: valid UTF-8,
-- no terminal escapes or control characters but newline and tab.
local report = {}

local fmt, concat = string.format, table.concat

-- Text a submission may have produced, made safe to show anywhere: invalid
-- UTF-8 becomes U+FFFD, terminal escape sequences are dropped, other
-- control characters (NUL included) become U+FFFD.
function report.sanitize(s)
  s = tostring(s or '')
  s = s:gsub('\27%[[%d;?]*[%a@`]', ''):gsub('\27%][^\7\27]*\7?', '')
  local out, i, n = {}, 1, #s
  while i <= n do
    local len = utf8.len(s, i)
    if len then
      out[#out + 1] = s:sub(i)
      break
    end
    local _, bad = utf8.len(s, i)
    out[#out + 1] = s:sub(i, bad - 1)
    out[#out + 1] = '\xEF\xBF\xBD'
    i = bad + 1
  end
  s = concat(out)
  return (s:gsub('[%z\1-\8\11-\31\127]', '\xEF\xBF\xBD'))
end
local sanitize = report.sanitize

local function part_line(p)
  return fmt('%s (%s/%s)', p.id, p.score, p.points)
end

function report.text(r)
  local out = {}
  out[#out + 1] = fmt('%s: %s/%s points', r.file, r.score, r.max)
  if r.error then out[#out + 1] = '  ' .. sanitize(r.error) end
  for _, p in ipairs(r.parts) do
    local mark = p.status == 'passed' and 'PASS' or 'FAIL'
    out[#out + 1] = fmt('  [%s] %s', mark, part_line(p))
    if p.feedback and p.feedback ~= '' then
      out[#out + 1] = '         ' .. sanitize(p.feedback):gsub('\n', '\n         ')
    end
    if p.output and p.output ~= '' then
      out[#out + 1] = '         output:\n           ' ..
        sanitize(p.output):gsub('\n$', ''):gsub('\n', '\n           ')
    end
  end
  return concat(out, '\n') .. '\n'
end

-- JSON ------------------------------------------------------------------

local escapes = { ['"'] = '\\"', ['\\'] = '\\\\', ['\n'] = '\\n', ['\t'] = '\\t',
  ['\r'] = '\\r', ['\b'] = '\\b', ['\f'] = '\\f' }

local function jstring(s)
  return '"' .. sanitize(s):gsub('[%c"\\]', function(c)
    return escapes[c] or fmt('\\u%04x', c:byte())
  end) .. '"'
end

local function jvalue(v, out)
  local t = type(v)
  if t == 'table' then
    if #v > 0 or next(v) == nil and getmetatable(v) == report.array then
      out[#out + 1] = '['
      for i, x in ipairs(v) do
        if i > 1 then out[#out + 1] = ',' end
        jvalue(x, out)
      end
      out[#out + 1] = ']'
    else
      local keys = {}
      for k in pairs(v) do keys[#keys + 1] = tostring(k) end
      table.sort(keys)
      out[#out + 1] = '{'
      for i, k in ipairs(keys) do
        if i > 1 then out[#out + 1] = ',' end
        out[#out + 1] = jstring(k) .. ':'
        jvalue(v[k], out)
      end
      out[#out + 1] = '}'
    end
  elseif t == 'number' then
    if v ~= v or v == math.huge or v == -math.huge then
      out[#out + 1] = 'null'
    elseif math.type(v) == 'integer' then
      out[#out + 1] = tostring(v)
    else
      out[#out + 1] = fmt('%.17g', v)
    end
  elseif t == 'boolean' then
    out[#out + 1] = tostring(v)
  elseif v == nil then
    out[#out + 1] = 'null'
  else
    out[#out + 1] = jstring(tostring(v))
  end
end

report.array = {}  -- metatable marking a table to encode as a JSON array

function report.json_encode(v)
  local out = {}
  jvalue(v, out)
  return concat(out)
end

local function part_output(p)
  local s = p.feedback or ''
  if p.output and p.output ~= '' then
    s = s .. (s ~= '' and '\n' or '') .. 'output:\n' .. p.output
  end
  return s
end

-- Gradescope's results.json.
function report.json(r)
  local tests = setmetatable({}, report.array)
  for i, p in ipairs(r.parts) do
    tests[#tests + 1] = {
      name = p.title and fmt('%s: %s', p.id, p.title) or p.id,
      number = tostring(i),
      score = p.score,
      max_score = p.points,
      status = p.status == 'passed' and 'passed' or 'failed',
      output = part_output(p),
      visibility = 'visible',
    }
  end
  return report.json_encode {
    score = r.score,
    execution_time = r.seconds or 0,
    output = r.error or fmt('%s/%s points', r.score, r.max),
    tests = tests,
  } .. '\n'
end

-- TAP --------------------------------------------------------------------

function report.tap(r)
  local out = { 'TAP version 13', '1..' .. #r.parts }
  if r.error then out[#out + 1] = '# ' .. sanitize(r.error):gsub('\n', '\n# ') end
  for i, p in ipairs(r.parts) do
    out[#out + 1] = fmt('%s %d - %s', p.status == 'passed' and 'ok' or 'not ok', i, part_line(p))
    local detail = part_output(p)
    if detail ~= '' then
      out[#out + 1] = '  ---'
      out[#out + 1] = '  message: |'
      out[#out + 1] = '    ' .. sanitize(detail):gsub('\n', '\n    ')
      out[#out + 1] = '  ...'
    end
  end
  return concat(out, '\n') .. '\n'
end

-- JUnit XML ------------------------------------------------------------------

local function xml(s)
  return (sanitize(s):gsub('[<>&"]', { ['<'] = '&lt;', ['>'] = '&gt;', ['&'] = '&amp;',
    ['"'] = '&quot;' }))
end

function report.junit(r, suite)
  local failures = 0
  for _, p in ipairs(r.parts) do
    if p.status ~= 'passed' then failures = failures + 1 end
  end
  local out = { '<?xml version="1.0" encoding="UTF-8"?>',
    fmt('<testsuites><testsuite name="%s" tests="%d" failures="%d" time="%.3f">',
      xml(suite or r.file), #r.parts, failures, r.seconds or 0) }
  for _, p in ipairs(r.parts) do
    out[#out + 1] = fmt('<testcase classname="%s" name="%s" time="%.3f">', xml(r.file),
      xml(part_line(p)), p.seconds or 0)
    if p.status ~= 'passed' then
      out[#out + 1] = fmt('<failure message="%s">%s</failure>', xml(p.feedback or 'failed'),
        xml(p.feedback or ''))
    end
    if p.output and p.output ~= '' then
      out[#out + 1] = '<system-out>' .. xml(p.output) .. '</system-out>'
    end
    out[#out + 1] = '</testcase>'
  end
  if r.error then out[#out + 1] = '<system-err>' .. xml(r.error) .. '</system-err>' end
  out[#out + 1] = '</testsuite></testsuites>'
  return concat(out, '\n') .. '\n'
end

-- CSV summary of many results: one row per submission, a column per part.
local function csvfield(s)
  s = sanitize(s)
  if s:find('[,"\n]') then s = '"' .. s:gsub('"', '""') .. '"' end
  return s
end

function report.csv(results, parts)
  local head = { 'submission', 'score', 'max_score' }
  for _, id in ipairs(parts) do head[#head + 1] = csvfield(id) end
  head[#head + 1] = 'error'
  local out = { concat(head, ',') }
  for _, r in ipairs(results) do
    local byid = {}
    for _, p in ipairs(r.parts) do byid[p.id] = p.score end
    local row = { csvfield(r.file), tostring(r.score), tostring(r.max) }
    for _, id in ipairs(parts) do row[#row + 1] = tostring(byid[id] or 0) end
    row[#row + 1] = csvfield(r.error or '')
    out[#out + 1] = concat(row, ',')
  end
  return concat(out, '\n') .. '\n'
end

report.formats = { text = report.text, json = report.json, tap = report.tap,
  junit = report.junit }
report.extensions = { text = '.txt', json = '.json', tap = '.tap', junit = '.xml' }

return report
