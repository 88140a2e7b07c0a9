package org.fcgibridge.servlet.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.util.logging.ConsoleHandler;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class ServerLogHandlerTest {
    private final Logger root = Logger.getLogger("");
    private Handler[] saved;

    @BeforeEach
    void aRootWithTheJdksDefaultConsoleHandler() {
        saved = root.getHandlers();
        for (Handler handler : saved) {
            root.removeHandler(handler);
        }
        ConsoleHandler console = new ConsoleHandler();
        console.setLevel(Level.FINE);
        root.addHandler(console);
    }

    @AfterEach
    void restore() {
        for (Handler handler : root.getHandlers()) {
            root.removeHandler(handler);
        }
        for (Handler handler : saved) {
            root.addHandler(handler);
        }
    }

    @Test
    void replacesTheLoneConsoleHandlerWhichFrameworksTakeOver() {
        ServerLogHandler.install();
        Handler[] handlers = root.getHandlers();
        assertEquals(1, handlers.length);
        // what Spring Boot's LogbackLoggingSystem checks before it removes the handler and bridges to SLF4J
        assertFalse(handlers[0] instanceof ConsoleHandler, handlers[0].toString());
        assertEquals(Level.FINE, handlers[0].getLevel());
    }

    @Test
    void leavesAConfigurationOfTheUsersAlone() {
        Handler[] before = root.getHandlers();
        System.setProperty("java.util.logging.config.file", "/etc/fcgi-bridge/logging.properties");
        try {
            ServerLogHandler.install();
        } finally {
            System.clearProperty("java.util.logging.config.file");
        }
        assertArrayEquals(before, root.getHandlers());
    }
}
