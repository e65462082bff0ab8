/*
 * nnlab.c -- the nnlab program: Lua 5.4 with the nnlab library preloaded.
 *
 * The command line is that of the standard `lua` program (lua.c), so that
 * whatever works with `lua` works with `nnlab`; the library (the embedded Lua
 * modules and the C module nnlab.core) is loaded before any user code runs,
 * and each of its parts is a global: `matrix`, and those later issues add.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <lua.h>
#include <lauxlib.h>
#include <lualib.h>

#include "preload.h"
#include "repl.h"

static const char *progname = "nnlab";

static void print_usage(FILE *f) {
  fprintf(f,
    "usage: %s [options] [script [args]]\n"
    "       %s check SET SUBMISSION.lua    check one submission, part by part\n"
    "       %s grade SET SUBMISSION.lua... grade submissions (reports, summary.csv)\n"
    "       %s strip SET -o FILE           the student copy of an exercise set\n"
    "       %s autograder SET -o FILE.zip  Gradescope's autograder zip for a set\n"
    "Without a script: the interactive REPL, or, when standard input is not\n"
    "a terminal, standard input run as a script.  Each subcommand has --help.\n"
    "Options:\n"
    "  -e stat    execute string 'stat'\n"
    "  -i         enter the REPL after running 'script'\n"
    "  -l mod     require library 'mod' into global 'mod'\n"
    "  -l g=mod   require library 'mod' into global 'g'\n"
    "  -v         show version information\n"
    "  -E         ignore environment variables (LUA_INIT, LUA_PATH, LUA_CPATH)\n"
    "  -W         turn warnings on\n"
    "  --         stop handling options\n"
    "  -          stop handling options and execute stdin\n"
    "  --help     show this help\n"
    "  --version  show version information\n"
    "Environment: LUA_INIT (code or @file run first), NNLAB_HISTORY (REPL\n"
    "history file, default ~/.nnlab_history), NO_COLOR (no colour).\n",
    progname, progname, progname, progname, progname);
}

static void bad_usage(const char *option) {
  if ((option[1] == 'e' || option[1] == 'l') && option[2] == '\0')
    fprintf(stderr, "%s: '%s' needs argument\n", progname, option);
  else
    fprintf(stderr, "%s: unrecognized option '%s'\n", progname, option);
  print_usage(stderr);
}

/* Print "nnlab: msg" on standard error. */
static void l_message(const char *msg) {
  fflush(stdout);
  fprintf(stderr, "%s: %s\n", progname, msg);
  fflush(stderr);
}

/* When status is an error, print the message on the top of the stack. */
static int report(lua_State *L, int status) {
  if (status != LUA_OK) {
    const char *msg = lua_tostring(L, -1);
    l_message(msg != NULL ? msg : "(error object is not a string)");
    lua_pop(L, 1);
  }
  return status;
}

static int dochunk(lua_State *L, int status) {
  if (status == LUA_OK) status = repl_docall(L, 0, 0);
  return report(L, status);
}

static int dofile(lua_State *L, const char *name) {
  return dochunk(L, luaL_loadfile(L, name));
}

static int dostring(lua_State *L, const char *s, const char *name) {
  return dochunk(L, luaL_loadbuffer(L, s, strlen(s), name));
}

/* -l: 'globname[=modname]', runs globname = require(modname). */
static int dolibrary(lua_State *L, char *globname) {
  int status;
  char *modname = strchr(globname, '=');
  if (modname == NULL) {
    modname = globname;
  } else {
    *modname = '\0';
    modname++;
  }
  lua_getglobal(L, "require");
  lua_pushstring(L, modname);
  status = repl_docall(L, 1, 1);
  if (status == LUA_OK) lua_setglobal(L, globname);
  return report(L, status);
}

/*
 * The global 'arg': the script name at index 0, its arguments at 1, 2, ...,
 * and the interpreter and its options at negative indices.  Without a
 * script, the interpreter's name is at index 0.
 */
static void createargtable(lua_State *L, char **argv, int argc, int script) {
  int i;
  if (script == argc) script = 0;
  lua_createtable(L, argc - (script + 1), script + 1);
  for (i = 0; i < argc; i++) {
    lua_pushstring(L, argv[i]);
    lua_rawseti(L, -2, i - script);
  }
  lua_setglobal(L, "arg");
}

