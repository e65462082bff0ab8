/*
 * ptydrive -- run a command in a pseudo-terminal and drive it from a script,
 * to test interactive programs.
 *
 * usage: ptydrive [-t SECONDS] COMMAND [ARG...] < SCRIPT
 *
 * Script lines (empty lines and lines starting with '#' are skipped):
 *   send TEXT       type TEXT; C escapes \n \r \t \e \\ \xHH are understood
 *   line TEXT       type TEXT and Enter
 *   wait TEXT       wait until TEXT appears in the output after the end of
 *                   what the previous wait matched (escapes as in send)
 *   echo TEXT       the same, for text that was typed: wait to see it echoed
 *   sleep MS        pause MS milliseconds
 *   timeout S       waits from now on give up after S seconds (default 10)
 *   enter, tab, up, ctrl-c, ctrl-d     type that key
 * A wait for text typed since the previous wait or echo is a script error:
 * the terminal's echo of the typing would satisfy it before the command has
 * answered, and the next key (Ctrl-D above all, which a terminal in cooked
 * mode between two prompts swallows) would race the command.  Such a script
 * passes or hangs by chance, so ptydrive refuses it; use echo when seeing the
 * echo is the point.
 * The terminal is 80x24 and does not flush its queues on Ctrl-C (NOFLSH).
 * Everything the command writes is copied to standard output.  After the
 * script, ptydrive waits for the command to end and exits with its status
 * (128+N when killed by signal N).  A wait that times out, or the whole run
 * taking longer than -t SECONDS (default 60), kills the command, says so on
 * standard error and exits with status 124.
 */
#define _GNU_SOURCE /* memmem, forkpty */
#include <errno.h>
#include <poll.h>
#include <pty.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

static int master = -1;
static pid_t child = -1;
static char *out;           /* everything read from the pty */
static size_t out_len, out_cap, mark;
static int child_closed;    /* the pty reported end of file */
static double deadline;     /* of the whole run */
static char *typed;         /* what was sent since the last wait or echo */
static size_t typed_len, typed_cap;

