/*
 * fcgi-bridge's spawn helper: starts CGI scripts for the JVM that runs it (SpawnHelper.java) with a plain fork and
 * exec from a small process, as fcgiwrap does, where the JDK would exec its own helper first and scan its descriptors.
 * (posix_spawn, a vfork, was tried: the helper then waits out every exec, and two cores idled 10% of the time.)
 *
 * Usage: spawn-helper SOCKET. All numbers are 32-bit big-endian; S is N(length) and the bytes.
 *   The helper listens on SOCKET (in a directory only the JVM's user can enter) and writes "R" on its stdout once it
 *   does. For each script, a thread of the JVM connects one stream per role of the script and writes N(id) and one
 *   byte on each: 0 the script's stdin, 1 its stdout, 2 its stderr, 3 control. Only then does it send the order, on
 *   the helper's stdin: N(length) N(id) N(flags) S(cwd) S(path) N(count) count x S("NAME=value"). Flag 1: the script
 *   has a stdin stream (else its stdin is /dev/null).
 *   Answers come on the script's control stream: N(kind) N(value): 1 forked (the pid, sent before the exec: the JVM
 *   need not wait for the exec), 2 not started (errno: the order was bad, or the exec failed; the stream then
 *   closes), 3 exited (the exit status, or 128 + the signal that ended it; the stream then closes).
 * A script runs in a process group of its own, in the server's session: where the kernel groups tasks by session
 * for scheduling (autogroup), a session of its own would give each script as much CPU as the whole server that starts
 * them and reads their output, and as nginx. If the JVM closes a script's control stream before the exit was
 * answered, the helper kills the script's process group: a script nobody waits for does not outlive its request.
 * Every thread of the JVM writes its answers and reads on its own streams: there is no hand-off between threads.
 * The helper ends when its stdin ends (the JVM has ended), removing SOCKET and its directory.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>
#include <arpa/inet.h>

enum { FORKED = 1, NOT_STARTED = 2, EXITED = 3 };
enum { STDIN_STREAM, STDOUT_STREAM, STDERR_STREAM, CONTROL_STREAM, STREAMS };
enum { HAS_STDIN = 1 };

/* A connection from the JVM, not yet taken by an order; named once its header has been read. */
struct stream { int fd; int named; uint32_t id; int role; };
/* A forked script: its exec is confirmed when the failure pipe closes (failed is then -1). */
struct child { pid_t pid; int control; int failed; };

static struct stream *streams;
static size_t nstreams, capstreams;
static struct child *children;
static size_t nchildren, capchildren;
static struct sockaddr_un address;

