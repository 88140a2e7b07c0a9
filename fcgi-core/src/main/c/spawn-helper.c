/*
 * fcgi-bridge's spawn helper: starts CGI scripts for the JVM that runs it (SpawnHelper.java) with posix_spawn from a
 * small process, where the JDK would exec its own helper first and scan its descriptors, and relays each script's
 * output, stderr and exit to the JVM as frames on one connection, so that a short script costs the JVM one wake-up:
 * its whole answer comes in one write. posix_spawn is a vfork: unlike a fork it copies no page tables, and nothing
 * is copied on write afterwards (a fork was half of the helper's time), but the helper waits while the child execs;
 * the JVM runs a helper per core, so that the cores do not idle meanwhile.
 *
 * Usage: spawn-helper SOCKET. All numbers are 32-bit big-endian; S is N(length) and the bytes.
 *   The helper listens on SOCKET (in a directory only the JVM's user can enter) and writes "R" on its stdout once it
 *   does. The JVM runs one script at a time on each connection it opens there; a connection is named by its first
 *   byte: 'C' for a script connection (kept for script after script), 'I' for the stdin of one script, followed by
 *   N(id) (the id of its order). A frame is N(kind) N(length) and the payload.
 *   JVM to helper, on a script connection:
 *     ORDER  1: N(id) N(flags) S(cwd) S(path) N(count) count x S("NAME=value"). Flag 1: the script's stdin is the
 *               'I' connection of this id, connected before the order was sent (else it reads /dev/null).
 *     SIGNAL 2: N(signal), for the script's process group. Closing the connection before the script's exit was
 *               answered kills its process group: a script nobody waits for does not outlive its request.
 *   Helper to JVM, on the same connection:
 *     STARTED 5: N(pid), the script's process id (also its process group's), first of a started script's frames;
 *               held up to 100 ms for the first output, so that it costs a short script no write of its own.
 *     OUT 1 / ERR 2: bytes of the script's stdout / stderr; an empty one is the end of that stream.
 *     EXITED 3: N(the exit status, or 128 + the signal that ended it).
 *     NOT_STARTED 4: N(errno), the only frame of an order that was bad, or whose exec failed.
 *   The connection takes the next order once both ends and EXITED (or NOT_STARTED) have been sent.
 *   Frames wait in the helper until 1 ms after the first of them, 16 KB of them, or the script's last one: a script
 *   that ends within 1 ms of its last write is answered in one write.
 * A script runs in a process group of its own, in the server's session: where the kernel groups tasks by session
 * for scheduling (autogroup), a session of its own would give each script as much CPU as the whole server that starts
 * them and reads their output, and as nginx.
 * The helper ends when its stdin ends (the JVM has ended), killing the process groups of the scripts still running
 * and removing SOCKET and its directory.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/epoll.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>
#include <arpa/inet.h>

enum { ORDER = 1, SIGNAL = 2 };
enum { OUT = 1, ERR = 2, EXITED = 3, NOT_STARTED = 4, STARTED = 5 };
enum { HAS_STDIN = 1 };
enum { HEADER = 8, CHUNK = 16384, FLUSH_AT = 16384, HIGH_WATER = 65536, MAX_ORDER = 16 * 1024 * 1024 };
static const long long HOLD_NANOS = 1000000; /* how long frames may wait for more */
/* How long a script's pid may wait for its first output: a script that answers within it still costs the JVM one
 * wake-up; one that is silent for longer (a slow one, which the JVM's slow log may want to name) costs one more. */
static const long long PID_HOLD_NANOS = 100000000;

/* What an epoll event is about: each watched descriptor has one, inside the object it belongs to. */
enum kind { LISTENER, ORDERS, SIGNALS, NEW_CONN, STDIN_CONN, SCRIPT_CONN, SCRIPT_OUT, SCRIPT_ERR };
struct watch { enum kind kind; int fd; void *owner; };

/* A connection accepted, not yet named (NEW_CONN), or the stdin of a script waiting for its order (STDIN_CONN, not
 * watched: it may end, its body written whole, before the order is read). */
