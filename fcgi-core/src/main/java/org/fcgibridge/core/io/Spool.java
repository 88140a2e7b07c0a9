package org.fcgibridge.core.io;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.SequenceInputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Bytes kept for reading later: in memory up to a threshold, the rest in a temporary file that is deleted when the
 * spool is closed. Fill it, then read it once. Not thread-safe.
 */
public final class Spool implements Closeable {
    private final int memoryThreshold;
    private final ByteArrayOutputStream memory = new ByteArrayOutputStream();
    private Path file;
    private FileChannel channel;
    private OutputStream fileOut;
    private long size;

    /**
     * @param memoryThreshold bytes kept in memory before the rest goes to a temporary file
     */
    public Spool(int memoryThreshold) {
        this.memoryThreshold = memoryThreshold;
    }

    /**
     * Reads {@code in} to its end into the spool.
     *
     * @return the number of bytes read
     * @throws IOException if reading fails or the temporary file cannot be written
     */
    public long fillFrom(InputStream in) throws IOException {
        byte[] buffer = new byte[16 * 1024];
        long total = 0;
        int n;
        while ((n = in.read(buffer)) >= 0) {
            write(buffer, n);
            total += n;
        }
        return total;
    }

    private void write(byte[] b, int len) throws IOException {
        int toMemory = (int) Math.max(0, Math.min(len, memoryThreshold - memory.size()));
        memory.write(b, 0, toMemory);
        if (toMemory < len) {
            if (fileOut == null) {
                file = Files.createTempFile("fcgi-input-", ".spool");
                channel = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE,
                        StandardOpenOption.DELETE_ON_CLOSE);
                fileOut = Channels.newOutputStream(channel);
            }
            fileOut.write(b, toMemory, len - toMemory);
        }
        size += len;
    }

    /** The bytes spooled so far. */
    public long size() {
        return size;
    }

    /** A stream of what was spooled, from the start. */
    public InputStream reader() throws IOException {
        InputStream head = new ByteArrayInputStream(memory.toByteArray());
        if (channel == null) {
            return head;
        }
        channel.position(0);
        return new SequenceInputStream(head, Channels.newInputStream(channel));
    }

    /** Deletes the temporary file, if any. */
    @Override
    public void close() throws IOException {
        if (channel != null) {
            channel.close();
            Files.deleteIfExists(file);
        }
    }
}
