-- nnlab.report: grading results as text, JSON (Gradescope's results.json),
-- TAP, JUnit XML and a CSV summary.
--
-- A result is {file =, score =, max =, pending = points graded on
-- submission, seconds = wall-clock, error = message|nil, parts = {{id =,
-- title =, points =, score =, status = 'passed'|'failed'|'pending',
-- feedback =, output =, seconds = wall-clock, visibility =}, ...}}.  When
-- the submission does not load (or is not graded at all), every part's
-- feedback is the result's error, and the reports say it once.
-- Everything a submission could have written (its output, its error
-- messages, its file name) is sanitised here: valid UTF-8, no terminal
-- escapes or control characters but newline and tab.
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

-- What a pending part says where a verdict would be.
report.PENDING = 'graded on submission'

-- A part's feedback, unless it is the reason the whole submission shares
-- (said once, at the top).
local function own_feedback(p, shared)
  if p.feedback == nil or p.feedback == '' or p.feedback == shared then return nil end
  return p.feedback
end

-- Text: the lines of one part.  shared: the reason every part shares,
-- printed once elsewhere.
function report.text_part(p, shared)
  local out = {}
  if p.status == 'pending' then
    out[1] = fmt('  [PEND] %s (%s/%s, %s)', p.id, p.score, p.points, report.PENDING)
  else
    out[1] = fmt('  [%s] %s', p.status == 'passed' and 'PASS' or 'FAIL', part_line(p))
  end
  local feedback = own_feedback(p, shared)
  if feedback and not (p.status == 'pending' and feedback == report.PENDING) then
    out[#out + 1] = '         ' .. sanitize(feedback):gsub('\n', '\n         ')
  end
  if p.output and p.output ~= '' then
    out[#out + 1] = '         output:\n           ' ..
      sanitize(p.output):gsub('\n$', ''):gsub('\n', '\n           ')
  end
  return concat(out, '\n') .. '\n'
end

-- Text: the message of the whole submission, one line per line of it.
function report.text_error(msg)
  return '  ' .. sanitize(msg):gsub('\n', '\n  ') .. '\n'
end

local function total_line(r)
  local s = fmt('%s: %s/%s points', sanitize(r.file), r.score, r.max)
  if (r.pending or 0) > 0 then
    s = s .. fmt(' (%s point%s %s)', r.pending, r.pending == 1 and '' or 's', report.PENDING)
  end
  return s .. '\n'
end

-- Text as nnlab check streams it: a first line, each part as it is graded
-- (text_part), then the total and the submission's message unless said.
function report.text_start(file, nparts, set)
  return fmt('%s: %d part%s of %s\n', sanitize(file), nparts, nparts == 1 and '' or 's',
    sanitize(set))
end

function report.text_total(r, said)
  local s = total_line(r)
  if r.error and r.error ~= said then s = s .. report.text_error(r.error) end
  return s
end

function report.text(r)
  local out = { total_line(r) }
  if r.error then out[#out + 1] = report.text_error(r.error) end
  for _, p in ipairs(r.parts) do out[#out + 1] = report.text_part(p, r.error) end
  return concat(out)
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

-- What a part that shares the submission's reason says instead of it.
report.SEE_ABOVE = 'not graded: see the message for the whole submission'

local function part_output(p, shared)
  local s = own_feedback(p, shared) or (shared and p.feedback == shared and report.SEE_ABOVE) or ''
  if p.status == 'pending' and s ~= report.PENDING then
    s = report.PENDING .. (s ~= '' and ': ' .. s or '')
  end
  if p.output and p.output ~= '' then
    s = s .. (s ~= '' and '\n' or '') .. 'output:\n' .. p.output
  end
  return s
end

-- A summary of a result in a few lines: its message, the points, and which
-- parts failed or wait for the instructor's copy.
function report.summary(r)
  local lines = {}
  if r.error then lines[1] = r.error end
  local passed, failed, pending = 0, {}, {}
  for _, p in ipairs(r.parts) do
    if p.status == 'passed' then passed = passed + 1
    elseif p.status == 'pending' then pending[#pending + 1] = p.id
    else failed[#failed + 1] = p.id end
  end
  local function list(t)
    if #t > 8 then return concat(t, ', ', 1, 8) .. fmt(' and %d more', #t - 8) end
    return concat(t, ', ')
  end
  local s = fmt('%s/%s points: %d of %d parts passed', r.score, r.max, passed, #r.parts)
  if #failed > 0 and not (r.error and #failed == #r.parts) then s = s .. '; failed: ' .. list(failed) end
  if #pending > 0 then
    local n = r.pending or 0
    s = s .. fmt('; %s: %s (%s point%s)', report.PENDING, list(pending), n, n == 1 and '' or 's')
  end
  lines[#lines + 1] = s
  return concat(lines, '\n')
end

-- Gradescope's results.json: a part's visibility comes from the set.
function report.json(r)
  local tests = setmetatable({}, report.array)
  for i, p in ipairs(r.parts) do
    tests[#tests + 1] = {
      name = p.title and fmt('%s: %s', p.id, p.title) or p.id,
      number = tostring(i),
      score = p.score,
      max_score = p.points,
      -- a pending part has no status: it is neither passed nor failed yet
      status = p.status ~= 'pending' and (p.status == 'passed' and 'passed' or 'failed') or nil,
      output = part_output(p, r.error),
      visibility = p.visibility or 'visible',
    }
  end
  return report.json_encode {
    score = r.score,
    execution_time = r.seconds or 0,
    output = report.summary(r),
    tests = tests,
  } .. '\n'
end

-- TAP --------------------------------------------------------------------

-- One result's test lines, numbered from k + 1; prefix names the file.
local function tap_result(r, out, k, prefix)
  if prefix then out[#out + 1] = '# ' .. total_line(r):gsub('\n$', '') end
  if r.error then out[#out + 1] = '# ' .. sanitize(r.error):gsub('\n', '\n# ') end
  for i, p in ipairs(r.parts) do
    local name = (prefix or '') .. part_line(p)
    if p.status == 'pending' then
      out[#out + 1] = fmt('ok %d - %s # SKIP %s', k + i, name, report.PENDING)
    else
      out[#out + 1] = fmt('%s %d - %s', p.status == 'passed' and 'ok' or 'not ok', k + i, name)
    end
    local detail = part_output(p, r.error)
    if r.error and p.feedback == r.error then detail = (p.output or '') end  -- said above
    if detail ~= '' and detail ~= report.PENDING then
      out[#out + 1] = '  ---'
      out[#out + 1] = '  message: |'
      out[#out + 1] = '    ' .. sanitize(detail):gsub('\n', '\n    ')
      out[#out + 1] = '  ...'
    end
  end
  return k + #r.parts
end

function report.tap(r)
  local out = { 'TAP version 13', '1..' .. #r.parts }
  tap_result(r, out, 0)
  return concat(out, '\n') .. '\n'
end

-- Many results as one TAP stream: one plan, each file's parts named by it.
function report.tap_many(results)
  local n = 0
  for _, r in ipairs(results) do n = n + #r.parts end
  local out, k = { 'TAP version 13', '1..' .. n }, 0
  for _, r in ipairs(results) do k = tap_result(r, out, k, sanitize(r.file) .. ': ') end
  return concat(out, '\n') .. '\n'
end

-- JUnit XML ------------------------------------------------------------------

local function xml(s)
  return (sanitize(s):gsub('[<>&"]', { ['<'] = '&lt;', ['>'] = '&gt;', ['&'] = '&amp;',
    ['"'] = '&quot;' }))
end

-- One result as a <testsuite>.  Times are wall-clock seconds: each part's
-- (loading the submission and checking it), and the whole submission's.
local function junit_suite(r, name, out)
  local failures, skipped = 0, 0
  for _, p in ipairs(r.parts) do
    if p.status == 'pending' then skipped = skipped + 1
    elseif p.status ~= 'passed' then failures = failures + 1 end
  end
  out[#out + 1] = fmt('<testsuite name="%s" tests="%d" failures="%d" skipped="%d" time="%.3f">',
    xml(name), #r.parts, failures, skipped, r.seconds or 0)
  for _, p in ipairs(r.parts) do
    out[#out + 1] = fmt('<testcase classname="%s" name="%s" time="%.3f">', xml(r.file),
      xml(part_line(p)), p.seconds or 0)
    if p.status == 'pending' then
      out[#out + 1] = fmt('<skipped message="%s"/>', xml(p.feedback or report.PENDING))
    elseif p.status ~= 'passed' then
      out[#out + 1] = fmt('<failure message="%s">%s</failure>', xml(p.feedback or 'failed'),
        xml(p.feedback or ''))
    end
    if p.output and p.output ~= '' then
      out[#out + 1] = '<system-out>' .. xml(p.output) .. '</system-out>'
    end
    out[#out + 1] = '</testcase>'
  end
  if r.error then out[#out + 1] = '<system-err>' .. xml(r.error) .. '</system-err>' end
  out[#out + 1] = '</testsuite>'
end

function report.junit(r, suite)
  local out = { '<?xml version="1.0" encoding="UTF-8"?>', '<testsuites>' }
  junit_suite(r, suite or r.file, out)
  out[#out + 1] = '</testsuites>'
  return concat(out, '\n') .. '\n'
end

-- Many results as one JUnit document: a <testsuite> per submission.
function report.junit_many(results)
  local out = { '<?xml version="1.0" encoding="UTF-8"?>', '<testsuites>' }
  for _, r in ipairs(results) do junit_suite(r, r.file, out) end
  out[#out + 1] = '</testsuites>'
  return concat(out, '\n') .. '\n'
end

-- CSV summary of many results: one row per submission, a column per part.
-- A cell that a spreadsheet would take for a formula (=, +, -, @, or a tab
-- or carriage return first) gets a leading quote mark, and quotes.
local function csvfield(s)
  s = sanitize(s)
  if s:find('^[=+%-@\t\r]') then s = "'" .. s end
  if s:find('[,"\n\r]') or s:sub(1, 1) == "'" then s = '"' .. s:gsub('"', '""') .. '"' end
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
-- The formats that take many results into one report.
report.streams = { tap = report.tap_many, junit = report.junit_many }
report.extensions = { text = '.txt', json = '.json', tap = '.tap', junit = '.xml' }

return report
