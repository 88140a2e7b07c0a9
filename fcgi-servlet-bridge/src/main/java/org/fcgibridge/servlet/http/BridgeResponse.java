package org.fcgibridge.servlet.http;

import jakarta.servlet.ServletOutputStream;
import jakarta.servlet.WriteListener;
import jakarta.servlet.http.Cookie;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.io.UnsupportedEncodingException;
import java.nio.charset.Charset;
import java.nio.charset.IllegalCharsetNameException;
import java.nio.charset.UnsupportedCharsetException;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;
import org.fcgibridge.core.http.CgiResponseHead;

/**
 * The response of a servlet behind FastCGI: status, headers and a buffer with the servlet API's commit semantics,
 * written to STDOUT as a CGI response (a {@code Status:} line, the headers, a blank line, the body). The container
 * holds this object and calls its own methods on it (completion, error pages, includes); the application is given
 * its {@link #facade()}.
 *
 * <p>Nothing leaves until the buffer overflows, the servlet flushes, or the response completes; a response that
 * completes within its buffer gets a Content-Length. A response to HEAD counts its body but sends none. Once the
 * declared Content-Length has been written the response is complete. After {@link #sendError} or
 * {@link #sendRedirect} the response is committed to the servlet ({@link #isCommitted}): its further status, headers,
 * cookies and output are ignored.
 */
public class BridgeResponse implements HttpServletResponse {
    /** The default buffer: as Jetty's. */
    public static final int DEFAULT_BUFFER_SIZE = 32 * 1024;
    private static final byte[] CRLF = {'\r', '\n'};
    /** What describes a body an error page replaces (Jetty's HttpHeader.CONTENT_HEADERS but Content-Range). */
    private static final List<String> CONTENT_HEADERS = List.of("Content-Encoding", "Content-Language",
            "Content-Location", "Content-MD5", "Transfer-Encoding", "Cache-Control", "Last-Modified", "Expires", "Vary",
            "ETag");

    private final OutputStream out;
    private final boolean head;
    private final RedirectBase redirectBase;
    private final ResponseHeaders headers = new ResponseHeaders();
    private int status = SC_OK;
    private String mimeType;
    private String characterEncoding;
    private boolean encodingFixed;
    /** The encoding came from setLocale and the locale-encoding-mapping-list: shown, but not fixed. */
    private boolean encodingFromLocale;
    private Function<Locale, String> localeEncodings = locale -> null;
    private Locale locale;
    private long contentLength = -1;

    /** The buffer's logical size; its array grows up to it, so a small response never zeroes 32 KiB. */
    private int bufferSize = DEFAULT_BUFFER_SIZE;
    private byte[] buffer = new byte[1024];
    private int count;
    private long bodyWritten;
    private boolean committed;
    /**
     * sendError or sendRedirect was called: to the application the response is committed (as in Jetty and Tomcat),
     * it changes nothing more, until the container takes it over for an error page.
     */
    private boolean appCommitted;
    private boolean completed;
    private boolean outputClosed;
    private boolean errorSent;
    private String errorMessage;
    private int includeDepth;

    private enum Mode { NONE, STREAM, WRITER }

    private Mode mode = Mode.NONE;
    /** The writer's charset is part of the Content-Type: getWriter was called while the head could change. */
    private boolean writerCharset;
    private Output stream;
    private PrintWriter writer;
    private Supplier<Map<String, String>> trailers;
    /** Whether the client's protocol has trailers (HTTP/1.1 and later). */
    private boolean trailersPossible = true;
    private UnaryOperator<String> sessionUrls = UnaryOperator.identity();
    /** The writer's encoder is being drained into the buffer: its flush() must not commit the response. */
    private boolean drainingWriter;
    private String defaultEncoding = "iso-8859-1";
    private WriteListenerHost writeListenerHost;
    private WriteListener writeListener;
    private ResponseFacade facade;

    /** How {@link #sendRedirect} makes a relative location absolute. */
    public interface RedirectBase {
        /** "http://host:port" for the request, the port left out when it is the scheme's default. */
        String origin();

        /** The request URI (raw), for locations relative to it. */
        String requestUri();
    }

    /**
     * @param out          where the CGI response goes (the FastCGI request's STDOUT)
     * @param head         whether the request is HEAD (no body is sent)
     * @param redirectBase for absolute redirect locations
     */
    public BridgeResponse(OutputStream out, boolean head, RedirectBase redirectBase) {
        this.out = out;
        this.head = head;
        this.redirectBase = redirectBase;
    }

