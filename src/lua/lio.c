/*
 * lio.c -- files and the terminal for Lua: thin bindings over textio.c.
 *
 * core.io.load(path [, opts]), core.io.save(m, path)   matrix.load / matrix.save
 * core.io.readtable(path [, nonfinite [, opts]]) a numeric text file -> matrix
 * core.io.parse(text [, name [, nonfinite [, names]]])  the same from a string
 * core.io.readfile(path [, opts])               a file's content (nn.load)
 * core.io.max_bytes                             the loaders' default limit
 *
 * The loaders read at most opts.max_bytes (default LIO_MAX_BYTES) bytes,
 * stop at Ctrl-C, and read only regular files unless opts.any_file.
 * core.io.writetable(m, path [, comment])       a matrix as text, comment lines first
 * core.io.writefile(path, text)                 a string into a file
 * core.io.termsize([fd])                        columns, rows of a terminal, or nil
 * core.io.isatty([fd])                          whether fd (default 1) is a terminal
 *
 * Every write goes to a temporary file in the same directory, which is
 * flushed, synced and renamed over the target: a failed write leaves the old
 * file as it was.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <lua.h>
#include <lauxlib.h>

#include "lio.h"
#include "lmatrix.h"
#include "mat.h"
#include "textio.h"

/*
 * Raise an error "<who><message>".  The functions users call directly (who
 * is "matrix.load: " or "matrix.save: ") get the position of the call in
 * front, as luaL_error gives it; the helpers for the Lua library (who is "")
 * do not, so that the library can put its own name and the user's position.
 */
static int ioerror(lua_State *L, const char *who, const char *fmt, ...) {
  va_list ap;
  if (*who) luaL_where(L, 1);
  else lua_pushliteral(L, "");
  lua_pushstring(L, who);
  va_start(ap, fmt);
  lua_pushvfstring(L, fmt, ap);
  va_end(ap);
  lua_concat(L, 3);
  return lua_error(L);
}

/* --- reading -------------------------------------------------------- */

/* A file descriptor owned by a userdata, so that it is closed even if a Lua
   error (out of memory, an interrupt) stops the reading. */
#define FILEBOX "nnlab.filebox"

typedef struct FileBox {
  int fd;
} FileBox;

static int box_gc(lua_State *L) {
  FileBox *b = (FileBox *)luaL_checkudata(L, 1, FILEBOX);
  if (lua_rawlen(L, 1) != sizeof *b) return 0;  /* another userdata given our metatable */
  if (b->fd >= 0) close(b->fd);
  b->fd = -1;
  return 0;
}

static FileBox *newbox(lua_State *L) {
  FileBox *b = (FileBox *)lua_newuserdatauv(L, sizeof *b, 0);
  b->fd = -1;
  if (luaL_newmetatable(L, FILEBOX)) {
    lua_pushcfunction(L, box_gc);
    lua_setfield(L, -2, "__gc");
  }
  lua_setmetatable(L, -2);
  return b;
}

/* How the loaders read (see LIO_MAX_BYTES in lio.h): at most max bytes, and
   only a regular file unless anyfile. */
typedef struct ReadOpts {
  lua_Integer max;
  int anyfile;
} ReadOpts;

static const char *filekind(mode_t m) {
  if (S_ISDIR(m)) return "a directory";
  if (S_ISFIFO(m)) return "a FIFO (named pipe)";
  if (S_ISCHR(m)) return "a character device";
  if (S_ISBLK(m)) return "a block device";
  if (S_ISSOCK(m)) return "a socket";
  return "not a regular file";
}

static int toobig(lua_State *L, const char *who, const char *path, const ReadOpts *o) {
  if (o->max >= ((lua_Integer)1 << 20) && o->max % ((lua_Integer)1 << 20) == 0)
    return ioerror(L, who, "'%s' is larger than the limit of %I MiB; pass {max_bytes = n} "
                   "to read more", path, o->max >> 20);
  return ioerror(L, who, "'%s' is larger than the limit of %I bytes; pass {max_bytes = n} "
                 "to read more", path, o->max);
}

static int interrupted(lua_State *L, const char *who, const char *path) {
  mat_interrupted = 0;
  return ioerror(L, who, "interrupted while reading '%s'", path);
}

