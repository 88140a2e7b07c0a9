package org.fcgibridge.bench;

import org.eclipse.jetty.ee10.webapp.WebAppContext;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;

/**
 * The reference for the startup benchmark: Jetty 12 deploying a WAR (annotations scanned, as the bridge does) and
 * serving HTTP itself. {@code java -cp ... JettyWarPeer WAR PORT}
 */
public final class JettyWarPeer {
    private JettyWarPeer() {
    }

    public static void main(String[] args) throws Exception {
        Server server = new Server();
        ServerConnector connector = new ServerConnector(server);
        connector.setHost("127.0.0.1");
        connector.setPort(Integer.parseInt(args[1]));
        server.addConnector(connector);
        WebAppContext webapp = new WebAppContext(args[0], "/");
        server.setHandler(webapp);
        server.start();
        System.out.println("Jetty " + Server.getVersion() + " serving " + args[0] + " on 127.0.0.1:" + args[1]);
        server.join();
    }
}