    /**
     * The response as the application is given it (filters, servlets, error pages, startAsync): the servlet API of
     * this response and nothing else, so that no application can cast its way to the container's methods here.
     */
    public HttpServletResponse facade() {
        if (facade == null) {
            facade = new ResponseFacade(this);
        }
        return facade;
    }

    /**
     * What the output stream needs from the container for a {@link WriteListener} (Servlet 6.0 section 5.7): the
     * listener is called on the request's thread, in the container's turn.
     */
    public interface WriteListenerHost {
        /** Whether the request is in asynchronous mode (a WriteListener needs it). */
        boolean isAsyncStarted();

        /** Asks for a turn on the request's thread, where {@link BridgeResponse#onWriteTurn()} is then called. */
        void wantTurn();
    }

    /** Enables {@link ServletOutputStream#setWriteListener}; without a host, it is refused. */
    public void setWriteListenerHost(WriteListenerHost host) {
        this.writeListenerHost = host;
    }

    /**
     * The container's turn for the WriteListener, on the request's thread: {@code onWritePossible}, or
     * {@code onError} with what it threw. Writes here block until the web server has taken the bytes, so the stream
     * is always ready: onWritePossible is called once, when the listener is set.
     */
    public void onWriteTurn() {
        WriteListener listener = writeListener;
        if (listener == null) {
            return;
        }
        try {
            listener.onWritePossible();
        } catch (IOException | RuntimeException e) {
            try {
                listener.onError(e);
            } catch (RuntimeException again) {
                System.getLogger(BridgeResponse.class.getName()).log(System.Logger.Level.WARNING,
                        "WriteListener.onError failed", again);
            }
        }
    }

    // ---- status

    @Override
    public void setStatus(int sc) {
        if (immutable()) {
            return;
        }
        status = sc;
    }

    @Override
    public int getStatus() {
        return status;
    }

    @Override
    public void sendError(int sc, String msg) throws IOException {
        if (includeDepth > 0) {
            return;
        }
        if (isCommitted()) {
            throw new IllegalStateException("sendError after the response was committed");
        }
        resetBuffer();
        status = sc;
        errorSent = true;
        errorMessage = msg;
        outputClosed = true;
        appCommitted = true;
    }

    @Override
    public void sendError(int sc) throws IOException {
        sendError(sc, null);
    }

    @Override
    public void sendRedirect(String location) throws IOException {
        sendRedirect(location, SC_FOUND, true);
    }

    /** Servlet 6.1's form: the status and whether to clear the buffer. */
    public void sendRedirect(String location, int sc, boolean clearBuffer) throws IOException {
        if (includeDepth > 0) {
            return;
        }
        if (isCommitted()) {
            throw new IllegalStateException("sendRedirect after the response was committed");
        }
        if (location == null) {
            throw new IllegalArgumentException("redirect location is null");
        }
        if (clearBuffer) {
            resetBuffer();
        }
        headers.set("Location", absolute(location));
        status = sc;
        outputClosed = true;
        appCommitted = true;
    }

    /** A location made absolute against the request (Servlet 6.0 section 9.4... and RFC 3986 reference rules). */
    String absolute(String location) {
        if (location.matches("(?s)^[a-zA-Z][a-zA-Z0-9+.-]*:.*")) {
            return location;
        }
        if (location.startsWith("//")) {
            String origin = redirectBase.origin();
            return origin.substring(0, origin.indexOf(':')) + ":" + location;
        }
        String path;
        if (location.startsWith("/")) {
            path = location;
        } else {
            String base = redirectBase.requestUri();
            path = base.substring(0, base.lastIndexOf('/') + 1) + location;
        }
        return redirectBase.origin() + normalizeDots(path);
    }

    private static String normalizeDots(String path) {
        int query = indexOfAny(path, '?', '#');
        String p = query < 0 ? path : path.substring(0, query);
        String rest = query < 0 ? "" : path.substring(query);
        if (!p.contains("/.")) {
            return path;
        }
        String[] segments = p.split("/", -1);
        java.util.ArrayDeque<String> out = new java.util.ArrayDeque<>();
        for (int i = 1; i < segments.length; i++) {
            String s = segments[i];
            boolean last = i == segments.length - 1;
            if (s.equals(".")) {
                if (last) {
                    out.addLast("");
                }
            } else if (s.equals("..")) {
                out.pollLast();
                if (last) {
                    out.addLast("");
                }
            } else {
                out.addLast(s);
            }
        }
        return "/" + String.join("/", out) + rest;
    }

