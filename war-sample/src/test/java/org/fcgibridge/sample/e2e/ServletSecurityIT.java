package org.fcgibridge.sample.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.fcgibridge.core.testing.NginxProcess;
import org.fcgibridge.core.testing.WebServer;
import org.fcgibridge.servlet.testing.WarBuilder;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Constraints a WAR declares other than by a URL pattern of web.xml (issue 14), on both engines with the users of
 * {@code --realm} and BASIC authentication: {@code @ServletSecurity} with a method exception, an initializer's
 * {@code setServletSecurity}, {@code <deny-uncovered-http-methods/>}, and a CONFIDENTIAL transport guarantee judged
 * from what the web server says (refused over plain HTTP; served when nginx, terminating TLS, says HTTPS). One
 * launched bridge, and one nginx, per engine.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ServletSecurityIT {
    /** The method, the user, and whether the web server said HTTPS. */
    private static final String WHO = """
            package app;
            import jakarta.servlet.http.*; import java.io.IOException;
            public class Who extends HttpServlet {
              protected void service(HttpServletRequest q, HttpServletResponse r) throws IOException {
                r.setContentType("text/plain");
                r.getWriter().print(q.getMethod() + " user=" + q.getRemoteUser() + " secure=" + q.isSecure());
              }
            }
            """;
    /** GET is open; every other method is for admins. */
    private static final String GUARDED = """
            package app;
            import jakarta.servlet.annotation.*;
            @WebServlet("/guarded")
            @ServletSecurity(value = @HttpConstraint(rolesAllowed = "admin"),
                httpMethodConstraints = @HttpMethodConstraint("GET"))
            public class Guarded extends Who { }
            """;
    /** Adds the servlet "dynamic" at /dynamic, for admins only. */
    private static final String SETUP = """
            package app;
            import jakarta.servlet.*; import jakarta.servlet.annotation.*;
            @WebListener
            public class Setup implements ServletContextListener {
              public void contextInitialized(ServletContextEvent event) {
                ServletRegistration.Dynamic dynamic = event.getServletContext().addServlet("dynamic", Who.class);
                dynamic.addMapping("/dynamic");
                dynamic.setServletSecurity(new ServletSecurityElement(new HttpConstraintElement(
                    ServletSecurity.TransportGuarantee.NONE, "admin")));
              }
            }
            """;
    private static final String WEB_XML = """
            <?xml version="1.0" encoding="UTF-8"?>
            <web-app xmlns="https://jakarta.ee/xml/ns/jakartaee" version="6.0">
              <servlet><servlet-name>who</servlet-name><servlet-class>app.Who</servlet-class></servlet>
              <servlet-mapping><servlet-name>who</servlet-name>
                <url-pattern>/covered/*</url-pattern><url-pattern>/confidential/*</url-pattern></servlet-mapping>
              <deny-uncovered-http-methods/>
              <security-constraint>
                <web-resource-collection><web-resource-name>covered</web-resource-name>
                  <url-pattern>/covered/*</url-pattern><http-method>GET</http-method></web-resource-collection>
                <auth-constraint><role-name>admin</role-name></auth-constraint>
              </security-constraint>
              <security-constraint>
                <web-resource-collection><web-resource-name>confidential</web-resource-name>
                  <url-pattern>/confidential/*</url-pattern></web-resource-collection>
                <user-data-constraint><transport-guarantee>CONFIDENTIAL</transport-guarantee></user-data-constraint>
              </security-constraint>
              <login-config><auth-method>BASIC</auth-method><realm-name>ServletSecurityIT</realm-name></login-config>
              <security-role><role-name>admin</role-name></security-role>
              <security-role><role-name>user</role-name></security-role>
            </web-app>
            """;
    /** alice is an admin; bob only a user. */
    private static final String REALM = "alice: wonderland,admin,user\nbob: builder,user\n";
    private static final String CHALLENGE = "Basic realm=\"ServletSecurityIT\"";

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5))
            .followRedirects(HttpClient.Redirect.NEVER).build();
    private final Map<String, RunningBridge> bridges = new HashMap<>();
    private final Map<String, WebServer> nginxes = new HashMap<>();

    @TempDir
    Path dir;

    private synchronized RunningBridge bridge(String engine) throws Exception {
        RunningBridge running = bridges.get(engine);
        if (running == null) {
            Path war = dir.resolve("war/secured.war");
            if (!Files.exists(war)) {
                war = new WarBuilder(dir.resolve("war")).source("app.Who", WHO).source("app.Guarded", GUARDED)
                        .source("app.Setup", SETUP).webXml(WEB_XML).packed("secured");
            }
            Path home = Files.createDirectories(dir.resolve(engine));
            Path realm = Files.writeString(home.resolve("realm.properties"), REALM);
            running = RunningBridge.startWar(home, war, "--engine", engine, "--realm", realm.toString(),
                    "--http", "0");
            bridges.put(engine, running);
        }
        return running;
    }

    /** The launcher's HTTP front: plain HTTP, as the web server says to the bridge. */
    private URI plain(String engine) throws Exception {
        return URI.create("http://127.0.0.1:" + bridge(engine).httpPort() + "/");
    }

    /** nginx terminating TLS in front of the bridge: it says HTTPS (the test speaks plain HTTP to it). */
    private synchronized URI behindTls(String engine) throws Exception {
        WebServer nginx = nginxes.get(engine);
        if (nginx == null) {
            Path home = dir.resolve(engine).resolve("nginx");
            nginx = NginxProcess.start(home, Configs.behindTls(Configs.forNginx(
                    Examples.pointedAt("nginx-fcgi-bridge.conf", bridge(engine).port())), home));
            nginxes.put(engine, nginx);
        }
        return URI.create("http://127.0.0.1:" + nginx.port() + "/");
    }

    @AfterAll
    void stop() throws InterruptedException {
        for (WebServer nginx : nginxes.values()) {
            nginx.close();
        }
        bridges.values().forEach(RunningBridge::close);
    }

    @ParameterizedTest
    @ValueSource(strings = {"standalone", "jetty"})
    void servletSecurityLeavesGetOpenAndKeepsTheOtherMethodsForAdmins(String engine) throws Exception {
        URI guarded = plain(engine).resolve("guarded");
        assertAnswer(200, "GET user=null secure=false", send("GET", guarded, null));
        HttpResponse<String> anonymous = send("POST", guarded, null);
        assertEquals(401, anonymous.statusCode(), anonymous.body());
        assertEquals(List.of(CHALLENGE), anonymous.headers().allValues("WWW-Authenticate"));
        assertEquals(403, send("POST", guarded, "bob:builder").statusCode(), "bob is not an admin");
        assertAnswer(200, "POST user=alice secure=false", send("POST", guarded, "alice:wonderland"));
        assertAnswer(200, "DELETE user=alice secure=false", send("DELETE", guarded, "alice:wonderland"));
        assertEquals(401, send("DELETE", guarded, null).statusCode());
    }

    @ParameterizedTest
    @ValueSource(strings = {"standalone", "jetty"})
    void setServletSecurityOfAnInitializerProtectsItsServlet(String engine) throws Exception {
        URI dynamic = plain(engine).resolve("dynamic");
        HttpResponse<String> anonymous = send("GET", dynamic, null);
        assertEquals(401, anonymous.statusCode(), anonymous.body());
        assertEquals(List.of(CHALLENGE), anonymous.headers().allValues("WWW-Authenticate"));
        assertEquals(403, send("GET", dynamic, "bob:builder").statusCode(), "bob is not an admin");
        assertAnswer(200, "GET user=alice secure=false", send("GET", dynamic, "alice:wonderland"));
        assertAnswer(200, "POST user=alice secure=false", send("POST", dynamic, "alice:wonderland"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"standalone", "jetty"})
    void aMethodNoConstraintCoversIsDeniedToEveryone(String engine) throws Exception {
        URI covered = plain(engine).resolve("covered/page");
        assertEquals(401, send("GET", covered, null).statusCode(), "GET is covered: for admins");
        assertAnswer(200, "GET user=alice secure=false", send("GET", covered, "alice:wonderland"));
        for (String method : List.of("POST", "PUT", "DELETE")) {
            assertEquals(403, send(method, covered, "alice:wonderland").statusCode(),
                    method + " is uncovered: denied, even to an admin");
            assertEquals(403, send(method, covered, null).statusCode(), method + " without credentials");
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"standalone", "jetty"})
    void aConfidentialResourceIsRefusedOverPlainHttp(String engine) throws Exception {
        HttpResponse<String> plain = send("GET", plain(engine).resolve("confidential/page"), null);
        assertEquals(403, plain.statusCode(), "no HTTPS port is known to redirect to: " + plain.body());
        assertEquals(List.of(), plain.headers().allValues("Location"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"standalone", "jetty"})
    void aConfidentialResourceIsServedWhenTheWebServerSaysHttps(String engine) throws Exception {
        URI tls = behindTls(engine);
        assertAnswer(200, "GET user=null secure=true", send("GET", tls.resolve("confidential/page"), null));
        assertAnswer(200, "POST user=null secure=true", send("POST", tls.resolve("confidential/page"), null));
        // and the other constraints hold there as well
        assertEquals(401, send("GET", tls.resolve("dynamic"), null).statusCode());
        assertAnswer(200, "GET user=alice secure=true", send("GET", tls.resolve("dynamic"), "alice:wonderland"));
    }

    private HttpResponse<String> send(String method, URI uri, String credentials) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(30))
                .method(method, HttpRequest.BodyPublishers.noBody());
        if (credentials != null) {
            request.header("Authorization", "Basic "
                    + Base64.getEncoder().encodeToString(credentials.getBytes(StandardCharsets.UTF_8)));
        }
        return http.send(request.build(), BodyHandlers.ofString());
    }

    private static void assertAnswer(int status, String body, HttpResponse<String> response) {
        assertEquals(status, response.statusCode(), response.body());
        assertEquals(body, response.body());
    }
}
