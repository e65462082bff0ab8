-- nnlab's rockspec for release 0.1.0 (`luarocks install` fetches the tag;
-- `luarocks make nnlab-0.1.0-1.rockspec` builds a checkout of it).  It is
-- nnlab-scm-1.rockspec with its own `version` and `source` (tests/
-- packaging_spec.lua holds them to that and to src/core/version.h).
rockspec_format = "3.0"
package = "nnlab"
version = "0.1.0-1"
source = {
   -- The repository's public address is to be filled in at publication.
   url = "git+https://nnlab.invalid/nnlab.git",
   tag = "v0.1.0",
}
description = {
   summary = "Matrices, layers, losses and backpropagation in C for Lua 5.4",
   detailed = [[
nnlab is a terminal lab for neural networks: matrices, layers, losses,
optimizers and backpropagation implemented in C, in the notation of a course
lecture (data points are columns, Z = W^T A + W0), data sets, terminal plots
and exercise sets.  This rock is the library for stock Lua 5.4:
require "nnlab" returns a table (nnlab.matrix, nnlab.nn, nnlab.data,
nnlab.plot, nnlab.ex) and sets no globals.  The nnlab program (the REPL and
the grader) is built with the Makefile.
]],
   labels = { "neural-networks", "matrix", "education" },
   -- No licence is named in the source yet: to be set with the first release.
   license = "not chosen yet",
}
dependencies = {
   "lua >= 5.4, < 5.5",
}
-- OpenBLAS's headers (cblas.h) at build time; the module loads
-- libopenblas.so.0 itself on the first large product, and works without it.
external_dependencies = {
   OPENBLAS = { library = "openblas" },
}
build = {
   -- The Makefile's `rock` and `rock-install` targets: the C module nnlab.core
   -- (src/core and src/lua), the Lua modules nnlab and nnlab.*, and the
   -- student copies of the exercise sets as nnlab.sets.*.
   type = "make",
   build_target = "rock",
   install_target = "rock-install",
   build_variables = {
      CC = "$(CC)",
      ROCK_CFLAGS = "$(CFLAGS)",
      ROCK_LIBFLAG = "$(LIBFLAG)",
      ROCK_LUA_INCDIR = "$(LUA_INCDIR)",
      ROCK_BLAS_INCDIR = "$(OPENBLAS_INCDIR)",
   },
   install_variables = {
      CC = "$(CC)",
      ROCK_CFLAGS = "$(CFLAGS)",
      ROCK_LIBFLAG = "$(LIBFLAG)",
      ROCK_LUA_INCDIR = "$(LUA_INCDIR)",
      ROCK_BLAS_INCDIR = "$(OPENBLAS_INCDIR)",
      ROCK_LUADIR = "$(LUADIR)",
      ROCK_LIBDIR = "$(LIBDIR)",
   },
   copy_directories = {},
}