    private static int indexOfAny(String s, char a, char b) {
        int i = s.indexOf(a);
        int j = s.indexOf(b);
        return i < 0 ? j : j < 0 ? i : Math.min(i, j);
    }

    /** Whether {@link #sendError} was called (the container then renders the error). */
    public boolean isErrorSent() {
        return errorSent;
    }

    /** The message given to {@link #sendError}, or null. */
    public String getErrorMessage() {
        return errorMessage;
    }

    /**
     * The container takes over the response to write an error page: the servlet's output is open again and its
     * content is gone (body, type, length, and the headers that describe it: caching, validators, encoding, as Jetty's
     * resetContent drops them, so that a page's "Cache-Control: public" or ETag never labels its error page); the
     * other headers the application set stay, after sendError (Content-Range on a 416, say) as after an exception (a
     * filter's header), as in Jetty.
     */
    public void prepareErrorPage() {
        errorSent = false;
        appCommitted = false;
        outputClosed = false;
        mode = Mode.NONE;
        writerCharset = false;
        writer = null;
        stream = null;
        if (!committed) {
            mimeType = null;
            characterEncoding = null;
            encodingFixed = false;
            encodingFromLocale = false;
            contentLength = -1;
            count = 0;
            bodyWritten = 0;
            CONTENT_HEADERS.forEach(headers::remove);
        }
    }

    // ---- headers

    @Override
    public void setHeader(String name, String value) {
        if (immutable()) {
            return;
        }
        if (special(name, value, true)) {
            return;
        }
        headers.set(name, value);
    }

    @Override
    public void addHeader(String name, String value) {
        if (immutable()) {
            return;
        }
        if (special(name, value, false)) {
            return;
        }
        headers.add(name, value);
    }

    /** Content-Type and Content-Length set as headers go through their own setters. */
    private boolean special(String name, String value, boolean set) {
        if (name == null) {
            return true;
        }
        if (name.equalsIgnoreCase("Content-Type")) {
            if (value == null) {
                if (set) {
                    mimeType = null;
                    if (mode != Mode.WRITER) {
                        characterEncoding = null;
                        encodingFixed = false;
                        encodingFromLocale = false;
                    }
                }
            } else {
                setContentType(value);
            }
            return true;
        }
        if (name.equalsIgnoreCase("Content-Length")) {
            if (value == null) {
                contentLength = -1;
            } else {
                try {
                    setContentLengthLong(Long.parseLong(value.trim()));
                } catch (NumberFormatException e) {
                    throw new IllegalArgumentException("Content-Length is not a number: " + value);
                }
            }
            return true;
        }
        return false;
    }

    @Override
    public void setDateHeader(String name, long date) {
        setHeader(name, HttpDates.format(date));
    }

    @Override
    public void addDateHeader(String name, long date) {
        addHeader(name, HttpDates.format(date));
    }

    @Override
    public void setIntHeader(String name, int value) {
        setHeader(name, Integer.toString(value));
    }

    @Override
    public void addIntHeader(String name, int value) {
        addHeader(name, Integer.toString(value));
    }

    @Override
    public boolean containsHeader(String name) {
        return getHeader(name) != null;
    }

    @Override
    public String getHeader(String name) {
        if (name == null) {
            return null;
        }
        if (name.equalsIgnoreCase("Content-Type")) {
            return getContentType();
        }
        if (name.equalsIgnoreCase("Content-Length")) {
            return contentLength >= 0 ? Long.toString(contentLength) : null;
        }
        return headers.get(name);
    }

    @Override
    public Collection<String> getHeaders(String name) {
        String special = name != null && (name.equalsIgnoreCase("Content-Type")
                || name.equalsIgnoreCase("Content-Length")) ? getHeader(name) : null;
        if (special != null) {
            return java.util.List.of(special);
        }
        return headers.getAll(name);
    }

    @Override
    public Collection<String> getHeaderNames() {
        java.util.List<String> names = new java.util.ArrayList<>(headers.names());
        if (getContentType() != null) {
            names.add("Content-Type");
        }
        if (contentLength >= 0) {
            names.add("Content-Length");
        }
        return names;
    }

