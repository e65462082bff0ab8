/*
 * textio.h -- tables of numbers as text: a parser and an exact formatter.
 *
 * Pure C: nothing here knows about Lua.  The parser takes any bytes (it
 * never reads past buf + len, needs no terminating NUL and allocates
 * nothing) and either accepts a table of numbers or names the first thing
 * wrong with it.
 *
 * The text format:
 *   - one row per line; lines end with "\n" ("\r\n" works: '\r' is a blank);
 *   - numbers are separated by blanks (space, tab, '\r', '\v', '\f') and/or
 *     one comma; a comma must stand between two numbers ("1,,2", ",1" and
 *     "1," are errors: an empty field);
 *   - '#' starts a comment that runs to the end of the line, at the start of
 *     a line or after the numbers; blank and comment-only lines are skipped;
 *   - numbers are decimal: [+-] digits [. digits] [(e|E) [+-] digits] (at
 *     least one digit before or after the point); no hex, no '_'.  A number
 *     too large for a double ("1e999") is an error, one too small becomes 0
 *     or a subnormal, as strtod rounds it;
 *   - nan, inf and infinity (any case, with an optional sign) only with
 *     TEXTIO_NONFINITE; otherwise they are errors;
 *   - every row has the same number of columns;
 *   - with TEXTIO_NAMES, the first line that is not blank or a comment may
 *     be a line of column names (a CSV's "x1,x2,label"), which is skipped:
 *     it is one when every field on it starts with a letter, '_' or a quote
 *     and is not nan/inf/infinity.  Its fields are separated by commas if
 *     it has one (names may then hold blanks), else by blanks; there must
 *     be as many as the rows have columns.  A first line with any other
 *     field is data (and its errors are reported as such).
 * "column" in messages counts fields (the 2nd number on a line is column 2),
 * the way "line 3 has 2 columns" does.
 */
#ifndef NNLAB_TEXTIO_H
#define NNLAB_TEXTIO_H

#include <stddef.h>
#include <stdio.h>

/* Flags for textio_parse. */
enum {
  TEXTIO_NONFINITE = 1,   /* accept nan, inf, infinity */
  TEXTIO_ALLOW_EMPTY = 2, /* no data lines is a 0x0 table, not an error */
  TEXTIO_NAMES = 4        /* the first data line may be a line of column names */
};

/* The longest number token accepted, in bytes. */
#define TEXTIO_MAXTOKEN 256
/* The most rows, and the most columns, of a table (a Mat holds int sizes). */
#define TEXTIO_MAXDIM 0x7fffffff

typedef struct TextError {
  size_t line, column;  /* 1-based; 0 when the error is not at a place */
  char msg[200];        /* "line 4, column 2: expected a number, got 'abc'" */
} TextError;

/*
 * Parse buf[0 .. len).  On success returns 0 and sets *rows and *cols; when
 * dst is not NULL the numbers are also stored there row-major, at most
 * dstlen of them (call once with dst NULL to learn the shape, then again
 * with room for rows * cols).  On failure returns -1 and fills *err.
 */
int textio_parse(const char *buf, size_t len, int flags, size_t *rows, size_t *cols,
                 double *dst, size_t dstlen, TextError *err);

/*
 * The nnlab matrix header, the first line of a file from matrix.save:
 * "# nnlab matrix RxC" (R and C decimal).  Returns 1 and sets *rows, *cols
 * if buf starts with one, 0 if buf does not start with "# nnlab matrix",
 * -1 if it does but the rest of the line is not "RxC" with sizes in range.
 */
#define TEXTIO_HEADER "# nnlab matrix"
int textio_header(const char *buf, size_t len, size_t *rows, size_t *cols);

/*
 * Write x into buf (size >= TEXTIO_NUMLEN) as the shortest of %.15g, %.16g
 * and %.17g that reads back as exactly x ("0.1", not "0.10000000000000001";
 * -0.0 is "-0").  NaN is "nan", infinities "inf" and "-inf".  Returns the
 * length.
 */
#define TEXTIO_NUMLEN 32
int textio_format(char *buf, double x);

/*
 * Write rows x cols numbers (row-major) to f, one row per line, separated
 * by single spaces, each as textio_format writes it.  Returns 0, or -1 on a
 * write error (errno says why).
 */
int textio_write(FILE *f, const double *v, size_t rows, size_t cols);

#endif
