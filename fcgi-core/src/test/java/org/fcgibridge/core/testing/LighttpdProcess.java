package org.fcgibridge.core.testing;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * A real lighttpd, started in the foreground on loopback from a generated config: the caller's content (its
 * fastcgi.server) after the globals every test needs. {@code server.port = PORT} in the content, or its absence, makes
 * lighttpd listen on a free loopback port.
 */
public final class LighttpdProcess {
    private LighttpdProcess() {
    }

    /** The lighttpd binary, or a skipped test that says how to install it. */
    public static Path binary() {
        Path lighttpd = Peers.find("lighttpd");
        assumeTrue(lighttpd != null, Peers.missing("lighttpd", "lighttpd"));
        return lighttpd;
    }

    /**
     * Starts lighttpd; {@code content} follows the globals (a document root of its own replaces the test's, its
     * server.port and server.bind are dropped).
     */
    public static WebServer start(Path dir, String content) throws IOException, InterruptedException {
        Path lighttpd = binary();
        int port = NginxProcess.freePort();
        Files.createDirectories(dir.resolve("www"));
        String config = String.join("\n",
                content.contains("server.document-root") ? "" : "server.document-root = \"" + dir.resolve("www") + "\"",
                "server.bind = \"127.0.0.1\"",
                "server.port = " + port,
                "server.errorlog = \"" + dir.resolve("error.log") + "\"",
                "server.max-request-size = 0",
                "server.modules += ( \"mod_fastcgi\" )",
                content.replaceAll("(?m)^\\s*server\\.(port|bind)\\s*=.*$", ""), "");
        Path conf = dir.resolve("lighttpd.conf");
        Files.writeString(conf, config);
        return WebServerProcess.start(List.of(lighttpd.toString(), "-D", "-f", conf.toString()),
                Map.of(), dir, dir.resolve("error.log"), port);
    }
}