    @Override
    public void addCookie(Cookie cookie) {
        if (cookie == null || immutable()) {
            return;
        }
        setCookieHeader(cookie);
    }

    private void setCookieHeader(Cookie cookie) {
        headers.add("Set-Cookie", Cookies.format(cookie));
        headers.set("Expires", HttpDates.format(0));
    }

    // ---- content type and encoding

    @Override
    public void setContentType(String type) {
        if (immutable()) {
            return;
        }
        if (type == null) {
            setHeader("Content-Type", null);
            return;
        }
        ResponseHeaders.checkValue(type); // the same refusal as any header's value: no response splitting
        String charset = ContentTypes.charsetOf(type);
        mimeType = ContentTypes.withoutCharset(type);
        if (charset != null && mode != Mode.WRITER && ResponseHeaders.token(charset)) {
            characterEncoding = charset.toLowerCase(Locale.ROOT);
            encodingFixed = true;
        }
    }

    @Override
    public String getContentType() {
        if (mimeType == null) {
            return null;
        }
        if (characterEncoding != null && (encodingFixed || encodingFromLocale || writerCharset)) {
            return mimeType + ";charset=" + characterEncoding.toLowerCase(Locale.ROOT);
        }
        return mimeType;
    }

    @Override
    public void setCharacterEncoding(String charset) {
        if (immutable() || mode == Mode.WRITER) {
            return;
        }
        if (charset == null) {
            characterEncoding = null;
            encodingFixed = false;
            encodingFromLocale = false;
        } else if (ResponseHeaders.token(charset)) {
            characterEncoding = charset;
            encodingFixed = true;
        }
        // a charset that is no token (RFC 9110 8.3.2) is ignored: it could not stand in the Content-Type field
    }

    /** Servlet 6.1's overload, for applications written against it. */
    public void setCharacterEncoding(Charset charset) {
        setCharacterEncoding(charset == null ? null : charset.name());
    }

    @Override
    public String getCharacterEncoding() {
        return characterEncoding != null ? characterEncoding : defaultEncoding;
    }

    /** The encoding used when none is set (the context's response-character-encoding, else ISO-8859-1). */
    public void setDefaultCharacterEncoding(String encoding) {
        defaultEncoding = encoding;
    }

    /**
     * The application's locale-encoding-mapping-list: {@link #setLocale} sets the charset it maps the locale to
     * (null: none) unless one was set by setContentType or setCharacterEncoding, or getWriter was called.
     */
    public void setLocaleEncodings(Function<Locale, String> mapping) {
        localeEncodings = mapping;
    }

    @Override
    public void setLocale(Locale loc) {
        if (immutable() || loc == null) {
            return;
        }
        locale = loc;
        headers.set("Content-Language", loc.toLanguageTag());
        if (!encodingFixed && mode != Mode.WRITER) {
            String charset = localeEncodings.apply(loc);
            if (charset != null) {
                characterEncoding = charset; // a later setLocale may change it again, setCharacterEncoding too
                encodingFromLocale = true;
            }
        }
    }

    @Override
    public Locale getLocale() {
        return locale != null ? locale : Locale.getDefault();
    }

    @Override
    public void setContentLength(int len) {
        setContentLengthLong(len);
    }

    @Override
    public void setContentLengthLong(long len) {
        if (immutable()) {
            return;
        }
        contentLength = len;
        if (len >= 0 && bodyWritten >= len && len > 0 && mode != Mode.NONE) {
            closeOutputQuietly();
        }
    }

    // ---- body

    @Override
    public ServletOutputStream getOutputStream() {
        if (mode == Mode.WRITER) {
            throw new IllegalStateException("getWriter() has been called");
        }
        mode = Mode.STREAM;
        if (stream == null) {
            stream = new Output();
        }
        return stream;
    }

