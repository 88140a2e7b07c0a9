package org.fcgibridge.core.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** A spool keeps what it is given, in memory then in a file, within its own limit and the server's disk budget. */
class SpoolTest {
    private static byte[] bytes(int n) {
        byte[] b = new byte[n];
        for (int i = 0; i < n; i++) {
            b[i] = (byte) i;
        }
        return b;
    }

    @Test
    void keepsEverythingWithinItsLimitAndBudget() throws Exception {
        ByteBudget disk = new ByteBudget(1000);
        try (Spool spool = new Spool(10, 1000, disk)) {
            assertEquals(500, spool.fillFrom(new ByteArrayInputStream(bytes(500))));
            assertFalse(spool.isFull());
            assertEquals(490, disk.used(), "what went past memory is on disk");
            try (InputStream in = spool.reader()) {
                assertArrayEquals(bytes(500), in.readAllBytes());
            }
        }
        assertEquals(0, disk.used(), "closing gives the disk back");
    }

    @Test
    void stopsAtItsLimit() throws Exception {
        try (Spool spool = new Spool(10, 100, ByteBudget.unlimited())) {
            assertEquals(100, spool.fillFrom(new ByteArrayInputStream(bytes(500))));
            assertTrue(spool.isFull());
            assertTrue(spool.isOverLimit());
        }
    }

    @Test
    void stopsWhenTheServersBudgetIsSpent() throws Exception {
        ByteBudget disk = new ByteBudget(50);
        try (Spool first = new Spool(10, Long.MAX_VALUE, disk);
             Spool second = new Spool(10, Long.MAX_VALUE, disk)) {
            first.fillFrom(new ByteArrayInputStream(bytes(40)));
            assertFalse(first.isFull());
            long kept = second.fillFrom(new ByteArrayInputStream(bytes(100_000)));
            assertTrue(second.isFull());
            assertFalse(second.isOverLimit(), "the budget, not its own limit");
            assertTrue(kept < 100_000);
            assertTrue(disk.used() <= 50, "never past the budget: " + disk.used());
            try (InputStream in = second.reader()) {
                assertArrayEquals(Arrays.copyOf(bytes(100_000), (int) kept), in.readAllBytes());
            }
        }
        assertEquals(0, disk.used());
    }
}
