/*
 * textio.c -- tables of numbers as text (see textio.h for the format).
 *
 * The parser walks the bytes once with an index that is always checked
 * against len before it is used, copies each token (bounded) into a local
 * buffer for strtod, and keeps every count below TEXTIO_MAXDIM.
 */
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "textio.h"

static int isblankc(char c) {
  return c == ' ' || c == '\t' || c == '\r' || c == '\v' || c == '\f';
}

/* Bytes that end a token. */
static int isendc(char c) {
  return isblankc(c) || c == '\n' || c == ',' || c == '#';
}

static int isdigitc(char c) {
  return c >= '0' && c <= '9';
}

static int fail(TextError *err, size_t line, size_t column, const char *fmt, ...) {
  char what[128];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(what, sizeof what, fmt, ap);
  va_end(ap);
  err->line = line;
  err->column = column;
  if (column > 0)
    snprintf(err->msg, sizeof err->msg, "line %zu, column %zu: %s", line, column, what);
  else
    snprintf(err->msg, sizeof err->msg, "%s", what);
  return -1;
}

/* s[0..n) for a message: at most 16 bytes, unprintable ones escaped. */
static void showtoken(char *out, size_t size, const char *s, size_t n) {
  size_t k = 0, i;
  for (i = 0; i < n && i < 16 && k + 5 < size; i++) {
    unsigned char c = (unsigned char)s[i];
    if (c == '\0') k += (size_t)snprintf(out + k, size - k, "\\0");
    else if (c < 32 || c >= 127 || c == '\\' || c == '\'')
      k += (size_t)snprintf(out + k, size - k, "\\x%02X", c);
    else out[k++] = (char)c;
  }
  out[k] = '\0';
  if (i < n && k + 4 < size) strcpy(out + k, "...");
}

/* Is s[0..n) a decimal number: [+-] digits [. digits] [(e|E) [+-] digits]? */
static int isdecimal(const char *s, size_t n) {
  size_t i = 0, digits = 0, expdigits = 0;
  if (i < n && (s[i] == '+' || s[i] == '-')) i++;
  for (; i < n && isdigitc(s[i]); i++) digits++;
  if (i < n && s[i] == '.')
    for (i++; i < n && isdigitc(s[i]); i++) digits++;
  if (digits == 0) return 0;
  if (i < n && (s[i] == 'e' || s[i] == 'E')) {
    i++;
    if (i < n && (s[i] == '+' || s[i] == '-')) i++;
    for (; i < n && isdigitc(s[i]); i++) expdigits++;
    if (expdigits == 0) return 0;
  }
  return i == n;
}

/* Does s[0..n) equal word, ignoring ASCII case? */
static int sameword(const char *s, size_t n, const char *word) {
  size_t i;
  if (n != strlen(word)) return 0;
  for (i = 0; i < n; i++) {
    char c = s[i];
    if (c >= 'A' && c <= 'Z') c = (char)(c - 'A' + 'a');
    if (c != word[i]) return 0;
  }
  return 1;
}

/* nan, inf or infinity with an optional sign: 1 and *x set, else 0. */
static int nonfinite(const char *s, size_t n, double *x) {
  double sign = 1;
  if (n > 0 && (s[0] == '+' || s[0] == '-')) {
    if (s[0] == '-') sign = -1;
    s++;
    n--;
  }
  if (sameword(s, n, "nan")) *x = copysign(NAN, sign);
  else if (sameword(s, n, "inf") || sameword(s, n, "infinity")) *x = sign * INFINITY;
  else return 0;
  return 1;
}

/* Convert the token s[0..n) at (line, column) into *x. */
static int number(const char *s, size_t n, int flags, double *x, size_t line, size_t column,
                  TextError *err) {
  char tok[TEXTIO_MAXTOKEN + 1], shown[80];
  char *end;
  showtoken(shown, sizeof shown, s, n);
  if (nonfinite(s, n, x)) {
    if (flags & TEXTIO_NONFINITE) return 0;
    return fail(err, line, column, "expected a finite number, got '%s'", shown);
  }
  if (!isdecimal(s, n))
    return fail(err, line, column, "expected a number, got '%s'", shown);
  if (n > TEXTIO_MAXTOKEN)
    return fail(err, line, column, "number longer than %d characters, got '%s'",
                TEXTIO_MAXTOKEN, shown);
  memcpy(tok, s, n);
  tok[n] = '\0';
  *x = strtod(tok, &end);
  if (end != tok + n)  /* only when the C locale's decimal point is not '.' */
    return fail(err, line, column, "cannot convert '%s' (is LC_NUMERIC's decimal point '.'?)",
                shown);
  if (isinf(*x))
    return fail(err, line, column, "number out of range, got '%s'", shown);
  return 0;
}

static int isnamestart(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c == '"' || c == '\'';
}

/* Is the line at buf[i] (up to '\n', '#' or len) a line of column names
   (see TEXTIO_NAMES)?  1 with *end (the '\n' or len) and *nfields set; 0
   when the line is blank or a comment; -1 when it holds anything else. */
static int namesline(const char *buf, size_t len, size_t i, size_t *end, size_t *nfields) {
  size_t stop = i, k, n = 0;
  int commas = 0;
  double x;
  while (stop < len && buf[stop] != '\n' && buf[stop] != '#') {
    if (buf[stop] == ',') commas = 1;
    stop++;
  }
  for (k = i; k < stop && isblankc(buf[k]); k++) {}
  if (k == stop) return 0;
  while (k < stop) {
    size_t start, last;
    while (k < stop && isblankc(buf[k])) k++;
    start = k;
    while (k < stop && (commas ? buf[k] != ',' : !isblankc(buf[k]))) k++;
    for (last = k; last > start && isblankc(buf[last - 1]); last--) {}
    if (last == start || !isnamestart(buf[start]) || nonfinite(buf + start, last - start, &x))
      return -1;
    n++;
    if (k < stop && commas) {  /* the comma: a name must follow */
      for (k++; k < stop && isblankc(buf[k]); k++) {}
      if (k == stop) return -1;
    }
  }
  while (stop < len && buf[stop] != '\n') stop++;  /* a comment after the names */
  *end = stop;
  *nfields = n;
  return 1;
}

