/*
 * repl.c -- nnlab's read-eval-print loop: reading lines, history, colour,
 * compiling an entry and printing its values.
 */
#include <ctype.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/select.h>
#include <unistd.h>

#include <readline/readline.h>
#include <readline/history.h>

#include <lua.h>
#include <lauxlib.h>

#include "repl.h"
#include "repl_private.h"

#define PROMPT1 "> "
#define PROMPT2 ">> "
#define HISTORY_MAX 1000
#define EOFMARK "<eof>"

static int interactive;       /* reading a terminal with readline */
static int color_out, color_err;
static char *history_path;    /* NULL: history not kept in a file */
static const char pretty_key[] = "nnlab.repl.pretty"; /* registry: value printer */
static const char entry_key[] = "nnlab.repl.entry";   /* registry: the text being run */

static int wants_color(int fd) {
  const char *no = getenv("NO_COLOR");
  return isatty(fd) && (no == NULL || no[0] == '\0');
}

/* --- reading lines */

enum { LINE_OK, LINE_EOF, LINE_INTERRUPT };

static char *rl_line;
static int rl_finished;

static void on_line(char *line) {
  rl_line = line;
  rl_finished = 1;
  rl_callback_handler_remove(); /* no new prompt until asked for */
}

/*
 * Read a line with readline; *line is malloc'ed.  It uses readline's
 * callback interface, in a pselect loop in which SIGINT only sets a flag
 * (repl_sigint.c), so that Ctrl-C at the prompt clears the line instead of
 * interrupting readline at an unknown point.
 */
static int tty_getline(const char *prompt, char **line) {
  sigset_t block, orig;
  int result = LINE_OK, fd = fileno(rl_instream);
  sigemptyset(&block);
  sigaddset(&block, SIGINT);
  sigaddset(&block, SIGWINCH);
  sigaddset(&block, SIGCONT);
  sigprocmask(SIG_BLOCK, &block, &orig);
  repl_got_sigint = 0; /* Ctrl-C from before the prompt showed is spent */
  repl_got_sigcont = 0; /* the terminal is prepared below anyway */
  rl_finished = 0;
  rl_line = NULL;
  fflush(stdout);
  fflush(stderr);
  rl_callback_handler_install(prompt, on_line);
  while (!rl_finished) {
    fd_set fds;
    if (repl_got_sigint) { /* Ctrl-C: drop the line */
      repl_got_sigint = 0;
      rl_free_line_state();
      rl_callback_sigcleanup();
      rl_echo_signal_char(SIGINT);
      rl_crlf();
      rl_callback_handler_remove();
      result = LINE_INTERRUPT;
      break;
    }
    if (repl_got_sigwinch) {
      repl_got_sigwinch = 0;
      rl_resize_terminal();
    }
    if (repl_got_sigcont) { /* back from Ctrl-Z: the shell has reset the terminal */
      repl_got_sigcont = 0;
      rl_deprep_terminal();
      rl_prep_terminal(1);
      rl_forced_update_display();
    }
    FD_ZERO(&fds);
    FD_SET(fd, &fds);
    if (pselect(fd + 1, &fds, NULL, NULL, NULL, &orig) < 0) {
      if (errno == EINTR) continue;
      rl_callback_handler_remove();
      result = LINE_EOF;
      break;
    }
    rl_callback_read_char();
  }
  sigprocmask(SIG_SETMASK, &orig, NULL);
  if (result != LINE_OK) return result;
  if (rl_line == NULL) return LINE_EOF;
  *line = rl_line;
  return LINE_OK;
}

/* Read a line from a pipe or file, without prompt. */
static int plain_getline(char **line) {
  size_t cap = 0;
  ssize_t n;
  *line = NULL;
  errno = 0;
  n = getline(line, &cap, stdin);
  if (n < 0) {
    free(*line);
    if (errno == EINTR) {
      clearerr(stdin);
      return LINE_INTERRUPT;
    }
    return LINE_EOF;
  }
  if (n > 0 && (*line)[n - 1] == '\n') (*line)[n - 1] = '\0';
  return LINE_OK;
}

/* Read a line of an entry: the prompt is _PROMPT or _PROMPT2 when they are
   set (raw globals, as strings), as in lua.c. */
