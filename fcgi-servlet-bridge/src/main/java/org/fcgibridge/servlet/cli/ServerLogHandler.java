package org.fcgibridge.servlet.cli;

import java.util.logging.ConsoleHandler;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.logging.SimpleFormatter;
import java.util.logging.StreamHandler;

/**
 * The launcher's log: one line per java.util.logging record on stderr, as the JDK's default ConsoleHandler writes
 * it, but not a ConsoleHandler. java.util.logging is one per JVM and the server owns it: Spring Boot (and other
 * frameworks) take a root logger whose only handler is a ConsoleHandler for an unconfigured JVM, remove it and
 * send every record, the server's included, to the application's own logging (stdout, then nowhere once the
 * application stops, and its class loader pinned meanwhile). A handler of our own class keeps them off.
 */
final class ServerLogHandler extends StreamHandler {
    private ServerLogHandler() {
        super(System.err, new SimpleFormatter());
    }

    /**
     * Puts a ServerLogHandler in place of the root logger's default ConsoleHandler, with its level; nothing when the
     * user configured java.util.logging (a config file or class) or the root logger has other handlers.
     */
    static void install() {
        if (System.getProperty("java.util.logging.config.file") != null
                || System.getProperty("java.util.logging.config.class") != null) {
            return;
        }
        Logger root = Logger.getLogger("");
        Handler[] handlers = root.getHandlers();
        if (handlers.length == 1 && handlers[0].getClass() == ConsoleHandler.class) {
            ServerLogHandler handler = new ServerLogHandler();
            handler.setLevel(handlers[0].getLevel());
            root.removeHandler(handlers[0]);
            root.addHandler(handler);
        }
    }

    @Override
    public synchronized void publish(LogRecord record) {
        super.publish(record);
        flush();
    }

    @Override
    public synchronized void close() {
        flush(); // System.err stays open
    }
}
