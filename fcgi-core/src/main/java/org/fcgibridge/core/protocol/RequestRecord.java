package org.fcgibridge.core.protocol;

/**
 * What the server knows of one request while it runs, for its operators: the status page lists these, the slow log
 * reads the stack of the thread serving one. Made by {@link ConnectionProtocol} when a request starts and handed to its
 * {@link ProtocolMonitor}; the engine that runs the request says which thread serves it and how it answered.
 */
public final class RequestRecord {
    private final int requestId;
    private final Params params;
    private final long startedNanos = System.nanoTime();
    private final long startedMillis = System.currentTimeMillis();
    private volatile Thread thread;
    private volatile byte[] head;
    private volatile String runner;
    private volatile boolean aborted;
    private volatile boolean timedOut;

    private final boolean watched;

    /** A request whose params have ended now, watched by a monitor. */
    public RequestRecord(int requestId, Params params) {
        this(requestId, params, true);
    }

    /**
     * @param watched whether a monitor reads what is recorded: if not, the response's head is not kept (it costs a
     *                copy per request)
     */
    public RequestRecord(int requestId, Params params, boolean watched) {
        this.requestId = requestId;
        this.params = params;
        this.watched = watched;
    }

    public int requestId() {
        return requestId;
    }

    public Params params() {
        return params;
    }

    /** REQUEST_METHOD, or "" if the web server sent none. */
    public String method() {
        return params.get("REQUEST_METHOD", "");
    }

    /** REQUEST_URI, the client's, or SCRIPT_NAME + PATH_INFO and the query where the web server sent no REQUEST_URI. */
    public String uri() {
        String uri = params.get("REQUEST_URI", "");
        if (!uri.isEmpty()) {
            return uri;
        }
        String query = params.get("QUERY_STRING", "");
        return params.get("SCRIPT_NAME", "") + params.get("PATH_INFO", "") + (query.isEmpty() ? "" : "?" + query);
    }

    /** When it started ({@link System#nanoTime()}). */
    public long startedNanos() {
        return startedNanos;
    }

    /** When it started (epoch milliseconds). */
    public long startedMillis() {
        return startedMillis;
    }

    /** The thread serving it now, or null while none does (waiting for a thread, or asynchronous). */
    public Thread thread() {
        return thread;
    }

    /** The engine: {@code thread} serves the request from now on (null: none does). */
    public void serving(Thread thread) {
        this.thread = thread;
    }

    /**
     * The status of its response, from the head of its STDOUT (a CGI response): its {@code Status} header, else 302
     * for a {@code Location}, else 200; 0 while nothing has been sent.
     */
    public int status() {
        byte[] sent = head;
        if (sent == null || sent.length == 0) {
            return 0;
        }
        boolean location = false;
        int line = 0;
        for (int i = 0; i <= sent.length; i++) {
            if (i == sent.length || sent[i] == '\n') {
                int end = i > line && sent[i - 1] == '\r' ? i - 1 : i;
                if (end == line) {
                    break; // the blank line: the head has ended
                }
                if (startsWith(sent, line, end, "status:")) {
                    return statusCode(sent, line + 7, end);
                }
                location |= startsWith(sent, line, end, "location:");
                line = i + 1;
            }
        }
        return location ? 302 : 200;
    }

    private static boolean startsWith(byte[] bytes, int from, int to, String lowerCasePrefix) {
        if (to - from < lowerCasePrefix.length()) {
            return false;
        }
        for (int i = 0; i < lowerCasePrefix.length(); i++) {
            if (Character.toLowerCase((char) bytes[from + i]) != lowerCasePrefix.charAt(i)) {
                return false;
            }
        }
        return true;
    }

    private static int statusCode(byte[] bytes, int from, int to) {
        while (from < to && bytes[from] == ' ') {
            from++;
        }
        int code = 0;
        for (int i = from; i < Math.min(to, from + 3); i++) {
            if (bytes[i] < '0' || bytes[i] > '9') {
                return 200;
            }
            code = code * 10 + bytes[i] - '0';
        }
        return code >= 100 && code <= 999 ? code : 200;
    }

    /** The start of what the response's STDOUT carried (see {@link #status()}). */
    public void responded(byte[] stdoutHead) {
        this.head = stdoutHead;
    }

    /** The engine: {@code stdout} carries the response; it keeps its head if a monitor will want it. */
    public void watch(RecordOutputStream stdout) {
        if (watched) {
            stdout.keepFirstContent();
        }
    }

    /** The engine: the response has been written to {@code stdout} (see {@link #watch}). */
    public void responded(RecordOutputStream stdout) {
        if (watched) {
            head = stdout.firstContent();
        }
    }

    /** What runs it (a servlet's name, a script's path and pid), or null. */
    public String runner() {
        return runner;
    }

    /** The engine: what runs the request. */
    public void runBy(String runner) {
        this.runner = runner;
    }

    public boolean isAborted() {
        return aborted;
    }

    /** The web server aborted the request. */
    public void abort() {
        aborted = true;
    }

    public boolean isTimedOut() {
        return timedOut;
    }

    /** The engine: the request ran past its time limit. */
    public void timeOut() {
        timedOut = true;
    }

    @Override
    public String toString() {
        return method() + " " + uri();
    }
}
