/*
 * repl.c -- nnlab's read-eval-print loop, and Ctrl-C for all Lua code.
 *
 * Ctrl-C.  As in lua.c, the SIGINT handler does not touch the Lua state
 * beyond setting a hook, which raises "interrupted!" at the next Lua
 * instruction.  Hooks are per thread, so the handler also sets the hook on
 * every coroutine being resumed (our coroutine.resume and coroutine.wrap keep
 * the list), and it sets mat_interrupted, which long C kernels poll.  Until
 * the interrupted call returns, the hook stays: code that catches the error
 * (pcall, coroutine.resume) is stopped at its next instruction too.  Three
 * Ctrl-C that no Lua instruction answers (C code that does not poll) end the
 * program, as a second one does in lua.c.
 *
 * The REPL reads with readline's callback interface: a pselect loop in which
 * SIGINT only sets a flag, so that Ctrl-C at the prompt clears the line.  An
 * entry is compiled once, as "return <entry>" if that compiles, otherwise as
 * a statement, reading more lines while the chunk is incomplete; it runs once;
 * its values are shown by nnlab.pretty unless it ends with ';'.  A line
 * "?x" shows help(x) (nnlab.help).
 */
#include <ctype.h>
#include <errno.h>
#include <pthread.h>
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
#include <lualib.h>

#include "mat.h"
#include "repl.h"

/* ---------------------------------------------------------------- Ctrl-C */

#define MAXRESUMING 256 /* deeper nesting than Lua's C-call limit allows */

static lua_State *volatile running;               /* under repl_docall */
static lua_State *volatile resuming[MAXRESUMING]; /* coroutines being resumed */
static volatile sig_atomic_t nresuming;
static volatile sig_atomic_t interrupting; /* Ctrl-C while Lua code runs */
static volatile sig_atomic_t unanswered;   /* Ctrl-C not yet turned into an error */
static volatile sig_atomic_t got_sigint;   /* for the prompt */
static volatile sig_atomic_t got_sigwinch;
static volatile sig_atomic_t got_sigcont;

static void stop_hook(lua_State *L, lua_Debug *ar) {
  (void)ar;
  if (!interrupting) { /* left over from an earlier interruption */
    lua_sethook(L, NULL, 0, 0);
    return;
  }
  unanswered = 0;
  luaL_error(L, "interrupted!");
}

static void arm(lua_State *L) {
  lua_sethook(L, stop_hook, LUA_MASKCOUNT, 1);
}

/*
 * Signals go to any thread that does not block them, and the program has
 * threads (OpenBLAS's): a handler running elsewhere hands the signal on to the
 * main thread, where it interrupts pselect or Lua code.
 */
static pthread_t main_thread;

static int forwarded(int sig) {
  if (pthread_equal(pthread_self(), main_thread)) return 0;
  pthread_kill(main_thread, sig);
  return 1;
}

static void on_sigint(int sig) {
  if (forwarded(sig)) return;
  got_sigint = 1;
  mat_interrupted = 1;
  if (running != NULL) {
    int i, n = nresuming;
    interrupting = 1;
    if (++unanswered >= 3) {
      static const char msg[] = "\nnnlab: not answering Ctrl-C: quitting\n";
      ssize_t r = write(STDERR_FILENO, msg, sizeof msg - 1);
      (void)r;
      signal(sig, SIG_DFL);
      raise(sig);
      return;
    }
    arm(running);
    for (i = 0; i < n && i < MAXRESUMING; i++) arm(resuming[i]);
  }
}

static void on_sigwinch_or_cont(int sig) {
  if (forwarded(sig)) return;
  if (sig == SIGCONT) got_sigcont = 1;
  else got_sigwinch = 1;
}

static int sigint_depth;
static struct sigaction old_sigint;

/* Catch SIGINT (nested calls allowed); no SA_RESTART, so that blocking
   reads return EINTR. */
static void catch_sigint(void) {
  if (sigint_depth++ == 0) {
    struct sigaction sa;
    main_thread = pthread_self();
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_sigint;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, &old_sigint);
  }
}

static void release_sigint(void) {
  if (--sigint_depth == 0) sigaction(SIGINT, &old_sigint, NULL);
}

/* Resume co with narg values from L, as lua's coroutine library does, with
   co on the list of coroutines Ctrl-C reaches.  Returns the number of
   results moved to L, or -1 with the error object on L. */