static int get_line(lua_State *L, int first, char **line) {
  int top = lua_gettop(L), r;
  const char *prompt;
  if (!interactive) return plain_getline(line);
  lua_pushglobaltable(L);
  lua_pushstring(L, first ? "_PROMPT" : "_PROMPT2");
  lua_rawget(L, -2);
  prompt = lua_tostring(L, -1);
  if (prompt == NULL) prompt = first ? PROMPT1 : PROMPT2;
  if (color_out) /* \001 and \002 tell readline the codes take no room */
    prompt = lua_pushfstring(L, "\001\033[%sm\002%s\001\033[0m\002", first ? "1;32" : "32", prompt);
  r = tty_getline(prompt, line);
  lua_settop(L, top);
  return r;
}

/* --- history */

static void history_open(void) {
  const char *path = getenv("NNLAB_HISTORY");
  history_comment_char = '#'; /* timestamp lines delimit multi-line entries */
  history_write_timestamps = 1;
  history_multiline_entries = 1;
  using_history();
  if (path == NULL) {
    const char *home = getenv("HOME");
    if (home != NULL && home[0] != '\0') {
      static const char name[] = "/.nnlab_history";
      history_path = malloc(strlen(home) + sizeof name);
      if (history_path != NULL) {
        strcpy(history_path, home);
        strcat(history_path, name);
      }
    }
  } else if (path[0] != '\0') {
    history_path = strdup(path);
  }
  if (history_path != NULL) {
    int err = read_history(history_path);
    if (err == ENOENT) {
      write_history(history_path); /* create it, for append_history */
    } else if (err == 0 && history_length > HISTORY_MAX) {
      stifle_history(HISTORY_MAX);
      write_history(history_path); /* keep the file capped */
    }
  }
  stifle_history(HISTORY_MAX);
}

static void history_save(const char *entry) {
  HIST_ENTRY *last;
  const char *s;
  if (!interactive) return;
  for (s = entry; isspace((unsigned char)*s); s++) {}
  if (*s == '\0') return;
  last = history_get(history_base + history_length - 1);
  if (last != NULL && strcmp(last->line, entry) == 0) return;
  add_history(entry);
  if (history_path != NULL) append_history(1, history_path);
}

/* --- evaluation */

/* Is the error message on the top that of an incomplete chunk? */
static int incomplete(lua_State *L, int status) {
  if (status == LUA_ERRSYNTAX) {
    size_t len, mlen = sizeof EOFMARK - 1;
    const char *msg = lua_tolstring(L, -1, &len);
    return len >= mlen && strcmp(msg + len - mlen, EOFMARK) == 0;
  }
  return 0;
}

enum { CHUNK_OK, CHUNK_INCOMPLETE, CHUNK_ERROR };

/*
 * "expr;  -- a comment" is quiet too: when the last line ends in a comment
 * with a ';' before it, and the text up to that ';' is an expression, clear
 * *show and return the length up to and including the ';'; else return n.
 */
static size_t quiet_comment(lua_State *L, const char *s, size_t n, int *show) {
  size_t i, m;
  for (i = n; i >= 2 && s[i - 1] != '\n'; i--) {
    if (s[i - 1] == '-' && s[i - 2] == '-') break;
  }
  if (i < 2 || s[i - 1] == '\n') return n;
  for (m = i - 2; m > 0 && isspace((unsigned char)s[m - 1]); m--) {}
  if (m == 0 || s[m - 1] != ';') return n;
  lua_pushliteral(L, "return ");
  lua_pushlstring(L, s, m - 1);
  lua_concat(L, 2);
  if (luaL_loadbuffer(L, lua_tostring(L, -1), lua_rawlen(L, -1), "=stdin") == LUA_OK) {
    *show = 0;
    n = m;
  }
  lua_pop(L, 2);
  return n;
}

/*
 * The entry s[0 .. len), which compiles as it is (as "return <s>" when expr),
 * compiled again to keep its top-level locals (repl_locals.c): replaces the
 * function on the top by that one (CHUNK_OK) or by a message (CHUNK_ERROR).
 */
