/* embedded.h -- the Lua library compiled into the nnlab binary: each
   module's source, and its bytecode (build/embedded.c, tools/embed.sh). */
#ifndef NNLAB_EMBEDDED_H
#define NNLAB_EMBEDDED_H

#include <stddef.h>

typedef struct EmbeddedModule {
  const char *name;       /* module name for require, e.g. "nnlab.nn" */
  const char *chunkname;  /* "@lua/nnlab/nn.lua" */
  const char *src;
  size_t len;
  const char *bc;         /* its bytecode, with debug information; NULL for */
  size_t bclen;           /* the exercise sets (source only) */
} EmbeddedModule;

extern const EmbeddedModule embedded_modules[];  /* ends with a NULL name */

#endif
