package org.fcgibridge.core.protocol;

/**
 * What the server knows of one request while it runs, for its operators: the status page lists these, the slow log
 * reads the stack of the thread serving one. Made by {@link ConnectionProtocol} when a request starts and handed to its
 * {@link ProtocolMonitor}; the engine that runs the request says which thread serves it, what runs it and how it
 * answered. Where no monitor watches, every request shares one record that drops what the engine says: nothing is
 * allocated or kept for operators who do not look.
 */
public sealed class RequestRecord {
    /** The record of every request where no monitor watches: it keeps nothing. */
    static final RequestRecord UNWATCHED = new Unwatched();

    private final int requestId;
    private final Params params;
    private final long startedNanos = System.nanoTime();
    private final long startedMillis = System.currentTimeMillis();
    private volatile Thread thread;
    private volatile byte[] head;
    private volatile String runnerName;
    private volatile String runnerClass;
    private volatile boolean aborted;
    private volatile boolean timedOut;

    /** A request whose params have ended now, watched by a monitor. */
    public RequestRecord(int requestId, Params params) {
        this.requestId = requestId;
        this.params = params;
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

    /** The engine: {@code stdout} carries the response; its head is kept for the monitor (see {@link #status()}). */
    public void watch(RecordOutputStream stdout) {
        stdout.keepFirstContent();
    }

    /** The engine: the response has been written to {@code stdout} (see {@link #watch}). */
    public void responded(RecordOutputStream stdout) {
        head = stdout.firstContent();
    }

    /**
     * What runs it, as the engine names it, or null: the name, followed by the class in parentheses where the name is
     * not the class's ({@code report (com.example.ReportServlet)}, {@code com.example.ReportServlet}).
     */
    public String runner() {
        String name = runnerName;
        String className = runnerClass;
        if (name == null || className == null || className.equals(name)) {
            return name != null ? name : className;
        }
        return name + " (" + className + ")";
    }

    /**
     * The engine: what runs the request (a servlet), told as it is mapped. Kept as given and joined only when read, so
     * that telling costs nothing.
     *
     * @param name      its name, or null
     * @param className the class that implements it, or null
     */
    public void runBy(String name, String className) {
        this.runnerName = name;
        this.runnerClass = className;
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

    /** {@link #UNWATCHED}: shared by every request, so it drops what the engine says of one. */
    private static final class Unwatched extends RequestRecord {
        Unwatched() {
            super(0, Params.empty());
        }

        @Override
        public void serving(Thread thread) {
        }

        @Override
        public void responded(byte[] stdoutHead) {
        }

        @Override
        public void watch(RecordOutputStream stdout) {
        }

        @Override
        public void responded(RecordOutputStream stdout) {
        }

        @Override
        public void runBy(String name, String className) {
        }

        @Override
        public void abort() {
        }

        @Override
        public void timeOut() {
        }
    }
}
