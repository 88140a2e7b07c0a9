package org.fcgibridge.servlet.embedded;

import java.nio.file.Path;
import org.fcgibridge.core.net.ListenAddress;
import org.fcgibridge.core.runner.RunnerFactory;
import org.fcgibridge.core.server.FcgiServer;
import org.fcgibridge.core.server.ServerParams;
import org.fcgibridge.servlet.ServletResponder;
import org.fcgibridge.servlet.security.RealmFile;
import org.fcgibridge.servlet.war.WebAppDeployer;

/**
 * What a project embedding the standalone container does, run by {@link StandaloneWithoutJettyTest} in a JVM whose
 * class path has no Jetty jar: deploys a WAR with a realm, serves it over FastCGI, prints {@code port=N}, and stops
 * when its standard input ends.
 *
 * <p>Arguments: the WAR, a realm file, a work directory, a realm file with a CRYPT: password (which needs Jetty).
 */
public final class EmbeddedStandalone {
    private EmbeddedStandalone() {
    }

    public static void main(String[] args) throws Exception {
        try {
            Class.forName("org.eclipse.jetty.util.security.Credential");
            System.out.println("jetty-present");
            System.exit(2);
        } catch (ClassNotFoundException expected) {
            System.out.println("jetty-absent");
        }
        try {
            RealmFile.load(Path.of(args[3]));
            System.out.println("crypt-accepted");
        } catch (IllegalArgumentException e) {
            System.out.println("crypt-refused: " + e.getMessage());
        }
        RealmFile realm = RealmFile.load(Path.of(args[1]));
        WebAppDeployer.Deployment deployment = WebAppDeployer.deploy(Path.of(args[0]), "/app",
                EmbeddedStandalone.class.getClassLoader(), Path.of(args[2]), context -> context.setRealm(realm));
        try (FcgiServer server = FcgiServer.start(ListenAddress.parse("127.0.0.1:0"), ServerParams.defaults(),
                RunnerFactory.of(new ServletResponder(deployment.context())))) {
            System.out.println("port=" + server.port());
            System.out.flush();
            while (System.in.read() >= 0) {
                // serves until the test closes our input
            }
        } finally {
            deployment.undeploy();
        }
    }
}
