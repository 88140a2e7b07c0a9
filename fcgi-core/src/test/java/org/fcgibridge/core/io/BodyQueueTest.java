package org.fcgibridge.core.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import org.junit.jupiter.api.Test;

/** A body queue: memory until spilling is on, then the threshold in memory and the rest in a file, read in order. */
class BodyQueueTest {
    private static byte[] piece(int n, int seed) {
        byte[] b = new byte[n];
        for (int i = 0; i < n; i++) {
            b[i] = (byte) (seed + i);
        }
        return b;
    }

    private static byte[] drain(BodyQueue queue) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] b; (b = queue.poll(7)) != null; ) {
            out.write(b);
        }
        return out.toByteArray();
    }

    @Test
    void beforeSpillingEverythingStaysInMemory() throws Exception {
        ByteBudget disk = new ByteBudget(1000);
        try (BodyQueue queue = new BodyQueue(10, disk)) {
            assertTrue(queue.add(piece(30, 0)));
            assertEquals(30, queue.inMemory());
            assertEquals(0, disk.used());
            assertArrayEquals(piece(30, 0), drain(queue));
        }
    }

    @Test
    void spillingKeepsTheThresholdInMemoryAndTheRestInAFileReadInOrderWhileItFills() throws Exception {
        ByteBudget disk = new ByteBudget(1000);
        ByteArrayOutputStream sent = new ByteArrayOutputStream();
        ByteArrayOutputStream read = new ByteArrayOutputStream();
        try (BodyQueue queue = new BodyQueue(10, disk)) {
            queue.spill();
            for (int i = 0; i < 20; i++) {
                byte[] b = piece(6, i * 6);
                assertTrue(queue.add(b));
                sent.write(b);
                if (i % 3 == 0) {
                    byte[] next = queue.poll(4);
                    read.write(next);
                }
            }
            assertTrue(queue.inMemory() <= 10, "in memory: " + queue.inMemory());
            assertTrue(disk.used() >= 100, "on disk: " + disk.used());
            read.write(drain(queue));
            assertNull(queue.poll(4));
            assertTrue(queue.isEmpty());
        }
        assertArrayEquals(sent.toByteArray(), read.toByteArray());
        assertEquals(0, disk.used(), "closing gives the disk back");
    }

    @Test
    void pastTheBudgetTheRestIsDroppedAndTheQueueIsTruncated() throws Exception {
        ByteBudget disk = new ByteBudget(12);
        try (BodyQueue queue = new BodyQueue(10, disk)) {
            queue.spill();
            assertTrue(queue.add(piece(10, 0)));
            assertTrue(queue.add(piece(12, 10)), "to the file, within the budget");
            assertFalse(queue.add(piece(1, 22)), "past it");
            assertFalse(queue.add(piece(1, 23)), "and everything after");
            assertTrue(queue.isTruncated());
            assertArrayEquals(piece(22, 0), drain(queue), "what was kept is read");
        }
        assertEquals(0, disk.used());
    }
}