    @Override
    public PrintWriter getWriter() throws UnsupportedEncodingException {
        if (mode == Mode.STREAM) {
            throw new IllegalStateException("getOutputStream() has been called");
        }
        if (writer == null) {
            if (characterEncoding == null) {
                characterEncoding = defaultEncoding;
            }
            Charset charset;
            try {
                charset = Charset.forName(characterEncoding);
            } catch (IllegalCharsetNameException | UnsupportedCharsetException e) {
                throw new UnsupportedEncodingException(characterEncoding);
            }
            mode = Mode.WRITER;
            // the writer's charset joins the Content-Type unless the head is settled (after sendRedirect, as in Jetty
            // and Tomcat: a JSP page's writer is taken at its end); an include's first writer still shows it, as Jetty
            writerCharset = !committed && !appCommitted;
            if (stream == null) {
                stream = new Output();
            }
            writer = new PrintWriter(new OutputStreamWriter(stream, charset), false);
        }
        mode = Mode.WRITER;
        return writer;
    }

    @Override
    public void setBufferSize(int size) {
        if (isCommitted() || count > 0 || bodyWritten > 0) {
            throw new IllegalStateException("setBufferSize after content was written");
        }
        bufferSize = Math.max(size, 1);
        if (buffer.length > bufferSize) {
            buffer = new byte[bufferSize];
        }
    }

    @Override
    public int getBufferSize() {
        return bufferSize;
    }

    /** Moves what the writer holds into the response buffer, without committing anything. */
    private void drainWriter() {
        if (writer != null) {
            drainingWriter = true;
            try {
                writer.flush();
            } finally {
                drainingWriter = false;
            }
        }
    }

    @Override
    public void flushBuffer() throws IOException {
        if (appCommitted) {
            return; // the container completes it (an error page first, after sendError)
        }
        drainWriter();
        commit();
        writeBuffered();
        out.flush();
    }

    @Override
    public void resetBuffer() {
        if (isCommitted()) {
            throw new IllegalStateException("resetBuffer after the response was committed");
        }
        drainWriter();
        count = 0;
        bodyWritten = 0;
    }

    @Override
    public void reset() {
        if (isCommitted()) {
            throw new IllegalStateException("reset after the response was committed");
        }
        resetBuffer();
        status = SC_OK;
        headers.clear();
        mimeType = null;
        characterEncoding = null;
        encodingFixed = false;
        encodingFromLocale = false;
        locale = null;
        contentLength = -1;
        mode = Mode.NONE;
        writerCharset = false;
        writer = null;
        stream = null;
    }

    @Override
    public boolean isCommitted() {
        return committed || appCommitted;
    }

    /** Whether the status and headers have gone to the web server (isCommitted also counts sendError). */
    public boolean isHeadSent() {
        return committed;
    }

    /**
     * The container's own cookie (the session's): added while the head is unsent, even after sendError or
     * sendRedirect, so that a session created while the response finishes keeps its id.
     */
    public void addContainerCookie(Cookie cookie) {
        if (!committed) {
            setCookieHeader(cookie);
        }
    }

    /** The application may not change the status or the headers: committed, included, or after sendError. */
    private boolean immutable() {
        return committed || appCommitted || includeDepth > 0;
    }

    /** How {@link #encodeURL} adds the session id: the container's session tracking (none by default). */
    public void setSessionUrlEncoder(UnaryOperator<String> encoder) {
        this.sessionUrls = encoder;
    }

    /** The client's protocol (SERVER_PROTOCOL): trailers need HTTP/1.1 or later. */
    public void setProtocol(String protocol) {
        trailersPossible = protocol.startsWith("HTTP/") && !protocol.equals("HTTP/1.0")
                && !protocol.equals("HTTP/0.9");
    }

    @Override
    public String encodeURL(String url) {
        return sessionUrls.apply(url);
    }

    @Override
    public String encodeRedirectURL(String url) {
        return sessionUrls.apply(url);
    }

    /**
     * Keeps the supplier for {@link #getTrailerFields}; it is never called, as a FastCGI response has no trailers to
     * carry them (the web server ends the client's response after the body).
     *
     * @throws IllegalStateException if the response is committed, or the client's protocol has no trailers (HTTP/1.0)
     */
    @Override
    public void setTrailerFields(Supplier<Map<String, String>> supplier) {
        if (isCommitted()) {
            throw new IllegalStateException("the response is committed");
        }
        if (!trailersPossible) {
            throw new IllegalStateException("the client's protocol has no trailers");
        }
        trailers = supplier;
    }

    @Override
    public Supplier<Map<String, String>> getTrailerFields() {
        return trailers;
    }

    /** Output is being included: status and headers are not changed by the included resource. */
    public void beginInclude() {
        includeDepth++;
    }

    public void endInclude() {
        includeDepth--;
    }

    // ---- completion, by the container