struct pending { struct watch w; uint32_t id; long long since; struct pending *next; };

/* A script connection and the script it runs, if any. */
struct conn {
    struct watch w, out, err;           /* fd -1: closed */
    char *in; size_t in_len, in_cap;     /* frames from the JVM */
    char *buf; size_t len, sent, cap;    /* frames to the JVM */
    long long flush_at;                  /* when held frames go out; 0: none held */
    int writable_wait;                   /* waiting for the connection to take more */
    int reading_paused;                  /* the JVM is behind: the script's pipes are not read */
    pid_t pid;                           /* the script; 0: none */
    int exited;                          /* its exit has been queued */
    struct conn *prev, *next;
};

static int epfd;
static struct conn *conns, *dead_conns;
static struct pending *pendings, *dead_pendings;
static struct sockaddr_un address;
static sigset_t original_mask;

static long long now(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec * 1000000000LL + t.tv_nsec;
}

/* The JVM is gone (even killed): its private directory goes with it. The JVM deleted this program's file already. */
static void clean_up(void) {
    char dir[sizeof address.sun_path];
    strcpy(dir, address.sun_path);
    char *slash = strrchr(dir, '/');
    unlink(address.sun_path);
    if (slash && slash != dir) {
        *slash = '\0';
        rmdir(dir);
    }
}

static void *must(void *p) {
    if (!p) { clean_up(); _exit(1); }
    return p;
}

static void watch(struct watch *w, int op, uint32_t events) {
    struct epoll_event e = { .events = events, .data.ptr = w };
    if (epoll_ctl(epfd, op, w->fd, &e) < 0 && op != EPOLL_CTL_DEL) { clean_up(); _exit(1); }
}

static void close_watched(struct watch *w) {
    if (w->fd < 0) return;
    close(w->fd); /* leaves the epoll set with it */
    w->fd = -1;
}

static uint32_t word_at(const char *p) {
    uint32_t n;
    memcpy(&n, p, 4);
    return ntohl(n);
}

static void put_word(char *p, uint32_t n) {
    n = htonl(n);
    memcpy(p, &n, 4);
}

static void reserve(struct conn *c, size_t more) {
    if (c->cap - c->len >= more) return;
    if (c->sent > 0) { /* move what is left to the front first */
        memmove(c->buf, c->buf + c->sent, c->len - c->sent);
        c->len -= c->sent;
        c->sent = 0;
        if (c->cap - c->len >= more) return;
    }
    size_t cap = c->cap ? c->cap : 2 * (CHUNK + HEADER);
    while (cap - c->len < more) cap *= 2;
    c->buf = must(realloc(c->buf, cap));
    c->cap = cap;
}

static void hold_for(struct conn *c, long long nanos) {
    long long at = now() + nanos;
    if (!c->flush_at || at < c->flush_at) c->flush_at = at;
}

static void hold(struct conn *c) {
    hold_for(c, HOLD_NANOS);
}

/* Queues a frame of a 4-byte value, held for {@code nanos} at most. */
static void word_frame_held(struct conn *c, uint32_t kind, uint32_t value, long long nanos) {
    reserve(c, HEADER + 4);
    put_word(c->buf + c->len, kind);
    put_word(c->buf + c->len + 4, 4);
    put_word(c->buf + c->len + HEADER, value);
    c->len += HEADER + 4;
    hold_for(c, nanos);
}

static void word_frame(struct conn *c, uint32_t kind, uint32_t value) {
    word_frame_held(c, kind, value, HOLD_NANOS);
}

static void pause_reading(struct conn *c, int paused) {
    if (c->reading_paused == paused) return;
    c->reading_paused = paused;
    if (c->out.fd >= 0) watch(&c->out, EPOLL_CTL_MOD, paused ? 0 : EPOLLIN);
    if (c->err.fd >= 0) watch(&c->err, EPOLL_CTL_MOD, paused ? 0 : EPOLLIN);
}

static void drop_conn(struct conn *c);