static double now(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void fail(const char *fmt, const char *arg) {
  fflush(stdout);
  fprintf(stderr, "ptydrive: ");
  fprintf(stderr, fmt, arg);
  fputc('\n', stderr);
  if (child > 0) {
    kill(child, SIGKILL);
    waitpid(child, NULL, 0);
  }
  exit(124);
}

/* Read what the pty has, waiting at most ms milliseconds for something. */
static void pump(int ms) {
  struct pollfd p;
  char buf[4096];
  ssize_t n;
  if (child_closed) return;
  p.fd = master;
  p.events = POLLIN;
  if (poll(&p, 1, ms) <= 0) return;
  n = read(master, buf, sizeof buf);
  if (n <= 0) { /* EIO once the command has closed the terminal */
    if (n < 0 && errno == EINTR) return;
    child_closed = 1;
    return;
  }
  if (out_len + (size_t)n > out_cap) {
    out_cap = 2 * (out_len + (size_t)n);
    out = realloc(out, out_cap);
    if (out == NULL) fail("%s", "out of memory");
  }
  memcpy(out + out_len, buf, (size_t)n);
  out_len += (size_t)n;
  fwrite(buf, 1, (size_t)n, stdout);
  fflush(stdout);
}

static void check_deadline(void) {
  if (now() > deadline) fail("%s", "overall time limit reached");
}

/* Decode C escapes in place; returns the length. */
static size_t unescape(char *s) {
  char *r = s, *w = s;
  while (*r) {
    if (*r != '\\' || r[1] == '\0') {
      *w++ = *r++;
      continue;
    }
    r++;
    switch (*r) {
    case 'n': *w++ = '\n'; r++; break;
    case 'r': *w++ = '\r'; r++; break;
    case 't': *w++ = '\t'; r++; break;
    case 'e': *w++ = '\033'; r++; break;
    case 'x': {
      char hex[3] = {0, 0, 0};
      int k;
      r++;
      for (k = 0; k < 2 && strchr("0123456789abcdefABCDEF", *r) && *r; k++) hex[k] = *r++;
      *w++ = (char)strtol(hex, NULL, 16);
      break;
    }
    default: *w++ = *r++; break;
    }
  }
  *w = '\0';
  return (size_t)(w - s);
}

static void send_bytes(const char *s, size_t len) {
  if (typed_len + len > typed_cap) {
    typed_cap = 2 * (typed_len + len);
    typed = realloc(typed, typed_cap);
    if (typed == NULL) fail("%s", "out of memory");
  }
  memcpy(typed + typed_len, s, len);
  typed_len += len;
  while (len > 0) {
    ssize_t n = write(master, s, len);
    if (n < 0) {
      if (errno == EINTR) continue;
      fail("cannot write to the command: %s", strerror(errno));
    }
    s += n;
    len -= (size_t)n;
    pump(0);
  }
}

static void wait_for(const char *text, size_t len, double timeout) {
  double until = now() + timeout;
  for (;;) {
    char *hit = out_len >= mark ? memmem(out + mark, out_len - mark, text, len) : NULL;
    if (hit != NULL) {
      mark = (size_t)(hit - out) + len;
      return;
    }
    if (child_closed) fail("the command ended while waiting for \"%s\"", text);
    if (now() > until) fail("timed out waiting for \"%s\"", text);
    check_deadline();
    pump(50);
  }
}

int main(int argc, char **argv) {
  double total = 60, timeout = 10;
  struct winsize ws;
  char *line = NULL;
  size_t cap = 0;
  ssize_t n;
  int argi = 1, status;
  if (argc > 2 && strcmp(argv[1], "-t") == 0) {
    total = atof(argv[2]);
    argi = 3;
  }
  if (argi >= argc) {
    fprintf(stderr, "usage: ptydrive [-t SECONDS] COMMAND [ARG...] < SCRIPT\n");
    return 2;
  }
  deadline = now() + total;
  memset(&ws, 0, sizeof ws);
  ws.ws_row = 24;
  ws.ws_col = 80;
  child = forkpty(&master, NULL, NULL, &ws);
  if (child < 0) {
    perror("ptydrive: forkpty");
    return 2;
  }
  if (child == 0) {
    /* No flushing of the terminal's queues on Ctrl-C (NOFLSH): the kernel
       flushes after the signal is sent, so it could discard what the command
       writes at once in answer, and a wait for that would fail by chance. */
    struct termios t;
    if (tcgetattr(STDIN_FILENO, &t) == 0) {
      t.c_lflag |= NOFLSH;
      tcsetattr(STDIN_FILENO, TCSANOW, &t);
    }
    execvp(argv[argi], argv + argi);
    fprintf(stderr, "ptydrive: cannot run %s: %s\n", argv[argi], strerror(errno));
    _exit(127);
  }
  while ((n = getline(&line, &cap, stdin)) >= 0) {
    char *arg;
    if (n > 0 && line[n - 1] == '\n') line[--n] = '\0';
    if (line[0] == '\0' || line[0] == '#') continue;
    arg = strchr(line, ' ');
    if (arg != NULL) *arg++ = '\0';
    else arg = line + strlen(line);
    check_deadline();
    if (strcmp(line, "send") == 0) {
      send_bytes(arg, unescape(arg));
    } else if (strcmp(line, "line") == 0) {
      send_bytes(arg, unescape(arg));
      send_bytes("\r", 1);
    } else if (strcmp(line, "wait") == 0) {
      size_t len = unescape(arg);
      if (len > 0 && typed_len > 0 && memmem(typed, typed_len, arg, len) != NULL)
        fail("script error: \"%s\" was typed since the last wait, so its echo "
             "would satisfy the wait (wait for the answer, or use echo)", arg);
      wait_for(arg, len, timeout);
      typed_len = 0;
    } else if (strcmp(line, "echo") == 0) {
      wait_for(arg, unescape(arg), timeout);
      typed_len = 0;
    } else if (strcmp(line, "sleep") == 0) {
      double until = now() + atof(arg) / 1000;
      while (now() < until) pump((int)((until - now()) * 1000) + 1);
    } else if (strcmp(line, "timeout") == 0) {
      timeout = atof(arg);
    } else if (strcmp(line, "enter") == 0) {
      send_bytes("\r", 1);
    } else if (strcmp(line, "tab") == 0) {
      send_bytes("\t", 1);
    } else if (strcmp(line, "up") == 0) {
      send_bytes("\033[A", 3);
    } else if (strcmp(line, "ctrl-c") == 0) {
      send_bytes("\003", 1);
    } else if (strcmp(line, "ctrl-d") == 0) {
      send_bytes("\004", 1);
    } else {
      fail("unknown script command \"%s\"", line);
    }
  }
  free(line);
  free(typed);
  while (!child_closed) {
    check_deadline();
    pump(50);
  }
  for (;;) {
    pid_t r = waitpid(child, &status, WNOHANG);
    if (r == child) break;
    if (r < 0 && errno != EINTR) fail("waitpid: %s", strerror(errno));
    check_deadline();
    usleep(10000);
  }
  free(out);
  fflush(stdout);
  if (WIFSIGNALED(status)) return 128 + WTERMSIG(status);
  return WEXITSTATUS(status);
}
