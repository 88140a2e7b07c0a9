package org.fcgibridge.servlet.jetty;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.fcgibridge.core.io.BodyQueue;
import org.fcgibridge.core.io.ByteBudget;
import org.fcgibridge.core.runner.InputRefusedException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** A CGI request's body on the Jetty engine: the connection pauses and resumes around what the script has read. */
@Timeout(30)
class CgiInputTest {
    private static final int QUEUE_LIMIT = 256 * 1024;

    private final AtomicInteger pauses = new AtomicInteger();
    private final AtomicInteger resumes = new AtomicInteger();

    private CgiInput input(long maxBody) {
        return input(maxBody, ByteBudget.unlimited());
    }

    private CgiInput input(long maxBody, ByteBudget spoolBudget) {
        return new CgiInput(maxBody, QUEUE_LIMIT, new BodyQueue(QUEUE_LIMIT, spoolBudget), pauses::incrementAndGet,
                resumes::incrementAndGet);
    }

    private static byte[] record(int n, int seed) {
        byte[] b = new byte[n];
        for (int i = 0; i < n; i++) {
            b[i] = (byte) (seed * 31 + i);
        }
        return b;
    }

    @Test
    void theConnectionPausesPastTheQueueLimitAndResumesOnceTheScriptHasReadIt() throws IOException {
        CgiInput input = input(0);
        byte[] record = new byte[60_000];
        int offered = 0;
        while (input.offer(record)) {
            offered++;
        }
        assertEquals(QUEUE_LIMIT / record.length, offered, "records taken before the pause");
        assertEquals(1, pauses.get());
        assertEquals(0, resumes.get());
        input.readNBytes(2 * record.length);
        assertEquals(1, resumes.get(), "room again: the connection reads on");
        input.end();
        assertEquals((offered + 1 - 2) * record.length, input.readAllBytes().length);
        assertFalse(input.waitsForInput());
    }

    @Test
    void onceTheScriptAnswersTheRestOfTheBodyIsTakenAsItComes() {
        CgiInput input = input(0);
        byte[] record = new byte[60_000];
        while (input.offer(record)) {
            // until the pause
        }
        input.settle();
        assertEquals(1, resumes.get(), "a paused connection reads on once the answer has begun");
        for (int i = 0; i < 10; i++) {
            assertTrue(input.offer(record), "no pause while settling");
        }
        assertEquals(1, pauses.get());
    }

    @Test
    void aLateBodyPastTheQueueLimitGoesToATemporaryFileAndIsReadInOrder() throws IOException {
        ByteBudget disk = new ByteBudget(4 * 1024 * 1024);
        CgiInput input = input(0, disk);
        ByteArrayOutputStream sent = new ByteArrayOutputStream();
        input.settle();
        for (int i = 0; i < 40; i++) { // 2.4 MB, nothing read meanwhile
            byte[] record = record(60_000, i);
            assertTrue(input.offer(record));
            sent.write(record);
        }
        input.end();
        assertTrue(disk.used() > 2_000_000, "past the queue limit, on disk: " + disk.used());
        assertArrayEquals(sent.toByteArray(), input.readAllBytes());
        input.close();
        assertEquals(0, disk.used(), "the file's bytes given back");
    }

    @Test
    void aLateBodyPastTheSpoolBudgetFailsWith503AfterWhatWasKept() throws IOException {
        ByteBudget disk = new ByteBudget(100_000);
        CgiInput input = input(0, disk);
        input.settle();
        for (int i = 0; i < 20; i++) {
            assertTrue(input.offer(record(60_000, i)), "the connection reads on");
        }
        input.end();
        byte[] buffer = new byte[8192];
        long read = 0;
        InputRefusedException refused = null;
        try {
            for (int n; (n = input.read(buffer, 0, buffer.length)) >= 0; ) {
                read += n;
            }
        } catch (InputRefusedException e) {
            refused = e;
        }
        assertTrue(refused != null, "the read past what was kept fails, after " + read + " bytes");
        assertEquals(503, refused.status());
        assertTrue(read >= QUEUE_LIMIT && read < 20 * 60_000, "read " + read);
    }

    @Test
    void aBodyOverTheLimitFailsWith413() throws IOException {
        CgiInput input = input(100);
        assertTrue(input.offer(new byte[60]));
        assertTrue(input.offer(new byte[60]), "the rest is skipped, never paused for");
        InputRefusedException refused = assertThrows(InputRefusedException.class, () -> input.readAllBytes());
        assertEquals(413, refused.status());
        assertFalse(input.waitsForInput());
    }

    @Test
    void aBlockedReadSeesTheBodyArriveThenItsEnd() throws Exception {
        CgiInput input = input(0);
        CompletableFuture<byte[]> read = CompletableFuture.supplyAsync(() -> {
            try {
                return input.readAllBytes();
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        });
        input.offer(new byte[] {1, 2});
        input.offer(new byte[] {3});
        input.end();
        assertArrayEquals(new byte[] {1, 2, 3}, read.get(10, TimeUnit.SECONDS));
    }

    @Test
    void anAbortFailsAWaitingReadAndLetsAPausedConnectionGo() throws Exception {
        CgiInput input = input(0);
        while (input.offer(new byte[60_000])) {
            // until the pause
        }
        input.fail(new IOException("aborted"));
        assertEquals(1, resumes.get());
        assertEquals("aborted", assertThrows(IOException.class, input::read).getMessage());
        assertTrue(input.offer(new byte[60_000]), "what still arrives is skipped");
    }

    @Test
    void whatArrivesAfterTheScriptClosedItsInputIsSkipped() throws IOException {
        CgiInput input = input(0);
        input.offer(new byte[10]);
        input.close();
        assertTrue(input.offer(new byte[QUEUE_LIMIT + 1]));
        assertEquals(0, pauses.get());
        assertEquals(-1, input.read());
    }
}