/* Writes what the connection takes of the frames; the rest waits for it to be writable. */
static void flush(struct conn *c) {
    c->flush_at = 0;
    while (c->sent < c->len) {
        ssize_t n = send(c->w.fd, c->buf + c->sent, c->len - c->sent, MSG_NOSIGNAL | MSG_DONTWAIT);
        if (n < 0) {
            if (errno == EINTR) continue;
            if (errno == EAGAIN) break;
            drop_conn(c); /* the JVM's end is gone */
            return;
        }
        c->sent += (size_t) n;
    }
    if (c->sent == c->len) c->sent = c->len = 0;
    int waiting = c->len > 0;
    if (waiting != c->writable_wait) {
        c->writable_wait = waiting;
        watch(&c->w, EPOLL_CTL_MOD, EPOLLIN | (waiting ? EPOLLOUT : 0));
    }
    pause_reading(c, c->len - c->sent >= HIGH_WATER);
}

/* The script's last frame is queued: it goes now, and the connection takes the next order. */
static void settle(struct conn *c) {
    if (c->pid == 0 || !c->exited || c->out.fd >= 0 || c->err.fd >= 0) return;
    c->pid = 0;
    c->exited = 0;
    c->reading_paused = 0;
    flush(c);
}

static void drop_conn(struct conn *c) {
    if (c->pid > 0 && !c->exited) {
        kill(-c->pid, SIGKILL);
        kill(c->pid, SIGKILL); /* its zombie is reaped without an owner */
    }
    close_watched(&c->w);
    close_watched(&c->out);
    close_watched(&c->err);
    if (c->prev) c->prev->next = c->next; else conns = c->next;
    if (c->next) c->next->prev = c->prev;
    c->next = dead_conns; /* freed after the events at hand, which may name it */
    dead_conns = c;
}

static void bury_dead(void) {
    while (dead_conns) {
        struct conn *c = dead_conns;
        dead_conns = c->next;
        free(c->in);
        free(c->buf);
        free(c);
    }
    while (dead_pendings) {
        struct pending *p = dead_pendings;
        dead_pendings = p->next;
        free(p);
    }
}

/* Reads what a script wrote on stdout or stderr into frames; the end of the stream is an empty frame. */
static void relay(struct conn *c, struct watch *stream, uint32_t kind) {
    reserve(c, HEADER + CHUNK);
    ssize_t n;
    do { n = read(stream->fd, c->buf + c->len + HEADER, CHUNK); } while (n < 0 && errno == EINTR);
    if (n < 0 && errno == EAGAIN) return;
    if (n < 0) n = 0; /* a broken pipe ends the stream all the same */
    put_word(c->buf + c->len, kind);
    put_word(c->buf + c->len + 4, (uint32_t) n);
    c->len += HEADER + (size_t) n;
    hold(c);
    if (n == 0) {
        close_watched(stream);
        settle(c);
        return;
    }
    if (c->len - c->sent >= FLUSH_AT) flush(c);
}

static void reap(void) {
    int status;
    pid_t pid;
    while ((pid = waitpid(-1, &status, WNOHANG)) > 0) {
        for (struct conn *c = conns; c; c = c->next) {
            if (c->pid != pid || c->exited) continue;
            c->exited = 1;
            word_frame(c, EXITED, WIFSIGNALED(status) ? 128 + (uint32_t) WTERMSIG(status)
                    : (uint32_t) WEXITSTATUS(status));
            settle(c);
            break;
        }
    }
}

/* The stdin connection of order {@code id}, made blocking again for the script; -1 if it has not come. */
static int take_stdin(uint32_t id) {
    for (struct pending **p = &pendings; *p; p = &(*p)->next) {
        struct pending *s = *p;
        if (s->id == id) {
            int fd = s->w.fd;
            *p = s->next;
            free(s);
            fcntl(fd, F_SETFL, 0);
            return fd;
        }
    }
    return -1;
}

