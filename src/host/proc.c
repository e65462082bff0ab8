/*
 * proc.c -- the Lua-visible child process, for grading submissions apart.
 *
 * proc.spawn(fn, limits) forks.  The child gets its own process group,
 * standard input, output and error on /dev/null, no other open files but
 * the write end of a pipe, resource limits (CPU time, address space, file
 * size, open files, processes, no core dumps), and then runs fn(send) in
 * its copy of the Lua state: send(value) writes plain data (marshal.c) to
 * the pipe, one frame per call.  Whatever else the child does, the parent
 * only reads frames from the pipe, and kills the whole group when it must.
 *
 * A child never outlives its parent, however the parent ends.  On Linux the
 * kernel kills it when the parent dies (PR_SET_PDEATHSIG, with a check for a
 * parent that died before the call).  Everywhere, a watchdog in the child
 * (SIGPROF, every half second of the child's CPU time: a child that does
 * not use the CPU is blocked on its pipe, which fails once the parent is
 * gone) kills its process group when its parent has changed.  And the
 * parent keeps a list of its live children: proc.guard() returns a value
 * whose closing (a to-be-closed variable, in C, so that it also runs while
 * the REPL's Ctrl-C hook is set) kills and reaps every child spawned since.
 */
#define _GNU_SOURCE  /* close_range */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
/* Linux-only calls, each with a portable fallback (README, "Other
   systems"); NNLAB_NO_LINUX compiles the fallbacks on Linux, to test them. */
#if defined(__linux__) && !defined(NNLAB_NO_LINUX)
#include <sys/prctl.h>
#define HAVE_PDEATHSIG 1
#if defined(__GLIBC__) && (__GLIBC__ > 2 || (__GLIBC__ == 2 && __GLIBC_MINOR__ >= 34))
#define HAVE_CLOSE_RANGE 1
#endif
#endif
/* RLIMIT_AS: macOS defines it but does not enforce it. */
#if defined(RLIMIT_AS) && !defined(__APPLE__) && !defined(NNLAB_NO_LINUX) && \
    !defined(__SANITIZE_ADDRESS__)  /* ASan reserves terabytes of address space */
#define HAVE_RLIMIT_AS 1
#endif

#include <lua.h>
#include <lauxlib.h>

#include "clock.h"
#include "lmatrix.h"
#include "proc.h"
#include "marshal.h"
#include "mat.h"

#define CHILD_TNAME "nnlab.child"
#define GUARD_TNAME "nnlab.child.guard"
#define MAX_FRAME ((uint64_t)1 << 30)

typedef struct Child {
  pid_t owner;     /* the process that spawned it: only it may act on it */
  pid_t pid;       /* 0 once reaped */
  int fd;          /* read end of the pipe, -1 at end of file */
  char *buf;       /* bytes read and not yet decoded */
  size_t len, cap;
  int status;      /* from waitpid, once reaped */
  unsigned long seq;              /* the order of spawning */
  struct Child *prev, *next;      /* the list of live children, while pid > 0 */
} Child;

static int send_fd = -1;  /* in a child: the write end of its pipe */
static Child *live;       /* this process's children not yet reaped */
static unsigned long spawned;
static pid_t parent_pid;  /* in a child: its parent, for the watchdog */

static void link_child(Child *c) {
  c->seq = ++spawned;
  c->prev = NULL;
  c->next = live;
  if (live != NULL)
    live->prev = c;
  live = c;
}

static void unlink_child(Child *c) {
  if (c->prev != NULL)
    c->prev->next = c->next;
  else if (live == c)
    live = c->next;
  if (c->next != NULL)
    c->next->prev = c->prev;
  c->prev = c->next = NULL;
}

/* Kill a child's process group and reap it. */
static void reap(Child *c) {
  if (c->pid > 0) {
    kill(-c->pid, SIGKILL);
    kill(c->pid, SIGKILL);
    while (waitpid(c->pid, &c->status, 0) < 0 && errno == EINTR)
      ;
    c->pid = 0;
    unlink_child(c);
  }
}

static int writeall(int fd, const char *p, size_t n) {
  while (n > 0) {
    ssize_t k = write(fd, p, n);
    if (k < 0 && errno == EINTR)
      continue;
    if (k <= 0)
      return -1;
    p += k;
    n -= (size_t)k;
  }
  return 0;
}

/* send(value): one frame, its length then the marshalled value. */
static int p_send(lua_State *L) {
  size_t len;
  const char *s;
  uint64_t n;
  lua_settop(L, 1);
  marshal_dump(L, 1, NULL);
  s = lua_tolstring(L, -1, &len);
  n = len;
  if (send_fd < 0)
    return luaL_error(L, "send: not in a child process");
  if (writeall(send_fd, (const char *)&n, sizeof n) != 0 || writeall(send_fd, s, len) != 0)
    return luaL_error(L, "send: cannot write to the parent");
  return 0;
}

