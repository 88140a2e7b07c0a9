package org.fcgibridge.servlet.testing;

import java.nio.file.Path;
import java.time.Duration;
import org.fcgibridge.core.runner.RunnerFactory;
import org.fcgibridge.core.server.FcgiServer;
import org.fcgibridge.core.server.ListenAddress;
import org.fcgibridge.core.server.ServerParams;
import org.fcgibridge.core.testing.NginxProcess;
import org.fcgibridge.servlet.ServletResponder;
import org.fcgibridge.servlet.container.BridgeServletContext;

/**
 * A started web application served by the bridge over FastCGI, behind a real nginx on loopback that passes every
 * request (kept connections, the client's Host as it came, as an nginx on port 80).
 */
public final class BridgeBehindNginx implements AutoCloseable {
    private final BridgeServletContext context;
    private final FcgiServer server;
    private final NginxProcess nginx;

    /**
     * @param context a configured, not yet started context: it is started here
     */
    public BridgeBehindNginx(Path dir, BridgeServletContext context) throws Exception {
        NginxProcess.binary();
        this.context = context;
        context.start();
        server = FcgiServer.start(ListenAddress.parse("127.0.0.1:0"), ServerParams.defaults(),
                RunnerFactory.of(new ServletResponder(context)));
        nginx = NginxProcess.start(dir.resolve("nginx"), String.join("\n",
                "upstream bridge { server 127.0.0.1:" + server.port() + "; keepalive 8; }",
                "server {",
                "  listen 127.0.0.1:PORT;",
                "  location / { include /etc/nginx/fastcgi_params; fastcgi_param HTTP_HOST $http_host;",
                "    fastcgi_param SERVER_PORT 80; fastcgi_keep_conn on; fastcgi_pass bridge; }",
                "}"));
    }

    /** The port nginx listens on. */
    public int port() {
        return nginx.port();
    }

    public BridgeServletContext context() {
        return context;
    }

    /** nginx's error log, for failure messages. */
    public String errorLog() {
        return nginx.errorLog();
    }

    @Override
    public void close() throws Exception {
        nginx.close();
        server.close(Duration.ofSeconds(2));
        context.stop();
    }
}