static int keep_locals(lua_State *L, const char *s, size_t len, int expr) {
  lua_pop(L, 1);
  lua_pushcfunction(L, repl_compile_entry);
  lua_pushlstring(L, s, len);
  lua_pushboolean(L, expr);
  if (lua_pcall(L, 2, 2, 0) != LUA_OK) return CHUNK_ERROR; /* out of memory */
  if (lua_isfunction(L, -2)) {
    lua_pop(L, 1);
    return CHUNK_OK;
  }
  lua_remove(L, -2);
  return CHUNK_ERROR;
}

/*
 * Compile the chunk on the top of the stack, first as "return <chunk>",
 * then as it is.  Pushes the function (CHUNK_OK) or the error message
 * (CHUNK_ERROR), nothing when the chunk is incomplete.  *show tells whether
 * its values are to be printed: not when it ends with ';'.
 */
static int compile(lua_State *L, int *show) {
  size_t len, n;
  const char *s = lua_tolstring(L, -1, &len);
  int status, expr_incomplete;
  for (n = len; n > 0 && isspace((unsigned char)s[n - 1]); n--) {}
  *show = !(n > 0 && s[n - 1] == ';');
  if (*show) n = quiet_comment(L, s, n, show);
  if (!*show) n--;
  if (s[0] == '=') { /* Lua 5.2's "=expr" */
    lua_pushfstring(L, "return %s", s + 1);
  } else {
    lua_pushliteral(L, "return ");
    lua_pushlstring(L, s, n);
    lua_concat(L, 2);
  }
  status = luaL_loadbuffer(L, lua_tostring(L, -1), lua_rawlen(L, -1), "=stdin");
  lua_remove(L, -2); /* the "return" text */
  if (status == LUA_OK)
    return s[0] == '=' ? keep_locals(L, s + 1, len - 1, 1) : keep_locals(L, s, n, 1);
  expr_incomplete = incomplete(L, status);
  lua_pop(L, 1);
  status = luaL_loadbuffer(L, s, len, "=stdin");
  if (status == LUA_OK) return keep_locals(L, s, len, 0);
  if (incomplete(L, status) || expr_incomplete) {
    lua_pop(L, 1);
    return CHUNK_INCOMPLETE;
  }
  return CHUNK_ERROR;
}

/* The syntax error of an unfinished chunk (on the top), pushed. */
static void push_unfinished_error(lua_State *L) {
  const char *s = lua_tostring(L, -1);
  size_t len = lua_rawlen(L, -1);
  if (luaL_loadbuffer(L, s, len, "=stdin") == LUA_OK) { /* cannot happen */
    lua_pop(L, 1);
    lua_pushliteral(L, "stdin: unfinished chunk");
  } else if (!incomplete(L, LUA_ERRSYNTAX)) {
    lua_pop(L, 1);
    lua_pushfstring(L, "return %s", s);
    luaL_loadbuffer(L, lua_tostring(L, -1), lua_rawlen(L, -1), "=stdin");
    lua_remove(L, -2);
  }
}

/* "?x" at the prompt: nnlab.help's ask("x") (the line is upvalue 1). */
static int ask_help(lua_State *L) {
  lua_getglobal(L, "require");
  lua_pushliteral(L, "nnlab.help");
  lua_call(L, 1, 1);
  lua_getfield(L, -1, "ask");
  lua_pushvalue(L, lua_upvalueindex(1));
  lua_call(L, 1, 0);
  return 0;
}

/* Does the line start with '?' (after blanks)? */
static int is_help(const char *line) {
  while (isspace((unsigned char)*line)) line++;
  return *line == '?';
}

enum { ENTRY_RUN, ENTRY_ERROR, ENTRY_NONE, ENTRY_EOF };

/*
 * Read one entry, as many lines as it takes: it is compiled once (compile),
 * runs once, and its values are shown by nnlab.pretty unless it ends with
 * ';'.  ENTRY_RUN: its function is on
 * the top; ENTRY_ERROR: a message is; ENTRY_NONE: nothing (Ctrl-C);
 * ENTRY_EOF: end of input.  A first line starting with '?' is a request for
 * help (no Lua line starts so): its function prints the help.
 */
