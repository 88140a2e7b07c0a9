package org.fcgibridge.servlet.container;

import java.io.IOException;
import java.io.OutputStream;
import java.io.Writer;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.Charset;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;

/**
 * Bytes written as characters to a writer, decoded in the writer's own charset: the default servlet's way to serve a
 * file into a response whose writer the application has already taken (a forward or an include after getWriter()),
 * as Jetty's does. Text in that charset passes unchanged; malformed input becomes U+FFFD.
 */
final class WriterOutputStream extends OutputStream {
    private final Writer writer;
    private final CharsetDecoder decoder;
    private final ByteBuffer in = ByteBuffer.allocate(8192);
    private final CharBuffer out = CharBuffer.allocate(8192);

    WriterOutputStream(Writer writer, Charset charset) {
        this.writer = writer;
        this.decoder = charset.newDecoder().onMalformedInput(CodingErrorAction.REPLACE)
                .onUnmappableCharacter(CodingErrorAction.REPLACE);
    }

    @Override
    public void write(int b) throws IOException {
        write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
        java.util.Objects.checkFromIndexSize(off, len, b.length);
        int offset = off;
        int left = len;
        while (left > 0) {
            int n = Math.min(left, in.remaining());
            in.put(b, offset, n);
            offset += n;
            left -= n;
            in.flip();
            decode(false);
            in.compact();
        }
    }

    /** Decodes what is left (a sequence cut short at the end becomes U+FFFD); the writer stays open. */
    void finish() throws IOException {
        in.flip();
        decode(true);
        while (decoder.flush(out).isOverflow()) {
            drain();
        }
        drain();
        in.clear();
        decoder.reset();
    }

    private void decode(boolean endOfInput) throws IOException {
        CoderResult result;
        do {
            result = decoder.decode(in, out, endOfInput);
            drain();
        } while (result.isOverflow());
    }

    private void drain() throws IOException {
        out.flip();
        if (out.hasRemaining()) {
            writer.write(out.array(), out.arrayOffset() + out.position(), out.remaining());
        }
        out.clear();
    }
}
