-- nnlab: matrices, layers, losses and backprop for Lua 5.4.
--
--   local nnlab = require "nnlab"
--   local matrix, nn = nnlab.matrix, nnlab.nn
--
-- The numerical work is in the C module nnlab.core; this file gathers the
-- library into one table and sets no globals.
local core = require 'nnlab.core'

-- matrix.load(path) and matrix.save(m, path) (also m:save(path)) live in core.io.
core.matrix.load = core.io.load
core.matrix.save = core.io.save

local M = {
  version = core.version,
  matrix = core.matrix,
  nn = require 'nnlab.nn',
  ex = require 'nnlab.ex',
  data = require 'nnlab.data',
  plot = require 'nnlab.plot',
  -- help(x): the documentation of any of the above (nnlab.doc holds it)
  help = require('nnlab.help').help,
}

return M
