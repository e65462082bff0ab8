-- nnlab exercise set: the benchmark's (bench.py item 6)
-- The exercise set that the benchmark grades (item 6): two small exercises
-- in the homework's style, one of them training a network, so that grading
-- throughput includes real work in the sandbox.  bench.py writes the
-- submissions (right and wrong ones) and runs `nnlab grade --jobs 2` on
-- them.
local nnlab = require 'nnlab'
local matrix = nnlab.matrix

-- XOR-like data, the same for every submission.
local function data()
  matrix.seed(3)
  local X = matrix.randn(2, 60)
  local Y = matrix.zeros(2, 60)
  for j = 1, 60 do
    local c = (X:get(1, j) > 0) == (X:get(2, j) > 0) and 1 or 2
    Y:set(c, j, 1)
  end
  return X, Y
end

return {
  id = 'bench',
  title = 'Benchmark set',
  exercises = {
    {
      id = 'layer',
      title = 'A linear layer by hand',
      statement = [[layer.forward(W, W0, A) returns Z = W^T A + W0.]],
      parts = {
        {
          id = 'forward',
          points = 2,
          statement = [[Z = W^T A + W0 for W m x n, W0 n x 1, A m x b.]],
          check = function(sub)
            local f = sub:get('layer', 'forward')
            matrix.seed(1)
            local W, W0, A = matrix.randn(3, 4), matrix.randn(4, 1), matrix.randn(3, 5)
            local ok, Z = sub:call(f, W, W0, A)
            if not ok then return false, 'forward raised an error: ' .. tostring(Z) end
            if not matrix.is(Z) then return false, 'forward must return a matrix' end
            local r, c = Z:shape()
            if r ~= 4 or c ~= 5 then return false, 'Z must be 4x5' end
            return Z:allclose(W:T() * A + W0), 'Z is not W^T A + W0'
          end,
        },
      },
    },
    {
      id = 'train',
      title = 'Train the homework network',
      statement = [[train.run(X, Y) trains 2-8-8-2 Tanh, SoftMax + NLLM with sgd
and returns the mean loss on X, Y afterwards.]],
      parts = {
        {
          id = 'run',
          points = 3,
          statement = [[The mean loss after training must be below 0.45.]],
          seconds = 20,
          check = function(sub)
            local X, Y = data()
            local ok, loss = sub:call(sub:get('train', 'run'), X, Y)
            if not ok then return false, 'run raised an error: ' .. tostring(loss) end
            if type(loss) ~= 'number' then return false, 'run must return a number' end
            return loss < 0.45, string.format('mean loss %.3g, want below 0.45', loss)
          end,
        },
      },
    },
  },
}
