package org.fcgibridge.servlet.container;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.servlet.ReadListener;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PipedInputStream;
import java.io.PipedOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The request body's non-blocking reads: when the ReadListener is called, and what setReadListener refuses. */
@Timeout(10)
class BodyInputTest {
    /** The container's side: asynchronous mode, and the turns asked for. */
    private static final class Host implements BodyInput.Host {
        boolean async = true;
        boolean open = true;
        int turnsWanted;

        @Override
        public boolean isAsyncStarted() {
            return async;
        }

        @Override
        public void wantTurn() {
            turnsWanted++;
        }

        @Override
        public boolean acceptsCallbacks() {
            return open;
        }
    }

    /** Reads while isReady(), like the TCK's and Tomcat's listeners, and logs the calls. */
    private static final class Reader implements ReadListener {
        final BodyInput in;
        final List<String> calls = new ArrayList<>();

        Reader(BodyInput in) {
            this.in = in;
        }

        @Override
        public void onDataAvailable() throws IOException {
            StringBuilder data = new StringBuilder();
            byte[] buffer = new byte[64];
            int n;
            while (in.isReady() && (n = in.read(buffer)) != -1) {
                data.append(new String(buffer, 0, n, StandardCharsets.US_ASCII));
            }
            calls.add("data:" + data);
        }

        @Override
        public void onAllDataRead() {
            calls.add("all");
        }

        @Override
        public void onError(Throwable t) {
            calls.add("error:" + t.getMessage());
        }
    }

    @Test
    void eachPartIsAnnouncedOnceItArrivesThenTheEndOnce() throws Exception {
        PipedOutputStream client = new PipedOutputStream();
        Host host = new Host();
        BodyInput in = new BodyInput(new PipedInputStream(client, 1024), -1, host);
        Reader reader = new Reader(in);
        in.setReadListener(reader);
        assertEquals(1, host.turnsWanted, "the first call is the container's");
        assertTrue(reader.calls.isEmpty(), "not called from setReadListener");

        client.write("Hello".getBytes(StandardCharsets.US_ASCII));
        in.onTurn();
        assertEquals(List.of("data:Hello"), reader.calls);
        assertEquals(2, host.turnsWanted, "isReady() false asked for another turn");

        client.write("World".getBytes(StandardCharsets.US_ASCII));
        in.onTurn();
        assertEquals(List.of("data:Hello", "data:World"), reader.calls);

        client.close();
        in.onTurn();
        assertEquals(List.of("data:Hello", "data:World", "all"), reader.calls);
        in.onTurn();
        assertEquals(3, reader.calls.size(), "onAllDataRead is called once");
        assertTrue(in.isFinished());
    }

    @Test
    void aDeclaredLengthEndsTheBodyWithoutWaitingForTheStream() throws Exception {
        Host host = new Host();
        InputStream neverEnding = new InputStream() {
            private int left = 3;

            @Override
            public int read() {
                if (left-- > 0) {
                    return 'x';
                }
                throw new AssertionError("read past the declared length");
            }

            @Override
            public int available() {
                return Math.max(left, 0);
            }
        };
        BodyInput in = new BodyInput(neverEnding, 3, host);
        Reader reader = new Reader(in);
        in.setReadListener(reader);
        in.onTurn();
        assertEquals(List.of("data:xxx", "all"), reader.calls);
    }

    @Test
    void anEmptyBodyIsAllReadAtOnce() {
        Host host = new Host();
        BodyInput in = new BodyInput(new ByteArrayInputStream(new byte[0]), 0, host);
        Reader reader = new Reader(in);
        in.setReadListener(reader);
        in.onTurn();
        assertEquals(List.of("all"), reader.calls);
    }

    @Test
    void aFailedReadIsReportedToOnError() {
        Host host = new Host();
        InputStream failing = new InputStream() {
            @Override
            public int read() throws IOException {
                throw new IOException("connection reset");
            }
        };
        BodyInput in = new BodyInput(failing, 10, host);
        Reader reader = new Reader(in);
        in.setReadListener(reader);
        in.onTurn();
        assertEquals(List.of("error:connection reset"), reader.calls);
        in.onTurn();
        assertEquals(1, reader.calls.size(), "nothing after the error");
    }

    @Test
    void aCompleteWhileWaitingForDataEndsTheCalls() {
        Host host = new Host();
        InputStream completingWhileBlocked = new InputStream() {
            @Override
            public int read() {
                host.open = false; // complete() from another thread while the request's thread waited here
                return 'x';
            }
        };
        BodyInput in = new BodyInput(completingWhileBlocked, 1, host);
        Reader reader = new Reader(in);
        in.setReadListener(reader);
        in.onTurn();
        assertTrue(reader.calls.isEmpty(), reader.calls.toString());
    }

    @Test
    void setReadListenerNeedsAsyncModeAndAListenerAndOnlyOnce() {
        Host host = new Host();
        BodyInput in = new BodyInput(new ByteArrayInputStream(new byte[0]), 0, host);
        assertThrows(NullPointerException.class, () -> in.setReadListener(null));
        host.async = false;
        assertThrows(IllegalStateException.class, () -> in.setReadListener(new Reader(in)));
        host.async = true;
        in.setReadListener(new Reader(in));
        assertThrows(IllegalStateException.class, () -> in.setReadListener(new Reader(in)));
    }

    @Test
    void withoutAListenerReadsBlockAndIsReadySaysTrue() throws Exception {
        BodyInput in = new BodyInput(new ByteArrayInputStream("abc".getBytes(StandardCharsets.US_ASCII)), 3,
                new Host());
        assertTrue(in.isReady());
        assertEquals("abc", new String(in.readAllBytes(), StandardCharsets.US_ASCII));
        assertTrue(in.isFinished());
        assertFalse(in.read() >= 0);
    }
}
