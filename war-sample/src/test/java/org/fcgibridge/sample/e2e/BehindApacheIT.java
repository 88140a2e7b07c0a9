package org.fcgibridge.sample.e2e;

import java.nio.file.Path;
import org.fcgibridge.core.testing.ApacheProcess;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;

/** The war-sample through the launcher behind Apache httpd, configured with docs/examples/apache-fcgi-bridge.conf. */
class BehindApacheIT extends SampleBehindWebServer {
    @TempDir
    static Path dir;
    private static RunningBridge bridge;
    private static ApacheProcess apache;

    @BeforeAll
    static void start() throws Exception {
        ApacheProcess.binary();
        bridge = RunningBridge.start(dir);
        apache = ApacheProcess.start(dir.resolve("apache"), Examples.pointedAt("apache-fcgi-bridge.conf",
                bridge.port()).replace("<VirtualHost 127.0.0.1:8080>", "<VirtualHost 127.0.0.1:PORT>"));
    }

    @AfterAll
    static void stop() throws Exception {
        if (apache != null) {
            apache.close();
        }
        if (bridge != null) {
            bridge.close();
        }
    }

    @Override
    int port() {
        return apache.port();
    }

    @Override
    String errorLog() {
        return apache.errorLog();
    }
}
