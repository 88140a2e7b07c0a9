package org.fcgibridge.core.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.fcgibridge.core.protocol.Params;
import org.fcgibridge.core.protocol.RequestRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The slow log against a fake status (the requests in flight, a count of slow ones) and a real thread that sleeps in
 * a method of this test: what an entry says, that a request is logged once, and that the watchdog forgets it when it
 * ends.
 */
@Timeout(30)
class SlowLogTest {
    private static final Duration TIMEOUT = Duration.ofMillis(100);

    @TempDir
    Path dir;
    private final Collection<RequestRecord> inFlight = new ConcurrentLinkedQueue<>();
    private final AtomicInteger slow = new AtomicInteger();
    private final CountDownLatch release = new CountDownLatch(1);
    private Thread sleeper;

    @AfterEach
    void release() throws InterruptedException {
        release.countDown();
        if (sleeper != null) {
            sleeper.join(5000);
        }
    }

    private SlowLog slowLog(Path file) {
        return new SlowLog(file, TIMEOUT, () -> List.copyOf(inFlight), slow::incrementAndGet);
    }

    private static RequestRecord request(String method, String uri) {
        return new RequestRecord(1, Params.of(Map.of("REQUEST_METHOD", method, "REQUEST_URI", uri)));
    }

    /** A request in flight served by a thread that sleeps in {@link #aSlowServiceMethod}. */
    private RequestRecord sleepingRequest() throws InterruptedException {
        RequestRecord record = request("GET", "/slow?for=long");
        CountDownLatch asleep = new CountDownLatch(1);
        sleeper = new Thread(() -> aSlowServiceMethod(asleep), "a-slow-worker");
        record.serving(sleeper);
        sleeper.start();
        asleep.await();
        inFlight.add(record);
        return record;
    }

