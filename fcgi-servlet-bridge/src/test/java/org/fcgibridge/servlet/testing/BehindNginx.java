package org.fcgibridge.servlet.testing;

import jakarta.servlet.ServletContainerInitializer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.fcgibridge.core.net.ListenAddress;
import org.fcgibridge.core.runner.RunnerFactory;
import org.fcgibridge.core.server.FcgiServer;
import org.fcgibridge.core.server.ServerParams;
import org.fcgibridge.core.testing.NginxProcess;
import org.fcgibridge.servlet.ServletResponder;
import org.fcgibridge.servlet.container.BridgeServletContext;
import org.fcgibridge.servlet.container.WebResources;
import org.fcgibridge.servlet.jetty.FcgiConnectionFactory;

/**
 * A web application, made by its ServletContainerInitializers, served over FastCGI by one of the bridge's engines,
 * behind a real nginx on loopback (kept connections, the client's Host as it came, as an nginx on port 80).
 */
public final class BehindNginx implements AutoCloseable {
    /** Which engine serves the application. */
    public enum Engine {
        /** The bridge's own container in fcgi-core's server. */
        STANDALONE,
        /** Jetty 12 ee10 through {@link FcgiConnectionFactory}. */
        JETTY
    }

    private final AutoCloseable backend;
    private final NginxProcess nginx;

    private BehindNginx(AutoCloseable backend, int fastcgiPort, Path dir) throws Exception {
        this.backend = backend;
        try {
            nginx = NginxProcess.start(dir.resolve("nginx"), String.join("\n",
                    "upstream bridge { server 127.0.0.1:" + fastcgiPort + "; keepalive 8; }",
                    "server {",
                    "  listen 127.0.0.1:PORT;",
                    "  location / { include /etc/nginx/fastcgi_params; fastcgi_param HTTP_HOST $http_host;",
                    "    fastcgi_param SERVER_PORT 80; fastcgi_keep_conn on; fastcgi_pass bridge; }",
                    "}"));
        } catch (Exception | Error e) {
            backend.close();
            throw e;
        }
    }

    /**
     * Starts the application (its initializers with their {@code @HandlesTypes} classes) in {@code engine}, and
     * nginx in front.
     */
    public static BehindNginx start(Engine engine, Path dir,
                                    Map<ServletContainerInitializer, Set<Class<?>>> initializers) throws Exception {
        NginxProcess.binary();
        if (engine == Engine.STANDALONE) {
            BridgeServletContext context = new BridgeServletContext("", BehindNginx.class.getClassLoader(),
                    WebResources.none());
            initializers.forEach(context::addServletContainerInitializer);
            return standalone(dir, context);
        }
        Server jetty = new Server(new QueuedThreadPool(64, 4));
        ServerConnector connector = new ServerConnector(jetty, new FcgiConnectionFactory());
        connector.setHost("127.0.0.1");
        jetty.addConnector(connector);
        ServletContextHandler context = new ServletContextHandler(ServletContextHandler.SESSIONS);
        context.setContextPath("/");
        initializers.forEach((initializer, classes) -> context.addServletContainerInitializer(initializer,
                classes == null ? new Class<?>[0] : classes.toArray(new Class<?>[0])));
        jetty.setHandler(context);
        jetty.start();
        return new BehindNginx(jetty::stop, connector.getLocalPort(), dir);
    }

    /** Starts a configured, not yet started standalone context, and nginx in front. */
    public static BehindNginx standalone(Path dir, BridgeServletContext context) throws Exception {
        NginxProcess.binary();
        context.start();
        FcgiServer server = FcgiServer.start(ListenAddress.parse("127.0.0.1:0"), ServerParams.defaults(),
                RunnerFactory.of(new ServletResponder(context)));
        return new BehindNginx(() -> {
            server.close(Duration.ofSeconds(2));
            context.stop();
        }, server.port(), dir);
    }

    /** The port nginx listens on. */
    public int port() {
        return nginx.port();
    }

    /** nginx's error log, for failure messages. */
    public String errorLog() {
        return nginx.errorLog();
    }

    @Override
    public void close() throws Exception {
        nginx.close();
        backend.close();
    }
}
