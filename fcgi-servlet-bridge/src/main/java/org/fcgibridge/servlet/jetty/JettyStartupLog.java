package org.fcgibridge.servlet.jetty;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.eclipse.jetty.logging.JettyAppender;
import org.eclipse.jetty.logging.JettyLogger;
import org.eclipse.jetty.logging.StdErrAppender;
import org.slf4j.LoggerFactory;

/**
 * Holds what Jetty logs (through its own logging, jetty-slf4j-impl, to stderr) while the launcher starts, until it is
 * known whether the start succeeded: then it is written as it would have been; after a failure it is dropped, since
 * Jetty's account of a failed deployment is dozens of lines of stack trace around the one line the launcher prints.
 *
 * <p>For the launcher's own JVM, where nothing else logs meanwhile: Jetty's stderr is one per JVM.
 */
public final class JettyStartupLog {
    private static final JettyStartupLog NONE = new JettyStartupLog(null, null, null);

    private final StdErrAppender appender;
    /** Null when Jetty writes to System.err as it is at each record. */
    private final PrintStream original;
    private final ByteArrayOutputStream held;

    private JettyStartupLog(StdErrAppender appender, PrintStream original, ByteArrayOutputStream held) {
        this.appender = appender;
        this.original = original;
        this.held = held;
    }

    /** Starts holding; nothing is held when Jetty logs elsewhere (a logging configuration of the user's). */
    public static JettyStartupLog hold() {
        org.slf4j.Logger logger = LoggerFactory.getLogger(org.eclipse.jetty.server.Server.class);
        if (!(logger instanceof JettyLogger)) {
            return NONE;
        }
        JettyAppender appender = ((JettyLogger) logger).getAppender();
        if (!(appender instanceof StdErrAppender)) {
            return NONE;
        }
        StdErrAppender stderr = (StdErrAppender) appender;
        ByteArrayOutputStream held = new ByteArrayOutputStream();
        JettyStartupLog log = new JettyStartupLog(stderr, stderr.getStream(), held);
        stderr.setStream(new PrintStream(held, true, StandardCharsets.UTF_8));
        return log;
    }

    /** Holds nothing. */
    public static JettyStartupLog none() {
        return NONE;
    }

    /** Stops holding: what was held is written if the start succeeded, dropped if not. */
    public void end(boolean started) {
        if (appender == null) {
            return;
        }
        appender.setStream(original);
        if (started) {
            PrintStream out = original != null ? original : System.err;
            out.write(held.toByteArray(), 0, held.size());
            out.flush();
        }
    }
}