/* Push arg[1] .. arg[#arg]; returns how many. */
static int pushargs(lua_State *L) {
  int i, n;
  if (lua_getglobal(L, "arg") != LUA_TTABLE) luaL_error(L, "'arg' is not a table");
  n = (int)luaL_len(L, -1);
  luaL_checkstack(L, n + 3, "too many arguments to script");
  for (i = 1; i <= n; i++) lua_rawgeti(L, -i, i);
  lua_remove(L, -i);
  return n;
}

static int handle_script(lua_State *L, char **argv) {
  int status;
  const char *fname = argv[0];
  if (strcmp(fname, "-") == 0 && strcmp(argv[-1], "--") != 0)
    fname = NULL; /* stdin */
  status = luaL_loadfile(L, fname);
  if (status == LUA_OK) {
    int n = pushargs(L);
    status = repl_docall(L, n, LUA_MULTRET);
  }
  return report(L, status);
}

/* Bits of the options seen by collectargs. */
#define has_error 1 /* bad option */
#define has_i 2     /* -i */
#define has_v 4     /* -v, --version */
#define has_e 8     /* -e */
#define has_E 16    /* -E */
#define has_help 32 /* --help */

/*
 * Check the options before any Lua code runs.  *first is set to the index
 * of the script (argc when there is none), or of the bad option.
 */
static int collectargs(char **argv, int argc, int *first) {
  int args = 0, i;
  for (i = 1; i < argc; i++) {
    *first = i;
    if (argv[i][0] != '-') return args; /* the script */
    switch (argv[i][1]) {
    case '-':
      if (argv[i][2] == '\0') { /* '--' */
        *first = i + 1;
        return args;
      }
      if (strcmp(argv[i], "--help") == 0) args |= has_help;
      else if (strcmp(argv[i], "--version") == 0) args |= has_v;
      else return has_error;
      break;
    case '\0': /* '-': the script is stdin */
      return args;
    case 'E':
      if (argv[i][2] != '\0') return has_error;
      args |= has_E;
      break;
    case 'W':
      if (argv[i][2] != '\0') return has_error;
      break;
    case 'i':
      args |= has_i;
      /* FALLTHROUGH */
    case 'v':
      if (argv[i][2] != '\0') return has_error;
      if (argv[i][1] == 'v') args |= has_v;
      break;
    case 'e':
      args |= has_e;
      /* FALLTHROUGH */
    case 'l': /* both need an argument, in this or the next argv */
      if (argv[i][2] == '\0') {
        i++;
        if (i >= argc || argv[i][0] == '-') {
          *first = i - 1;
          return has_error;
        }
      }
      break;
    default:
      return has_error;
    }
  }
  *first = argc;
  return args;
}

/* Run the options -e, -l and -W among argv[1 .. n-1]; 0 when code failed. */
static int runargs(lua_State *L, char **argv, int n) {
  int i;
  for (i = 1; i < n; i++) {
    int option = argv[i][1];
    if (argv[i][0] != '-') continue;
    if (option == 'e' || option == 'l') {
      char *extra = argv[i] + 2;
      int status;
      if (*extra == '\0') extra = argv[++i];
      status = option == 'e' ? dostring(L, extra, "=(command line)") : dolibrary(L, extra);
      if (status != LUA_OK) return 0;
    } else if (option == 'W') {
      lua_warning(L, "@on", 0);
    }
  }
  return 1;
}

static int handle_luainit(lua_State *L) {
  const char *name = "=LUA_INIT_" LUA_VERSION_MAJOR "_" LUA_VERSION_MINOR;
  const char *init = getenv(name + 1);
  if (init == NULL) {
    name = "=LUA_INIT";
    init = getenv(name + 1);
  }
  if (init == NULL) return LUA_OK;
  if (init[0] == '@') return dofile(L, init + 1);
  return dostring(L, init, name);
}

/*
 * Make the library loadable from the binary alone (package.preload), then
 * require "nnlab" and make each of its parts but the version a global.
 */