static int read_entry(lua_State *L, int *show) {
  int first = 1;
  for (;;) {
    char *line;
    int r = get_line(L, first, &line), c;
    if (r == LINE_INTERRUPT) {
      if (!first) lua_pop(L, 1);
      return ENTRY_NONE;
    }
    if (r == LINE_EOF) {
      if (first) return ENTRY_EOF;
      push_unfinished_error(L);
      history_save(lua_tostring(L, -2));
      lua_remove(L, -2);
      return ENTRY_ERROR;
    }
    if (first && is_help(line)) {
      history_save(line);
      lua_pushstring(L, strchr(line, '?') + 1);
      lua_pushcclosure(L, ask_help, 1);
      free(line);
      *show = 0;
      return ENTRY_RUN;
    }
    if (first) {
      lua_pushstring(L, line);
    } else {
      lua_pushliteral(L, "\n");
      lua_pushstring(L, line);
      lua_concat(L, 3);
    }
    free(line);
    c = compile(L, show);
    if (c != CHUNK_INCOMPLETE) {
      history_save(lua_tostring(L, -2));
      if (c == CHUNK_OK) { /* for nnlab.sources: see entry_ran */
        lua_pushvalue(L, -2);
        lua_setfield(L, LUA_REGISTRYINDEX, entry_key);
      }
      lua_remove(L, -2); /* the text */
      return c == CHUNK_OK ? ENTRY_RUN : ENTRY_ERROR;
    }
    first = 0;
  }
}

/*
 * Is the chunk whose short source is src[0 .. n) the library's: lua/nnlab.lua,
 * the modules lua/nnlab/NAME.lua and the exercise sets built in (their chunk
 * names), or an installed nnlab.lua or nnlab/NAME.lua (perhaps shortened)?
 */
static int library_source(const char *src, size_t n) {
  size_t i;
  if (n < 4 || memcmp(src + n - 4, ".lua", 4) != 0) return 0;
  if (n >= 10 && memcmp(src, "exercises/", 10) == 0) return 1;
  if (n >= 9 && memcmp(src + n - 9, "nnlab.lua", 9) == 0 && (n == 9 || src[n - 10] == '/'))
    return 1;
  for (i = 0; i + 6 <= n; i++)
    if (memcmp(src + i, "nnlab/", 6) == 0 && (i == 0 || src[i - 1] == '/' || src[i - 1] == '.'))
      return 1;
  return 0;
}

/* The length of the source in a position "src:12:" or a frame "src:12: in"
   or "src: in" at s[0 .. n), or 0 when there is none. */
static size_t position_source(const char *s, size_t n) {
  size_t i;
  for (i = 0; i < n; i++) {
    if (s[i] == ':') {
      size_t j = i + 1;
      while (j < n && isdigit((unsigned char)s[j])) j++;
      if (j > i + 1 && j < n && s[j] == ':') return i;
      if (j == i + 1 && n - j >= 3 && memcmp(s + j, " in", 3) == 0) return i;
    }
    if (s[i] == '\n') break;
  }
  return 0;
}

enum { FRAME_C, FRAME_LIBRARY, FRAME_USER, FRAME_MAIN };

/* The kind of the traceback line s[0 .. n); last: the traceback's last. */
static int frame_kind(const char *s, size_t n, int last) {
  size_t src;
  static const char entry[] = ": in function <stdin:1>", main_chunk[] = "in main chunk";
  if ((n >= 5 && memcmp(s, "\t[C]:", 5) == 0) || (n >= 2 && memcmp(s, "\t(", 2) == 0))
    return FRAME_C; /* also "(...tail calls...)" */
  if (n >= 7 && memcmp(s, "\tstdin:", 7) == 0 &&
      ((last && n >= sizeof entry - 1 && memcmp(s + n - (sizeof entry - 1), entry, sizeof entry - 1) == 0) ||
       (n >= sizeof main_chunk - 1 &&
        memcmp(s + n - (sizeof main_chunk - 1), main_chunk, sizeof main_chunk - 1) == 0)))
    return FRAME_MAIN;
  src = n > 0 ? position_source(s + 1, n - 1) : 0;
  return src > 0 && library_source(s + 1, src) ? FRAME_LIBRARY : FRAME_USER;
}

