package org.fcgibridge.core.testing;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * A real nginx, started on loopback from a generated config in a directory of the test's, stopped on close. The
 * config is the caller's http-level content (upstreams and a server block) wrapped in what every test needs.
 */
public final class NginxProcess implements WebServer {
    private final WebServerProcess server;

    private NginxProcess(WebServerProcess server) {
        this.server = server;
    }

    /** The nginx binary, or a skipped test that says how to install it. */
    public static Path binary() {
        Path nginx = Peers.find("nginx");
        assumeTrue(nginx != null, Peers.missing("nginx", "nginx-light"));
        return nginx;
    }

    /** A free TCP port on loopback (free when asked; good enough for a test). */
    public static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    /**
     * Starts nginx with {@code httpContent} inside its http block; {@code 127.0.0.1:PORT} in it becomes the address nginx
     * listens on (returned by {@link #port()}).
     */
    public static NginxProcess start(Path dir, String httpContent) throws IOException, InterruptedException {
        Path nginx = binary();
        int port = freePort();
        Files.createDirectories(dir);
        boolean root = "root".equals(System.getProperty("user.name"));
        String config = String.join("\n",
                root ? "user root;" : "",
                "worker_processes 1;",
                "daemon off;",
                "error_log " + dir.resolve("error.log") + " info;",
                "pid " + dir.resolve("nginx.pid") + ";",
                "events { worker_connections 1024; }",
                "http {",
                "  access_log off;",
                "  client_body_temp_path " + dir.resolve("client_body") + ";",
                "  fastcgi_temp_path " + dir.resolve("fastcgi") + ";",
                "  proxy_temp_path " + dir.resolve("proxy") + ";",
                "  uwsgi_temp_path " + dir.resolve("uwsgi") + ";",
                "  scgi_temp_path " + dir.resolve("scgi") + ";",
                "  client_max_body_size 0;",
                httpContent.replace("127.0.0.1:PORT", "127.0.0.1:" + port),
                "}", "");
        Path conf = dir.resolve("nginx.conf");
        Files.writeString(conf, config);
        return new NginxProcess(WebServerProcess.start(List.of(nginx.toString(), "-p", dir.toString(), "-c",
                conf.toString()), Map.of(), dir, dir.resolve("error.log"), port));
    }

    @Override
    public int port() {
        return server.port();
    }

    /** nginx's error log, for failure messages. */
    @Override
    public String errorLog() {
        return server.errorLog();
    }

    @Override
    public void close() throws InterruptedException {
        server.close();
    }
}
