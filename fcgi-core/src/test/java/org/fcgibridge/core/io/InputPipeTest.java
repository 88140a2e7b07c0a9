package org.fcgibridge.core.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(10)
class InputPipeTest {
    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    @Test
    void chunksArriveInOrderAndTheEndReadsAsEof() throws Exception {
        InputPipe pipe = new InputPipe(16);
        pipe.put(() -> bytes("abc"), 3);
        pipe.put(() -> bytes("de"), 2);
        pipe.end();
        assertArrayEquals(bytes("abcde"), pipe.readAllBytes());
        assertEquals(-1, pipe.read());
    }

    @Test
    void aChunkIsNotReadOnceTheConsumerClosedThePipe() throws Exception {
        InputPipe pipe = new InputPipe(16);
        pipe.close();
        AtomicBoolean read = new AtomicBoolean();
        pipe.put(() -> {
            read.set(true);
            return bytes("x");
        }, 1);
        assertFalse(read.get(), "the connection skips it instead");
    }

    @Test
    void aFullPipeHoldsTheWriterBackUntilTheConsumerReads() throws Exception {
        InputPipe pipe = new InputPipe(4);
        pipe.put(() -> bytes("1234"), 4);
        CountDownLatch readingSecond = new CountDownLatch(1);
        Thread writer = new Thread(() -> {
            try {
                pipe.put(() -> {
                    readingSecond.countDown();
                    return bytes("56");
                }, 2);
                pipe.end();
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
        writer.start();
        assertFalse(readingSecond.await(200, TimeUnit.MILLISECONDS), "the second chunk waits for room");
        byte[] first = new byte[4];
        assertEquals(4, pipe.read(first, 0, 4));
        assertTrue(readingSecond.await(5, TimeUnit.SECONDS));
        assertArrayEquals(bytes("56"), pipe.readAllBytes());
        writer.join();
    }
}
