package org.fcgibridge.core.client;

import java.io.Closeable;
import java.io.EOFException;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import org.fcgibridge.core.net.ListenAddress;
import org.fcgibridge.core.protocol.BeginRequestBody;
import org.fcgibridge.core.protocol.EndRequestBody;
import org.fcgibridge.core.protocol.Fcgi;
import org.fcgibridge.core.protocol.NameValueWriter;
import org.fcgibridge.core.protocol.Params;
import org.fcgibridge.core.protocol.RecordHeader;
import org.fcgibridge.core.protocol.RecordReader;
import org.fcgibridge.core.protocol.RecordType;
import org.fcgibridge.core.protocol.Role;

/**
 * A FastCGI client over one connection (TCP or Unix domain): what a web server does, for tests, tools, load
 * generation and the development HTTP front.
 *
 * <p>Requests may overlap on the connection (multiplexing) if the server allows it; each gets its own id. With
 * {@code keepConn} the connection stays open for further requests; without it the server closes it after the request
 * and this client is done. A reader thread demultiplexes the server's records; writes are serialised, one whole
 * record at a time.
 *
 * <pre>{@code
 * try (FcgiClient client = FcgiClient.connect(ListenAddress.parse("127.0.0.1:9000"))) {
 *     FcgiResponse response = client.execute(Map.of("REQUEST_METHOD", "GET", "SCRIPT_NAME", "/"), new byte[0]);
 *     System.out.println(response.status() + " " + response.bodyText());
 * }
 * }</pre>
 */
public final class FcgiClient implements Closeable {
    private static final int STDOUT_PIPE_BYTES = 1 << 20;

    private final SocketChannel channel;
    private final RecordReader reader;
    private final ReentrantLock writeLock = new ReentrantLock();
    private final Map<Integer, ClientRequest> requests = new HashMap<>();
    private final BlockingQueue<ManagementRecord> management = new ArrayBlockingQueue<>(64);
    private final Thread readerThread;
    private int nextId = 1;
    private volatile IOException failure;

    /** A management record the server sent (GET_VALUES_RESULT, UNKNOWN_TYPE). */
    public record ManagementRecord(int type, byte[] content) {
    }

    private FcgiClient(SocketChannel channel) {
        this.channel = channel;
        this.reader = new RecordReader(channel);
        this.readerThread = new Thread(this::readLoop, "fcgi-client-reader");
        this.readerThread.setDaemon(true);
        this.readerThread.start();
    }

    /**
     * Connects to a FastCGI server over TCP or a Unix domain socket.
     *
     * @throws IOException              if the connection cannot be made
     * @throws IllegalArgumentException for the inherited-socket address, which a client cannot connect to
     */
    public static FcgiClient connect(ListenAddress address) throws IOException {
        SocketChannel channel;
        switch (address.kind()) {
            case TCP:
                channel = SocketChannel.open(address.socketAddress());
                channel.setOption(StandardSocketOptions.TCP_NODELAY, true);
                break;
            case UNIX:
                channel = SocketChannel.open(address.socketAddress());
                break;
            default:
                throw new IllegalArgumentException("cannot connect to " + address);
        }
        return new FcgiClient(channel);
    }

    /** Connects over TCP. */
    public static FcgiClient connect(InetSocketAddress address) throws IOException {
        return connect(ListenAddress.tcp(address));
    }

    /**
     * Begins a request on the next free id: sends BEGIN_REQUEST and the whole PARAMS stream. Then write its STDIN
     * (and close it), and read its STDOUT.
     *
     * @throws IOException if the connection failed or is closed
     */
    public ClientRequest begin(Role role, Map<String, String> params, boolean keepConn) throws IOException {
        return begin(role.code(), new NameValueWriter().addAll(params).toByteArray(), keepConn);
    }

    /**
     * Begins a request with a raw role number and raw PARAMS content (for tests of odd input).
     *
     * @throws IOException if the connection failed or is closed
     */
    public ClientRequest begin(int roleCode, byte[] paramsContent, boolean keepConn) throws IOException {
        ClientRequest request;
        synchronized (requests) {
            checkOpen();
            int id = nextFreeId();
            request = new ClientRequest(this, id, STDOUT_PIPE_BYTES);
            requests.put(id, request);
        }
        int id = request.requestId();
        List<byte[]> records = new ArrayList<>();
        records.add(record(RecordType.BEGIN_REQUEST, id,
                new BeginRequestBody(roleCode, keepConn ? Fcgi.FLAG_KEEP_CONN : 0).encode()));
        for (int off = 0; off < paramsContent.length; off += Fcgi.MAX_CONTENT_LENGTH) {
            int len = Math.min(Fcgi.MAX_CONTENT_LENGTH, paramsContent.length - off);
            byte[] chunk = new byte[len];
            System.arraycopy(paramsContent, off, chunk, 0, len);
            records.add(record(RecordType.PARAMS, id, chunk));
        }
        records.add(record(RecordType.PARAMS, id, new byte[0]));
        writeAll(records);
        return request;
    }

    /**
     * Runs a RESPONDER request on a kept connection: sends params and body, returns the whole response.
     *
     * @throws IOException if the connection failed or ended before END_REQUEST
     */
    public FcgiResponse execute(Map<String, String> params, byte[] body) throws IOException {
        return execute(Role.RESPONDER, params, body, true);
    }

