package org.fcgibridge.core.server;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.SocketChannel;
import java.util.concurrent.locks.ReentrantLock;
import org.fcgibridge.core.protocol.RecordSink;

/**
 * The writing half of a connection: whole records, one writer at a time, so that the requests on a connection and
 * the protocol's own answers never interleave inside a record. After a failed write, or once the output has been
 * shut, every write fails at once.
 */
final class ConnectionOutput implements RecordSink {
    /** Decides, under the write lock, whether a write may go: false skips it, an exception refuses it. */
    @FunctionalInterface
    interface Gate {
        boolean open() throws IOException;
    }

    private final SocketChannel channel;
    private final ReentrantLock lock = new ReentrantLock();
    /** Guarded by the lock. */
    private boolean broken;
    private volatile long writingSince;

    ConnectionOutput(SocketChannel channel) {
        this.channel = channel;
    }

    @Override
    public void write(ByteBuffer records) throws IOException {
        write(records, () -> true);
    }

    /**
     * Writes every remaining byte of {@code records} if {@code gate}, asked under the write lock, lets it.
     *
     * @return whether the records were written
     * @throws IOException if the gate refused, the output is shut or the write failed
     */
    boolean write(ByteBuffer records, Gate gate) throws IOException {
        lock.lock();
        try {
            if (!gate.open()) {
                return false;
            }
            if (broken) {
                throw new ClosedChannelException();
            }
            writingSince = System.nanoTime() | 1;
            try {
                while (records.hasRemaining()) {
                    channel.write(records);
                }
            } catch (IOException e) {
                broken = true;
                throw e;
            } finally {
                writingSince = 0;
            }
            return true;
        } finally {
            lock.unlock();
        }
    }

    /** Sends FIN after what was written; nothing more is written. */
    void shutdown() throws IOException {
        lock.lock();
        try {
            broken = true;
            channel.shutdownOutput();
        } finally {
            lock.unlock();
        }
    }

    /** When the write under way began (0: none is): one that lasts past the idle timeout has stalled. */
    long writingSince() {
        return writingSince;
    }
}
