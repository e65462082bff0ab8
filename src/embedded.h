/* embedded.h -- the Lua library sources compiled into the nnlab binary. */
#ifndef NNLAB_EMBEDDED_H
#define NNLAB_EMBEDDED_H

#include <stddef.h>

typedef struct EmbeddedModule {
  const char *name;       /* module name for require, e.g. "nnlab.nn" */
  const char *chunkname;  /* "@lua/nnlab/nn.lua" */
  const char *src;
  size_t len;
} EmbeddedModule;

extern const EmbeddedModule embedded_modules[];  /* ends with a NULL name */

#endif