/*
 * The message msg[0 .. len) as printed, into out (len + 1 bytes): its
 * traceback shortened.  The entry's own frame (the last, "in function
 * <stdin:1>": repl_locals.c compiles an entry as a function) reads "in main
 * chunk".  When the message's position is outside the library (stdin:1:, a
 * file of the user's), the library's frames are left out, with the C
 * functions and tail calls they called: the error is the caller's mistake,
 * and the library only reported it.  A message positioned in the library (a
 * bug there) or without a position keeps them all.  A traceback left with
 * only C functions and the entry's main chunk says no more than the
 * message's position, and is left out.  Returns the length written.
 */
static size_t shape_error(const char *msg, size_t len, char *out) {
  static const char header[] = "\nstack traceback:\n", entry[] = "in function <stdin:1>";
  const char *tb = NULL, *p, *end = msg + len;
  size_t src, o, nlines = 0, i;
  int user, below, trivial = 1;
  struct { const char *s; size_t n; int kind, keep; } *lines;
  for (p = msg; p + sizeof header - 1 <= end; p++)
    if (memcmp(p, header, sizeof header - 1) == 0) { tb = p; break; }
  if (tb == NULL) {
    memcpy(out, msg, len);
    return len;
  }
  for (p = tb + sizeof header - 1; p <= end; p++)
    if (p == end || *p == '\n') nlines++;
  lines = calloc(nlines, sizeof *lines);
  if (lines == NULL) {
    memcpy(out, msg, len);
    return len;
  }
  nlines = 0;
  for (p = tb + sizeof header - 1;;) {
    const char *eol = memchr(p, '\n', (size_t)(end - p));
    if (eol == NULL) eol = end;
    lines[nlines].s = p;
    lines[nlines].n = (size_t)(eol - p);
    lines[nlines].kind = frame_kind(p, lines[nlines].n, eol == end);
    lines[nlines].keep = 1;
    nlines++;
    if (eol == end) break;
    p = eol + 1;
  }
  src = position_source(msg, (size_t)(tb - msg));
  user = src > 0 && !library_source(msg, src);
  below = 0; /* is the nearest frame below (the caller) the library's? */
  for (i = nlines; user && i-- > 0;) {
    int k = lines[i].kind;
    if (k == FRAME_LIBRARY) lines[i].keep = 0;
    else if (k == FRAME_C) lines[i].keep = !below;
    if (k != FRAME_C) below = k == FRAME_LIBRARY;
  }
  for (i = 0; i < nlines; i++)
    if (lines[i].keep && lines[i].kind != FRAME_C && lines[i].kind != FRAME_MAIN) trivial = 0;
  o = (size_t)(tb - msg);
  memcpy(out, msg, o);
  if (!trivial) {
    memcpy(out + o, header, sizeof header - 2); /* without its last newline */
    o += sizeof header - 2;
    for (i = 0; i < nlines; i++) {
      size_t n = lines[i].n;
      if (!lines[i].keep) continue;
      out[o++] = '\n';
      if (lines[i].kind == FRAME_MAIN && i == nlines - 1 && n >= sizeof entry - 1 &&
          memcmp(lines[i].s + n - (sizeof entry - 1), entry, sizeof entry - 1) == 0) {
        memcpy(out + o, lines[i].s, n - (sizeof entry - 1));
        o += n - (sizeof entry - 1);
        memcpy(out + o, "in main chunk", 13);
        o += 13;
      } else {
        memcpy(out + o, lines[i].s, n);
        o += n;
      }
    }
  }
  free(lines);
  return o;
}

static void print_error(lua_State *L) {
  static const char tail[] = "\n\t[C]: in ?";
  const char *msg = lua_tostring(L, -1);
  char *out;
  size_t len;
  if (msg == NULL) msg = "(error object is not a string)";
  len = strlen(msg);
  if (len >= sizeof tail - 1 && strcmp(msg + len - (sizeof tail - 1), tail) == 0)
    len -= sizeof tail - 1; /* the REPL's own frame */
  out = malloc(len + 1);
  if (out != NULL) len = shape_error(msg, len, out);
  fflush(stdout);
  if (color_err) fputs("\033[31m", stderr);
  fwrite(out != NULL ? out : msg, 1, len, stderr);
  if (color_err) fputs("\033[0m", stderr);
  fputc('\n', stderr);
  fflush(stderr);
  free(out);
  lua_pop(L, 1);
}

