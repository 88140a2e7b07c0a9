package org.fcgibridge.servlet.http;

import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.OutputStream;

/**
 * The client went away: the connection that carries the response failed while the application wrote it (an aborted
 * download; the web server closed its FastCGI connection). No fault of the application and nothing anyone can
 * answer, so the container logs it as one line at DEBUG, where any client could otherwise fill the log with stack
 * traces (Tomcat's ClientAbortException, Jetty's EofException).
 */
public final class ClientAbortException extends IOException {
    private static final long serialVersionUID = 1L;

    /** The failure of the response's connection. */
    public ClientAbortException(IOException cause) {
        super("the client went away: " + cause.getMessage(), cause);
    }

    /** Whether {@code failure} is, or was caused by, a ClientAbortException. */
    public static boolean isCause(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof ClientAbortException) {
                return true;
            }
        }
        return false;
    }

    /**
     * The response's connection, whose failures become ClientAbortExceptions. An InterruptedIOException (the
     * request was aborted or timed out) stays what it is.
     */
    public static OutputStream watch(OutputStream connection) {
        return new FilterOutputStream(connection) {
            @Override
            public void write(int b) throws IOException {
                try {
                    out.write(b);
                } catch (IOException e) {
                    throw translate(e);
                }
            }

            @Override
            public void write(byte[] b, int off, int len) throws IOException {
                try {
                    out.write(b, off, len);
                } catch (IOException e) {
                    throw translate(e);
                }
            }

            @Override
            public void flush() throws IOException {
                try {
                    out.flush();
                } catch (IOException e) {
                    throw translate(e);
                }
            }

            @Override
            public void close() throws IOException {
                try {
                    out.close();
                } catch (IOException e) {
                    throw translate(e);
                }
            }
        };
    }

    private static IOException translate(IOException e) {
        return e instanceof InterruptedIOException || e instanceof ClientAbortException ? e
                : new ClientAbortException(e);
    }
}
