package org.fcgibridge.core.testing;

/** A real web server a test started on loopback: where it listens for HTTP, and its log for failure messages. */
public interface WebServer extends AutoCloseable {
    int port();

    String errorLog();

    @Override
    void close() throws InterruptedException;
}