/* Print the values from index first to the top (and pop them). */
static void print_values(lua_State *L, int first) {
  int n = lua_gettop(L) - first + 1;
  luaL_checkstack(L, LUA_MINSTACK, "too many results to print");
  if (lua_getfield(L, LUA_REGISTRYINDEX, pretty_key) != LUA_TFUNCTION) {
    lua_pop(L, 1);
    lua_getglobal(L, "print");
  }
  lua_insert(L, first);
  if (repl_docall(L, n, 1) != LUA_OK) {
    lua_pushfstring(L, "error printing the values: %s", lua_tostring(L, -1));
    lua_remove(L, -2);
    print_error(L);
    return;
  }
  if (lua_type(L, -1) == LUA_TSTRING) {
    fputs(lua_tostring(L, -1), stdout);
    fputc('\n', stdout);
  }
  lua_pop(L, 1);
  fflush(stdout);
}

/* nnlab.sources.ran(text, kept locals) (text: argument 1). */
static int sources_ran(lua_State *L) {
  lua_getglobal(L, "require");
  lua_pushliteral(L, "nnlab.sources");
  lua_call(L, 1, 1);
  lua_getfield(L, -1, "ran");
  lua_pushvalue(L, 1);
  repl_push_locals(L);
  lua_call(L, 2, 0);
  return 0;
}

/*
 * After an entry has run (or failed): every entry is the chunk "=stdin", so
 * the text of the functions it made is kept by nnlab.sources (for ex.save),
 * which reads the entry being run from registry[entry_key] and records what
 * the entry made when told it has run.  Its errors are ignored.
 */
static void entry_ran(lua_State *L) {
  int top = lua_gettop(L);
  if (lua_getfield(L, LUA_REGISTRYINDEX, entry_key) == LUA_TSTRING) {
    lua_pushcfunction(L, sources_ran);
    lua_insert(L, -2);
    lua_pcall(L, 1, 0, 0);
  }
  lua_settop(L, top);
  lua_pushnil(L);
  lua_setfield(L, LUA_REGISTRYINDEX, entry_key);
}

/* Keep nnlab.pretty's value printer in the registry, if it loads. */
static void load_printer(lua_State *L) {
  lua_getglobal(L, "require");
  lua_pushliteral(L, "nnlab.pretty");
  if (repl_docall(L, 1, 1) == LUA_OK && lua_istable(L, -1)) {
    lua_getfield(L, -1, "values");
    lua_setfield(L, LUA_REGISTRYINDEX, pretty_key);
  }
  lua_pop(L, 1);
}

static void readline_open(lua_State *L) {
  rl_readline_name = "nnlab";
  rl_instream = stdin;
  rl_outstream = stdout;
  rl_catch_signals = 0;  /* ours: see tty_getline */
  rl_catch_sigwinch = 0;
  rl_change_environment = 0;
  repl_complete_open(L);
  history_open();
}

void repl_run(lua_State *L) {
  int top = lua_gettop(L);
  interactive = isatty(STDIN_FILENO);
  color_out = interactive && wants_color(STDOUT_FILENO);
  color_err = interactive && wants_color(STDERR_FILENO);
  repl_catch_signals();
  load_printer(L);
  if (interactive) {
    readline_open(L);
    printf("%s  ?name or help() for help, Tab completes, Ctrl-D exits\n", NNLAB_VERSION_LINE);
  }
  for (;;) {
    int show = 1, base;
    int r = read_entry(L, &show);
    if (r == ENTRY_EOF) break;
    if (r == ENTRY_ERROR) print_error(L);
    if (r != ENTRY_RUN) continue;
    base = lua_gettop(L) - 1;
    if (repl_docall(L, 0, LUA_MULTRET) != LUA_OK)
      print_error(L);
    else if (show && lua_gettop(L) > base)
      print_values(L, base + 1);
    lua_settop(L, base);
    entry_ran(L);
    fflush(stdout);
  }
  if (interactive) { /* readline has ended the line */
    free(history_path);
    history_path = NULL;
  }
  fflush(stdout);
  repl_release_signals();
  lua_settop(L, top);
}