static void setlimit(int resource, rlim_t value) {
  struct rlimit rl;
  rl.rlim_cur = rl.rlim_max = value;
  setrlimit(resource, &rl);
}

static rlim_t limitfield(lua_State *L, int t, const char *k) {
  lua_Number x;
  lua_getfield(L, t, k);
  x = lua_tonumber(L, -1);
  lua_pop(L, 1);
  return x > 0 ? (rlim_t)x : RLIM_INFINITY;
}

/* Closes every descriptor from lo up. */
static void close_from(int lo) {
  long fd, max;
#ifdef HAVE_CLOSE_RANGE
  if (close_range((unsigned)lo, ~0U, 0) == 0)
    return;  /* else an older kernel: the loop */
#endif
  max = sysconf(_SC_OPEN_MAX);
  if (max < 0 || max > (1L << 20))
    max = 1L << 20;
  for (fd = lo; fd < max; fd++)
    close((int)fd);
}

/* In the child: the parent has gone (its pid is no longer our parent's). */
static void watchdog(int sig) {
  (void)sig;
  if (getppid() != parent_pid) {
    kill(0, SIGKILL);  /* the child's own process group */
    _exit(112);
  }
}

static void start_watchdog(void) {
  struct sigaction sa;
  struct itimerval it;
  memset(&sa, 0, sizeof sa);
  sa.sa_handler = watchdog;
  sa.sa_flags = SA_RESTART;
  sigemptyset(&sa.sa_mask);
  sigaction(SIGPROF, &sa, NULL);
  memset(&it, 0, sizeof it);
  it.it_interval.tv_usec = it.it_value.tv_usec = 500000;
  setitimer(ITIMER_PROF, &it, NULL);
}

/* In the child: never returns. */
static void child_main(lua_State *L, int wfd) {
  int devnull = open("/dev/null", O_RDWR);
  rlim_t cpu = limitfield(L, 2, "cpu"), as = limitfield(L, 2, "memory");
  rlim_t fsize = limitfield(L, 2, "fsize"), files = limitfield(L, 2, "files");
  rlim_t nproc = limitfield(L, 2, "processes");
  live = NULL;  /* the parent's children are not this process's */
  setpgid(0, 0);
#ifdef HAVE_PDEATHSIG
  prctl(PR_SET_PDEATHSIG, SIGKILL);
#endif
  if (getppid() != parent_pid)  /* the parent died before prctl */
    _exit(112);
  start_watchdog();
  signal(SIGINT, SIG_DFL);
  signal(SIGPIPE, SIG_DFL);
  if (devnull < 0 || dup2(devnull, 0) < 0 || dup2(devnull, 1) < 0 ||
      dup2(devnull, 2) < 0 || dup2(wfd, 3) < 0)
    _exit(111);
  close_from(4);
  send_fd = 3;
  mat_threads(1);  /* one BLAS thread per child: --jobs N uses N cores */
  setlimit(RLIMIT_CORE, 0);
  setlimit(RLIMIT_CPU, cpu);
#ifdef HAVE_RLIMIT_AS
  setlimit(RLIMIT_AS, as);
#else
  (void)as;
#endif
  setlimit(RLIMIT_FSIZE, fsize);
  setlimit(RLIMIT_NOFILE, files);
  setlimit(RLIMIT_NPROC, nproc);
  lua_pushvalue(L, 1);
  lua_pushcfunction(L, p_send);
  _exit(lua_pcall(L, 1, 0, 0) == LUA_OK ? 0 : 1);
}

/* proc.spawn(fn [, limits]) -> child */
static int p_spawn(lua_State *L) {
  int fds[2];
  Child *c;
  pid_t pid;
  luaL_checktype(L, 1, LUA_TFUNCTION);
  lua_settop(L, 2);
  if (lua_isnil(L, 2))
    lua_newtable(L), lua_replace(L, 2);
  luaL_checktype(L, 2, LUA_TTABLE);
  c = (Child *)lua_newuserdatauv(L, sizeof(Child), 0);
  memset(c, 0, sizeof *c);
  c->fd = -1;
  c->owner = getpid();
  lmat_setclass(L, CHILD_TNAME);
  if (pipe(fds) != 0)
    return luaL_error(L, "spawn: cannot make a pipe (%s)", strerror(errno));
  fflush(NULL);
  parent_pid = getpid();
  pid = fork();
  if (pid < 0) {
    close(fds[0]), close(fds[1]);
    return luaL_error(L, "spawn: cannot fork (%s)", strerror(errno));
  }
  if (pid == 0) {
    close(fds[0]);
    child_main(L, fds[1]);
  }
  close(fds[1]);
  setpgid(pid, pid);  /* also here, so kill(-pid) works at once */
  fcntl(fds[0], F_SETFL, O_NONBLOCK);
  fcntl(fds[0], F_SETFD, FD_CLOEXEC);
  c->pid = pid;
  c->fd = fds[0];
  link_child(c);
  return 1;
}

