/*
 * replay.c -- runs a libFuzzer harness over files, without libFuzzer.
 *
 *   replay FILE|DIR...
 *
 * Linked with a harness (one of tests/fuzz/NAME_fuzz.c), it calls
 * LLVMFuzzerTestOneInput once per file (every regular file of a directory),
 * so that `make test` replays the corpora and the inputs that once crashed
 * with an ordinary compiler.  A harness reports a bug by crashing (abort);
 * replay then names the file it was on (with AddressSanitizer, run with
 * ASAN_OPTIONS=abort_on_error=1 for that).  Prints how many inputs ran.
 */
#include <dirent.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static long count;
static const char *current;  /* the file being replayed */

static void crashed(int sig) {
  static const char msg[] = "replay: the harness failed on ";
  ssize_t r = write(2, msg, sizeof msg - 1);
  if (current != NULL)
    r = write(2, current, strlen(current));
  r = write(2, "\n", 1);
  (void)r;
  signal(sig, SIG_DFL);
  raise(sig);
}

static void one(const char *path) {
  FILE *f = fopen(path, "rb");
  unsigned char *buf = NULL;
  size_t len = 0, cap = 0, n;
  if (f == NULL) {
    perror(path);
    exit(1);
  }
  do {
    if (len == cap) {
      cap = cap ? 2 * cap : 4096;
      buf = realloc(buf, cap);
      if (buf == NULL) {
        fprintf(stderr, "replay: out of memory\n");
        exit(1);
      }
    }
    n = fread(buf + len, 1, cap - len, f);
    len += n;
  } while (n > 0);
  fclose(f);
  current = path;
  LLVMFuzzerTestOneInput(buf, len);
  current = NULL;
  free(buf);
  count++;
}

static void walk(const char *path) {
  struct stat st;
  if (stat(path, &st) != 0) {
    perror(path);
    exit(1);
  }
  if (S_ISDIR(st.st_mode)) {
    DIR *d = opendir(path);
    struct dirent *e;
    if (d == NULL) {
      perror(path);
      exit(1);
    }
    while ((e = readdir(d)) != NULL) {
      char sub[4096];
      if (e->d_name[0] == '.')
        continue;
      snprintf(sub, sizeof sub, "%s/%s", path, e->d_name);
      walk(sub);
    }
    closedir(d);
  } else if (S_ISREG(st.st_mode)) {
    one(path);
  }
}

int main(int argc, char **argv) {
  int i;
  signal(SIGABRT, crashed);
  signal(SIGSEGV, crashed);
  signal(SIGBUS, crashed);
  signal(SIGFPE, crashed);
  signal(SIGILL, crashed);
  for (i = 1; i < argc; i++)
    walk(argv[i]);
  printf("replay: %ld inputs\n", count);
  return 0;
}
