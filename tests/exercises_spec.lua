-- The lecture's exercise set through the real program: the instructor's
-- copy (exercises/private/lecture.lua) and its self-test, the feedback a
-- student sees for the usual mistakes, the student copy (exercises/
-- lecture.lua, built in as `lecture`) and its few-answer parts, the REPL's
-- in-process route, and submissions that are no answers at all.
local json = require 'dkjson'

local SET = H.root .. '/exercises/private/lecture.lua'
local set = dofile(SET)

-- The parts the student copy checks the form of only.
local PENDING = {'features.labels', 'features.and_theta0', 'notation.shapes', 'notation.batch',
  'activations.regression', 'activations.nll', 'activations.step', 'activations.hidden',
  'derivs.why', 'step.why', 'losses.scale', 'losses.pick'}

local tmpdir, write = H.tmpdir, H.write

local function wrong(name)
  for _, w in ipairs(set.wrong) do
    if w.name == name then return w end
  end
  error('no known-wrong submission ' .. name)
end

-- Decimal numbers in feedback (0.153, 2.75): the reference values are never
-- shown, and the only decimals feedback may carry are the set's public
-- learning rates.
local function decimals(text)
  text = text:gsub('%[%u+%] [%w._]+ %([%d./]+%)', '')   -- scores: [FAIL] ex.part (1.33/2)
  text = text:gsub('^[^\n]*points\n', '')                 -- the first line, the total
  text = text:gsub('\n[^\n]*: [%d.]+/[%d.]+ points[^\n]*\n', '\n') -- or the last (check streams)
  text = text:gsub('lr = [%d.]+', ''):gsub('sgd_step%([%d.]+%)', ''):gsub('%d+, [%d.]+%) on', '')
  return text:match('%-?%d+%.%d%d+')
end

local dir
setup(function() dir = tmpdir() end)
teardown(function() os.execute('rm -rf ' .. H.quote(dir)) end)