/* Push the whole content of the file at path as a string, reading at most
   o->max bytes (more is an error) and looking for Ctrl-C (mat_interrupted)
   between blocks; a FIFO, a device or a directory is an error unless
   o->anyfile.  (A FIFO blocks in open until a writer comes; Ctrl-C stops
   that wait too, as the REPL's handler interrupts system calls.) */
static void readfile(lua_State *L, const char *path, const char *who, const ReadOpts *o) {
  FileBox *b;
  luaL_Buffer buf;
  struct stat st;
  size_t total = 0;
  enum { CHUNK = 1 << 16 };
  if (stat(path, &st) != 0)
    ioerror(L, who, "cannot open '%s': %s", path, strerror(errno));
  if (!S_ISREG(st.st_mode) && !o->anyfile)
    ioerror(L, who, "'%s' is %s, not a regular file; pass {any_file = true} to read it "
            "anyway", path, filekind(st.st_mode));
  if (S_ISREG(st.st_mode) && st.st_size > o->max)
    toobig(L, who, path, o);
  b = newbox(L);
  while ((b->fd = open(path, O_RDONLY | O_CLOEXEC)) < 0) {
    int e = errno;
    if (mat_interrupted) interrupted(L, who, path);
    if (e != EINTR) ioerror(L, who, "cannot open '%s': %s", path, strerror(e));
  }
  if (fstat(b->fd, &st) == 0 && S_ISDIR(st.st_mode))
    ioerror(L, who, "cannot read '%s': %s", path, strerror(EISDIR));
  luaL_buffinit(L, &buf);
  for (;;) {
    ssize_t n;
    char *p;
    if (mat_interrupted) interrupted(L, who, path);
    p = luaL_prepbuffsize(&buf, CHUNK);
    n = read(b->fd, p, CHUNK);
    if (n < 0) {
      int e = errno;
      if (e == EINTR) continue;  /* mat_interrupted is looked at above */
      ioerror(L, who, "cannot read '%s': %s", path, strerror(e));
    }
    if (n == 0) break;
    total += (size_t)n;
    if (total > (size_t)o->max) toobig(L, who, path, o);
    luaL_addsize(&buf, (size_t)n);
  }
  close(b->fd);
  b->fd = -1;
  luaL_pushresult(&buf);
  lua_remove(L, -2);  /* the box */
}

/* The loaders' options at arg: nil, or a table whose fields max_bytes and
   any_file are read (strict: other fields are errors) when strict. */
static void readopts(lua_State *L, int arg, const char *who, int strict, ReadOpts *o) {
  o->max = LIO_MAX_BYTES;
  o->anyfile = 0;
  if (lua_isnoneornil(L, arg)) return;
  if (!lua_istable(L, arg))
    ioerror(L, who, "options must be a table, got %s", luaL_typename(L, arg));
  if (strict) {
    lua_pushnil(L);
    while (lua_next(L, arg) != 0) {
      const char *k = lua_type(L, -2) == LUA_TSTRING ? lua_tostring(L, -2) : NULL;
      if (k == NULL || (strcmp(k, "max_bytes") != 0 && strcmp(k, "any_file") != 0))
        ioerror(L, who, "unknown option %s (known: max_bytes, any_file)",
                k ? lua_pushfstring(L, "'%s'", k) : luaL_typename(L, -2));
      lua_pop(L, 1);
    }
  }
  lua_getfield(L, arg, "max_bytes");
  if (!lua_isnil(L, -1)) {
    int isint;
    o->max = lua_tointegerx(L, -1, &isint);
    if (!isint || o->max < 0)
      ioerror(L, who, "max_bytes must be a non-negative integer, got %s",
              luaL_tolstring(L, -1, NULL));
  }
  lua_pop(L, 1);
  lua_getfield(L, arg, "any_file");
  if (!lua_isnil(L, -1) && !lua_isboolean(L, -1))
    ioerror(L, who, "any_file must be a boolean, got %s", luaL_typename(L, -1));
  o->anyfile = lua_toboolean(L, -1);
  lua_pop(L, 1);
}

/* Push the table of numbers in s[0..len) as a matrix.  name (or NULL) and
   who prefix error messages. */
static Mat *pushtable(lua_State *L, const char *s, size_t len, int flags, const char *who,
                      const char *name) {
  size_t r, c;
  TextError err;
  Mat *m;
  if (textio_parse(s, len, flags, &r, &c, NULL, 0, &err) != 0)
    ioerror(L, who, "%s%s%s", name ? name : "", name ? ": " : "", err.msg);
  m = lmat_push(L, (int)r, (int)c);  /* r * c <= len: each number takes a byte */
  textio_parse(s, len, flags, &r, &c, m->v, r * c, &err);
  return m;
}