/* Stdin connections whose order never came (the JVM failed between the two): closed after a minute. */
static void drop_stale_stdins(long long t) {
    for (struct pending **p = &pendings; *p; ) {
        struct pending *s = *p;
        if (t - s->since > 60 * 1000000000LL) {
            *p = s->next;
            close(s->w.fd);
            free(s);
        } else {
            p = &s->next;
        }
    }
}

/* A string of the order: N(length) and the bytes, returned NUL-terminated in place (the length word is consumed). */
static char *take_string(char **cursor, char *end) {
    if (end - *cursor < 4) return NULL;
    uint32_t length = word_at(*cursor);
    if ((uint32_t) (end - *cursor - 4) < length) return NULL;
    char *s = *cursor;
    memmove(s, s + 4, length); /* shift left over the length word to make room for the NUL */
    s[length] = '\0';
    *cursor += 4 + length;
    return s;
}

static uint32_t take_number(char **cursor, char *end, int *ok) {
    if (end - *cursor < 4) { *ok = 0; return 0; }
    uint32_t n = word_at(*cursor);
    *cursor += 4;
    return n;
}

static void accept_all(int listener);

static void spawn(struct conn *c, char *order, size_t length) {
    char *cursor = order, *end = order + length;
    int ok = 1, in = -1, out[2] = { -1, -1 }, err[2] = { -1, -1 };
    char **env = NULL;
    uint32_t id = take_number(&cursor, end, &ok);
    uint32_t flags = take_number(&cursor, end, &ok);
    char *cwd = take_string(&cursor, end);
    char *path = take_string(&cursor, end);
    uint32_t count = take_number(&cursor, end, &ok);
    errno = EINVAL;
    if (!ok || !cwd || !path || count > length / 4) goto fail;
    env = must(calloc((size_t) count + 1, sizeof *env));
    for (uint32_t i = 0; i < count; i++) {
        if (!(env[i] = take_string(&cursor, end))) goto fail;
    }
    if (flags & HAS_STDIN) {
        in = take_stdin(id);
        errno = EPROTO;
        if (in < 0) goto fail;
    } else if ((in = open("/dev/null", O_RDONLY | O_CLOEXEC)) < 0) {
        goto fail;
    }
    if (pipe2(out, O_CLOEXEC) < 0 || pipe2(err, O_CLOEXEC) < 0) goto fail;
    posix_spawn_file_actions_t actions;
    posix_spawnattr_t attributes;
    posix_spawn_file_actions_init(&actions);
    posix_spawnattr_init(&attributes);
    posix_spawn_file_actions_adddup2(&actions, in, 0);
    posix_spawn_file_actions_adddup2(&actions, out[1], 1);
    posix_spawn_file_actions_adddup2(&actions, err[1], 2);
    posix_spawn_file_actions_addchdir_np(&actions, cwd);
    sigset_t pipe_only;
    sigemptyset(&pipe_only);
    sigaddset(&pipe_only, SIGPIPE); /* an ignored signal would stay ignored across the exec */
    posix_spawnattr_setsigdefault(&attributes, &pipe_only);
    posix_spawnattr_setsigmask(&attributes, &original_mask);
    posix_spawnattr_setpgroup(&attributes, 0);
    posix_spawnattr_setflags(&attributes, POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETPGROUP);
    char *argv[] = { path, NULL };
    pid_t pid;
    int spawned = posix_spawn(&pid, path, &actions, &attributes, argv, env);
    posix_spawn_file_actions_destroy(&actions);
    posix_spawnattr_destroy(&attributes);
    if (spawned != 0) {
        errno = spawned;
        goto fail;
    }
    close(in);
    close(out[1]);
    close(err[1]);
    free(env);
    fcntl(out[0], F_SETFL, O_NONBLOCK);
    fcntl(err[0], F_SETFL, O_NONBLOCK);
    c->pid = pid;
    word_frame_held(c, STARTED, (uint32_t) pid, PID_HOLD_NANOS); /* for the JVM's slow log: goes with the output */
    c->out = (struct watch) { SCRIPT_OUT, out[0], c };
    c->err = (struct watch) { SCRIPT_ERR, err[0], c };
    watch(&c->out, EPOLL_CTL_ADD, EPOLLIN);
    watch(&c->err, EPOLL_CTL_ADD, EPOLLIN);
    return;
fail: {
        int e = errno ? errno : EIO;
        int fds[] = { in, out[0], out[1], err[0], err[1] };
        for (size_t i = 0; i < sizeof fds / sizeof *fds; i++) if (fds[i] >= 0) close(fds[i]);
        free(env);
        word_frame(c, NOT_STARTED, (uint32_t) e);
        flush(c);
    }
}

