package org.fcgibridge.bench;

import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.fcgi.server.ServerFCGIConnectionFactory;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.thread.QueuedThreadPool;

/**
 * The peer of the benchmark: Jetty 12.0's own FastCGI server (jetty-fcgi-server) with a hello servlet, configured as
 * its documentation shows. {@code java -cp ... JettyFcgiPeer PORT}
 */
public final class JettyFcgiPeer {
    private JettyFcgiPeer() {
    }

    /** The same answer as fcgi-core's hello handler. */
    public static final class HelloServlet extends HttpServlet {
        private static final byte[] HELLO = "Hello, World!\n".getBytes(StandardCharsets.US_ASCII);

        @Override
        protected void service(HttpServletRequest request, HttpServletResponse response) throws IOException {
            response.setContentType("text/plain; charset=utf-8");
            response.setContentLength(HELLO.length);
            response.getOutputStream().write(HELLO);
        }
    }

    public static void main(String[] args) throws Exception {
        int port = Integer.parseInt(args[0]);
        Server server = new Server(new QueuedThreadPool(200));
        ServerConnector connector = new ServerConnector(server,
                new ServerFCGIConnectionFactory(new HttpConfiguration()));
        connector.setHost("127.0.0.1");
        connector.setPort(port);
        server.addConnector(connector);
        ServletContextHandler context = new ServletContextHandler();
        context.setContextPath("/");
        context.addServlet(HelloServlet.class, "/*");
        server.setHandler(context);
        server.start();
        System.out.println("jetty-fcgi-server " + Server.getVersion() + " listening on 127.0.0.1:" + port);
        server.join();
    }
}