/* matrix.load(path [, opts]): a file written by matrix.save, or any table
   of numbers (with a line of column names first, or not). */
static int io_load(lua_State *L) {
  const char *path = luaL_checkstring(L, 1);
  const char *s;
  size_t len, hr = 0, hc = 0;
  int header;
  Mat *m;
  ReadOpts o;
  readopts(L, 2, "matrix.load: ", 1, &o);
  lua_settop(L, 1);
  readfile(L, path, "matrix.load: ", &o);
  s = lua_tolstring(L, -1, &len);
  header = textio_header(s, len, &hr, &hc);
  if (header < 0)
    return ioerror(L, "matrix.load: ", "%s: line 1: malformed header (expected '%s RxC')", path,
                 TEXTIO_HEADER);
  m = pushtable(L, s, len, TEXTIO_NONFINITE | TEXTIO_NAMES | (header ? TEXTIO_ALLOW_EMPTY : 0),
                "matrix.load: ", path);
  if (header && (size_t)m->rows == hr && (size_t)m->cols == hc) return 1;
  if (header && m->rows == 0 && hr * hc == 0) {
    lmat_push(L, (int)hr, (int)hc);  /* an empty matrix keeps its shape */
    return 1;
  }
  if (header)
    return ioerror(L, "matrix.load: ", "%s: the header says %dx%d but the data is %dx%d "
                 "(a truncated or edited file?)", path, (int)hr, (int)hc, m->rows, m->cols);
  return 1;
}

/* core.io.readtable(path [, nonfinite [, opts]]): a line of column names
   first is skipped; opts as matrix.load's (its other fields are not
   looked at: data.load's). */
static int io_readtable(lua_State *L) {
  const char *path = luaL_checkstring(L, 1);
  int flags = TEXTIO_NAMES | (lua_toboolean(L, 2) ? TEXTIO_NONFINITE : 0);
  const char *s;
  size_t len;
  ReadOpts o;
  readopts(L, 3, "", 0, &o);
  lua_settop(L, 1);
  readfile(L, path, "", &o);
  s = lua_tolstring(L, -1, &len);
  pushtable(L, s, len, flags, "", path);
  return 1;
}

/* core.io.parse(text [, name [, nonfinite [, names]]]): names true lets a
   line of column names come first (TEXTIO_NAMES). */
static int io_parse(lua_State *L) {
  size_t len;
  const char *s = luaL_checklstring(L, 1, &len);
  const char *name = luaL_optstring(L, 2, NULL);
  int flags = (lua_toboolean(L, 3) ? TEXTIO_NONFINITE : 0) | (lua_toboolean(L, 4) ? TEXTIO_NAMES : 0);
  pushtable(L, s, len, flags, "", name);
  return 1;
}

/* core.io.readfile(path [, opts]) -> the file's content, read as the
   loaders read (nn.load): opts {max_bytes, any_file}, strict. */
static int io_readfile(lua_State *L) {
  const char *path = luaL_checkstring(L, 1);
  ReadOpts o;
  readopts(L, 2, "", 1, &o);
  lua_settop(L, 1);
  readfile(L, path, "", &o);
  return 1;
}

/* --- writing -------------------------------------------------------- */

typedef struct Content {
  const char *head;  /* written first (may be NULL) */
  size_t headlen;
  const Mat *m;      /* then the rows of m (may be NULL) */
} Content;

static int writecontent(FILE *f, const Content *c) {
  if (c->head && fwrite(c->head, 1, c->headlen, f) != c->headlen) return -1;
  if (c->m && textio_write(f, c->m->v, (size_t)c->m->rows, (size_t)c->m->cols) != 0) return -1;
  return 0;
}

/*
 * Write c to path through a temporary file beside it, then rename it over
 * path.  Raises "<who>cannot write 'path': <reason>" on failure, after
 * removing the temporary file.  No Lua call happens while the file is open.
 */
