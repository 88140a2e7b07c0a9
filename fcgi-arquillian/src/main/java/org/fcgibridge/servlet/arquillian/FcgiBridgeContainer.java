package org.fcgibridge.servlet.arquillian;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;
import org.fcgibridge.servlet.cli.HttpFront;
import org.fcgibridge.servlet.cli.Launch;
import org.fcgibridge.servlet.cli.LaunchException;
import org.fcgibridge.servlet.cli.Launcher;
import org.jboss.arquillian.container.spi.client.container.DeployableContainer;
import org.jboss.arquillian.container.spi.client.container.DeploymentException;
import org.jboss.arquillian.container.spi.client.container.LifecycleException;
import org.jboss.arquillian.container.spi.client.protocol.ProtocolDescription;
import org.jboss.arquillian.container.spi.client.protocol.metadata.HTTPContext;
import org.jboss.arquillian.container.spi.client.protocol.metadata.ProtocolMetaData;
import org.jboss.arquillian.container.spi.client.protocol.metadata.Servlet;
import org.jboss.shrinkwrap.api.Archive;
import org.jboss.shrinkwrap.api.exporter.ZipExporter;

/**
 * Arquillian's container for fcgi-bridge: each deployed web archive is served by the launcher in this JVM, with the
 * engine the configuration names, under the context path of its name ({@code shop.war} at {@code /shop}, {@code
 * ROOT.war} at the root), behind a real FastCGI connection: tests reach it through the launcher's HTTP front, which
 * forwards every request over FastCGI as nginx would.
 *
 * <p>Client-mode tests ({@code @RunAsClient}, {@code @Deployment(testable = false)}) get the application's URL
 * injected with {@code @ArquillianResource URL}. Each deployment has a FastCGI port of its own, and one HTTP front
 * routes to each by its context path, as a web server with a {@code location} per application, so several can be
 * deployed at once and a client may go from one to another.
 */
public final class FcgiBridgeContainer implements DeployableContainer<FcgiBridgeConfiguration> {
    private final Map<String, Deployed> deployed = new ConcurrentHashMap<>();
    private FcgiBridgeConfiguration configuration = new FcgiBridgeConfiguration();
    private HttpFront front;

    private record Deployed(Launch launch, Path dir, String contextPath) {
    }

    @Override
    public Class<FcgiBridgeConfiguration> getConfigurationClass() {
        return FcgiBridgeConfiguration.class;
    }

    @Override
    public void setup(FcgiBridgeConfiguration configuration) {
        this.configuration = configuration;
    }

    /**
     * Starts the HTTP front on a free loopback port; each deployment starts a launcher of its own.
     *
     * @throws LifecycleException if the front cannot listen
     */
    @Override
    public void start() throws LifecycleException {
        try {
            front = HttpFront.start(new InetSocketAddress("127.0.0.1", 0));
        } catch (IOException e) {
            throw new LifecycleException("fcgi-bridge: the HTTP front cannot listen", e);
        }
    }

    /** Stops what is still deployed, and the front. */
    @Override
    public void stop() throws LifecycleException {
        for (String name : List.copyOf(deployed.keySet())) {
            close(deployed.remove(name));
        }
        if (front != null) {
            try {
                front.close(Duration.ZERO);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt(); // stopped all the same
            }
        }
    }

    /** The protocol of in-container tests; client-mode tests need none. */
    @Override
    public ProtocolDescription getDefaultProtocol() {
        return new ProtocolDescription("Servlet 5.0");
    }

    /**
     * Serves {@code archive} (a web archive) with the configured engine.
     *
     * @throws DeploymentException if the launcher refuses the archive or cannot listen
     */
    @Override
    public ProtocolMetaData deploy(Archive<?> archive) throws DeploymentException {
        String contextPath = contextPath(archive.getName());
        Path dir = null;
        Launch launch = null;
        try {
            dir = Files.createTempDirectory("fcgi-arquillian-");
            Path war = dir.resolve(archive.getName().endsWith(".war") ? archive.getName() : archive.getName() + ".war");
            archive.as(ZipExporter.class).exportTo(war.toFile(), true);
            List<String> args = new ArrayList<>(List.of("--war", war.toString(), "--context-path", contextPath,
                    "--engine", configuration.getEngine(), "--listen", "127.0.0.1:0"));
            args.addAll(configuration.extraArguments());
            launch = Launcher.launch(args.toArray(String[]::new));
            close(deployed.remove(archive.getName()));
            front.route(contextPath, launch.fastCgiAddress());
            deployed.put(archive.getName(), new Deployed(launch, dir, contextPath));
        } catch (LaunchException | IOException | RuntimeException e) {
            if (launch != null) {
                launch.close();
            }
            delete(dir);
            throw new DeploymentException("fcgi-bridge cannot deploy " + archive.getName() + ": " + e.getMessage(),
                    e);
        }
        HTTPContext http = new HTTPContext("127.0.0.1", front.port());
        http.add(new Servlet("default", contextPath.isEmpty() ? "/" : contextPath));
        return new ProtocolMetaData().addContext(http);
    }

    /** Stops serving {@code archive}, after its requests in flight. */
    @Override
    public void undeploy(Archive<?> archive) {
        close(deployed.remove(archive.getName()));
    }

    /**
     * The context path of an archive: {@code shop.war} is served at {@code /shop}, {@code ROOT.war} at the root
     * ({@code ""}).
     */
    public static String contextPath(String archiveName) {
        String name = archiveName.endsWith(".war") ? archiveName.substring(0, archiveName.length() - 4) : archiveName;
        return name.equals("ROOT") ? "" : "/" + name;
    }

    private void close(Deployed deployment) {
        if (deployment != null) {
            front.unroute(deployment.contextPath());
            deployment.launch().close();
            delete(deployment.dir());
        }
    }

    private static void delete(Path dir) {
        if (dir == null) {
            return;
        }
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(file -> file.toFile().delete());
        } catch (IOException e) {
            // a temporary directory left behind is all this loses
        }
    }
}