static int open_nnlab(lua_State *L) {
  int status;
  preload_library(L);
  lua_getglobal(L, "require");
  lua_pushliteral(L, "nnlab");
  status = repl_docall(L, 1, 1);
  if (status != LUA_OK) return report(L, status);
  if (lua_istable(L, -1)) {
    lua_pushnil(L);
    while (lua_next(L, -2)) {
      if (lua_type(L, -2) == LUA_TSTRING && strcmp(lua_tostring(L, -2), "version") != 0) {
        lua_setglobal(L, lua_tostring(L, -2)); /* pops the value */
      } else {
        lua_pop(L, 1);
      }
    }
  }
  lua_pop(L, 1);
  return LUA_OK;
}

static int exit_status = -1;  /* set by a subcommand */

static int is_subcommand(const char *a) {
  return strcmp(a, "check") == 0 || strcmp(a, "grade") == 0 || strcmp(a, "strip") == 0 ||
         strcmp(a, "autograder") == 0;
}

/* nnlab check|grade|strip ARGS: the grader's command line (nnlab.grader). */
static int subcommand(lua_State *L, int argc, char **argv) {
  int i;
  luaL_openlibs(L);
  lua_gc(L, LUA_GCRESTART);
  if (open_nnlab(L) != LUA_OK) return 0;
  lua_getglobal(L, "require");
  lua_pushliteral(L, "nnlab.grader");
  if (report(L, repl_docall(L, 1, 1)) != LUA_OK) return 0;
  lua_getfield(L, -1, "main");
  lua_pushstring(L, argv[1]);
  lua_createtable(L, argc - 2, 0);
  for (i = 2; i < argc; i++) {
    lua_pushstring(L, argv[i]);
    lua_rawseti(L, -2, i - 1);
  }
  if (report(L, repl_docall(L, 2, 1)) != LUA_OK) return 0;
  exit_status = (int)lua_tointeger(L, -1);
  lua_pushboolean(L, 1);
  return 1;
}

/* The program, in protected mode: returns true when all went well. */
static int pmain(lua_State *L) {
  int argc = (int)lua_tointeger(L, 1);
  char **argv = (char **)lua_touserdata(L, 2);
  int script = argc;
  if (argc >= 2 && is_subcommand(argv[1]))
    return subcommand(L, argc, argv);
  int args = collectargs(argv, argc, &script);
  int optlim = script;
  luaL_checkversion(L);
  if (args == has_error) {
    bad_usage(argv[script]);
    return 0;
  }
  if (args & has_help) {
    print_usage(stdout);
    lua_pushboolean(L, 1);
    return 1;
  }
  if (args & has_v) {
    puts(NNLAB_VERSION_LINE);
    fflush(stdout);
  }
  if (args & has_E) { /* libraries then ignore LUA_PATH and friends */
    lua_pushboolean(L, 1);
    lua_setfield(L, LUA_REGISTRYINDEX, "LUA_NOENV");
  }
  luaL_openlibs(L);
  repl_opencoroutines(L);
  createargtable(L, argv, argc, script);
  lua_gc(L, LUA_GCRESTART);
  lua_gc(L, LUA_GCGEN, 0, 0);
  if (open_nnlab(L) != LUA_OK) return 0;
  if (!(args & has_E) && handle_luainit(L) != LUA_OK) return 0;
  if (!runargs(L, argv, optlim)) return 0;
  if (script < argc && handle_script(L, argv + script) != LUA_OK) return 0;
  if (args & has_i) {
    repl_run(L);
  } else if (script == argc && !(args & (has_e | has_v))) {
    if (isatty(STDIN_FILENO)) repl_run(L);
    else if (dofile(L, NULL) != LUA_OK) return 0;
  }
  lua_pushboolean(L, 1);
  return 1;
}

int main(int argc, char **argv) {
  int status, ok;
  lua_State *L = luaL_newstate();
  if (L == NULL) {
    l_message("cannot create state: not enough memory");
    return EXIT_FAILURE;
  }
  lua_gc(L, LUA_GCSTOP); /* until the state is built */
  lua_pushcfunction(L, pmain);
  lua_pushinteger(L, argc);
  lua_pushlightuserdata(L, argv);
  status = lua_pcall(L, 2, 1, 0);
  ok = lua_toboolean(L, -1);
  report(L, status);
  lua_close(L);
  fflush(stdout);
  if (exit_status >= 0 && ok && status == LUA_OK)
    return exit_status;
  return (ok && status == LUA_OK) ? EXIT_SUCCESS : EXIT_FAILURE;
}