static void atomicwrite(lua_State *L, const char *path, const Content *c, const char *who) {
  size_t n;
  const char *t = lua_pushfstring(L, "%s.XXXXXX", path);
  char *tmp;
  struct stat st;
  mode_t mode;
  FILE *f = NULL;
  int fd, e = 0;
  n = strlen(t) + 1;
  tmp = (char *)lua_newuserdatauv(L, n, 0);
  memcpy(tmp, t, n);
  if (stat(path, &st) == 0 && S_ISREG(st.st_mode)) {
    mode = st.st_mode & 07777;  /* keep an existing file's permissions */
  } else {
    mode_t mask = umask(0);
    umask(mask);
    mode = 0666 & ~mask;
  }
  fd = mkstemp(tmp);
  if (fd < 0) {
    e = errno;
  } else if ((f = fdopen(fd, "wb")) == NULL) {
    e = errno;
    close(fd);
  } else {
    errno = 0;
    if (writecontent(f, c) != 0 || fflush(f) != 0 || fchmod(fd, mode) != 0 || fsync(fd) != 0)
      e = errno ? errno : EIO;
    if (fclose(f) != 0 && e == 0) e = errno;
    if (e == 0 && rename(tmp, path) != 0) e = errno;
  }
  if (e != 0) {
    if (fd >= 0) unlink(tmp);
    ioerror(L, who, "cannot write '%s': %s", path, strerror(e));
  }
  lua_pop(L, 2);
}

/* matrix.save(m, path) */
static int io_save(lua_State *L) {
  Mat *m = lmat_check(L, 1);
  const char *path = luaL_checkstring(L, 2);
  Content c;
  c.head = lua_pushfstring(L, "%s %dx%d\n", TEXTIO_HEADER, m->rows, m->cols);
  c.headlen = strlen(c.head);
  c.m = m;
  atomicwrite(L, path, &c, "matrix.save: ");
  return 0;
}

/* core.io.writetable(m, path [, comment]): each line of comment becomes a
   "# " line before the rows. */
static int io_writetable(lua_State *L) {
  Mat *m = lmat_check(L, 1);
  const char *path = luaL_checkstring(L, 2);
  size_t len, i, start = 0;
  const char *comment = luaL_optlstring(L, 3, "", &len);
  luaL_Buffer b;
  Content c;
  luaL_buffinit(L, &b);
  for (i = 0; len > 0 && i <= len; i++) {
    if (i == len || comment[i] == '\n') {
      luaL_addstring(&b, "# ");
      luaL_addlstring(&b, comment + start, i - start);
      luaL_addchar(&b, '\n');
      start = i + 1;
    }
  }
  luaL_pushresult(&b);
  c.head = lua_tolstring(L, -1, &c.headlen);
  c.m = m;
  atomicwrite(L, path, &c, "");
  return 0;
}

/* core.io.writefile(path, text) */
static int io_writefile(lua_State *L) {
  const char *path = luaL_checkstring(L, 1);
  Content c;
  c.head = luaL_checklstring(L, 2, &c.headlen);
  c.m = NULL;
  atomicwrite(L, path, &c, "");
  return 0;
}

/* --- the terminal --------------------------------------------------- */

static int optfd(lua_State *L, int arg) {
  lua_Integer fd = luaL_optinteger(L, arg, 1);
  luaL_argcheck(L, fd >= 0 && fd <= 1023, arg, "file descriptor out of range");
  return (int)fd;
}

/* core.io.termsize([fd]) -> columns, rows; nil when fd is not a terminal. */
static int io_termsize(lua_State *L) {
  struct winsize ws;
  int fd = optfd(L, 1);
  if (ioctl(fd, TIOCGWINSZ, &ws) != 0 || ws.ws_col == 0 || ws.ws_row == 0) {
    lua_pushnil(L);
    return 1;
  }
  lua_pushinteger(L, ws.ws_col);
  lua_pushinteger(L, ws.ws_row);
  return 2;
}

static int io_isatty(lua_State *L) {
  lua_pushboolean(L, isatty(optfd(L, 1)));
  return 1;
}

static const luaL_Reg functions[] = {
  {"load", io_load},
  {"save", io_save},
  {"readtable", io_readtable},
  {"parse", io_parse},
  {"readfile", io_readfile},
  {"writetable", io_writetable},
  {"writefile", io_writefile},
  {"termsize", io_termsize},
  {"isatty", io_isatty},
  {NULL, NULL}
};

int luaopen_nnlab_io(lua_State *L) {
  luaL_newlib(L, functions);
  lua_pushinteger(L, LIO_MAX_BYTES);
  lua_setfield(L, -2, "max_bytes");
  return 1;
}
