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
    void deploysAnArchiveAtItsNameAndUndeploysIt(String engine) throws Exception {
        FcgiBridgeContainer container = new FcgiBridgeContainer();
        FcgiBridgeConfiguration configuration = new FcgiBridgeConfiguration();
        configuration.setEngine(engine);
        configuration.setLauncherArguments("--grace 1");
        configuration.validate();
        container.setup(configuration);
        container.start();
        WebArchive war = ShrinkWrap.create(WebArchive.class, "shop.war").addClass(WhereServlet.class);
        ProtocolMetaData metaData = container.deploy(war);
        HTTPContext context = metaData.getContexts(HTTPContext.class).iterator().next();
        URI base = context.getServlets().get(0).getBaseURI();
        assertEquals("http://127.0.0.1:" + context.getPort() + "/shop/", base.toString());

        HttpResponse<String> response = http.send(HttpRequest.newBuilder(base.resolve("where")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, response.statusCode());
        assertEquals("/shop /where HTTP/1.1", response.body());

        container.undeploy(war);
        assertThrows(IOException.class, () -> http.send(HttpRequest.newBuilder(base.resolve("where")).build(),
                HttpResponse.BodyHandlers.ofString()), "nothing listens after undeploy");
        container.stop();
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
