/* version.h -- the version of nnlab, which the program and the module report. */
#ifndef NNLAB_VERSION_H
#define NNLAB_VERSION_H
#define NNLAB_VERSION "0.1.0"
#endif
