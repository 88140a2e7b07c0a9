package org.fcgibridge.servlet.arquillian.tck;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.eclipse.jetty.ee10.servlet.DefaultServlet;
import org.eclipse.jetty.ee10.webapp.WebAppContext;
import org.eclipse.jetty.security.HashLoginService;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.handler.ContextHandlerCollection;
import org.eclipse.jetty.util.resource.ResourceFactory;
import org.fcgibridge.servlet.arquillian.FcgiBridgeContainer;
import org.jboss.arquillian.container.spi.ConfigurationException;
import org.jboss.arquillian.container.spi.client.container.ContainerConfiguration;
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
 * The TCK's reference: plain Jetty 12.1 ee10 over HTTP, no FastCGI, each archive a {@code WebAppContext} at the
 * context path {@link FcgiBridgeContainer} gives it, with the TCK's users in a {@code HashLoginService}.
 */
public final class ReferenceJettyContainer implements DeployableContainer<ReferenceJettyContainer.Configuration> {
    /** No settings. */
    public static final class Configuration implements ContainerConfiguration {
        @Override
        public void validate() throws ConfigurationException {
        }
    }

    private final Map<String, WebAppContext> deployed = new ConcurrentHashMap<>();
    private Server server;
    private ContextHandlerCollection contexts;
    private ServerConnector connector;
    private Path dir;

    @Override
    public Class<Configuration> getConfigurationClass() {
        return Configuration.class;
    }

    @Override
    public void start() throws LifecycleException {
        try {
            dir = Files.createTempDirectory("tck-reference-");
            server = new Server();
            HttpConfiguration http = new HttpConfiguration();
            // Servlet 6.0's sendRedirect sends an absolute URL, as the TCK expects; Jetty 12 allows relative ones
            http.setRelativeRedirectAllowed(false);
            connector = new ServerConnector(server, new HttpConnectionFactory(http));
            connector.setHost("127.0.0.1");
            server.addConnector(connector);
            contexts = new ContextHandlerCollection();
            server.setHandler(contexts);
            HashLoginService realm = new HashLoginService("default",
                    ResourceFactory.root().newResource(Files.writeString(dir.resolve("realm.properties"),
                    "j2ee: j2ee,Administrator,Employee\njavajoe: javajoe,VP,Manager\n")));
            server.addBean(realm);
            server.start();
        } catch (Exception e) {
            throw new LifecycleException("the reference Jetty does not start", e);
        }
    }

    @Override
    public void stop() throws LifecycleException {
        try {
            server.stop();
        } catch (Exception e) {
            throw new LifecycleException("the reference Jetty does not stop", e);
        }
    }

    @Override
    public ProtocolDescription getDefaultProtocol() {
        return new ProtocolDescription("Servlet 5.0");
    }

    @Override
    public ProtocolMetaData deploy(Archive<?> archive) throws DeploymentException {
        String contextPath = FcgiBridgeContainer.contextPath(archive.getName());
        try {
            File war = dir.resolve(archive.getName()).toFile();
            archive.as(ZipExporter.class).exportTo(war, true);
            WebAppContext context = new WebAppContext();
            context.setContextPath(contextPath.isEmpty() ? "/" : contextPath);
            context.setWar(war.getPath());
            context.setThrowUnavailableOnStartupException(true);
            // Servlet 6.0 section 10.10: a welcome file may name a servlet; Jetty looks for files only by default
            context.setInitParameter(DefaultServlet.CONTEXT_INIT + "welcomeServlets", "exact");
            contexts.addHandler(context);
            context.start();
            deployed.put(archive.getName(), context);
        } catch (Exception e) {
            throw new DeploymentException("the reference cannot deploy " + archive.getName(), e);
        }
        HTTPContext http = new HTTPContext("127.0.0.1", connector.getLocalPort());
        http.add(new Servlet("default", contextPath.isEmpty() ? "/" : contextPath));
        return new ProtocolMetaData().addContext(http);
    }

    @Override
    public void undeploy(Archive<?> archive) throws DeploymentException {
        WebAppContext context = deployed.remove(archive.getName());
        if (context != null) {
            try {
                context.stop();
            } catch (Exception e) {
                throw new DeploymentException("the reference cannot undeploy " + archive.getName(), e);
            } finally {
                contexts.removeHandler(context);
            }
        }
    }
}
