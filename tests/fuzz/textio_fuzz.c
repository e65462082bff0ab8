/*
 * textio_fuzz.c -- libFuzzer harness for the numeric text parser.
 *
 *   clang -std=c11 -g -O1 -fsanitize=fuzzer,address,undefined -Isrc \
 *     tests/fuzz/textio_fuzz.c src/core/textio.c -lm -o build/textio_fuzz
 *   build/textio_fuzz -max_total_time=60
 *
 * Each input is parsed with every flag combination (a line of names too); an
 * accepted input is parsed again into a buffer of exactly rows * cols
 * numbers, formatted back with textio_format and parsed once more, which
 * must give the same bits.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "textio.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  const char *buf = (const char *)data;
  int flags;
  size_t hr, hc;
  textio_header(buf, size, &hr, &hc);
  for (flags = 0; flags < 8; flags++) {
    size_t rows, cols, n, i, len = 0, r2, c2;
    double *v, *w;
    char *text;
    TextError err;
    if (textio_parse(buf, size, flags, &rows, &cols, NULL, 0, &err) != 0) {
      if (strlen(err.msg) == 0) abort();
      continue;
    }
    n = rows * cols;
    v = malloc((n ? n : 1) * sizeof *v);
    w = malloc((n ? n : 1) * sizeof *w);
    text = malloc(n * (TEXTIO_NUMLEN + 1) + 1);
    if (!v || !w || !text) abort();
    if (textio_parse(buf, size, flags, &r2, &c2, v, n, &err) != 0 || r2 != rows || c2 != cols)
      abort();
    for (i = 0; i < n; i++) {  /* text has room for TEXTIO_NUMLEN + 1 per number */
      len += (size_t)textio_format(text + len, v[i]);
      text[len++] = (i + 1) % cols == 0 ? '\n' : ' ';
    }
    if (n > 0) {
      if (textio_parse(text, len, TEXTIO_NONFINITE, &r2, &c2, w, n, &err) != 0) abort();
      if (r2 != rows || c2 != cols) abort();
      for (i = 0; i < n; i++)
        if (v[i] == v[i] && memcmp(&v[i], &w[i], sizeof v[i]) != 0) abort();
    }
    free(v);
    free(w);
    free(text);
  }
  return 0;
}
