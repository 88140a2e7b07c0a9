package org.fcgibridge.servlet.cli;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
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
 * started after the directory was last changed (the PID was reused). The directory of a live launcher is never
 * touched.
 */
final class WorkDirectory implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(WorkDirectory.class.getName());
    private static final String PREFIX = "fcgi-bridge-";
    private static final Pattern NAME = Pattern.compile(Pattern.quote(PREFIX) + "(\\d+)-\\d+");
    /** A process's start time is known to about a second (the boot time's precision): room for that, and more. */
    private static final Duration CLOCK_SLACK = Duration.ofSeconds(10);

    private final Path path;

    private WorkDirectory(Path path) {
        this.path = path;
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
            return new WorkDirectory(Files.createTempDirectory(parent, PREFIX + ProcessHandle.current().pid() + "-",
                    PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------"))));
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
        delete(path);
    }

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
        if (process.isEmpty() || !process.get().isAlive()) {
            return true;
        }
        Instant changed = Files.getLastModifiedTime(entry, LinkOption.NOFOLLOW_LINKS).toInstant();
        Optional<Instant> started = process.get().info().startInstant();
        // the process that made the directory started before it; a process started later has the PID by reuse
        return started.isPresent() && started.get().isAfter(changed.plus(CLOCK_SLACK));
    }

    private static void delete(Path root) {
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