    private void aSlowServiceMethod(CountDownLatch asleep) {
        asleep.countDown();
        try {
            release.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Waits until {@code record} has run past the timeout: time must pass, and this checks that it has. */
    private static void pastTheTimeout(RequestRecord record) throws InterruptedException {
        while (System.nanoTime() - record.startedNanos() <= TIMEOUT.toNanos()) {
            Thread.sleep(10);
        }
    }

    private static String read(Path file) throws IOException {
        return Files.exists(file) ? Files.readString(file) : "";
    }

    private static int entries(String log) {
        return log.split("\\[pool fcgi-bridge]", -1).length - 1;
    }

    @Test
    void aSlowRequestIsLoggedOnceWithTheStackOfItsThread() throws Exception {
        Path file = dir.resolve("slow.log");
        SlowLog log = slowLog(file);
        RequestRecord record = sleepingRequest();
        log.look();
        assertEquals("", read(file), "logged before its timeout");
        pastTheTimeout(record);
        log.look();
        String entry = read(file);
        assertEquals(1, entries(entry), entry);
        String[] lines = entry.split("\n", -1);
        assertTrue(lines[0].matches("\\[\\d\\d-[A-Z][a-z]{2}-\\d{4} \\d\\d:\\d\\d:\\d\\d]  \\[pool fcgi-bridge] pid "
                + ProcessHandle.current().pid()), lines[0]);
        assertEquals("script_filename = /slow", lines[1]);
        assertEquals("request = GET /slow?for=long", lines[2]);
        assertTrue(lines[3].matches("elapsed = \\d+ ms") && Long.parseLong(lines[3].replaceAll("\\D", "")) >= 100,
                lines[3]);
        assertEquals("thread = a-slow-worker", lines[4]);
        assertTrue(lines[5].startsWith("\tat "), lines[5]);
        // as Java prints a frame: the class loader's name (app) and module may come first
        assertTrue(entry.matches("(?s).*\n\tat (\\S+/)?org\\.fcgibridge\\.core\\.ops\\.SlowLogTest"
                + "\\.aSlowServiceMethod\\(SlowLogTest\\.java:\\d+\\)\n.*"), entry);
        assertTrue(entry.endsWith(")\n\n"), "an entry ends with a blank line");
        assertEquals(1, slow.get());

        log.look();
        log.look();
        assertEquals(entry, read(file), "a request is logged once");
        assertEquals(1, slow.get());
        assertEquals(1, log.remembered());

        inFlight.remove(record);
        log.look();
        assertEquals(0, log.remembered(), "an ended request is forgotten");
    }

    @Test
    void theWatchdogLogsOnItsOwnAndAppends() throws Exception {
        Path file = dir.resolve("slow.log");
        Files.writeString(file, "what was there\n");
        RequestRecord record = sleepingRequest();
        try (SlowLog log = slowLog(file)) {
            log.start();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (!read(file).contains("aSlowServiceMethod")) {
                assertTrue(System.nanoTime() < deadline, "no entry within 10 s: " + read(file));
                Thread.sleep(20);
            }
            assertThrows(IllegalThreadStateException.class, log::start);
        }
        String written = read(file);
        assertTrue(written.startsWith("what was there\n["), written);
        assertEquals(1, entries(written), written);
        assertEquals(1, slow.get());
        assertTrue(record.thread() != null);
    }

    @Test
    void aRequestThatNoThreadServesIsLoggedWithoutAStack() throws Exception {
        Path file = dir.resolve("slow.log");
        RequestRecord record = request("POST", "/async");
        inFlight.add(record);
        pastTheTimeout(record);
        SlowLog log = slowLog(file);
        log.look();
        String entry = read(file);
        assertEquals(1, entries(entry), entry);
        assertTrue(entry.contains("\nthread = none (the request is asynchronous, or waits for a thread)\n\n"), entry);
        assertFalse(entry.contains("\tat "), entry);
        assertEquals(1, slow.get());
    }

    @Test
    void whatRunsTheRequestIsNamedWhenTheEngineSaysIt() throws Exception {
        Path file = dir.resolve("slow.log");
        RequestRecord record = request("GET", "/app/report");
        record.runBy("report", "t.ReportServlet");
        inFlight.add(record);
        pastTheTimeout(record);
        slowLog(file).look();
        assertTrue(read(file).contains("\nscript_filename = report (t.ReportServlet)\n"), read(file));
    }

    @Test
    void aUriCannotForgeLinesOfTheLog() throws Exception {
        Path file = dir.resolve("slow.log");
        RequestRecord record = request("GET", "/x\r\n[01-Jan-2000 00:00:00]  [pool fake] pid 1");
        inFlight.add(record);
        pastTheTimeout(record);
        slowLog(file).look();
        String entry = read(file);
        assertEquals(1, entries(entry), entry);
        assertTrue(entry.contains("request = GET /x\\x0d\\x0a[01-Jan-2000"), entry);
    }

    @Test
    void aLogThatCannotBeOpenedStopsTheStart() throws Exception {
        Path notAFile = Files.createDirectory(dir.resolve("a-directory"));
        IOException refused = assertThrows(IOException.class, () -> slowLog(notAFile).start());
        assertEquals("the slow log " + notAFile + " cannot be opened: Is a directory", refused.getMessage());
        IOException nowhere = assertThrows(IOException.class, () -> slowLog(dir.resolve("none/slow.log")).start());
        assertTrue(nowhere.getMessage().endsWith(": its directory does not exist"), nowhere.getMessage());
    }

    @Test
    void aLogThatCannotBeWrittenLaterLeavesTheServerGoingAndStillCounts() throws Exception {
        Path file = dir.resolve("slow.log");
        RequestRecord record = request("GET", "/slow");
        inFlight.add(record);
        pastTheTimeout(record);
        SlowLog log = slowLog(file);
        Files.createDirectory(file); // since the start, something else has taken the file's place
        log.look(); // told in the server's log, not thrown
        assertEquals(1, slow.get());
    }

    @Test
    void theWatchdogLooksEveryQuarterOfTheTimeoutWithinBounds() {
        Path file = dir.resolve("slow.log");
        assertEquals(TimeUnit.MILLISECONDS.toNanos(50), slowLog(file).periodNanos());
        assertEquals(TimeUnit.MILLISECONDS.toNanos(500),
                new SlowLog(file, Duration.ofSeconds(2), List::of, () -> { }).periodNanos());
        assertEquals(TimeUnit.SECONDS.toNanos(1),
                new SlowLog(file, Duration.ofSeconds(30), List::of, () -> { }).periodNanos());
        assertThrows(IllegalArgumentException.class, () -> new SlowLog(file, Duration.ZERO, List::of, () -> { }));
    }
}
