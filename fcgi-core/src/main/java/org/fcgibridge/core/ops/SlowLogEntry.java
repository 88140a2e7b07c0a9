package org.fcgibridge.core.ops;

import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import org.fcgibridge.core.cgi.RunningScript;
import org.fcgibridge.core.protocol.RequestRecord;

/**
 * One entry of the slow log, in php-fpm's layout so that the tools and habits of its operators apply: a header with
 * the time, the pool and the pid, {@code key = value} lines, the stack, a blank line. The stack is the serving Java
 * thread's, as Java prints it; a CGI script's entry gives its process instead.
 */
final class SlowLogEntry {
    /** php-fpm's time stamp: {@code 18-Aug-2012 17:39:43}. */
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("dd-MMM-yyyy HH:mm:ss", Locale.ROOT);
    /** What php-fpm calls the pool: one bridge is one pool; its pid tells two apart. */
    private static final String POOL = "fcgi-bridge";

    private final StringBuilder text = new StringBuilder(1024);

    /**
     * The lines every entry has.
     *
     * @param serverPid     this JVM's process id
     * @param scriptFilename what runs the request ({@link #scriptFilename})
     */
    SlowLogEntry(ZonedDateTime at, long serverPid, String scriptFilename, RequestRecord request, long elapsedMillis) {
        text.append('[').append(TIME.format(at)).append("]  [pool ").append(POOL).append("] pid ").append(serverPid)
                .append('\n');
        line("script_filename", scriptFilename);
        line("request", request.method() + " " + request.uri());
        line("elapsed", elapsedMillis + " ms");
    }

    /**
     * What the {@code script_filename} line names: the running CGI script, else what the engine says runs the request
     * (a servlet), else the request's path: a servlet's request carries the web server's idea of a file, which names
     * nothing here.
     */
    static String scriptFilename(RequestRecord request, RunningScript script) {
        if (script != null) {
            return script.script().toString();
        }
        String runner = request.runner();
        if (runner != null && !runner.isEmpty()) {
            return runner;
        }
        String uri = request.uri();
        int query = uri.indexOf('?');
        return query < 0 ? uri : uri.substring(0, query);
    }

    /** A Java thread serves the request: its name and its stack, as Java prints one. */
    String withStack(Thread thread, StackTraceElement[] stack) {
        line("thread", thread.getName());
        for (StackTraceElement frame : stack) {
            text.append("\tat ").append(frame).append('\n');
        }
        return end();
    }

    /** A CGI script serves the request: the thread that waits for it, and its process. */
    String withScript(Thread thread, RunningScript script) {
        line("thread", thread.getName());
        line("script_pid", script.pid().isPresent() ? Long.toString(script.pid().getAsLong()) : "unknown");
        line("command", script.commandLine());
        return end();
    }

    /** No thread serves the request at this moment: it is asynchronous, or waits for a thread. */
    String withoutThread() {
        line("thread", "none (the request is asynchronous, or waits for a thread)");
        return end();
    }

    private void line(String key, String value) {
        text.append(key).append(" = ").append(oneLine(value)).append('\n');
    }

    /** A value from the client (the URI) must not forge lines of the log. */
    private static String oneLine(String value) {
        StringBuilder s = null;
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c < 0x20 || c == 0x7f) {
                if (s == null) {
                    s = new StringBuilder(value.length() + 8).append(value, 0, i);
                }
                s.append(String.format("\\x%02x", (int) c));
            } else if (s != null) {
                s.append(c);
            }
        }
        return s == null ? value : s.toString();
    }

    private String end() {
        return text.append('\n').toString();
    }
}
