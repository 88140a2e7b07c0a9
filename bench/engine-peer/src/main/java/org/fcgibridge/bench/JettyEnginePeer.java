package org.fcgibridge.bench;

import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.fcgibridge.servlet.jetty.FcgiConnectionFactory;

/**
 * The hello servlet of the benchmark in Jetty 12.1 behind fcgi-bridge's FcgiConnectionFactory, configured as the
 * embedding documentation shows. {@code java -cp fcgi-bridge.jar:classes ... JettyEnginePeer PORT}
 */
public final class JettyEnginePeer {
    private JettyEnginePeer() {
    }

    /** The same answer as the other peers'. */
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
        Server server = new Server(new QueuedThreadPool(200));
        ServerConnector connector = new ServerConnector(server, new FcgiConnectionFactory());
        connector.setHost("127.0.0.1");
        connector.setPort(Integer.parseInt(args[0]));
        connector.setAcceptQueueSize(1024);
        server.addConnector(connector);
        ServletContextHandler context = new ServletContextHandler();
        context.setContextPath("/");
        context.addServlet(HelloServlet.class, "/*");
        server.setHandler(context);
        server.start();
        System.out.println("fcgi-bridge Jetty engine (Jetty " + Server.getVersion() + ") listening on 127.0.0.1:"
                + args[0]);
        server.join();
    }
}