describe('nnlab check --selftest exercises/private/lecture.lua', function()
  it('gives the reference solution full marks, every known-wrong one loses its parts, and no '
    .. 'trivial mutant earns more than a quarter of a part', function()
    local out, err, code = H.nnlab({'check', '--selftest', SET})
    assert.equal(0, code, out .. err)
    local lines, oks = 0, 0
    for line in out:gmatch('[^\n]+') do
      if line:match('^ok  ') or line:match('^FAIL') then lines = lines + 1 end
      if line:match('^ok  ') then oks = oks + 1 end
    end
    assert.equal(1 + #set.wrong + 1, lines, out)
    assert.equal(lines, oks, out)
    assert.matches('ok    reference solution: 86/86', out, 1, true)
    local mutants = tonumber(out:match('ok    mutants: (%d+), each at most a quarter of its part'))
    assert.is_true(mutants ~= nil and mutants >= 7 * 49 - 5, out)
  end)

  it('needs the reference solution: the student copy cannot self-test', function()
    local out, _, code = H.nnlab({'check', '--selftest', 'lecture'})
    assert.equal(1, code)
    assert.matches('no reference solution', out, 1, true)
  end)
end)

describe('feedback on the usual mistakes, as nnlab check shows it', function()
  -- {known-wrong submission, part, expected verdict, words the feedback must have}
  local cases = {
    {'strict steps', 'features.phi', 'FAIL', 'the lecture\'s step is 1{z >= 0}, so it is 1 there'},
    {'labels 1/0 instead of +1/-1', 'features.labels', 'FAIL', 'labels are +1 and -1, not 1 and 0'},
    {'rows and columns swapped in shapes', 'notation.shapes', 'FAIL',
      'notation.shapes.W1: you gave 4x3: rows and columns are swapped'},
    {'forward without W0', 'notation.Z1', 'FAIL', 'without the offset W0'},
    {'forward returns b x n', 'notation.forward', 'FAIL',
      'expected a 3x4 matrix, got a 4x3 matrix: your result is the transpose of the expected one'},
    {'activation choices', 'activations.regression', 'FAIL', '"relu" is not the right choice: relu never outputs -3.7'},
    {'Jacobian transposed', 'derivs.dA_dx', 'FAIL',
      'expected a 4x3 matrix, got a 3x4 matrix: your Jacobian is in the wrong layout'},
    {'missing factor 2', 'derivs.dloss_dA', 'FAIL', 'half the expected one'},
    {'sign error in dloss/dA', 'derivs.dloss_dW', 'FAIL', 'sign error'},
    {'diagonal SoftMax Jacobian', 'backprop.dZ', 'FAIL', 'you used only the diagonal of the SoftMax Jacobian'},
    {'mean over the batch', 'backprop.batch', 'FAIL', 'you took the mean over the batch where the sum is due'},
    {'Step below layer l', 'step.net', 'FAIL', 'your Step is in layer 1, below layer l = 2'},
    {'dLdW0 averaged', 'homework.Linear', 'FAIL', 'dLdW0: you took the mean over the batch where the sum is due'},
    {'naive SoftMax', 'homework.SoftMax', 'FAIL', 'NaN or infinite entries'},
    {'homework NLL/SoftMax backward', 'homework.NLLM', 'FAIL',
      'you returned Ypred - Y, as the homework\'s NLL.backward does'},
    {'sgd samples a fixed column', 'homework.hard', 'FAIL',
      'net:sgd(X, Y, 300, 0.05) on hard: W of layer 1: the shape (2x10) is right, but'},
    {'strict 0-1 threshold', 'losses.zero_one', 'FAIL', 'a guess g of exactly 0.5 is a 1'},
    {'asymmetric costs swapped', 'losses.asym', 'FAIL', 'you swapped the costs'},
    {'NLL in log base 10', 'losses.nll', 'FAIL', 'you used log base 10'},
    {'J as the sum', 'losses.J', 'FAIL', 'you gave the sum of the losses (the homework\'s batch loss)'},
    {'NLL and squared swapped', 'losses.pick', 'FAIL',
      'losses.pick.dislike: "nll" is not the right choice'},
    {'SGD: W0 climbs', 'sgd.W0', 'FAIL', 'you moved W_0 up the gradient'},
    {'SGD: W after the new W0', 'sgd.W', 'FAIL', 'you took dloss/dW with W_0 already updated'},
    {'eta 1/sqrt(t)', 'sgd.eta', 'FAIL', 'falls too slowly at large t'},
    {'run visits the points in order', 'sgd.run', 'FAIL', 'SGD picks i = matrix.randint(n_data)'},
    {'classes 0-based', 'predict.classify', 'FAIL', 'your class indices are one too small'},
    {'probability without the sigmoid', 'predict.prob', 'FAIL', 'you returned Z^(L)'},
    {'regression through a sigmoid', 'predict.dislike', 'FAIL', 'a regression output is any real number'},
  }
  for _, c in ipairs(cases) do
    it(c[1] .. ': ' .. c[2], function()
      local file = write(dir .. '/' .. c[1]:gsub('%W', '_') .. '.lua', wrong(c[1]).source)
      local out, err, code = H.nnlab({'check', '--only', c[2], SET, file})
      assert.equal(1, code, out .. err)
      assert.matches('[' .. c[3] .. '] ' .. c[2] .. ' (', out, 1, true)
      assert.matches(c[4], out, 1, true)
      assert.is_nil(decimals(out), 'a decimal number in the feedback: ' .. out)
    end)
  end

  it('never shows a decimal number of a reference, over every known-wrong submission', function()
    local files = {}
    for i, w in ipairs(set.wrong) do files[i] = write(dir .. '/w' .. i .. '.lua', w.source) end
    local _, err, code = H.nnlab({'grade', '--jobs', '2', '--format', 'json', '--out', dir .. '/reports',
      '--only', 'backprop', SET, table.unpack(files)})
    assert.equal(0, code, err)
    for i in ipairs(files) do
      local report = assert(json.decode(H.slurp(dir .. '/reports/w' .. i .. '.json')))
      for _, t in ipairs(report.tests) do
        assert.is_nil(decimals(t.output or ''), t.output)
      end
    end
  end)

  it('gives the same report every run', function()
    local file = write(dir .. '/again.lua', wrong('homework NLL/SoftMax backward').source)
    local a = H.nnlab({'check', '--only', 'homework', SET, file})
    local b = H.nnlab({'check', '--only', 'homework', SET, file})
    assert.equal(a, b)
    assert.matches('homework.SoftMax (1.33/2)', a, 1, true)
  end)
end)

describe('the student copy (the built-in lecture, exercises/lecture.lua)', function()
  it('grades the few-answer parts on submission and every other part in full', function()
    local sol = write(dir .. '/solution.lua', set.solution)
    local out, err, code = H.nnlab({'check', '--format', 'json', 'lecture', sol})
    assert.equal(0, code, out .. err)
    local report = assert(json.decode(out))
    local pending = {}
    for _, id in ipairs(PENDING) do pending[id] = true end
    local n, max = 0, 0
    for _, t in ipairs(report.tests) do
      n, max = n + 1, max + t.max_score
      assert.is_nil(t.name:find('homework.extra', 1, true))
      if pending[t.name] then
        assert.equal(0, t.score, t.name)
        assert.matches('graded on submission', t.output, 1, true)
        pending[t.name] = nil
      else
        assert.equal(t.max_score, t.score, t.name .. ': ' .. (t.output or ''))
      end
    end
    assert.equal(48, n)
    assert.equal(84, max)
    assert.is_nil(next(pending))
  end)

  it('checks the form of a few-answer part, and says nothing of its answer', function()
    local out, err, code = H.nnlab({'-e', [[
      ex.check('derivs.why', 'e')
      ex.check('derivs.why', 'a')
      ex.check('derivs.why', 'b')
      ex.check('features.labels', {1, 0, 1, 1, 1})
      ex.check('notation.shapes', {x = {3, 1}})]]})
    assert.equal(0, code, err)
    assert.matches('your answer is not one of the choices "a", "b", "c", "d"', out, 1, true)
    local _, valid = out:gsub('a valid choice; graded on submission', '')
    assert.equal(2, valid, out)
    assert.is_nil(out:find('not the right choice', 1, true), out)
    assert.matches('features.labels[2]: expected +1 or -1', out, 1, true)
    assert.matches('notation.shapes.W1 is missing', out, 1, true)
  end)

  it('losses and sgd: the form of a pick, and an SGD step done in place one entry at a time',
    function()
    local out, err, code = H.nnlab({'-e', [[
      ex.check('losses.scale', 'e')
      ex.check('losses.pick', {screening = 'nll', probability = 'nll', dislike = 'nll'})
      ex.check('losses.pick', {screening = 'hinge', probability = 'nll', dislike = 'nll', report = 'nll'})
      ex.check('losses.pick', {screening = '0-1', probability = 'nll', dislike = 'nll', report = 'nll'})
      local W = matrix{{1, -2, 0.5}, {0, 1, 1}, {-1, 0.5, 2}, {2, 0, -1}}
      local W0 = matrix.col{0.5, -1, 0}
      local x, y = matrix.col{1, 2, -1, 0.5}, matrix.col{1, 0, 2}
      for j = 1, 4 do
        for k = 1, 3 do
          local g = x * ((W:T() * x + W0 - y) * 2):T()
          W:set(j, k, W:get(j, k) - 0.1 * g:get(j, k))
        end
      end
      ex.check('sgd.W', W)]]})
    assert.equal(0, code, err)
    assert.matches('losses.scale: your answer is not one of the choices "a", "b", "c", "d"', out, 1, true)
    assert.matches('losses.pick.report is missing', out, 1, true)
    assert.matches('losses.pick.screening: your answer is not one of the choices', out, 1, true)
    assert.matches('a loss for each situation; graded on submission', out, 1, true)
    assert.is_nil(out:find('not the right choice', 1, true), out)
    assert.matches('[FAIL] sgd.W (0/2)', out, 1, true)
    assert.matches('you updated W in place one entry at a time', out, 1, true)
    assert.is_nil(decimals(out), out)
  end)

  it('nnlab strip: of the student copy, the same text; of the instructor\'s, the lines that load '
    .. 'the student copy', function()
    local copy = dir .. '/lecture_student.lua'
    local _, err, code = H.nnlab({'strip', 'lecture', '-o', copy})
    assert.equal(0, code, err)
    assert.equal(H.slurp(H.root .. '/exercises/lecture.lua'), H.slurp(copy))
    local stripped = dir .. '/lecture_stripped.lua'
    _, err, code = H.nnlab({'strip', SET, '-o', stripped})
    assert.equal(0, code, err)
    local text = H.slurp(stripped)
    for _, word in ipairs{'set.solution', 'set.wrong', "id = 'extra'", 'check.choice', "why = '"} do
      assert.is_nil(text:find(word, 1, true), word)
    end
    local sol = write(dir .. '/solution2.lua', set.solution)
    local out, err2, code2 = H.nnlab({'check', stripped, sol})
    assert.equal(0, code2, out .. err2)
    assert.matches('/84 points', out, 1, true)
    assert.matches('graded on submission', out, 1, true)
    assert.is_nil(out:find('homework.extra', 1, true))
  end)
end)

describe('the REPL route: ex.check in the program\'s own state', function()
  it('gives the solution full marks exercise by exercise (the instructor\'s copy)', function()
    local sol = write(dir .. '/solution_repl.lua', set.solution)
    local script = ([[
      ex.use(%q)
      local answers = dofile(%q)
      for _, id in ipairs{'features', 'notation', 'activations', 'derivs', 'backprop', 'step', 'homework',
          'losses', 'sgd', 'predict'} do
        ex.check(id, answers[id])
      end
    ]]):format(SET, sol)
    local out, err, code = H.nnlab({'-e', script})
    assert.equal(0, code, err)
    assert.is_nil(out:find('[FAIL]', 1, true), out)
    assert.matches('[PASS] homework.hard (3/3)', out, 1, true)
    assert.matches('[PASS] backprop.batch (2/2)', out, 1, true)
    assert.matches('[PASS] sgd.run (3/3)', out, 1, true)
    assert.matches('[PASS] losses.pick (2/2)', out, 1, true)
    assert.matches('[PASS] predict.classify (2/2)', out, 1, true)
  end)

  it('diagnoses a transposed Jacobian given in the REPL', function()
    local out, err, code = H.nnlab({'-e', [[
      local W = matrix{{1, -2, 0.5}, {0, 1, 1}, {-1, 0.5, 2}, {2, 0, -1}}
      ex.check('derivs.dA_dx', W:T())
      ex.check('derivs.dA_dx', W)]]})
    assert.equal(0, code, err)
    assert.matches('[FAIL] derivs.dA_dx (0/2)', out, 1, true)
    assert.matches('your Jacobian is in the wrong layout', out, 1, true)
    assert.matches('[PASS] derivs.dA_dx (2/2)', out, 1, true)
  end)
end)

describe('submissions that are no answers', function()
  it('score 0 with feedback on every part, and never a checker error', function()
    local values = {
      '0/0', '"yes"', 'matrix.fill(2, 2, 0/0)',
      'function() error("boom") end',
      'function() return setmetatable({}, {}) end',
      'function() return 1/0, 0/0 end',
      [[function() return setmetatable({}, {__index = function() return function() return 0/0 end end}) end]],
    }
    local files = {}
    for i, v in ipairs(values) do
      files[i] = write(dir .. '/junk' .. i .. '.lua', 'local V = ' .. v .. '\n'
        .. 'local function ex() return setmetatable({}, {__index = function() return V end}) end\n'
        .. 'return {features = ex(), notation = ex(), activations = ex(), derivs = ex(), '
        .. 'backprop = ex(), step = ex(), homework = ex(), losses = ex(), sgd = ex(), '
        .. 'predict = ex()}\n')
    end
    local _, err, code = H.nnlab({'grade', '--jobs', '2', '--format', 'json', '--out', dir .. '/junk',
      SET, table.unpack(files)})
    assert.equal(0, code, err)
    for i in ipairs(files) do
      local report = H.slurp(dir .. '/junk/junk' .. i .. '.json')
      assert.matches('"score":0,', report, 1, true)
      assert.is_nil(report:find('checker error', 1, true), report)
      assert.is_nil(report:find('grader error', 1, true), report)
      assert.is_nil(report:find('"status":"passed"', 1, true), report)
    end
  end)
end)