    /**
     * Ends the response: flushes the writer, gives a response that fits in its buffer its Content-Length, and sends
     * whatever is left. Idempotent.
     *
     * @throws IOException if the web server is gone
     */
    public void complete() throws IOException {
        if (completed) {
            return;
        }
        drainWriter();
        if (!committed && contentLength < 0 && !headers.contains("Transfer-Encoding")
                && !CgiResponseHead.hasNoBody(status)) {
            contentLength = count;
        }
        commit();
        writeBuffered();
        completed = true;
        outputClosed = true;
        out.flush();
    }

    /** Whether the response is complete (everything is sent). */
    public boolean isCompleted() {
        return completed;
    }

    private void commit() throws IOException {
        if (committed) {
            return;
        }
        committed = true;
        CgiResponseHead head = new CgiResponseHead().status(status);
        String type = getContentType();
        if (type != null) {
            head.field("Content-Type", type);
        }
        if (contentLength >= 0 && !CgiResponseHead.hasNoBody(status)) {
            head.field("Content-Length", contentLength);
        }
        for (String[] field : headers.fields()) {
            if (CgiResponseHead.isSent(field[0])) {
                head.field(field[0], field[1]);
            }
        }
        head.writeTo(out);
    }

    private void writeBuffered() throws IOException {
        if (count > 0) {
            if (!head) {
                out.write(buffer, 0, count);
            }
            count = 0;
        }
    }

    private void closeOutputQuietly() {
        try {
            drainWriter();
            commit();
            writeBuffered();
            out.flush();
        } catch (IOException e) {
            // the client is gone; the container sees it at completion
        }
        outputClosed = true;
    }

    private void write(byte[] b, int off, int len) throws IOException {
        if (outputClosed || len == 0) {
            return;
        }
        if (contentLength >= 0 && bodyWritten + len > contentLength) {
            throw new IllegalStateException("too much content written: Content-Length is " + contentLength);
        }
        bodyWritten += len;
        if (count + len <= bufferSize) {
            if (count + len > buffer.length) {
                buffer = java.util.Arrays.copyOf(buffer, Math.min(bufferSize, Math.max(count + len,
                        buffer.length * 2)));
            }
            System.arraycopy(b, off, buffer, count, len);
            count += len;
        } else {
            commit();
            writeBuffered();
            if (len >= bufferSize) {
                if (!head) {
                    out.write(b, off, len);
                }
            } else {
                if (len > buffer.length) {
                    buffer = new byte[Math.min(bufferSize, Math.max(len, buffer.length * 2))];
                }
                System.arraycopy(b, off, buffer, 0, len);
                count = len;
            }
        }
        if (contentLength >= 0 && bodyWritten >= contentLength) {
            closeOutputQuietly();
        }
    }

    /** The servlet's output stream over the response buffer. */
    private final class Output extends ServletOutputStream {
        private final byte[] one = new byte[1];

        @Override
        public void write(int b) throws IOException {
            one[0] = (byte) b;
            BridgeResponse.this.write(one, 0, 1);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            java.util.Objects.checkFromIndexSize(off, len, b.length);
            BridgeResponse.this.write(b, off, len);
        }

        /** Sends what is buffered to the web server now (committing the response): server-sent events work. */
        @Override
        public void flush() throws IOException {
            if (drainingWriter || appCommitted || outputClosed && committed || includeDepth > 0) {
                return;
            }
            commit();
            writeBuffered();
            out.flush();
        }

        @Override
        public void close() throws IOException {
            if (includeDepth > 0) {
                return;
            }
            complete();
        }

        /** Always: a write blocks until the web server has taken the bytes (and never fails for being early). */
        @Override
        public boolean isReady() {
            return true;
        }

        /**
         * @throws NullPointerException  if the listener is null
         * @throws IllegalStateException if the request is not in asynchronous mode, or a listener was set already
         */
        @Override
        public void setWriteListener(WriteListener listener) {
            java.util.Objects.requireNonNull(listener, "writeListener");
            if (writeListener != null) {
                throw new IllegalStateException("a WriteListener is set already");
            }
            if (writeListenerHost == null || !writeListenerHost.isAsyncStarted()) {
                throw new IllegalStateException("non-blocking writes need asynchronous mode (startAsync)");
            }
            writeListener = listener;
            writeListenerHost.wantTurn();
        }
    }
}
