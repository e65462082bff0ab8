-- Coverage of the lecture set's checks: every term of a reference answer
-- decides the verdict on at least one test point, so that the reference
-- solution with any one term left out, or with its sign turned, loses the
-- part.  Each case below patches the reference solution of the
-- instructor's copy (exercises/private/lecture.lua) and grades it with the
-- real program.  (The self-test's own rules, the known-wrong submissions
-- and the trivial mutants, are in exercises_spec.)
local json = require 'dkjson'

local SET = H.root .. '/exercises/private/lecture.lua'
local set = dofile(SET)

-- {name, parts that must not pass, {old, new}...}
local FEATURE_W = 'local Wf = matrix{{-1, 1, 0}, {0.5, -0.5, -1}}'
local FEATURE_W0 = 'local W0f = matrix.col{0.5, -1, 0.1}'
local CLASSIFY = 'local z = phi(x, k):sum() - 0.5'
local FORWARD = 'return sigmoid(W2:T() * relu(W1:T() * X + W01) + W02)'
local ASYM = 'return guess(g) * (1 - y) * cfp + (1 - guess(g)) * y * cfn'
local NLL = 'return -(y * math.log(g) + (1 - y) * math.log(1 - g))'
local SGD_G = 'local g = (W:T() * x + W0 - y) * 2'
local SGD_D = 'local d = (W:T() * x + W0 - y) * 2'
local SGD_UPDATE = 'W, W0 = W - x * d:T() * etas[t], W0 - d * etas[t]'
local cases = {
  -- each weight of each feature, left out (0) and with its sign turned
  {'w_11 left out', {'features.phi', 'features.h', 'features.h3'},
    {FEATURE_W, 'local Wf = matrix{{0, 1, 0}, {0.5, -0.5, -1}}'}},
  {'w_11 mis-signed', {'features.phi', 'features.h', 'features.h3'},
    {FEATURE_W, 'local Wf = matrix{{1, 1, 0}, {0.5, -0.5, -1}}'}},
  {'w_21 left out', {'features.phi', 'features.h', 'features.h3'},
    {FEATURE_W, 'local Wf = matrix{{-1, 1, 0}, {0, -0.5, -1}}'}},
  {'w_21 mis-signed', {'features.phi', 'features.h', 'features.h3'},
    {FEATURE_W, 'local Wf = matrix{{-1, 1, 0}, {-0.5, -0.5, -1}}'}},
  {'w~_1 left out', {'features.phi', 'features.h', 'features.h3'},
    {FEATURE_W, 'local Wf = matrix{{-1, 0, 0}, {0.5, -0.5, -1}}'}},
  {'w~_1 mis-signed', {'features.phi', 'features.h', 'features.h3'},
    {FEATURE_W, 'local Wf = matrix{{-1, -1, 0}, {0.5, -0.5, -1}}'}},
  {'w~_2 left out', {'features.phi', 'features.h', 'features.h3'},
    {FEATURE_W, 'local Wf = matrix{{-1, 1, 0}, {0.5, 0, -1}}'}},
  {'w~_2 mis-signed', {'features.phi', 'features.h', 'features.h3'},
    {FEATURE_W, 'local Wf = matrix{{-1, 1, 0}, {0.5, 0.5, -1}}'}},
  {'w~~_2 left out', {'features.h3'}, {FEATURE_W, 'local Wf = matrix{{-1, 1, 0}, {0.5, -0.5, 0}}'}},
  {'w~~_2 mis-signed', {'features.h3'}, {FEATURE_W, 'local Wf = matrix{{-1, 1, 0}, {0.5, -0.5, 1}}'}},
  {'w_0 left out', {'features.phi', 'features.h', 'features.h3'},
    {FEATURE_W0, 'local W0f = matrix.col{0, -1, 0.1}'}},
  {'w_0 mis-signed', {'features.phi', 'features.h', 'features.h3'},
    {FEATURE_W0, 'local W0f = matrix.col{-0.5, -1, 0.1}'}},
  {'w~_0 left out', {'features.phi', 'features.h', 'features.h3'},
    {FEATURE_W0, 'local W0f = matrix.col{0.5, 0, 0.1}'}},
  {'w~_0 mis-signed', {'features.phi', 'features.h', 'features.h3'},
    {FEATURE_W0, 'local W0f = matrix.col{0.5, 1, 0.1}'}},
  {'w~~_0 left out', {'features.h3'}, {FEATURE_W0, 'local W0f = matrix.col{0.5, -1, 0}'}},
  {'w~~_0 mis-signed', {'features.h3'}, {FEATURE_W0, 'local W0f = matrix.col{0.5, -1, -0.1}'}},
  -- each term of z = theta^T phi(x) + theta_0
  {'theta_1 phi_1 left out', {'features.h', 'features.h3'},
    {CLASSIFY, 'local p = phi(x, k)\n  local z = p:sum() - p:get(1, 1) - 0.5'}},
  {'theta_1 phi_1 mis-signed', {'features.h', 'features.h3'},
    {CLASSIFY, 'local p = phi(x, k)\n  local z = p:sum() - 2 * p:get(1, 1) - 0.5'}},
  {'theta_2 phi_2 left out', {'features.h', 'features.h3'},
    {CLASSIFY, 'local p = phi(x, k)\n  local z = p:sum() - p:get(2, 1) - 0.5'}},
  {'theta_2 phi_2 mis-signed', {'features.h', 'features.h3'},
    {CLASSIFY, 'local p = phi(x, k)\n  local z = p:sum() - 2 * p:get(2, 1) - 0.5'}},
  {'theta_3 phi_3 left out', {'features.h3'},
    {CLASSIFY, 'local p = phi(x, k)\n  local z = p:sum() - (k == 3 and p:get(3, 1) or 0) - 0.5'}},
  {'theta_3 phi_3 mis-signed', {'features.h3'},
    {CLASSIFY, 'local p = phi(x, k)\n  local z = p:sum() - (k == 3 and 2 * p:get(3, 1) or 0) - 0.5'}},
  {'theta_0 left out', {'features.h', 'features.h3'}, {CLASSIFY, 'local z = phi(x, k):sum()'}},
  {'theta_0 mis-signed', {'features.h', 'features.h3'}, {CLASSIFY, 'local z = phi(x, k):sum() + 0.5'}},
  -- the forward pass
  {'W_0^(1) left out', {'notation.Z1', 'notation.A1', 'notation.A2'},
    {'notation.Z1 = W1:T() * x + W01', 'notation.Z1 = W1:T() * x'}},
  {'W_0^(1) mis-signed', {'notation.Z1', 'notation.A1', 'notation.A2'},
    {'notation.Z1 = W1:T() * x + W01', 'notation.Z1 = W1:T() * x - W01'}},
  {'W_0^(2) left out', {'notation.A2'},
    {'notation.A2 = sigmoid(W2:T() * notation.A1 + W02)', 'notation.A2 = sigmoid(W2:T() * notation.A1)'}},
  {'W_0^(2) mis-signed', {'notation.A2'},
    {'notation.A2 = sigmoid(W2:T() * notation.A1 + W02)', 'notation.A2 = sigmoid(W2:T() * notation.A1 - W02)'}},
  {'forward: W_0^(1) left out', {'notation.forward'},
    {FORWARD, 'return sigmoid(W2:T() * relu(W1:T() * X) + W02)'}},
  {'forward: W_0^(1) mis-signed', {'notation.forward'},
    {FORWARD, 'return sigmoid(W2:T() * relu(W1:T() * X - W01) + W02)'}},
  {'forward: W_0^(2) left out', {'notation.forward'},
    {FORWARD, 'return sigmoid(W2:T() * relu(W1:T() * X + W01))'}},
  {'forward: W_0^(2) mis-signed', {'notation.forward'},
    {FORWARD, 'return sigmoid(W2:T() * relu(W1:T() * X + W01) - W02)'}},
  -- the derivatives
  {'A: W_0 left out', {'derivs.dloss_dA', 'derivs.dloss_dW', 'derivs.dloss_dW0'},
    {'local A = W:T() * x + W0', 'local A = W:T() * x'}},
  {'A: W_0 mis-signed', {'derivs.dloss_dA', 'derivs.dloss_dW', 'derivs.dloss_dW0'},
    {'local A = W:T() * x + W0', 'local A = W:T() * x - W0'}},
  {'dloss/dA: y left out', {'derivs.dloss_dA', 'derivs.dloss_dW', 'derivs.dloss_dW0'},
    {'derivs.dloss_dA = (A - y) * 2', 'derivs.dloss_dA = A * 2'}},
  {'dloss/dA: y mis-signed', {'derivs.dloss_dA', 'derivs.dloss_dW', 'derivs.dloss_dW0'},
    {'derivs.dloss_dA = (A - y) * 2', 'derivs.dloss_dA = (A + y) * 2'}},
  -- backprop: the SoftMax Jacobian's two terms, tanh's derivative, W_0
  {'SoftMax Jacobian: delta_jk left out', {'backprop.dZ', 'backprop.dW', 'backprop.dW0', 'backprop.batch'},
    {'J:set(j, k, a:get(k, 1) * ((j == k and 1 or 0) - a:get(j, 1)))', 'J:set(j, k, a:get(k, 1) * (- a:get(j, 1)))'}},
  {'SoftMax Jacobian: a_j left out', {'backprop.dZ', 'backprop.dW', 'backprop.dW0', 'backprop.batch'},
    {'J:set(j, k, a:get(k, 1) * ((j == k and 1 or 0) - a:get(j, 1)))', 'J:set(j, k, a:get(k, 1) * (j == k and 1 or 0))'}},
  {'SoftMax Jacobian: a_j mis-signed', {'backprop.dZ', 'backprop.dW', 'backprop.dW0', 'backprop.batch'},
    {'J:set(j, k, a:get(k, 1) * ((j == k and 1 or 0) - a:get(j, 1)))', 'J:set(j, k, a:get(k, 1) * ((j == k and 1 or 0) + a:get(j, 1)))'}},
  {'tanh derivative: a^2 mis-signed', {'backprop.dZ', 'backprop.dW', 'backprop.dW0', 'backprop.batch'},
    {'local D = matrix.diag(A[l]:map(function(v) return 1 - v * v end))',
     'local D = matrix.diag(A[l]:map(function(v) return 1 + v * v end))'}},
  {'backprop: W_0 left out', {'backprop.dZ', 'backprop.dW', 'backprop.dW0', 'backprop.batch'},
    {'local Z = Ws[l]:T() * A[l - 1] + W0s[l]', 'local Z = Ws[l]:T() * A[l - 1]'}},
  {'backprop: W_0 mis-signed', {'backprop.dZ', 'backprop.dW', 'backprop.dW0', 'backprop.batch'},
    {'local Z = Ws[l]:T() * A[l - 1] + W0s[l]', 'local Z = Ws[l]:T() * A[l - 1] - W0s[l]'}},
  -- the homework's modules
  {'Linear: W0 mis-signed', {'homework.Linear', 'homework.Sequential', 'homework.hard'},
    {'return self.W:T() * A + self.W0', 'return self.W:T() * A - self.W0'}},
  {'Linear: W0 update mis-signed', {'homework.Linear', 'homework.Sequential', 'homework.hard'},
    {'self.W0 = self.W0 - self.dLdW0 * lr', 'self.W0 = self.W0 + self.dLdW0 * lr'}},
  {'Tanh: a^2 mis-signed', {'homework.Tanh', 'homework.hard'},
    {'return dLdA:mul(self.A:map(function(a) return 1 - a * a end))',
     'return dLdA:mul(self.A:map(function(a) return 1 + a * a end))'}},
  {'SoftMax backward: the dot left out', {'homework.SoftMax', 'homework.Sequential', 'homework.hard'},
    {'return a * (dLdA:get(i, j) - dot:get(1, j))', 'return a * dLdA:get(i, j)'}},
  {'SoftMax backward: the dot mis-signed', {'homework.SoftMax', 'homework.Sequential', 'homework.hard'},
    {'return a * (dLdA:get(i, j) - dot:get(1, j))', 'return a * (dLdA:get(i, j) + dot:get(1, j))'}},
  {'NLLM: mis-signed', {'homework.NLLM', 'homework.Sequential', 'homework.hard'},
    {'  return -Y:map(function(y, i, j)', '  return Y:map(function(y, i, j)'}},
  -- the losses: each term of the asymmetric loss and of the NLL
  {'asymmetric: the false positives left out', {'losses.asym'}, {ASYM, 'return (1 - guess(g)) * y * cfn'}},
  {'asymmetric: the false positives mis-signed', {'losses.asym'},
    {ASYM, 'return -guess(g) * (1 - y) * cfp + (1 - guess(g)) * y * cfn'}},
  {'asymmetric: the false negatives left out', {'losses.asym'}, {ASYM, 'return guess(g) * (1 - y) * cfp'}},
  {'asymmetric: the false negatives mis-signed', {'losses.asym'},
    {ASYM, 'return guess(g) * (1 - y) * cfp - (1 - guess(g)) * y * cfn'}},
  {'NLL: y log g left out', {'losses.nll', 'losses.J'}, {NLL, 'return -((1 - y) * math.log(1 - g))'}},
  {'NLL: y log g mis-signed', {'losses.nll', 'losses.J'},
    {NLL, 'return -(-y * math.log(g) + (1 - y) * math.log(1 - g))'}},
  {'NLL: (1 - y) log(1 - g) left out', {'losses.nll', 'losses.J'}, {NLL, 'return -(y * math.log(g))'}},
  {'NLL: (1 - y) log(1 - g) mis-signed', {'losses.nll', 'losses.J'},
    {NLL, 'return -(y * math.log(g) - (1 - y) * math.log(1 - g))'}},
  -- the SGD step: each term of dloss/dA = 2 (W^T x + W0 - y) and of the updates
  {'SGD step: W0 left out of A', {'sgd.W0', 'sgd.W'}, {SGD_G, 'local g = (W:T() * x - y) * 2'}},
  {'SGD step: W0 mis-signed in A', {'sgd.W0', 'sgd.W'}, {SGD_G, 'local g = (W:T() * x - W0 - y) * 2'}},
  {'SGD step: y left out', {'sgd.W0', 'sgd.W'}, {SGD_G, 'local g = (W:T() * x + W0) * 2'}},
  {'SGD step: y mis-signed', {'sgd.W0', 'sgd.W'}, {SGD_G, 'local g = (W:T() * x + W0 + y) * 2'}},
  {'SGD step: W0 term left out', {'sgd.W0'}, {'sgd.W0 = W0 - g * eta', 'sgd.W0 = - g * eta'}},
  {'SGD step: W term left out', {'sgd.W'}, {'sgd.W = W - x * g:T() * eta', 'sgd.W = - x * g:T() * eta'}},
  {'SGD step: W update mis-signed', {'sgd.W'}, {'sgd.W = W - x * g:T() * eta', 'sgd.W = W + x * g:T() * eta'}},
  {'SGD run: W0 left out of A', {'sgd.run'}, {SGD_D, 'local d = (W:T() * x - y) * 2'}},
  {'SGD run: y left out', {'sgd.run'}, {SGD_D, 'local d = (W:T() * x + W0) * 2'}},
  {'SGD run: y mis-signed', {'sgd.run'}, {SGD_D, 'local d = (W:T() * x + W0 + y) * 2'}},
  {'SGD run: W0 update mis-signed', {'sgd.run'},
    {SGD_UPDATE, 'W, W0 = W - x * d:T() * etas[t], W0 + d * etas[t]'}},
  {'SGD run: W update mis-signed', {'sgd.run'},
    {SGD_UPDATE, 'W, W0 = W + x * d:T() * etas[t], W0 - d * etas[t]'}},
  -- predicting: each W0 of the forward pass, and y in J
  {'predict: hidden W0 left out', {'predict.classify', 'predict.prob', 'predict.dislike', 'predict.J'},
    {'for l = 1, #Ws - 1 do A = tanh(Ws[l]:T() * A + W0s[l]) end',
     'for l = 1, #Ws - 1 do A = tanh(Ws[l]:T() * A) end'}},
  {'predict: hidden W0 mis-signed', {'predict.classify', 'predict.prob', 'predict.dislike', 'predict.J'},
    {'for l = 1, #Ws - 1 do A = tanh(Ws[l]:T() * A + W0s[l]) end',
     'for l = 1, #Ws - 1 do A = tanh(Ws[l]:T() * A - W0s[l]) end'}},
  {'predict: output W0 left out', {'predict.classify', 'predict.prob', 'predict.dislike', 'predict.J'},
    {'return Ws[#Ws]:T() * A + W0s[#Ws]', 'return Ws[#Ws]:T() * A'}},
  {'predict: output W0 mis-signed', {'predict.classify', 'predict.prob', 'predict.dislike', 'predict.J'},
    {'return Ws[#Ws]:T() * A + W0s[#Ws]', 'return Ws[#Ws]:T() * A - W0s[#Ws]'}},
  {'predict J: y left out', {'predict.J'},
    {'local E = predict.dislike(Ws, W0s, X) - Y', 'local E = predict.dislike(Ws, W0s, X)'}},
  {'predict J: y mis-signed', {'predict.J'},
    {'local E = predict.dislike(Ws, W0s, X) - Y', 'local E = predict.dislike(Ws, W0s, X) + Y'}},
}

