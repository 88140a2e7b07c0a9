package org.fcgibridge.core.testing;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * A real Caddy, run in the foreground on loopback from a Caddyfile the test gives: {@code 127.0.0.1:PORT} in it
 * becomes the address Caddy listens on. Its state (certificates, autosave) stays in the test's directory.
 */
public final class CaddyProcess {
    private CaddyProcess() {
    }

    /** The caddy binary, or a skipped test that says how to install it. */
    public static Path binary() {
        Path caddy = Peers.find("caddy");
        assumeTrue(caddy != null, Peers.missing("caddy", "caddy"));
        return caddy;
    }

    public static WebServer start(Path dir, String caddyfile) throws IOException, InterruptedException {
        Path caddy = binary();
        int port = NginxProcess.freePort();
        Files.createDirectories(dir);
        Path config = dir.resolve("Caddyfile");
        Files.writeString(config, caddyfile.replace("127.0.0.1:PORT", "127.0.0.1:" + port));
        return WebServerProcess.start(List.of(caddy.toString(), "run", "--config", config.toString(), "--adapter",
                "caddyfile"), Map.of("HOME", dir.toString(), "XDG_DATA_HOME", dir.resolve("data").toString(),
                "XDG_CONFIG_HOME", dir.resolve("config").toString()), dir, dir.resolve("stdout.log"), port);
    }
}