int textio_parse(const char *buf, size_t len, int flags, size_t *rows, size_t *cols,
                 double *dst, size_t dstlen, TextError *err) {
  size_t i = 0, line = 0, nrows = 0, ncols = 0, firstline = 0, stored = 0;
  size_t names = 0, namesat = 0;  /* the line of names: its fields and line */
  int sawtext = 0;  /* anything but blanks and newlines */
  int lookfornames = (flags & TEXTIO_NAMES) != 0;
  *rows = *cols = 0;
  while (i < len) {
    size_t field = 0;
    int comma = 0;  /* a comma waiting for its number */
    line++;
    if (lookfornames) {
      size_t end = 0, n = 0;
      int h = namesline(buf, len, i, &end, &n);
      if (h != 0) lookfornames = 0;
      if (h > 0) {
        sawtext = 1;
        names = n;
        namesat = line;
        i = end < len ? end + 1 : end;
        continue;
      }
    }
    for (;;) {
      size_t start;
      double x;
      while (i < len && isblankc(buf[i])) i++;
      if (i >= len || buf[i] == '\n' || buf[i] == '#') {
        if (comma)
          return fail(err, line, field + 1, "expected a number after ',', got the end of the line");
        if (i < len && buf[i] == '#') {
          sawtext = 1;
          while (i < len && buf[i] != '\n') i++;
        }
        break;
      }
      sawtext = 1;
      if (buf[i] == ',') {
        if (field == 0 || comma)
          return fail(err, line, field + 1, "expected a number, got ','");
        comma = 1;
        i++;
        continue;
      }
      start = i;
      while (i < len && !isendc(buf[i])) i++;
      if (field == TEXTIO_MAXDIM)
        return fail(err, line, 0, "line %zu has more than %d columns", line, TEXTIO_MAXDIM);
      if (number(buf + start, i - start, flags, &x, line, field + 1, err)) return -1;
      field++;
      comma = 0;
      if (dst && stored < dstlen) dst[stored++] = x;
    }
    if (i < len) i++;  /* the '\n' */
    if (field == 0) continue;
    if (nrows == 0) {
      ncols = field;
      firstline = line;
    } else if (field != ncols) {
      return fail(err, line, 0, "line %zu has %zu column%s, line %zu has %zu", line, field,
                  field == 1 ? "" : "s", firstline, ncols);
    }
    if (nrows == TEXTIO_MAXDIM)
      return fail(err, line, 0, "more than %d rows", TEXTIO_MAXDIM);
    nrows++;
  }
  if (names > 0 && nrows > 0 && names != ncols)
    return fail(err, 0, 0, "line %zu has %zu column name%s, line %zu has %zu number%s", namesat,
                names, names == 1 ? "" : "s", firstline, ncols, ncols == 1 ? "" : "s");
  if (nrows == 0 && !(flags & TEXTIO_ALLOW_EMPTY))
    return fail(err, 0, 0, names > 0 ? "no numbers: only a line of column names"
                           : sawtext ? "no numbers: only comments and blank lines"
                                     : "no numbers: the text is empty");
  *rows = nrows;
  *cols = ncols;
  return 0;
}

/* Read a size (decimal, <= TEXTIO_MAXDIM) at buf[*i]. */
static int readsize(const char *buf, size_t len, size_t *i, size_t *n) {
  size_t start = *i;
  *n = 0;
  while (*i < len && isdigitc(buf[*i])) {
    *n = *n * 10 + (size_t)(buf[*i] - '0');
    if (*n > TEXTIO_MAXDIM) return -1;
    (*i)++;
  }
  return *i > start ? 0 : -1;
}

int textio_header(const char *buf, size_t len, size_t *rows, size_t *cols) {
  size_t n = strlen(TEXTIO_HEADER), i = n;
  if (len < n || memcmp(buf, TEXTIO_HEADER, n) != 0) return 0;
  if (i >= len || buf[i] != ' ') return -1;
  while (i < len && buf[i] == ' ') i++;
  if (readsize(buf, len, &i, rows) != 0) return -1;
  if (i >= len || buf[i] != 'x') return -1;
  i++;
  if (readsize(buf, len, &i, cols) != 0) return -1;
  while (i < len && isblankc(buf[i])) i++;
  return (i == len || buf[i] == '\n') ? 1 : -1;
}

int textio_format(char *buf, double x) {
  int p, n = 0;
  if (isnan(x)) return snprintf(buf, TEXTIO_NUMLEN, "nan");
  if (isinf(x)) return snprintf(buf, TEXTIO_NUMLEN, x < 0 ? "-inf" : "inf");
  for (p = 15; p <= 17; p++) {
    n = snprintf(buf, TEXTIO_NUMLEN, "%.*g", p, x);
    if (strtod(buf, NULL) == x) break;
  }
  return n;
}

int textio_write(FILE *f, const double *v, size_t rows, size_t cols) {
  char num[TEXTIO_NUMLEN];
  size_t i, j;
  for (i = 0; i < rows; i++) {
    for (j = 0; j < cols; j++) {
      int n = textio_format(num, v[i * cols + j]);
      if (j > 0) putc(' ', f);
      fwrite(num, 1, (size_t)n, f);
    }
    putc('\n', f);
    if (ferror(f)) return -1;
  }
  return ferror(f) ? -1 : 0;
}
