package org.fcgibridge.sample.e2e;

import java.nio.file.Path;
import org.fcgibridge.core.testing.LighttpdProcess;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;

/** The war-sample through the launcher behind lighttpd, configured with docs/examples/lighttpd-fcgi-bridge.conf. */
class BehindLighttpdIT extends SampleBehindWebServer {
    @TempDir
    static Path dir;
    private static RunningBridge bridge;
    private static LighttpdProcess lighttpd;

    @BeforeAll
    static void start() throws Exception {
        LighttpdProcess.binary();
        bridge = RunningBridge.start(dir);
        lighttpd = LighttpdProcess.start(dir.resolve("lighttpd"),
                Examples.pointedAt("lighttpd-fcgi-bridge.conf", bridge.port()));
    }

    @AfterAll
    static void stop() throws Exception {
        if (lighttpd != null) {
            lighttpd.close();
        }
        if (bridge != null) {
            bridge.close();
        }
    }

    @Override
    int port() {
        return lighttpd.port();
    }

    @Override
    String errorLog() {
        return lighttpd.errorLog();
    }
}