static int resume(lua_State *L, lua_State *co, int narg) {
  int status, nres, listed = 0;
  if (!lua_checkstack(co, narg)) {
    lua_pushliteral(L, "too many arguments to resume");
    return -1;
  }
  lua_xmove(L, co, narg);
  if (nresuming < MAXRESUMING) {
    resuming[nresuming] = co;
    nresuming = nresuming + 1;
    listed = 1;
  }
  if (interrupting) arm(co);
  status = lua_resume(co, L, narg, &nres);
  if (listed) nresuming = nresuming - 1;
  if (status == LUA_OK || status == LUA_YIELD) {
    if (!lua_checkstack(L, nres + 1)) {
      lua_pop(co, nres);
      lua_pushliteral(L, "too many results to resume");
      return -1;
    }
    lua_xmove(co, L, nres);
    return nres;
  }
  lua_xmove(co, L, 1);
  return -1;
}

static int co_resume(lua_State *L) {
  lua_State *co = lua_tothread(L, 1);
  int r;
  luaL_argexpected(L, co != NULL, 1, "coroutine");
  r = resume(L, co, lua_gettop(L) - 1);
  if (r < 0) {
    lua_pushboolean(L, 0);
    lua_insert(L, -2);
    return 2;
  }
  lua_pushboolean(L, 1);
  lua_insert(L, -(r + 1));
  return r + 1;
}

static int wrap_call(lua_State *L) {
  lua_State *co = lua_tothread(L, lua_upvalueindex(1));
  int r = resume(L, co, lua_gettop(L));
  if (r < 0) {
    int status = lua_status(co);
    if (status != LUA_OK && status != LUA_YIELD) { /* an error in co: close it */
#if LUA_VERSION_RELEASE_NUM >= 50406
      status = lua_closethread(co, L);
#else
      status = lua_resetthread(co);
#endif
      lua_xmove(co, L, 1);
    }
    if (status != LUA_ERRMEM && lua_type(L, -1) == LUA_TSTRING) {
      luaL_where(L, 1); /* where the wrapped function was called */
      lua_insert(L, -2);
      lua_concat(L, 2);
    }
    return lua_error(L);
  }
  return r;
}

static int co_wrap(lua_State *L) {
  lua_State *co;
  luaL_checktype(L, 1, LUA_TFUNCTION);
  co = lua_newthread(L);
  lua_pushvalue(L, 1);
  lua_xmove(L, co, 1);
  lua_pushcclosure(L, wrap_call, 1);
  return 1;
}

/*
 * Code that catches "interrupted!" to stop cleanly (nnlab's fit returns what
 * it has learned) calls this from C, through the registry key
 * "nnlab.interrupt.ack" (see ltrain.c): the Ctrl-C counts as answered and
 * the hooks stop firing, so that the code can return normally.
 */
static int ack_interrupt(lua_State *L) {
  if (lua_gethook(L) == stop_hook) lua_sethook(L, NULL, 0, 0);
  interrupting = 0; /* hooks left on coroutines remove themselves */
  unanswered = 0;
  mat_interrupted = 0;
  return 0;
}

void repl_opencoroutines(lua_State *L) {
  luaL_getsubtable(L, LUA_REGISTRYINDEX, LUA_LOADED_TABLE);
  if (lua_getfield(L, -1, LUA_COLIBNAME) == LUA_TTABLE) {
    lua_pushcfunction(L, co_resume);
    lua_setfield(L, -2, "resume");
    lua_pushcfunction(L, co_wrap);
    lua_setfield(L, -2, "wrap");
  }
  lua_pop(L, 2);
  lua_pushcfunction(L, ack_interrupt);
  lua_setfield(L, LUA_REGISTRYINDEX, "nnlab.interrupt.ack");
}

/* Error message plus traceback, as lua.c makes them. */
static int msghandler(lua_State *L) {
  const char *msg = lua_tostring(L, 1);
  if (msg == NULL) {
    if (luaL_callmeta(L, 1, "__tostring") && lua_type(L, -1) == LUA_TSTRING) return 1;
    msg = lua_pushfstring(L, "(error object is a %s value)", luaL_typename(L, 1));
  }
  luaL_traceback(L, L, msg, 1);
  return 1;
}

