package org.fcgibridge.core.io;

import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Objects;

/**
 * Bytes kept in a temporary file, read back in the order they were appended, also while more are still appended: the
 * part of a request body that memory may not hold. The file draws its bytes from a budget shared by the whole server;
 * once the budget refuses an append, the file takes nothing more. Closing deletes it and gives its bytes back to the
 * budget. Not thread-safe.
 */
public final class SpoolFile implements Closeable {
    private final ByteBudget budget;
    private Path path;
    private FileChannel channel;
    private long written;
    private long read;
    private long taken;
    private boolean full;
    private boolean closed;

    /** @param budget what the temporary files of all spools may hold together */
    public SpoolFile(ByteBudget budget) {
        this.budget = Objects.requireNonNull(budget, "budget");
    }

    /**
     * Appends {@code len} bytes, unless the budget refuses them: then nothing is kept, now or later.
     *
     * @return whether they were kept
     * @throws IOException if the temporary file cannot be made or written
     */
    public boolean append(byte[] b, int off, int len) throws IOException {
        Objects.checkFromIndexSize(off, len, b.length);
        if (full || closed || !budget.take(len)) {
            full = true;
            return false;
        }
        taken += len;
        if (channel == null) {
            path = Files.createTempFile("fcgi-input-", ".spool");
            channel = FileChannel.open(path, StandardOpenOption.READ, StandardOpenOption.WRITE,
                    StandardOpenOption.DELETE_ON_CLOSE);
        }
        ByteBuffer bytes = ByteBuffer.wrap(b, off, len);
        while (bytes.hasRemaining()) {
            written += channel.write(bytes, written);
        }
        return true;
    }

    /** Whether the budget refused an append: what came after the kept bytes is lost. */
    public boolean isFull() {
        return full;
    }

    /** The bytes appended and not read yet. */
    public long unread() {
        return written - read;
    }

    /**
     * Reads up to {@code len} of the unread bytes.
     *
     * @return how many were read: 0 when none are unread (more may be appended later)
     */
    public int read(byte[] b, int off, int len) throws IOException {
        Objects.checkFromIndexSize(off, len, b.length);
        int n = (int) Math.min(len, unread());
        ByteBuffer into = ByteBuffer.wrap(b, off, n);
        while (into.hasRemaining()) {
            int got = channel.read(into, read + into.position() - off);
            if (got < 0) {
                throw new IOException("the spool file " + path + " ended before its " + written + " bytes");
            }
        }
        read += n;
        return n;
    }

    /** The unread bytes as a stream, which ends where the appended bytes end (for a spool filled, then read). */
    public InputStream reader() {
        return new InputStream() {
            @Override
            public int read() throws IOException {
                byte[] one = new byte[1];
                return read(one, 0, 1) < 0 ? -1 : one[0] & 0xFF;
            }

            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                if (len == 0) {
                    return 0;
                }
                int n = SpoolFile.this.read(b, off, len);
                return n == 0 ? -1 : n;
            }

            @Override
            public int available() {
                return (int) Math.min(Integer.MAX_VALUE, unread());
            }
        };
    }

    /** Deletes the file, if any, and gives its bytes back to the budget; nothing is kept after. Idempotent. */
    @Override
    public void close() throws IOException {
        closed = true;
        read = written;
        budget.give(taken);
        taken = 0;
        if (channel != null) {
            channel.close();
            Files.deleteIfExists(path);
        }
    }
}
