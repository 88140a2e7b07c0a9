package org.fcgibridge.core.testing;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * A real h2o, run in the foreground on loopback from a YAML config the test gives ({@code port: PORT} in it becomes
 * the port h2o listens on), with its error log and pid file in the test's directory.
 */
public final class H2oProcess {
    private H2oProcess() {
    }

    /** The h2o binary, or a skipped test that says how to install it. */
    public static Path binary() {
        Path h2o = Peers.find("h2o");
        assumeTrue(h2o != null, Peers.missing("h2o", "h2o"));
        return h2o;
    }

    public static WebServer start(Path dir, String config) throws IOException, InterruptedException {
        Path h2o = binary();
        int port = NginxProcess.freePort();
        Files.createDirectories(dir);
        boolean root = "root".equals(System.getProperty("user.name"));
        Path file = dir.resolve("h2o.conf");
        Files.writeString(file, String.join("\n",
                "error-log: " + dir.resolve("error.log"),
                "pid-file: " + dir.resolve("h2o.pid"),
                root ? "user: root" : "",
                config.replace("port: PORT", "port: " + port), ""));
        return WebServerProcess.start(List.of(h2o.toString(), "-c", file.toString()), Map.of(), dir,
                dir.resolve("error.log"), port);
    }
}