int repl_docall(lua_State *L, int narg, int nres) {
  int status, base = lua_gettop(L) - narg;
  lua_pushcfunction(L, msghandler);
  lua_insert(L, base);
  catch_sigint();
  interrupting = 0;
  unanswered = 0;
  mat_interrupted = 0;
  running = L;
  status = lua_pcall(L, narg, nres, base);
  running = NULL;
  interrupting = 0;
  unanswered = 0;
  if (lua_gethook(L) == stop_hook) lua_sethook(L, NULL, 0, 0);
  release_sigint();
  lua_remove(L, base);
  return status;
}

/* ------------------------------------------------------------ the REPL */

#define PROMPT1 "> "
#define PROMPT2 ">> "
#define HISTORY_MAX 1000
#define EOFMARK "<eof>"

static lua_State *replL;      /* for completion */
static int interactive;       /* reading a terminal with readline */
static int color_out, color_err;
static char *history_path;    /* NULL: history not kept in a file */
static const char pretty_key[] = "nnlab.repl.pretty"; /* registry: value printer */

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

/* Read a line with readline; *line is malloc'ed. */
static int tty_getline(const char *prompt, char **line) {
  sigset_t block, orig;
  int result = LINE_OK, fd = fileno(rl_instream);
  sigemptyset(&block);
  sigaddset(&block, SIGINT);
  sigaddset(&block, SIGWINCH);
  sigaddset(&block, SIGCONT);
  sigprocmask(SIG_BLOCK, &block, &orig);
  got_sigint = 0; /* Ctrl-C from before the prompt showed is spent */
  got_sigcont = 0; /* the terminal is prepared below anyway */
  rl_finished = 0;
  rl_line = NULL;
  fflush(stdout);
  fflush(stderr);
  rl_callback_handler_install(prompt, on_line);
  while (!rl_finished) {
    fd_set fds;
    if (got_sigint) { /* Ctrl-C: drop the line */
      got_sigint = 0;
      rl_free_line_state();
      rl_callback_sigcleanup();
      rl_echo_signal_char(SIGINT);
      rl_crlf();
      rl_callback_handler_remove();
      result = LINE_INTERRUPT;
      break;
    }
    if (got_sigwinch) {
      got_sigwinch = 0;
      rl_resize_terminal();
    }
    if (got_sigcont) { /* back from Ctrl-Z: the shell has reset the terminal */
      got_sigcont = 0;
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

/* --- completion */

static const char *const keywords[] = {
  "and", "break", "do", "else", "elseif", "end", "false", "for", "function",
  "goto", "if", "in", "local", "nil", "not", "or", "repeat", "return", "then",
  "true", "until", "while", NULL
};

typedef struct Names {
  char **v;
  size_t n, cap;
} Names;

static Names found;        /* the candidates of the current completion */
static size_t found_next;  /* for the generator */

static void names_clear(Names *ns) {
  size_t i;
  for (i = 0; i < ns->n; i++) free(ns->v[i]);
  free(ns->v);
  ns->v = NULL;
  ns->n = ns->cap = 0;
}

static void names_add(Names *ns, const char *s) {
  char *copy;
  if (ns->n == ns->cap) {
    size_t cap = ns->cap ? 2 * ns->cap : 64;
    char **v = realloc(ns->v, cap * sizeof *v);
    if (v == NULL) return;
    ns->v = v;
    ns->cap = cap;
  }
  copy = strdup(s);
  if (copy != NULL) ns->v[ns->n++] = copy;
}

static int is_keyword(const char *s) {
  int i;
  for (i = 0; keywords[i] != NULL; i++)
    if (strcmp(s, keywords[i]) == 0) return 1;
  return 0;
}

static int is_name(const char *s) {
  const char *p;
  if (!(isalpha((unsigned char)*s) || *s == '_')) return 0;
  for (p = s; *p; p++)
    if (!(isalnum((unsigned char)*p) || *p == '_')) return 0;
  return !is_keyword(s);
}

/*
 * Replace the value on the top of the stack by the next table to look in
 * for its fields: its metatable's __index when that is a table, or nil.
 * Raw access only: no metamethod is ever called.
 */
static void next_index(lua_State *L) {
  if (lua_getmetatable(L, -1)) {
    lua_pushliteral(L, "__index");
    lua_rawget(L, -2);
    lua_remove(L, -2); /* metatable */
    if (!lua_istable(L, -1)) {
      lua_pop(L, 1);
      lua_pushnil(L);
    }
  } else {
    lua_pushnil(L);
  }
  lua_remove(L, -2);
}

/* Replace the value on the top by its field k, looked up raw in it and its
   chain of __index tables; nil when not found. */
static void raw_field(lua_State *L, const char *k) {
  int depth;
  lua_pushvalue(L, -1);
  for (depth = 0; depth < 32 && !lua_isnil(L, -1); depth++) {
    if (lua_istable(L, -1)) {
      lua_pushstring(L, k);
      if (lua_rawget(L, -2) != LUA_TNIL) {
        lua_remove(L, -2);
        lua_remove(L, -2);
        return;
      }
      lua_pop(L, 1);
    }
    next_index(L);
  }
  lua_pop(L, 2);
  lua_pushnil(L);
}

/* Add the names in the value on the top of the stack (and its __index
   chain) that start with prefix; with methods, only those of functions. */
static void collect(lua_State *L, Names *ns, const char *prefix, int methods) {
  size_t plen = strlen(prefix);
  int depth;
  lua_pushvalue(L, -1);
  for (depth = 0; depth < 32 && !lua_isnil(L, -1); depth++) {
    if (lua_istable(L, -1)) {
      lua_pushnil(L);
      while (lua_next(L, -2)) {
        if (lua_type(L, -2) == LUA_TSTRING && (!methods || lua_isfunction(L, -1))) {
          const char *k = lua_tostring(L, -2);
          if (strncmp(k, prefix, plen) == 0 && is_name(k) &&
              !(k[0] == '_' && k[1] == '_' && prefix[0] != '_'))
            names_add(ns, k);
        }
        lua_pop(L, 1);
      }
    }
    next_index(L);
  }
  lua_pop(L, 1);
}

typedef struct Completion {
  const char *path; /* "a.b" before the separator, or NULL for globals */
  char sep;         /* '.' or ':' */
  const char *text; /* the word being completed */
} Completion;

static int complete_in_lua(lua_State *L) {
  const Completion *c = (const Completion *)lua_touserdata(L, 1);
  lua_settop(L, 0);
  luaL_checkstack(L, 80, NULL);
  lua_pushglobaltable(L);
  if (c->path == NULL) {
    int i;
    collect(L, &found, c->text, 0);
    for (i = 0; keywords[i] != NULL; i++)
      if (strncmp(keywords[i], c->text, strlen(c->text)) == 0) names_add(&found, keywords[i]);
    return 0;
  }
  {
    const char *p = c->path;
    while (*p && !lua_isnil(L, -1)) {
      char name[256];
      const char *dot = strchr(p, '.');
      size_t len = dot ? (size_t)(dot - p) : strlen(p);
      if (len >= sizeof name) return 0;
      memcpy(name, p, len);
      name[len] = '\0';
      raw_field(L, name);
      p += len + (dot != NULL);
    }
  }
  if (!lua_isnil(L, -1)) collect(L, &found, c->text, c->sep == ':');
  return 0;
}

static char *generator(const char *text, int state) {
  (void)text;
  if (state == 0) found_next = 0;
  if (found_next < found.n) return strdup(found.v[found_next++]);
  return NULL;
}

/* rl_attempted_completion_function: Lua names only, never file names. */
static char **complete(const char *text, int start, int end) {
  Completion c;
  char *path = NULL;
  char **matches = NULL;
  (void)end;
  rl_attempted_completion_over = 1;
  rl_completion_append_character = '\0';
  c.path = NULL;
  c.sep = 0;
  c.text = text;
  if (start > 0 && (rl_line_buffer[start - 1] == '.' || rl_line_buffer[start - 1] == ':')) {
    int i = start - 1, j = i;
    c.sep = rl_line_buffer[i];
    while (j > 0 && (isalnum((unsigned char)rl_line_buffer[j - 1]) ||
                     rl_line_buffer[j - 1] == '_' || rl_line_buffer[j - 1] == '.'))
      j--;
    path = malloc((size_t)(i - j) + 1);
    if (path == NULL) return NULL;
    memcpy(path, rl_line_buffer + j, (size_t)(i - j));
    path[i - j] = '\0';
    /* a chain of names: a.b.c */
    if (!isalpha((unsigned char)path[0]) && path[0] != '_') goto done;
    if (strstr(path, "..") != NULL || path[strlen(path) - 1] == '.') goto done;
    if (j > 0 && (rl_line_buffer[j - 1] == ':' || rl_line_buffer[j - 1] == ')' ||
                  rl_line_buffer[j - 1] == ']')) goto done;
    c.path = path;
  } else {
    int i;
    for (i = 0; i < start && isspace((unsigned char)rl_line_buffer[i]); i++) {}
    if (i == start && text[0] == '\0') { /* Tab at the start of a line: indent */
      matches = calloc(2, sizeof *matches);
      if (matches != NULL && (matches[0] = strdup("  ")) == NULL) {
        free(matches);
        matches = NULL;
      }
      return matches;
    }
  }
  names_clear(&found);
  lua_pushcfunction(replL, complete_in_lua);
  lua_pushlightuserdata(replL, &c);
  if (lua_pcall(replL, 1, 0, 0) != LUA_OK) lua_pop(replL, 1);
  if (found.n > 0) matches = rl_completion_matches(text, generator);
  names_clear(&found);
done:
  free(path);
  return matches;
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
  if (status == LUA_OK) return CHUNK_OK;
  expr_incomplete = incomplete(L, status);
  lua_pop(L, 1);
  status = luaL_loadbuffer(L, s, len, "=stdin");
  if (status == LUA_OK) return CHUNK_OK;
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
 * Read one entry, as many lines as it takes.  ENTRY_RUN: its function is on
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
      lua_remove(L, -2); /* the text */
      return c == CHUNK_OK ? ENTRY_RUN : ENTRY_ERROR;
    }
    first = 0;
  }
}

/*
 * Does the traceback in msg[0 .. len) show only C functions and the entry's
 * main chunk?  Then it says no more than the message's own position.
 */
static int trivial_traceback(const char *tb, const char *end) {
  while (tb < end) {
    const char *eol = memchr(tb, '\n', (size_t)(end - tb));
    size_t n;
    if (eol == NULL) eol = end;
    n = (size_t)(eol - tb);
    if (!(n >= 5 && memcmp(tb, "\t[C]:", 5) == 0) &&
        !(n >= 13 && memcmp(eol - 13, "in main chunk", 13) == 0 &&
          memcmp(tb, "\tstdin:", 7) == 0))
      return 0;
    tb = eol + 1;
  }
  return 1;
}

static void print_error(lua_State *L) {
  static const char header[] = "\nstack traceback:\n", tail[] = "\n\t[C]: in ?";
  const char *msg = lua_tostring(L, -1), *tb;
  size_t len;
  if (msg == NULL) msg = "(error object is not a string)";
  len = strlen(msg);
  if (len >= sizeof tail - 1 && strcmp(msg + len - (sizeof tail - 1), tail) == 0)
    len -= sizeof tail - 1; /* the REPL's own frame */
  tb = strstr(msg, header);
  if (tb != NULL && trivial_traceback(tb + sizeof header - 1, msg + len))
    len = (size_t)(tb - msg);
  fflush(stdout);
  if (color_err) fputs("\033[31m", stderr);
  fwrite(msg, 1, len, stderr);
  if (color_err) fputs("\033[0m", stderr);
  fputc('\n', stderr);
  fflush(stderr);
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
  replL = L;
  rl_readline_name = "nnlab";
  rl_instream = stdin;
  rl_outstream = stdout;
  rl_catch_signals = 0;  /* ours: see tty_getline */
  rl_catch_sigwinch = 0;
  rl_change_environment = 0;
  rl_basic_word_break_characters = " \t\n\"\\'`@$><=;|&{(+-*/%^~#,[]).:}";
  rl_attempted_completion_function = complete;
  history_open();
}

void repl_run(lua_State *L) {
  struct sigaction sa, old_winch, old_cont;
  int top = lua_gettop(L);
  interactive = isatty(STDIN_FILENO);
  color_out = interactive && wants_color(STDOUT_FILENO);
  color_err = interactive && wants_color(STDERR_FILENO);
  catch_sigint();
  memset(&sa, 0, sizeof sa);
  sa.sa_handler = on_sigwinch_or_cont;
  sigemptyset(&sa.sa_mask);
  sigaction(SIGWINCH, &sa, &old_winch);
  sigaction(SIGCONT, &sa, &old_cont);
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
    fflush(stdout);
  }
  if (interactive) { /* readline has ended the line */
    free(history_path);
    history_path = NULL;
  }
  fflush(stdout);
  sigaction(SIGWINCH, &old_winch, NULL);
  sigaction(SIGCONT, &old_cont, NULL);
  release_sigint();
  lua_settop(L, top);
}
