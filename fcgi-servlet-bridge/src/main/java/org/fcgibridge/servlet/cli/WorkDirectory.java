package org.fcgibridge.servlet.cli;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The launcher's work directory, {@code fcgi-bridge-PID-N} under {@code --work-dir}: the unpacked WAR and the
 * application's temporary files, on either engine. Deleted at a stop; what a process that could not delete its own
 * (SIGKILL, a crash, a power cut) left behind is deleted by the next launcher that starts under the same directory.
 *
 * <p>A directory is left behind when the process of its PID is gone, or when that PID now belongs to a process that
 * started after the directory was last changed (the PID was reused), and no process holds the lock on its
 * {@code .lock} file, which its launcher holds while it runs (the kernel drops it when the process dies, however it
 * dies): the lock keeps a live launcher's directory whose PID this process cannot see (another PID namespace, a
 * container sharing the directory). The directory of a live launcher is never touched.
 */
final class WorkDirectory implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(WorkDirectory.class.getName());
    private static final String PREFIX = "fcgi-bridge-";
    private static final Pattern NAME = Pattern.compile(Pattern.quote(PREFIX) + "(\\d+)-\\d+");
    /** A process's start time is known to about a second (the boot time's precision): room for that, and more. */
    private static final Duration CLOCK_SLACK = Duration.ofSeconds(10);

    private static final String LOCK = ".lock";

    private final Path path;
    private final FileChannel lock;

    private WorkDirectory(Path path, FileChannel lock) {
        this.path = path;
        this.lock = lock;
    }

    /**
     * Deletes what dead launchers left under {@code parent}, then makes this process's directory there (mode
     * rwx------), creating {@code parent} if it is missing.
     *
     * @throws IOException naming the directory and the cause, if it cannot be made
     */
    static WorkDirectory create(Path parent) throws IOException {
        try {
            Files.createDirectories(parent);
            removeLeftovers(parent);
            Path dir = Files.createTempDirectory(parent, PREFIX + ProcessHandle.current().pid() + "-",
                    PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
            FileChannel lock = FileChannel.open(dir.resolve(LOCK), StandardOpenOption.CREATE_NEW,
                    StandardOpenOption.WRITE);
            try {
                lock.lock(); // held until close(), or until this process ends
            } catch (IOException | RuntimeException e) {
                lock.close();
                delete(dir);
                throw e;
            }
            return new WorkDirectory(dir, lock);
        } catch (IOException e) {
            throw new IOException("cannot make a work directory under " + parent + ": " + Failures.reason(e), e);
        }
    }

    /** The directory. */
    Path path() {
        return path;
    }

    /** A directory for one part (an engine's files) inside this one. */
    Path resolve(String name) throws IOException {
        return Files.createDirectories(path.resolve(name));
    }

    /** Deletes the directory and all in it. Failures are logged. */
    @Override
    public void close() {
        try {
            lock.close(); // releases the lock
        } catch (IOException e) {
            LOG.log(System.Logger.Level.DEBUG, "closing {0}: {1}", path.resolve(LOCK), e.getMessage());
        }
        delete(path);
    }

    /** Deletes the directories under {@code parent} that launchers no longer running left behind. */
    static void removeLeftovers(Path parent) {
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(parent, PREFIX + "*")) {
            for (Path entry : entries) {
                if (leftOver(entry)) {
                    LOG.log(System.Logger.Level.INFO, "deleting {0}, left by a process that has ended", entry);
                    delete(entry);
                }
            }
        } catch (IOException e) {
            LOG.log(System.Logger.Level.DEBUG, "cannot list {0}: {1}", parent, e.getMessage());
        }
    }

    private static boolean leftOver(Path entry) throws IOException {
        Matcher name = NAME.matcher(entry.getFileName().toString());
        if (!name.matches() || !Files.isDirectory(entry, LinkOption.NOFOLLOW_LINKS)) {
            return false;
        }
        long pid;
        try {
            pid = Long.parseLong(name.group(1));
        } catch (NumberFormatException e) {
            return false;
        }
        Optional<ProcessHandle> process = ProcessHandle.of(pid);
        if (process.isPresent() && process.get().isAlive()) {
            Instant changed = Files.getLastModifiedTime(entry, LinkOption.NOFOLLOW_LINKS).toInstant();
            Optional<Instant> started = process.get().info().startInstant();
            // the process that made the directory started before it; a process started later has the PID by reuse
            if (started.isEmpty() || !started.get().isAfter(changed.plus(CLOCK_SLACK))) {
                return false;
            }
        }
        return unlocked(entry.resolve(LOCK));
    }

    /** Whether no process holds the lock (a directory with no lock file was left before its launcher made it). */
    private static boolean unlocked(Path lockFile) {
        try (FileChannel channel = FileChannel.open(lockFile, StandardOpenOption.WRITE)) {
            FileLock held = channel.tryLock();
            if (held == null) {
                return false;
            }
            held.release();
            return true;
        } catch (NoSuchFileException e) {
            return true;
        } catch (IOException | OverlappingFileLockException e) { // this JVM holds it: a live launcher's
            return false;
        }
    }

    private static void delete(Path root) {
        if (!Files.exists(root, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        try {
            Files.walkFileTree(root, new SimpleFileVisitor<>() { // links are deleted, never followed
                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attributes) throws IOException {
                    Files.delete(file);
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult postVisitDirectory(Path dir, IOException failure) throws IOException {
                    if (failure != null) {
                        throw failure;
                    }
                    Files.delete(dir);
                    return FileVisitResult.CONTINUE;
                }
            });
        } catch (IOException e) {
            LOG.log(System.Logger.Level.WARNING, "could not delete {0}: {1}", root, Failures.reason(e));
        }
    }
}
