package org.fcgibridge.servlet;

import java.io.Closeable;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Locale;

/**
 * One line per request, in the combined log format web servers use, with the time taken:
 * {@code 127.0.0.1 - alice [25/Nov/2026:19:45:01 +0000] "GET /hello?x=1 HTTP/1.1" 200 14 "-" "curl/8.5" 0.002}.
 */
public final class AccessLog implements Closeable {
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("dd/MMM/yyyy:HH:mm:ss Z", Locale.US);

    private final PrintStream out;
    private final boolean owned;

    private AccessLog(PrintStream out, boolean owned) {
        this.out = out;
        this.owned = owned;
    }

    /**
     * @param target a file name (appended to), or "-" for {@code stdout}
     * @throws IOException if the file cannot be opened
     */
    public static AccessLog open(String target, PrintStream stdout) throws IOException {
        if (target.equals("-")) {
            return new AccessLog(stdout, false);
        }
        OutputStream file = new FileOutputStream(target, true);
        return new AccessLog(new PrintStream(file, true, StandardCharsets.UTF_8), true);
    }

    /** Writes the line of one request. */
    public void log(String remoteAddr, String user, String method, String uri, String protocol, int status,
                    long bytes, String referer, String userAgent, long nanos) {
        String line = (remoteAddr == null ? "-" : remoteAddr) + " - " + (user == null ? "-" : user) + " ["
                + TIME.format(ZonedDateTime.now()) + "] \"" + method + " " + uri + " " + protocol + "\" " + status + " "
                + bytes + " \"" + (referer == null ? "-" : referer) + "\" \"" + (userAgent == null ? "-" : userAgent)
                + "\" " + String.format(Locale.ROOT, "%.3f", nanos / 1e9);
        synchronized (out) {
            out.println(line);
        }
    }

    @Override
    public void close() {
        if (owned) {
            out.close();
        } else {
            out.flush();
        }
    }
}
