/*
 * fcgi-bridge's spawn helper: starts CGI scripts for the JVM that runs it (SpawnHelper.java) with a plain fork and
 * exec from a small process, as fcgiwrap does, where the JDK would exec its own helper first and scan its descriptors.
 *
 * Usage: spawn-helper SOCKET. All numbers are 32-bit big-endian.
 *   stdin:  spawn orders, each N(length) then N(id), S(cwd), S(path), N(count), count x S("NAME=value"), where S is
 *           N(length) and the bytes
 *   stdout: answers N(id) N(kind) N(value): kind 1 started (value: pid), 2 not started (value: errno), 3 exited
 *           (value: the exit status, or 128 + the signal that ended it)
 * Before the exec, the helper connects three streams to the JVM's Unix socket SOCKET, sends N(id) and one byte (0
 * stdin, 1 stdout, 2 stderr) on each, and the script gets them as its descriptors 0, 1 and 2, in a session of its own.
 * A pipe closed by the exec tells the helper whether the exec worked. The helper ends when its stdin ends.
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

enum { STARTED = 1, NOT_STARTED = 2, EXITED = 3 };

struct child { pid_t pid; uint32_t id; };
static struct child *children;
static size_t nchildren, capchildren;
static struct sockaddr_un address;

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

static void answer(uint32_t id, uint32_t kind, uint32_t value) {
    uint32_t words[3] = { htonl(id), htonl(kind), htonl(value) };
    if (write_all(1, words, sizeof words) < 0) { clean_up(); _exit(0); } /* the JVM is gone */
}

static void reap(void) {
    int status;
    pid_t pid;
    while ((pid = waitpid(-1, &status, WNOHANG)) > 0) {
        for (size_t i = 0; i < nchildren; i++) {
            if (children[i].pid == pid) {
                uint32_t code = WIFSIGNALED(status) ? 128 + (uint32_t) WTERMSIG(status) : (uint32_t) WEXITSTATUS(status);
                answer(children[i].id, EXITED, code);
                children[i] = children[--nchildren];
                break;
            }
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

static int connect_stream(uint32_t id, unsigned char stream) {
    int s = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (s < 0) return -1;
    unsigned char header[5];
    uint32_t nid = htonl(id);
    memcpy(header, &nid, 4);
    header[4] = stream;
    if (connect(s, (struct sockaddr *) &address, sizeof address) < 0 || write_all(s, header, 5) < 0) {
        int saved = errno;
        close(s);
        errno = saved;
        return -1;
    }
    return s;
}

static void spawn(char *order, size_t length, const sigset_t *original) {
    char *cursor = order, *end = order + length;
    uint32_t id, count;
    if (length < 4) return;
    memcpy(&id, cursor, 4);
    id = ntohl(id);
    cursor += 4;
    char *cwd = take_string(&cursor, end);
    char *path = take_string(&cursor, end);
    if (!cwd || !path || end - cursor < 4) { answer(id, NOT_STARTED, EINVAL); return; }
    memcpy(&count, cursor, 4);
    count = ntohl(count);
    cursor += 4;
    char **env = calloc((size_t) count + 1, sizeof *env);
    if (!env) { answer(id, NOT_STARTED, ENOMEM); return; }
    for (uint32_t i = 0; i < count; i++) {
        if (!(env[i] = take_string(&cursor, end))) { free(env); answer(id, NOT_STARTED, EINVAL); return; }
    }
    int streams[3] = { -1, -1, -1 }, failed[2] = { -1, -1 };
    for (unsigned char i = 0; i < 3; i++) {
        if ((streams[i] = connect_stream(id, i)) < 0) goto fail;
    }
    if (pipe2(failed, O_CLOEXEC) < 0) goto fail;
    pid_t pid = fork();
    if (pid < 0) goto fail;
    if (pid == 0) {
        signal(SIGPIPE, SIG_DFL); /* an ignored signal would stay ignored across the exec */
        sigprocmask(SIG_SETMASK, original, NULL);
        setsid();
        for (int fd = 0; fd < 3; fd++) {
            if (dup2(streams[fd], fd) < 0) goto child_failed;
        }
        if (chdir(cwd) < 0) goto child_failed;
        char *argv[] = { path, NULL };
        execve(path, argv, env);
    child_failed: {
            int e = errno;
            uint32_t word = htonl((uint32_t) (e ? e : 1));
            write_all(failed[1], &word, 4);
            _exit(127);
        }
    }
    close(failed[1]);
    failed[1] = -1;
    for (int i = 0; i < 3; i++) { close(streams[i]); streams[i] = -1; }
    uint32_t word;
    ssize_t n;
    do { n = read(failed[0], &word, 4); } while (n < 0 && errno == EINTR);
    close(failed[0]);
    free(env);
    if (n == 4) {
        waitpid(pid, NULL, 0);
        answer(id, NOT_STARTED, ntohl(word));
        return;
    }
    if (nchildren == capchildren) {
        capchildren = capchildren ? capchildren * 2 : 64;
        children = realloc(children, capchildren * sizeof *children);
        if (!children) _exit(1);
    }
    children[nchildren].pid = pid;
    children[nchildren].id = id;
    nchildren++;
    answer(id, STARTED, (uint32_t) pid);
    return;
fail: {
        int e = errno ? errno : EIO;
        for (int i = 0; i < 3; i++) if (streams[i] >= 0) close(streams[i]);
        if (failed[0] >= 0) close(failed[0]);
        if (failed[1] >= 0) close(failed[1]);
        free(env);
        answer(id, NOT_STARTED, (uint32_t) e);
    }
}

int main(int argc, char **argv) {
    if (argc != 2 || strlen(argv[1]) >= sizeof address.sun_path) return 2;
    address.sun_family = AF_UNIX;
    strcpy(address.sun_path, argv[1]);
    signal(SIGPIPE, SIG_IGN); /* a JVM gone mid-write is an error to handle (clean up), not a death */
    sigset_t chld, original;
    sigemptyset(&chld);
    sigaddset(&chld, SIGCHLD);
    sigprocmask(SIG_BLOCK, &chld, &original);
    int sfd = signalfd(-1, &chld, SFD_CLOEXEC);
    if (sfd < 0) return 1;
    char *order = NULL;
    size_t capacity = 0;
    for (;;) {
        reap();
        struct pollfd fds[2] = { { 0, POLLIN, 0 }, { sfd, POLLIN, 0 } };
        if (poll(fds, 2, -1) < 0) {
            if (errno == EINTR) continue;
            return 1;
        }
        if (fds[1].revents & POLLIN) {
            struct signalfd_siginfo info;
            if (read(sfd, &info, sizeof info) < 0 && errno != EAGAIN) return 1;
        }
        if (fds[0].revents & (POLLIN | POLLHUP | POLLERR)) {
            uint32_t length;
            if (read_all(0, &length, 4) < 0) { clean_up(); return 0; } /* the JVM has ended */
            length = ntohl(length);
            if (length > 16 * 1024 * 1024) return 1;
            if (length > capacity) {
                free(order);
                capacity = length;
                if (!(order = malloc(capacity))) return 1;
            }
            if (read_all(0, order, length) < 0) { clean_up(); return 0; }
            spawn(order, length, &original);
        }
    }
}
