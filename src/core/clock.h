/*
 * clock.h -- seconds on a monotonic clock, for every timer of the program
 * (fit's progress, the C loop's returns to Lua, the sandbox's time limit,
 * the child processes' deadlines).
 */
#ifndef NNLAB_CLOCK_H
#define NNLAB_CLOCK_H

/* Seconds since an arbitrary point, from CLOCK_MONOTONIC. */
double clock_seconds(void);

#endif
