package org.fcgibridge.sample.e2e;

import java.nio.file.Path;
import org.fcgibridge.core.testing.NginxProcess;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;

/** The war-sample through the launcher behind nginx, configured with docs/examples/nginx-fcgi-bridge.conf. */
class BehindNginxIT extends SampleBehindWebServer {
    @TempDir
    static Path dir;
    private static RunningBridge bridge;
    private static NginxProcess nginx;

    @BeforeAll
    static void start() throws Exception {
        NginxProcess.binary();
        bridge = RunningBridge.start(dir);
        nginx = NginxProcess.start(dir.resolve("nginx"), Examples.pointedAt("nginx-fcgi-bridge.conf", bridge.port())
                .replace("listen 127.0.0.1:8080;", "listen 127.0.0.1:PORT;")
                .replace("include fastcgi_params;", "include /etc/nginx/fastcgi_params;"));
    }

    @AfterAll
    static void stop() throws Exception {
        if (nginx != null) {
            nginx.close();
        }
        if (bridge != null) {
            bridge.close();
        }
    }

    @Override
    int port() {
        return nginx.port();
    }

    @Override
    String errorLog() {
        return nginx.errorLog();
    }
}
