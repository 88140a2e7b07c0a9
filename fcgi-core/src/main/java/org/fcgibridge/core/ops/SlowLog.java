package org.fcgibridge.core.ops;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.util.Collection;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.fcgibridge.core.cgi.RunningScript;
import org.fcgibridge.core.protocol.RequestRecord;

/**
 * php-fpm's {@code slowlog} and {@code request_slowlog_timeout}, for Java: each request that runs longer than the
 * timeout has the stack of the thread serving it written once to a file, with the time, the request and the elapsed
 * time (a CGI script's entry gives its pid and command line instead); {@link ServerStatus#slowRequest()} counts it.
 *
 * <p>One daemon thread looks at the requests in flight every quarter of the timeout (at least every second, at most
 * every 50 ms), so an entry comes at most that late. It remembers only the requests still in flight that it has
 * logged. Each entry is one write to the file, opened in append mode for it: entries never interleave, even with
 * another server's in the same file, and a log rotated away is created anew. A file that cannot be opened at the start
 * fails it; a failure to write later is logged once (until a write succeeds again), the server goes on, and slow
 * requests are still counted.
 */
public final class SlowLog implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(SlowLog.class.getName());
    private static final long MIN_PERIOD_NANOS = TimeUnit.MILLISECONDS.toNanos(50);
    private static final long MAX_PERIOD_NANOS = TimeUnit.SECONDS.toNanos(1);

    private final Path file;
    private final long timeoutNanos;
    private final Supplier<? extends Collection<RequestRecord>> inFlight;
    private final Runnable onSlow;
    private final long serverPid = ProcessHandle.current().pid();
    private final Thread watchdog;
    /** The requests in flight already logged; only the watchdog touches it. */
    private final Set<RequestRecord> logged = Collections.newSetFromMap(new IdentityHashMap<>());
    private boolean writeFailing;
    private volatile boolean closed;

    /**
     * A slow log of {@code status}'s requests in flight, not yet started.
     *
     * @param file    appended to, created if missing
     * @param timeout how long a request runs before it is logged; positive
     */
    public SlowLog(Path file, Duration timeout, ServerStatus status) {
        this(file, timeout, status::inFlight, status::slowRequest);
    }

    /** As the public constructor, with the requests in flight and the count of slow ones given as functions. */
    SlowLog(Path file, Duration timeout, Supplier<? extends Collection<RequestRecord>> inFlight, Runnable onSlow) {
        this.file = Objects.requireNonNull(file, "file");
        if (timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("the slow log's timeout must be positive: " + timeout);
        }
        this.timeoutNanos = timeout.toNanos();
        this.inFlight = inFlight;
        this.onSlow = onSlow;
        this.watchdog = new Thread(this::watch, "fcgi-slowlog");
        watchdog.setDaemon(true);
    }

    /** How often the watchdog looks: a quarter of the timeout, within 50 ms and 1 s. */
    long periodNanos() {
        return Math.max(MIN_PERIOD_NANOS, Math.min(MAX_PERIOD_NANOS, timeoutNanos / 4));
    }

    /**
     * Starts the watchdog, once the file has been opened (and created if missing): a path that cannot be written
     * stops the server's start, as php-fpm's does, rather than every slow request later.
     *
     * @throws IOException                  if the file cannot be opened for appending
     * @throws IllegalThreadStateException if it was started before
     */
    public void start() throws IOException {
        try (FileChannel out = open()) {
            // nothing to write yet: whether it can be is the question
        } catch (IOException e) {
            throw new IOException("the slow log " + file + " cannot be opened: " + reason(e), e);
        }
        watchdog.start();
    }

    /** Stops the watchdog (waits for an entry being written); idempotent. */
    @Override
    public void close() {
        closed = true;
        watchdog.interrupt();
        if (watchdog.isAlive() && watchdog != Thread.currentThread()) {
            try {
                watchdog.join(TimeUnit.SECONDS.toMillis(5));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private void watch() {
        long period = periodNanos();
        while (!closed) {
            try {
                TimeUnit.NANOSECONDS.sleep(period);
            } catch (InterruptedException e) {
                return; // closed
            }
            try {
                look();
            } catch (RuntimeException e) {
                // the watchdog must outlive whatever one look met
                LOG.log(System.Logger.Level.ERROR, "the slow log failed to look at the requests in flight", e);
            }
        }
    }

    /**
     * One look at the requests in flight: each past the timeout and not logged yet is logged now. On the watchdog's
     * thread only (a test calls it on a log it has not started).
     */
    void look() {
        Collection<RequestRecord> requests = inFlight.get();
        Set<RequestRecord> current = Collections.newSetFromMap(new IdentityHashMap<>(requests.size() * 2));
        current.addAll(requests);
        logged.retainAll(current); // ended requests are forgotten
        long now = System.nanoTime();
        for (RequestRecord request : requests) {
            long elapsed = now - request.startedNanos();
            if (elapsed < timeoutNanos || logged.contains(request)) {
                continue;
            }
            String entry = entry(request, TimeUnit.NANOSECONDS.toMillis(elapsed));
            if (entry == null) {
                continue; // its thread moved on while it was looked at: the next look sees where it is
            }
            logged.add(request);
            write(entry);
            // php-fpm's warning in the server's log, which points to the slow log
            LOG.log(System.Logger.Level.WARNING, "{0} executing too slow ({1} ms, past {2} ms), logged to {3}",
                    request, Long.toString(TimeUnit.NANOSECONDS.toMillis(elapsed)),
                    Long.toString(TimeUnit.NANOSECONDS.toMillis(timeoutNanos)), file);
            onSlow.run();
        }
    }

    /** How many requests it remembers as logged (the ones still in flight). */
    int remembered() {
        return logged.size();
    }

    /** The entry of a slow request; null if the thread serving it changed while its stack was taken. */
    private String entry(RequestRecord request, long elapsedMillis) {
        Thread thread = request.thread();
        RunningScript script = thread == null ? null : RunningScript.servedBy(thread).orElse(null);
        SlowLogEntry entry = new SlowLogEntry(ZonedDateTime.now(), serverPid,
                SlowLogEntry.scriptFilename(request, script), request, elapsedMillis);
        if (thread == null) {
            return entry.withoutThread();
        }
        StackTraceElement[] stack = script == null ? thread.getStackTrace() : null;
        if (request.thread() != thread) {
            return null; // the stack may be of what the thread did next
        }
        return script == null ? entry.withStack(thread, stack) : entry.withScript(thread, script);
    }

    private static String reason(IOException e) {
        if (e instanceof java.nio.file.NoSuchFileException) {
            return "its directory does not exist";
        }
        if (e instanceof java.nio.file.AccessDeniedException) {
            return "permission denied";
        }
        if (e instanceof java.nio.file.FileSystemException f && f.getReason() != null) {
            return f.getReason();
        }
        return e.toString();
    }

    private FileChannel open() throws IOException {
        return FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.APPEND);
    }

    /** Appends {@code entry} in one write; a failure is logged once until a write succeeds again. */
    private void write(String entry) {
        ByteBuffer bytes = StandardCharsets.UTF_8.encode(entry);
        try (FileChannel out = open()) {
            while (bytes.hasRemaining()) {
                out.write(bytes);
            }
            writeFailing = false;
        } catch (IOException e) {
            if (!writeFailing) {
                writeFailing = true;
                LOG.log(System.Logger.Level.WARNING, "the slow log {0} cannot be written ({1}); slow requests are"
                        + " still counted", file, e.toString());
            }
        }
    }
}