    /**
     * Runs a request: sends params and body (on another thread when it is large, so that a server that answers while
     * it reads never deadlocks against this client), returns the whole response.
     *
     * @throws IOException if the connection failed or ended before END_REQUEST
     */
    public FcgiResponse execute(Role role, Map<String, String> params, byte[] body, boolean keepConn)
            throws IOException {
        ClientRequest request = begin(role, params, keepConn);
        if (body.length <= 64 * 1024) {
            writeBody(request, body);
            return request.readResponse();
        }
        IOException[] writeFailure = new IOException[1];
        Thread writer = new Thread(() -> {
            try {
                writeBody(request, body);
            } catch (IOException e) {
                writeFailure[0] = e;
            }
        }, "fcgi-client-stdin");
        writer.start();
        FcgiResponse response = request.readResponse();
        try {
            writer.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted");
        }
        if (writeFailure[0] != null && response.stdout().length == 0) {
            throw writeFailure[0];
        }
        return response;
    }

    private static void writeBody(ClientRequest request, byte[] body) throws IOException {
        OutputStream stdin = request.stdin();
        stdin.write(body);
        stdin.close();
    }

    /**
     * Asks the server for FastCGI variables with GET_VALUES and returns its GET_VALUES_RESULT.
     *
     * @throws IOException if the connection failed or no answer came within 10 seconds
     */
    public Params getValues(String... names) throws IOException {
        NameValueWriter asked = new NameValueWriter();
        for (String name : names) {
            asked.add(name, "");
        }
        ManagementRecord answer = management(RecordType.GET_VALUES.code(), asked.toByteArray());
        if (answer.type() != RecordType.GET_VALUES_RESULT.code()) {
            throw new IOException("expected GET_VALUES_RESULT, got record type " + answer.type());
        }
        return Params.parse(answer.content(), 0, answer.content().length);
    }

    /**
     * Sends a management record (request id 0) of any type and waits for the server's management answer.
     *
     * @throws IOException if the connection failed or no answer came within 10 seconds
     */
    public ManagementRecord management(int type, byte[] content) throws IOException {
        writeAll(List.of(record(type, Fcgi.NULL_REQUEST_ID, content)));
        try {
            ManagementRecord answer = management.poll(10, TimeUnit.SECONDS);
            if (answer == null) {
                checkOpen();
                throw new InterruptedIOException("no answer to management record type " + type);
            }
            return answer;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted");
        }
    }

    void abort(int id) throws IOException {
        writeAll(List.of(record(RecordType.ABORT_REQUEST, id, new byte[0])));
    }

    /** Whether the connection is usable: not closed by either side, no failure seen. */
    public boolean isOpen() {
        return failure == null && channel.isOpen();
    }

    /** Closes the connection; requests in flight fail. */
    @Override
    public void close() {
        try {
            channel.close();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        try {
            readerThread.join(5000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    // ---- internals

    void write(ByteBuffer records) throws IOException {
        writeLock.lock();
        try {
            checkOpen();
            while (records.hasRemaining()) {
                channel.write(records);
            }
        } finally {
            writeLock.unlock();
        }
    }

    private void writeAll(List<byte[]> records) throws IOException {
        int total = 0;
        for (byte[] r : records) {
            total += r.length;
        }
        ByteBuffer all = ByteBuffer.allocate(total);
        for (byte[] r : records) {
            all.put(r);
        }
        all.flip();
        write(all);
    }

    private static byte[] record(RecordType type, int id, byte[] content) {
        return record(type.code(), id, content);
    }

    private static byte[] record(int type, int id, byte[] content) {
        int padding = Fcgi.paddingFor(content.length);
        byte[] record = new byte[Fcgi.HEADER_LENGTH + content.length + padding];
        new RecordHeader(type, id, content.length, padding).encode(record, 0);
        System.arraycopy(content, 0, record, Fcgi.HEADER_LENGTH, content.length);
        return record;
    }

    private int nextFreeId() throws IOException {
        for (int tries = 0; tries < 0xFFFF; tries++) {
            int id = nextId;
            nextId = nextId == 0xFFFF ? 1 : nextId + 1;
            if (!requests.containsKey(id)) {
                return id;
            }
        }
        throw new IOException("every request id is in use");
    }

    private void checkOpen() throws IOException {
        IOException f = failure;
        if (f != null) {
            throw new IOException("connection ended: " + f.getMessage(), f);
        }
        if (!channel.isOpen()) {
            throw new IOException("connection closed");
        }
    }

    private void readLoop() {
        IOException cause;
        try {
            RecordHeader header;
            while ((header = reader.next()) != null) {
                dispatch(header);
            }
            cause = new EOFException("the server closed the connection");
        } catch (IOException e) {
            cause = e;
        } catch (RuntimeException e) {
            cause = new IOException(e);
        }
        failure = cause;
        List<ClientRequest> pending;
        synchronized (requests) {
            pending = new ArrayList<>(requests.values());
            requests.clear();
        }
        for (ClientRequest request : pending) {
            request.failed(cause);
        }
        try {
            channel.close();
        } catch (IOException ignored) {
            // closing after a failure: nothing more to report
        }
    }

    private void dispatch(RecordHeader header) throws IOException {
        if (header.requestId() == Fcgi.NULL_REQUEST_ID) {
            management.offer(new ManagementRecord(header.type(), reader.readContent()));
            return;
        }
        ClientRequest request;
        synchronized (requests) {
            request = requests.get(header.requestId());
        }
        RecordType type = header.recordType();
        if (request == null || type == null) {
            return;
        }
        switch (type) {
            case STDOUT:
                request.stdoutRecord(reader, header.contentLength());
                break;
            case STDERR:
                request.stderrRecord(reader, header.contentLength());
                break;
            case END_REQUEST:
                EndRequestBody body = EndRequestBody.decode(reader.readContent(), 0, header.contentLength());
                synchronized (requests) {
                    requests.remove(header.requestId());
                }
                request.ended(body);
                break;
            default:
                break;
        }
    }
}
