package org.fcgibridge.servlet.arquillian;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import jakarta.servlet.annotation.WebServlet;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.jboss.arquillian.container.spi.ConfigurationException;
import org.jboss.arquillian.container.spi.client.protocol.metadata.HTTPContext;
import org.jboss.arquillian.container.spi.client.protocol.metadata.ProtocolMetaData;
import org.jboss.shrinkwrap.api.ShrinkWrap;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The container driven as Arquillian drives it: deploy, request through the front, undeploy, on both engines. */
class FcgiBridgeContainerTest {
    /** The servlet of the test archive: says how it was reached. */
    @WebServlet("/where")
    public static class WhereServlet extends HttpServlet {
        private static final long serialVersionUID = 1L;

        @Override
        protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
            response.setContentType("text/plain");
            response.getWriter().print(request.getContextPath() + " " + request.getServletPath() + " "
                    + request.getProtocol());
        }
    }

    private final HttpClient http = HttpClient.newHttpClient();

    @ParameterizedTest
    @ValueSource(strings = {"standalone", "jetty"})
    void deploysEachArchiveAtItsNameBehindOneFrontAndUndeploysIt(String engine) throws Exception {
        FcgiBridgeContainer container = new FcgiBridgeContainer();
        FcgiBridgeConfiguration configuration = new FcgiBridgeConfiguration();
        configuration.setEngine(engine);
        configuration.setLauncherArguments("--grace 1");
        configuration.validate();
        container.setup(configuration);
        container.start();
        try {
            WebArchive shop = ShrinkWrap.create(WebArchive.class, "shop.war").addClass(WhereServlet.class);
            WebArchive shopAdmin = ShrinkWrap.create(WebArchive.class, "shop-admin.war").addClass(WhereServlet.class);
            URI base = baseUri(container.deploy(shop));
            URI admin = baseUri(container.deploy(shopAdmin));
            assertEquals(base.getPort(), admin.getPort(), "one front for both");
            assertEquals("/shop/", base.getPath());

            assertEquals("200 /shop /where HTTP/1.1", get(base.resolve("where")));
            assertEquals("200 /shop-admin /where HTTP/1.1", get(admin.resolve("where")), "by the longest context path");

            container.undeploy(shop);
            assertEquals("404 ", get(base.resolve("where")), "nothing serves /shop after undeploy");
            assertEquals("200 /shop-admin /where HTTP/1.1", get(admin.resolve("where")));
        } finally {
            container.stop();
        }
    }

    private static URI baseUri(ProtocolMetaData metaData) {
        HTTPContext context = metaData.getContexts(HTTPContext.class).iterator().next();
        return context.getServlets().get(0).getBaseURI();
    }

    private String get(URI uri) throws IOException, InterruptedException {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(uri).build(),
                HttpResponse.BodyHandlers.ofString());
        return response.statusCode() + " " + response.body();
    }

    @Test
    void refusesAnUnknownEngineAndTheOptionsItSetsItself() {
        FcgiBridgeConfiguration configuration = new FcgiBridgeConfiguration();
        configuration.setEngine("tomcat");
        assertThrows(ConfigurationException.class, configuration::validate);
        configuration.setEngine("jetty");
        configuration.setLauncherArguments("--max-conns 8 --war other.war");
        assertThrows(ConfigurationException.class, configuration::validate);
        configuration.setLauncherArguments("--max-conns 8");
        configuration.validate();
    }

    @Test
    void rootArchiveIsServedAtTheRoot() {
        assertEquals("", FcgiBridgeContainer.contextPath("ROOT.war"));
        assertEquals("/shop", FcgiBridgeContainer.contextPath("shop.war"));
    }
}