static void *grow(void *array, size_t *capacity, size_t size) {
    *capacity = *capacity ? *capacity * 2 : 64;
    void *bigger = realloc(array, *capacity * size);
    if (!bigger) _exit(1);
    return bigger;
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

static int write_all(int fd, const void *data, size_t length) {
    const char *p = data;
    while (length > 0) {
        ssize_t n = write(fd, p, length);
        if (n < 0) {
            if (errno == EINTR) continue;
            return -1;
        }
        p += n;
        length -= (size_t) n;
    }
    return 0;
}

static int read_all(int fd, void *data, size_t length) {
    char *p = data;
    while (length > 0) {
        ssize_t n = read(fd, p, length);
        if (n < 0) {
            if (errno == EINTR) continue;
            return -1;
        }
        if (n == 0) return -1;
        p += n;
        length -= (size_t) n;
    }
    return 0;
}

/* An answer on a control stream; a JVM thread that has gone does not read it, and that is no error here. */
static void answer(int control, uint32_t kind, uint32_t value) {
    uint32_t words[2] = { htonl(kind), htonl(value) };
    write_all(control, words, sizeof words);
}

static void close_stream(size_t i) {
    close(streams[i].fd);
    streams[i] = streams[--nstreams];
}

/* Reads the header of unnamed stream i if it has come; closes the stream if it is broken. Never blocks. */
static void name_stream(size_t i) {
    unsigned char header[5];
    ssize_t n = recv(streams[i].fd, header, sizeof header, MSG_DONTWAIT | MSG_WAITALL);
    if (n < 0 && (errno == EAGAIN || errno == EINTR)) return;
    if (n != (ssize_t) sizeof header || header[4] >= STREAMS) { close_stream(i); return; }
    uint32_t id;
    memcpy(&id, header, 4);
    streams[i] = (struct stream) { streams[i].fd, 1, ntohl(id), header[4] };
}

/* Takes every connection waiting, and the header of every unnamed one that has arrived. Never blocks. */
static void take_streams(int listener) {
    int fd;
    while ((fd = accept4(listener, NULL, NULL, SOCK_CLOEXEC)) >= 0) {
        if (nstreams == capstreams) streams = grow(streams, &capstreams, sizeof *streams);
        streams[nstreams++] = (struct stream) { fd, 0, 0, 0 };
    }
    for (size_t i = nstreams; i-- > 0; ) {
        if (!streams[i].named) name_stream(i);
    }
}

/* The streams of script {@code id}, removed from the waiting ones; a missing one is -1. */
static void claim_streams(uint32_t id, int fds[STREAMS]) {
    for (int r = 0; r < STREAMS; r++) fds[r] = -1;
    for (size_t i = 0; i < nstreams; ) {
        if (streams[i].named && streams[i].id == id && fds[streams[i].role] < 0) {
            fds[streams[i].role] = streams[i].fd;
            streams[i] = streams[--nstreams];
        } else {
            i++;
        }
    }
}

/* A string of the order: N(length) and the bytes, returned NUL-terminated in place (the length word is consumed). */
static char *take_string(char **cursor, char *end) {
    uint32_t length;
    if (end - *cursor < 4) return NULL;
    memcpy(&length, *cursor, 4);
    length = ntohl(length);
    if ((uint32_t) (end - *cursor - 4) < length) return NULL;
    char *s = *cursor;
    memmove(s, s + 4, length); /* shift left over the length word to make room for the NUL */
    s[length] = '\0';
    *cursor += 4 + length;
    return s;
}

static uint32_t take_number(char **cursor, char *end, int *ok) {
    uint32_t n = 0;
    if (end - *cursor < 4) { *ok = 0; return 0; }
    memcpy(&n, *cursor, 4);
    *cursor += 4;
    return ntohl(n);
}

static void spawn(char *order, size_t length, int listener, const sigset_t *original) {
    char *cursor = order, *end = order + length;
    int ok = 1;
    uint32_t id = take_number(&cursor, end, &ok);
    uint32_t flags = take_number(&cursor, end, &ok);
    if (!ok) return; /* no id: nobody to answer */
    take_streams(listener); /* the JVM connected them before it sent the order: they are all here */
    int fds[STREAMS], failed[2] = { -1, -1 };
    claim_streams(id, fds);
    int control = fds[CONTROL_STREAM];
    char **env = NULL;
    errno = EPROTO;
    if (control < 0 || fds[STDOUT_STREAM] < 0 || fds[STDERR_STREAM] < 0
            || ((flags & HAS_STDIN) != 0) != (fds[STDIN_STREAM] >= 0)) goto fail;
    char *cwd = take_string(&cursor, end);
    char *path = take_string(&cursor, end);
    uint32_t count = take_number(&cursor, end, &ok);
    if (!cwd || !path || !ok) { errno = EINVAL; goto fail; }
    if (!(env = calloc((size_t) count + 1, sizeof *env))) goto fail;
    for (uint32_t i = 0; i < count; i++) {
        if (!(env[i] = take_string(&cursor, end))) { errno = EINVAL; goto fail; }
    }
    if (fds[STDIN_STREAM] < 0 && (fds[STDIN_STREAM] = open("/dev/null", O_RDONLY | O_CLOEXEC)) < 0) goto fail;
    if (pipe2(failed, O_CLOEXEC) < 0) goto fail;
    pid_t pid = fork();
    if (pid < 0) goto fail;
    if (pid == 0) {
        signal(SIGPIPE, SIG_DFL); /* an ignored signal would stay ignored across the exec */
        sigprocmask(SIG_SETMASK, original, NULL);
        setpgid(0, 0);
        for (int fd = 0; fd < 3; fd++) {
            if (dup2(fds[fd], fd) < 0) goto child_failed;
        }
        if (chdir(cwd) < 0) goto child_failed;
        char *argv[] = { path, NULL };
        execve(path, argv, env);
    child_failed: {
            uint32_t word = htonl((uint32_t) (errno ? errno : 1));
            write_all(failed[1], &word, 4);
            _exit(127);
        }
    }
    close(failed[1]);
    answer(control, FORKED, (uint32_t) pid);
    for (int r = 0; r < CONTROL_STREAM; r++) close(fds[r]);
    free(env);
    if (nchildren == capchildren) children = grow(children, &capchildren, sizeof *children);
    children[nchildren++] = (struct child) { pid, control, failed[0] };
    return;
fail: {
        int e = errno ? errno : EIO;
        for (int r = 0; r < STREAMS; r++) if (fds[r] >= 0 && r != CONTROL_STREAM) close(fds[r]);
        if (failed[0] >= 0) close(failed[0]);
        if (failed[1] >= 0) close(failed[1]);
        free(env);
        if (control >= 0) {
            answer(control, NOT_STARTED, (uint32_t) e);
            close(control);
        }
    }
}

/* The exec of the child has ended one way or the other (its failure pipe is readable, or it is dead). */
static void settle_exec(struct child *c) {
    uint32_t word;
    ssize_t n;
    do { n = read(c->failed, &word, 4); } while (n < 0 && errno == EINTR);
    close(c->failed);
    c->failed = -1;
    if (n == 4) {
        answer(c->control, NOT_STARTED, ntohl(word));
        close(c->control);
        c->control = -1; /* reaped without an answer */
    }
}

static void reap(void) {
    int status;
    pid_t pid;
    while ((pid = waitpid(-1, &status, WNOHANG)) > 0) {
        for (size_t i = 0; i < nchildren; i++) {
            struct child *c = &children[i];
            if (c->pid != pid) continue;
            if (c->failed >= 0) settle_exec(c);
            if (c->control >= 0) {
                answer(c->control, EXITED, WIFSIGNALED(status) ? 128 + (uint32_t) WTERMSIG(status)
                        : (uint32_t) WEXITSTATUS(status));
                close(c->control);
            }
            children[i] = children[--nchildren];
            break;
        }
    }
}

/* The JVM closed the control stream of a running script: nobody waits for it any more. */
static void abandon(struct child *c) {
    kill(-c->pid, SIGKILL);
    kill(c->pid, SIGKILL);
    close(c->control);
    c->control = -1;
}

int main(int argc, char **argv) {
    if (argc != 2 || strlen(argv[1]) >= sizeof address.sun_path) return 2;
    address.sun_family = AF_UNIX;
    strcpy(address.sun_path, argv[1]);
    signal(SIGPIPE, SIG_IGN); /* a JVM thread gone mid-answer is no reason to die */
    int listener = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
    if (listener < 0 || bind(listener, (struct sockaddr *) &address, sizeof address) < 0
            || listen(listener, SOMAXCONN) < 0 || write_all(1, "R", 1) < 0) {
        return 1;
    }
    sigset_t chld, original;
    sigemptyset(&chld);
    sigaddset(&chld, SIGCHLD);
    sigprocmask(SIG_BLOCK, &chld, &original);
    int sfd = signalfd(-1, &chld, SFD_CLOEXEC);
    if (sfd < 0) { clean_up(); return 1; }
    char *order = NULL;
    size_t capacity = 0;
    struct pollfd *fds = NULL;
    size_t capfds = 0;
    enum { ORDERS, SIGNALS, LISTENER, FIXED };
    for (;;) {
        size_t want = FIXED + nstreams + 2 * nchildren;
        if (want > capfds) {
            capfds = want * 2;
            if (!(fds = realloc(fds, capfds * sizeof *fds))) return 1;
        }
        fds[ORDERS] = (struct pollfd) { 0, POLLIN, 0 };
        fds[SIGNALS] = (struct pollfd) { sfd, POLLIN, 0 };
        fds[LISTENER] = (struct pollfd) { listener, POLLIN, 0 };
        size_t n = FIXED;
        for (size_t i = 0; i < nstreams; i++) fds[n++] = (struct pollfd) { streams[i].fd, POLLIN, 0 };
        size_t first_child = n;
        for (size_t i = 0; i < nchildren; i++) {
            fds[n++] = (struct pollfd) { children[i].failed, POLLIN, 0 };  /* -1 is skipped by poll */
            fds[n++] = (struct pollfd) { children[i].control, POLLIN, 0 };
        }
        if (poll(fds, n, -1) < 0) {
            if (errno == EINTR) continue;
            return 1;
        }
        /* backwards: removing entry i moves the last one, already seen, into its place */
        for (size_t i = nchildren; i-- > 0; ) {
            struct child *c = &children[i];
            if (c->failed >= 0 && fds[first_child + 2 * i].revents) settle_exec(c);
            /* the JVM never writes on a control stream: readable means closed */
            struct pollfd *control = &fds[first_child + 2 * i + 1];
            if (c->control >= 0 && control->fd == c->control && control->revents) abandon(c);
        }
        for (size_t i = nstreams; i-- > 0; ) {
            if (!fds[FIXED + i].revents) continue;
            if (streams[i].named) close_stream(i); /* readable before its order: the JVM gave up on it */
            else name_stream(i);
        }
        if (fds[LISTENER].revents) take_streams(listener);
        if (fds[SIGNALS].revents & POLLIN) {
            struct signalfd_siginfo info;
            if (read(sfd, &info, sizeof info) < 0 && errno != EAGAIN) return 1;
            reap();
        }
        if (fds[ORDERS].revents & (POLLIN | POLLHUP | POLLERR)) {
            uint32_t length;
            if (read_all(0, &length, 4) < 0) { clean_up(); return 0; } /* the JVM has ended */
            length = ntohl(length);
            if (length > 16 * 1024 * 1024) { clean_up(); return 1; }
            if (length > capacity) {
                free(order);
                capacity = length;
                if (!(order = malloc(capacity))) return 1;
            }
            if (read_all(0, order, length) < 0) { clean_up(); return 0; }
            spawn(order, length, listener, &original);
        }
    }
}
