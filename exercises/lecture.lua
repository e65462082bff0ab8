-- nnlab exercise set: the lecture (the student copy)
-- The lecture's exercise set: neural networks, from step functions as
-- features to backpropagation and the homework's modules, then the problem
-- setup's other steps: the loss, SGD, and predicting on new data.  One exercise per
-- file, exercises/lecture/<id>.lua (the module nnlab.sets.lecture.<id>); see
-- exercises/README.md for the format.  Every checker computes its reference
-- with the C core (nnlab.nn) when it runs; numbers given in a statement are
-- data of the exercise, used by the statement and the checker alike.
--
-- This is the copy students get (it is built into nnlab): parts whose
-- answers are few (a choice, +/-1 labels, shapes, a theta_0) check the
-- form only and are graded on submission.  The instructor's copy,
-- exercises/private/lecture.lua, loads this one and adds their full
-- checkers, the reference solution, known-wrong submissions and a private
-- part.
local function exercise(id)
  return (require('nnlab.sets.lecture.' .. id))
end

return {
  id = 'lecture',
  title = 'Neural networks (the lecture)',
  exercises = {
    exercise 'features', exercise 'notation', exercise 'activations', exercise 'derivs',
    exercise 'backprop', exercise 'step', exercise 'homework', exercise 'losses', exercise 'sgd',
    exercise 'predict',
  },
}