/* Frames from the JVM: orders and signals. A frame that breaks the protocol drops the connection. */
static void read_frames(struct conn *c, int listener) {
    for (;;) {
        if (c->in_cap - c->in_len < 1024) {
            c->in_cap = c->in_cap ? c->in_cap * 2 : 4096;
            c->in = must(realloc(c->in, c->in_cap));
        }
        ssize_t n = recv(c->w.fd, c->in + c->in_len, c->in_cap - c->in_len, MSG_DONTWAIT);
        if (n < 0 && errno == EINTR) continue;
        if (n < 0 && errno == EAGAIN) return;
        if (n <= 0) { drop_conn(c); return; } /* the JVM closed it (or gave up on its script) */
        c->in_len += (size_t) n;
        size_t at = 0;
        while (c->in_len - at >= HEADER) {
            uint32_t kind = word_at(c->in + at), length = word_at(c->in + at + 4);
            if (length > MAX_ORDER) { drop_conn(c); return; }
            if (c->in_len - at - HEADER < length) break;
            char *payload = c->in + at + HEADER;
            at += HEADER + length;
            if (kind == ORDER && c->pid == 0) {
                accept_all(listener); /* its stdin was connected before it was sent */
                spawn(c, payload, length);
                if (c->w.fd < 0) return; /* dropped on a failed answer */
            } else if (kind == SIGNAL && length == 4) {
                if (c->pid > 0 && !c->exited) {
                    int sig = (int) word_at(payload);
                    kill(-c->pid, sig);
                    kill(c->pid, sig);
                }
            } else {
                drop_conn(c);
                return;
            }
        }
        memmove(c->in, c->in + at, c->in_len - at);
        c->in_len -= at;
        if (c->in_cap > 65536 && c->in_len < 4096) { /* a large order's buffer is not kept */
            c->in_cap = 4096;
            c->in = must(realloc(c->in, c->in_cap));
        }
    }
}

/* The first bytes of a new connection name it: a script connection, or the stdin of order N(id). */
static void name(struct pending *p) {
    unsigned char header[5];
    ssize_t n = recv(p->w.fd, header, sizeof header, MSG_DONTWAIT | MSG_PEEK);
    if (n < 0 && (errno == EAGAIN || errno == EINTR)) return;
    if (n > 0 && n < (ssize_t) sizeof header && header[0] == 'I') return; /* the rest of its name is on the way */
    int fd = p->w.fd;
    p->w.fd = -1;
    p->next = dead_pendings; /* not in the list of stdins: it goes as a whole */
    dead_pendings = p;
    if (n >= 1 && header[0] == 'C') {
        (void) recv(fd, header, 1, MSG_DONTWAIT);
        struct conn *c = must(calloc(1, sizeof *c));
        c->w = (struct watch) { SCRIPT_CONN, fd, c };
        c->out.fd = c->err.fd = -1;
        c->next = conns;
        if (conns) conns->prev = c;
        conns = c;
        watch(&c->w, EPOLL_CTL_MOD, EPOLLIN);
    } else if (n == (ssize_t) sizeof header && header[0] == 'I') {
        (void) recv(fd, header, sizeof header, MSG_DONTWAIT);
        struct watch gone = { STDIN_CONN, fd, NULL };
        watch(&gone, EPOLL_CTL_DEL, 0);
        long long t = now();
        drop_stale_stdins(t);
        struct pending *s = must(malloc(sizeof *s));
        *s = (struct pending) { { STDIN_CONN, fd, NULL }, word_at((char *) header + 1), t, pendings };
        pendings = s;
    } else {
        close(fd);
    }
}