local function patched(c)
  local source = set.solution
  for k = 3, #c do
    local old, new = c[k][1], c[k][2]
    local i, j = source:find(old, 1, true)
    assert(i and not source:find(old, j + 1, true), c[1] .. ': the patch does not apply once: ' .. old)
    source = source:sub(1, i - 1) .. new .. source:sub(j + 1)
  end
  return source
end

describe('each term of a reference answer decides its part', function()
  it('leaving out or mis-signing any one term of the reference solution loses the part', function()
    local dir = H.tmpdir()
    local files = {}
    for i, c in ipairs(cases) do files[i] = H.write(dir .. '/k' .. i .. '.lua', patched(c)) end
    local _, err, code = H.nnlab({'grade', '--jobs', '2', '--format', 'json', '--out', dir .. '/r',
      SET, table.unpack(files)})
    assert.equal(0, code, err)
    local kept = {}
    for i, c in ipairs(cases) do
      local report = assert(json.decode(H.slurp(dir .. '/r/k' .. i .. '.json')))
      local byname = {}
      for _, t in ipairs(report.tests) do byname[t.name] = t end
      for _, id in ipairs(c[2]) do
        local t = assert(byname[id], id)
        if t.score >= t.max_score then
          kept[#kept + 1] = string.format('%s: %s passes', c[1], id)
        end
      end
      -- nothing else changed: the other parts keep full marks
      assert.is_true(report.score > 0, c[1])
    end
    os.execute('rm -rf ' .. H.quote(dir))
    assert.equal('', table.concat(kept, '\n'))
  end)

  it('the reference solution itself passes every part those cases look at', function()
    local dir = H.tmpdir()
    local f = H.write(dir .. '/ref.lua', set.solution)
    local out, err, code = H.nnlab({'check', SET, f})
    os.execute('rm -rf ' .. H.quote(dir))
    assert.equal(0, code, out .. err)
  end)
end)