/* A child process has a copy of its parent's Lua state, with the parent's
   other children in it: their pids and descriptors are not its own (the
   number of a descriptor of theirs may be its own pipe's), so it must
   neither use them nor close them, also when it collects them. */
static Child *checkchild(lua_State *L, int idx) {
  Child *c = (Child *)luaL_checkudata(L, idx, CHILD_TNAME);
  luaL_argcheck(L, lua_rawlen(L, idx) == sizeof(Child), idx,  /* not debug.setmetatable's */
                "child expected, got another userdata with its metatable");
  if (c->owner != getpid())
    luaL_error(L, "a child process of another process");
  return c;
}

static void close_fd(Child *c) {
  if (c->fd >= 0)
    close(c->fd);
  c->fd = -1;
}

/* Read what is available (without blocking); returns 0 at end of file. */
static int fill(lua_State *L, Child *c) {
  for (;;) {
    ssize_t k;
    if (c->cap - c->len < 65536) {
      size_t cap = c->cap ? c->cap * 2 : 131072;
      char *p = (char *)realloc(c->buf, cap);
      if (p == NULL)
        return luaL_error(L, "receive: not enough memory");
      c->buf = p;
      c->cap = cap;
    }
    k = read(c->fd, c->buf + c->len, c->cap - c->len);
    if (k > 0) {
      c->len += (size_t)k;
      if (c->len > MAX_FRAME + 8)
        return 0;  /* a child that floods its pipe: treat as finished */
      continue;
    }
    if (k < 0 && errno == EINTR)
      continue;
    if (k < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
      return 1;
    return 0;
  }
}

/* child:receive() -> {values...}, open: the frames that arrived, and
   whether the child may still send more. */
static int c_receive(lua_State *L) {
  Child *c = checkchild(L, 1);
  size_t pos = 0;
  int i = 0, open = c->fd >= 0 && fill(L, c);
  lua_newtable(L);
  while (c->len - pos >= 8) {
    uint64_t n;
    memcpy(&n, c->buf + pos, 8);
    if (n > MAX_FRAME || n > c->len - pos - 8)
      break;
    marshal_load(L, c->buf + pos + 8, (size_t)n, NULL);
    lua_rawseti(L, -2, ++i);
    pos += 8 + (size_t)n;
  }
  memmove(c->buf, c->buf + pos, c->len - pos);
  c->len -= pos;
  if (!open)
    close_fd(c);
  lua_pushboolean(L, open);
  return 2;
}

/* child:kill(): the whole process group */
static int c_kill(lua_State *L) {
  Child *c = checkchild(L, 1);
  if (c->pid > 0) {
    kill(-c->pid, SIGKILL);
    kill(c->pid, SIGKILL);
  }
  return 0;
}

/* child:wait() -> "exit", code | "signal", number (blocks until it ends;
   nothing more can be received after it) */
static int c_wait(lua_State *L) {
  Child *c = checkchild(L, 1);
  close_fd(c);
  if (c->pid > 0) {
    while (waitpid(c->pid, &c->status, 0) < 0 && errno == EINTR)
      ;
    kill(-c->pid, SIGKILL);  /* anything it left in its group */
    c->pid = 0;
    unlink_child(c);
  }
  if (WIFSIGNALED(c->status)) {
    lua_pushliteral(L, "signal");
    lua_pushinteger(L, WTERMSIG(c->status));
  } else {
    lua_pushliteral(L, "exit");
    lua_pushinteger(L, WEXITSTATUS(c->status));
  }
  return 2;
}

static int c_gc(lua_State *L) {
  Child *c = (Child *)luaL_checkudata(L, 1, CHILD_TNAME);
  if (lua_rawlen(L, 1) != sizeof(Child))
    return 0;  /* another userdata given the metatable */
  if (c->owner == getpid()) {
    reap(c);
    close_fd(c);
  }
  free(c->buf);
  c->buf = NULL;
  return 0;
}

/* proc.poll(children, seconds) -> the children with something to read (or
   at end of file), waiting at most seconds. */
static int p_poll(lua_State *L) {
  struct pollfd fds[256];
  int i, n, k, ms;
  luaL_checktype(L, 1, LUA_TTABLE);
  ms = (int)(luaL_checknumber(L, 2) * 1000);
  n = (int)luaL_len(L, 1);
  luaL_argcheck(L, n <= 256, 1, "at most 256 children");
  for (i = 0; i < n; i++) {
    Child *c;
    lua_rawgeti(L, 1, i + 1);
    c = checkchild(L, -1);
    lua_pop(L, 1);
    fds[i].fd = c->fd;  /* negative: ignored by poll */
    fds[i].events = POLLIN;
    fds[i].revents = 0;
  }
  k = poll(fds, (nfds_t)n, ms < 0 ? 0 : ms);
  lua_newtable(L);
  for (i = 0, k = k < 0 ? 0 : k; i < n && k > 0; i++)
    if (fds[i].revents) {
      lua_rawgeti(L, 1, i + 1);
      lua_rawseti(L, -2, (lua_Integer)luaL_len(L, -2) + 1);
    }
  return 1;
}

/* proc.mkdir(path) -> true, or nil and a message (an existing directory
   is fine) */
static int p_mkdir(lua_State *L) {
  const char *path = luaL_checkstring(L, 1);
  if (mkdir(path, 0777) != 0 && errno != EEXIST) {
    luaL_pushfail(L);
    lua_pushfstring(L, "%s: %s", path, strerror(errno));
    return 2;
  }
  lua_pushboolean(L, 1);
  return 1;
}

/* proc.now() -> seconds on a monotonic clock */
static int p_now(lua_State *L) {
  lua_pushnumber(L, clock_seconds());
  return 1;
}

/* proc.guard() -> a value whose closing kills and reaps
   every child this process spawned after it was made:
     local guard <close> = proc.guard() */
static int p_guard(lua_State *L) {
  unsigned long *since = (unsigned long *)lua_newuserdatauv(L, sizeof *since, 0);
  *since = spawned;
  luaL_setmetatable(L, GUARD_TNAME);
  return 1;
}

static int g_close(lua_State *L) {
  unsigned long *since = (unsigned long *)luaL_checkudata(L, 1, GUARD_TNAME);
  Child *c = live, *next;
  for (; c != NULL; c = next) {
    next = c->next;
    if (c->seq > *since && c->owner == getpid())
      reap(c);
  }
  return 0;
}

/* proc.filetype(path [, follow]) -> "file" | "directory" | "link" | "fifo" |
   "socket" | "device" | "other", or nil and a message (nil, "missing" when
   there is nothing at path).  Without follow, a symbolic link is "link". */
static int p_filetype(lua_State *L) {
  const char *path = luaL_checkstring(L, 1);
  struct stat st;
  const char *t;
  if ((lua_toboolean(L, 2) ? stat(path, &st) : lstat(path, &st)) != 0) {
    luaL_pushfail(L);
    lua_pushstring(L, errno == ENOENT ? "missing" : strerror(errno));
    return 2;
  }
  if (S_ISREG(st.st_mode)) t = "file";
  else if (S_ISDIR(st.st_mode)) t = "directory";
  else if (S_ISLNK(st.st_mode)) t = "link";
  else if (S_ISFIFO(st.st_mode)) t = "fifo";
  else if (S_ISSOCK(st.st_mode)) t = "socket";
  else if (S_ISCHR(st.st_mode) || S_ISBLK(st.st_mode)) t = "device";
  else t = "other";
  lua_pushstring(L, t);
  return 1;
}

/* proc.isatty(fd) -> whether descriptor fd (0, 1, 2) is a terminal */
static int p_isatty(lua_State *L) {
  lua_pushboolean(L, isatty((int)luaL_checkinteger(L, 1)));
  return 1;
}

static const luaL_Reg child_methods[] = {
  {"receive", c_receive}, {"kill", c_kill}, {"wait", c_wait}, {NULL, NULL}
};

static const luaL_Reg functions[] = {
  {"spawn", p_spawn}, {"poll", p_poll}, {"now", p_now},
  {"mkdir", p_mkdir}, {"guard", p_guard}, {"filetype", p_filetype},
  {"isatty", p_isatty}, {NULL, NULL}
};

int luaopen_nnlab_proc(lua_State *L) {
  if (luaL_newmetatable(L, CHILD_TNAME)) {
    luaL_newlib(L, child_methods);
    lua_setfield(L, -2, "__index");
    lua_pushcfunction(L, c_gc);
    lua_setfield(L, -2, "__gc");
  }
  lua_pop(L, 1);
  if (luaL_newmetatable(L, GUARD_TNAME)) {
    lua_pushcfunction(L, g_close);
    lua_setfield(L, -2, "__close");
  }
  lua_pop(L, 1);
  luaL_newlib(L, functions);
  return 1;
}
