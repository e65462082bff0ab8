-- Networks of depth 1 to 4 for graph_spec and explain_spec: every C
-- activation the lecture uses, a module written in Lua, SoftMax + NLLM and
-- Squared at the output.
local nnlab = require 'nnlab'
local matrix, nn = nnlab.matrix, nnlab.nn

local N = {}

-- A module written in Lua: A = 2 Z (so its Jacobian is 2 I).
function N.double()
  local m = { name = 'Double' }
  function m.forward(self, A) self.A = A return A * 2 end
  function m.backward(_, d) return d * 2 end
  return m
end

-- {name, net, d, k, acts = {f^(1) name, ...}, sizes = {n^(1), ...}}
function N.nets()
  matrix.seed(3)
  return {
    { name = 'depth 1, Squared', d = 3, k = 2, acts = { 'identity' }, sizes = { 2 },
      net = nn.Sequential({ nn.Linear(3, 2) }, nn.Squared()) },
    { name = 'depth 2, Step then SoftMax + NLLM', d = 2, k = 2, acts = { 'Step', 'SoftMax' }, sizes = { 3, 2 },
      net = nn.Sequential({ nn.Linear(2, 3), nn.Step(), nn.Linear(3, 2), nn.SoftMax() }, nn.NLLM()) },
    { name = 'depth 3, Sigmoid, a Lua module and Tanh, Squared', d = 2, k = 1,
      acts = { 'Sigmoid', 'Double, Tanh', 'identity' }, sizes = { 4, 3, 1 },
      net = nn.Sequential({ nn.Linear(2, 4), nn.Sigmoid(), nn.Linear(4, 3), N.double(), nn.Tanh(),
        nn.Linear(3, 1) }, nn.Squared()) },
    { name = 'depth 4, ReLU, Tanh, Sigmoid, SoftMax + NLLM', d = 4, k = 3,
      acts = { 'ReLU', 'Tanh', 'Sigmoid', 'SoftMax' }, sizes = { 5, 12, 4, 3 },
      net = nn.Sequential({ nn.Linear(4, 5), nn.ReLU(), nn.Linear(5, 12), nn.Tanh(), nn.Linear(12, 4),
        nn.Sigmoid(), nn.Linear(4, 3), nn.SoftMax() }, nn.NLLM()) },
  }
end

-- A point and a label for a net of the list.
function N.point(t)
  local x = matrix.randn(t.d, 1)
  local y = matrix.zeros(t.k, 1)
  if t.net.loss.kind == 'NLLM' then y:set(t.k, 1, 1) else y = matrix.randn(t.k, 1) end
  return x, y
end

return N