static void accept_all(int listener) {
    int fd;
    while ((fd = accept4(listener, NULL, NULL, SOCK_CLOEXEC | SOCK_NONBLOCK)) >= 0) {
        struct pending *p = must(malloc(sizeof *p));
        *p = (struct pending) { { NEW_CONN, fd, p }, 0, 0, NULL };
        watch(&p->w, EPOLL_CTL_ADD, EPOLLIN);
        name(p);
    }
}

/* The earliest time held frames are due, as a timeout for epoll_wait (-1: none held). */
static int timeout_ms(void) {
    long long first = 0;
    for (struct conn *c = conns; c; c = c->next) {
        if (c->flush_at && (!first || c->flush_at < first)) first = c->flush_at;
    }
    if (!first) return -1;
    long long left = first - now();
    return left <= 0 ? 0 : (int) ((left + 999999) / 1000000);
}

static void flush_due(void) {
    long long t = now();
    for (struct conn *c = conns, *next; c; c = next) {
        next = c->next; /* a flush may drop c */
        if (c->flush_at && c->flush_at <= t) flush(c);
    }
}

int main(int argc, char **argv) {
    if (argc != 2 || strlen(argv[1]) >= sizeof address.sun_path) return 2;
    address.sun_family = AF_UNIX;
    strcpy(address.sun_path, argv[1]);
    signal(SIGPIPE, SIG_IGN); /* a JVM thread gone mid-answer is no reason to die */
    int listener = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
    if (listener < 0 || bind(listener, (struct sockaddr *) &address, sizeof address) < 0
            || listen(listener, SOMAXCONN) < 0 || write(1, "R", 1) != 1) {
        return 1;
    }
    sigset_t chld;
    sigemptyset(&chld);
    sigaddset(&chld, SIGCHLD);
    sigprocmask(SIG_BLOCK, &chld, &original_mask);
    int sfd = signalfd(-1, &chld, SFD_CLOEXEC | SFD_NONBLOCK);
    epfd = epoll_create1(EPOLL_CLOEXEC);
    if (sfd < 0 || epfd < 0) { clean_up(); return 1; }
    struct watch fixed[] = { { LISTENER, listener, NULL }, { ORDERS, 0, NULL }, { SIGNALS, sfd, NULL } };
    for (size_t i = 0; i < sizeof fixed / sizeof *fixed; i++) watch(&fixed[i], EPOLL_CTL_ADD, EPOLLIN);
    struct epoll_event events[64];
    for (;;) {
        int n = epoll_wait(epfd, events, 64, timeout_ms());
        if (n < 0 && errno != EINTR) { clean_up(); return 1; }
        int reaped = 0;
        for (int i = 0; i < n; i++) {
            struct watch *w = events[i].data.ptr;
            if (w->fd < 0) continue; /* closed by an earlier event of this batch */
            struct conn *c = w->owner;
            switch (w->kind) {
            case LISTENER: accept_all(listener); break;
            case ORDERS: { /* nothing comes on stdin: it ends with the JVM, and so do the scripts it ran */
                char byte;
                if (read(0, &byte, 1) <= 0) {
                    while (conns) drop_conn(conns);
                    clean_up();
                    return 0;
                }
                break;
            }
            case SIGNALS: reaped = 1; break;
            case NEW_CONN: name(w->owner); break;
            case STDIN_CONN: break; /* not watched */
            case SCRIPT_CONN:
                if (events[i].events & EPOLLOUT) flush(c);
                else read_frames(c, listener);
                break;
            case SCRIPT_OUT: relay(c, w, OUT); break;
            case SCRIPT_ERR: relay(c, w, ERR); break;
            }
        }
        if (reaped) {
            struct signalfd_siginfo info;
            while (read(sfd, &info, sizeof info) > 0) {}
            reap();
        }
        flush_due();
        bury_dead();
    }
}
