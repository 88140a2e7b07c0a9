package org.fcgibridge.core.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.util.Arrays;
import org.fcgibridge.core.io.MemoryBudget;
import org.junit.jupiter.api.Test;

class ParamsStreamTest {
    @Test
    void recordsSplitAnywhereMakeTheSameParams() throws ProtocolException {
        byte[] all = new NameValueWriter().add("REQUEST_METHOD", "GET").add("HTTP_X_BIG", "x".repeat(70_000))
                .toByteArray();
        ParamsStream stream = new ParamsStream(1, 256 * 1024);
        stream.append(ByteBuffer.wrap(all, 0, 3)); // inside the first length
        byte[] room = stream.room(40_000);
        System.arraycopy(all, 3, room, stream.length(), 40_000);
        stream.advance(40_000);
        stream.append(ByteBuffer.allocateDirect(all.length - 40_003).put(all, 40_003, all.length - 40_003).flip());
        assertEquals(all.length, stream.length());
        Params params = stream.decode();
        assertEquals("GET", params.get("REQUEST_METHOD"));
        assertEquals(70_000, params.get("HTTP_X_BIG").length());
    }

    @Test
    void anEmptyRecordAppendsNothing() throws ProtocolException {
        // found by ParamsFuzzTest: before the first bytes, appending an empty buffer threw a NullPointerException
        ParamsStream stream = new ParamsStream(1, 10);
        stream.append(ByteBuffer.allocate(0));
        stream.append(ByteBuffer.wrap(new byte[] {1, 0, 'A'}));
        stream.append(ByteBuffer.allocateDirect(0));
        assertEquals("", stream.decode().get("A"));
    }

    @Test
    void anEmptyStreamHasNoParamsAndAnOversizedOneIsAProtocolError() throws ProtocolException {
        assertEquals(0, new ParamsStream(1, 10).decode().size());
        ParamsStream stream = new ParamsStream(7, 10);
        stream.append(ByteBuffer.wrap(new byte[6]));
        ProtocolException e = assertThrows(ProtocolException.class, () -> stream.append(ByteBuffer.wrap(new byte[5])));
        assertTrue(e.getMessage().contains("request 7"), e.getMessage());
        assertEquals(6, stream.length());
        assertTrue(Arrays.equals(new byte[6], Arrays.copyOf(stream.room(4), 6)));
    }

    @Test
    void streamsDrawFromTheServersBudgetUntilDecodedOrReleased() throws ProtocolException {
        MemoryBudget budget = new MemoryBudget(100);
        ParamsStream first = new ParamsStream(1, 1000, budget);
        first.append(ByteBuffer.wrap(new byte[60]));
        ParamsStream second = new ParamsStream(2, 1000, budget);
        ProtocolException spent = assertThrows(ProtocolException.class,
                () -> second.append(ByteBuffer.wrap(new byte[50])));
        assertTrue(spent.getMessage().contains("budget"), spent.getMessage());
        assertEquals(60, budget.used());
        first.release();
        first.release(); // idempotent
        assertEquals(0, budget.used());
        assertThrows(ProtocolException.class, () -> first.append(ByteBuffer.wrap(new byte[1])), "released");
        second.append(ByteBuffer.wrap(new NameValueWriter().add("A", "b").toByteArray()));
        assertEquals("b", second.decode().get("A"));
        assertEquals(0, budget.used(), "decoding gives the memory back");
    }
}
