package org.fcgibridge.core.testing;

import java.io.ByteArrayOutputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.fcgibridge.core.protocol.BeginRequestBody;
import org.fcgibridge.core.protocol.Fcgi;
import org.fcgibridge.core.protocol.NameValueWriter;
import org.fcgibridge.core.protocol.RecordHeader;
import org.fcgibridge.core.protocol.RecordType;
import org.fcgibridge.core.protocol.Role;

/**
 * A plain socket speaking FastCGI byte by byte, for tests that need to send what no well-behaved client would, and
 * to see every record the server sends back, in order.
 */
public final class RawConnection implements Closeable {
    private final Socket socket;
    private final InputStream in;
    private final OutputStream out;

    /** A record as received. */
    public record Received(int type, int requestId, byte[] content) {
        public RecordType recordType() {
            return RecordType.fromCode(type);
        }
    }

    public RawConnection(int port) throws IOException {
        socket = new Socket();
        socket.connect(new InetSocketAddress("127.0.0.1", port), 5000);
        socket.setSoTimeout(10_000);
        socket.setTcpNoDelay(true);
        in = socket.getInputStream();
        out = socket.getOutputStream();
    }

    public static byte[] record(RecordType type, int id, byte[] content) {
        return record(type.code(), id, content, Fcgi.paddingFor(content.length));
    }

    public static byte[] record(int type, int id, byte[] content, int padding) {
        byte[] r = new byte[8 + content.length + padding];
        new RecordHeader(type, id, content.length, padding).encode(r, 0);
        System.arraycopy(content, 0, r, 8, content.length);
        return r;
    }

    public static byte[] begin(int id, Role role, boolean keepConn) {
        return record(RecordType.BEGIN_REQUEST, id, BeginRequestBody.of(role, keepConn).encode());
    }

    public static byte[] params(int id, Map<String, String> params) {
        byte[] content = new NameValueWriter().addAll(params).toByteArray();
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        all.writeBytes(record(RecordType.PARAMS, id, content));
        all.writeBytes(record(RecordType.PARAMS, id, new byte[0]));
        return all.toByteArray();
    }

    public static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        for (byte[] part : parts) {
            all.writeBytes(part);
        }
        return all.toByteArray();
    }

    /** A complete RESPONDER request with an empty body. */
    public static byte[] simpleRequest(int id, boolean keepConn, Map<String, String> params) {
        return concat(begin(id, Role.RESPONDER, keepConn), params(id, params),
                record(RecordType.STDIN, id, new byte[0]));
    }

    public void send(byte[] bytes) throws IOException {
        out.write(bytes);
        out.flush();
    }

    /** The next record, or null if the server closed the connection. */
    public Received read() throws IOException {
        byte[] header = in.readNBytes(8);
        if (header.length == 0) {
            return null;
        }
        if (header.length < 8) {
            throw new IOException("connection ended inside a header");
        }
        RecordHeader h = RecordHeader.decode(header, 0);
        byte[] content = in.readNBytes(h.contentLength());
        in.readNBytes(h.paddingLength());
        return new Received(h.type(), h.requestId(), content);
    }

    /** Records until END_REQUEST for {@code id} (inclusive). */
    public List<Received> readUntilEnd(int id) throws IOException {
        List<Received> records = new ArrayList<>();
        while (true) {
            Received r = read();
            if (r == null) {
                throw new IOException("connection closed before END_REQUEST for " + id + "; got " + records);
            }
            records.add(r);
            if (r.type() == RecordType.END_REQUEST.code() && r.requestId() == id) {
                return records;
            }
        }
    }

    /** Whether the server has closed the connection (EOF or reset) within the socket timeout. */
    public boolean isClosedByServer() throws IOException {
        try {
            while (true) {
                Received r = read();
                if (r == null) {
                    return true;
                }
            }
        } catch (SocketTimeoutException e) {
            return false;
        } catch (IOException e) {
            return true;
        }
    }

    public void setTimeout(int millis) throws IOException {
        socket.setSoTimeout(millis);
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
