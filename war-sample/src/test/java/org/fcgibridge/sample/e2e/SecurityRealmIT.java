package org.fcgibridge.sample.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.CookieManager;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.fcgibridge.servlet.testing.WarBuilder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * An application that declares security (issue 14): both engines enforce it with the users of {@code --realm};
 * without them, on either engine, the launcher refuses to start an application that needs users (one line, status 1)
 * rather than serve what it protects to anyone.
 */
class SecurityRealmIT {
    private static final String WEB_APP = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
            + "<web-app xmlns=\"https://jakarta.ee/xml/ns/jakartaee\" version=\"6.0\">\n";
    /** Says who asks and whether they are an admin. */
    private static final String WHO = "package app;\n"
            + "import jakarta.servlet.http.*; import java.io.IOException;\n"
            + "public class Who extends HttpServlet {\n"
            + "  protected void doGet(HttpServletRequest q, HttpServletResponse r) throws IOException {\n"
            + "    r.setContentType(\"text/plain\");\n"
            + "    r.getWriter().print(\"user=\" + q.getRemoteUser() + \" admin=\" + q.isUserInRole(\"admin\")\n"
            + "        + \" query=\" + q.getQueryString());\n"
            + "  }\n}\n";
    /** Everything under /secret/ is for admins. */
    private static final String CONSTRAINT = "<servlet><servlet-name>who</servlet-name>"
            + "<servlet-class>app.Who</servlet-class></servlet>\n"
            + "<servlet-mapping><servlet-name>who</servlet-name>"
            + "<url-pattern>/secret/*</url-pattern></servlet-mapping>\n"
            + "<security-constraint><web-resource-collection><web-resource-name>secret</web-resource-name>"
            + "<url-pattern>/secret/*</url-pattern></web-resource-collection>"
            + "<auth-constraint><role-name>admin</role-name></auth-constraint></security-constraint>\n"
            + "<security-role><role-name>admin</role-name></security-role>\n";
    /** alice is an admin; bob (password "secret" as Jetty's MD5:) is not. */
    private static final String REALM = "# user: password[,role...]\n"
            + "alice: wonderland,admin\n"
            + "bob: MD5:5ebe2294ecd0e0f08eab7690d2a6ee69,user\n";

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5))
            .cookieHandler(new CookieManager()).followRedirects(HttpClient.Redirect.NEVER).build();

    @TempDir
    Path dir;

    @ParameterizedTest
    @ValueSource(strings = {"standalone", "jetty"})
    void eachEngineAsksForBasicCredentialsOfTheRealmAndChecksTheRoles(String engine) throws Exception {
        Path realm = Files.writeString(dir.resolve("realm.properties"), REALM);
        try (RunningBridge bridge = RunningBridge.startWar(dir, basicWar(), "--engine", engine, "--http", "0",
                "--realm", realm.toString(), "--access-log", "-")) {
            URI secret = URI.create("http://127.0.0.1:" + bridge.httpPort() + "/secret/page");
            HttpResponse<String> anonymous = get(secret, null);
            assertEquals(401, anonymous.statusCode(), anonymous.body());
            assertEquals("Basic realm=\"Jolokia\"",
                    anonymous.headers().firstValue("WWW-Authenticate").orElse(null));
            HttpResponse<String> alice = get(secret, "alice:wonderland");
            assertEquals(200, alice.statusCode(), alice.body());
            assertEquals("user=alice admin=true query=null", alice.body());
            assertEquals(403, get(secret, "bob:secret").statusCode(), "bob is known, not an admin");
            assertEquals(401, get(secret, "alice:wrong").statusCode(), "a wrong password");
            HttpResponse<String> open = get(URI.create("http://127.0.0.1:" + bridge.httpPort() + "/index.html"),
                    "alice:wrong");
            assertEquals(200, open.statusCode(), "what no constraint covers stays open");
            // the access log names the user a request was authenticated as, not one a client merely sent
            assertTrue(bridge.process().awaitLine("\"GET /secret/page HTTP/1.1\" 200", 10)
                    .startsWith("127.0.0.1 - alice ["), "a realm login on " + engine);
            assertTrue(bridge.process().awaitLine("\"GET /index.html HTTP/1.1\" 200", 10)
                    .startsWith("127.0.0.1 - - ["), "a name with a wrong password on " + engine);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"standalone", "jetty"})
    void eachEngineLogsInWithAFormAndReturnsToTheSavedRequest(String engine) throws Exception {
        Path realm = Files.writeString(dir.resolve("realm.properties"), REALM);
        Path war = new WarBuilder(dir.resolve("form")).source("app.Who", WHO)
                .file("login.html", "<form method=post action=j_security_check>"
                        + "<input name=j_username><input name=j_password type=password></form>")
                .file("error.html", "wrong")
                .webXml(WEB_APP + CONSTRAINT + "<login-config><auth-method>FORM</auth-method>"
                        + "<form-login-config><form-login-page>/login.html</form-login-page>"
                        + "<form-error-page>/error.html</form-error-page></form-login-config></login-config>\n"
                        + "</web-app>\n")
                .packed("form");
        try (RunningBridge bridge = RunningBridge.startWar(dir, war, "--engine", engine, "--http", "0",
                "--realm", realm.toString())) {
            URI base = URI.create("http://127.0.0.1:" + bridge.httpPort() + "/");
            HttpResponse<String> page = follow(base.resolve("secret/page?x=1"));
            assertTrue(page.body().contains("j_security_check"), "the login page, not the secret: " + page.body());
            HttpResponse<String> login = http.send(HttpRequest.newBuilder(base.resolve("j_security_check"))
                    .header("Content-Type", "application/x-www-form-urlencoded")
                    .POST(HttpRequest.BodyPublishers.ofString("j_username=alice&j_password=wonderland")).build(),
                    BodyHandlers.ofString());
            assertTrue(login.statusCode() == 302 || login.statusCode() == 303,
                    "a redirect after the login: " + login.statusCode());
            String location = login.headers().firstValue("Location").orElseThrow();
            assertTrue(location.endsWith("/secret/page?x=1"), location);
            HttpResponse<String> secret = get(base.resolve(location), null);
            assertEquals(200, secret.statusCode(), secret.body());
            assertEquals("user=alice admin=true query=x=1", secret.body());
        }
    }

    @Test
    void theJettyEngineWithoutARealmRefusesInOneLine() throws Exception {
        Refusal refusal = refusal(basicWar(), "--engine", "jetty");
        assertEquals(1, refusal.status, refusal.stderr);
        assertTrue(refusal.lastLine().startsWith("fcgi-bridge: cannot deploy: ")
                && refusal.lastLine().contains("declares security constraints")
                && refusal.lastLine().endsWith("add --realm FILE"), refusal.stderr);
        assertFalse(refusal.stderr.contains("\tat "), "no stack trace: " + refusal.stderr);
    }

    @Test
    void theStandaloneEngineWithoutARealmRefusesADescriptorsLogin() throws Exception {
        Refusal refusal = refusal(basicWar(), "--engine", "standalone");
        assertStandaloneRefusal(refusal, "(<login-config> BASIC)");
    }

    @Test
    void theStandaloneEngineWithoutARealmRefusesServletSecurityAnnotations() throws Exception {
        Path war = new WarBuilder(dir.resolve("annotated")).source("app.Admin", "package app;\n"
                        + "import jakarta.servlet.annotation.*; import jakarta.servlet.http.*;\n"
                        + "@WebServlet(\"/admin\")\n"
                        + "@ServletSecurity(@HttpConstraint(rolesAllowed = \"admin\"))\n"
                        + "public class Admin extends HttpServlet { }\n")
                .packed("annotated");
        assertStandaloneRefusal(refusal(war, "--engine", "standalone"), "(a constraint on /admin)");
    }

    @Test
    void theStandaloneEngineWithoutARealmRefusesConstraintsSetAsTheApplicationStarts() throws Exception {
        Path war = new WarBuilder(dir.resolve("dynamic")).source("app.Who", WHO)
                .source("app.Setup", "package app;\n"
                        + "import jakarta.servlet.*; import jakarta.servlet.annotation.*;\n"
                        + "@WebListener\n"
                        + "public class Setup implements ServletContextListener {\n"
                        + "  public void contextInitialized(ServletContextEvent event) {\n"
                        + "    ServletRegistration.Dynamic who =\n"
                        + "        event.getServletContext().addServlet(\"who\", Who.class);\n"
                        + "    who.addMapping(\"/who\");\n"
                        + "    who.setServletSecurity(new ServletSecurityElement(new HttpConstraintElement(\n"
                        + "        ServletSecurity.TransportGuarantee.NONE, \"admin\")));\n"
                        + "  }\n}\n")
                .packed("dynamic");
        assertStandaloneRefusal(refusal(war, "--engine", "standalone"), "(a constraint on /who)");
    }

    @Test
    void aRealmFileThatDoesNotParseStopsTheLauncher() throws Exception {
        Path realm = Files.writeString(dir.resolve("bad.properties"), "alice\n");
        Refusal bad = refusal(basicWar(), "--engine", "jetty", "--realm", realm.toString());
        assertEquals(1, bad.status, bad.stderr);
        assertEquals("fcgi-bridge: cannot start: --realm " + realm + ": user alice has no password "
                + "(lines like \"alice: secret,role\")", bad.lastLine());
        Refusal missing = refusal(basicWar(), "--engine", "jetty", "--realm", dir.resolve("none").toString());
        assertEquals(1, missing.status, missing.stderr);
        assertTrue(missing.lastLine().startsWith("fcgi-bridge: cannot start: --realm "), missing.stderr);
    }

    private static void assertStandaloneRefusal(Refusal refusal, String cause) {
        assertEquals(1, refusal.status, refusal.stderr);
        assertTrue(refusal.lastLine().startsWith("fcgi-bridge: cannot deploy: ")
                && refusal.lastLine().contains("declares security constraints")
                && refusal.lastLine().contains(cause)
                && refusal.lastLine().endsWith("which need users and roles: add --realm FILE"), refusal.stderr);
        assertFalse(refusal.stderr.contains("\tat "), "no stack trace: " + refusal.stderr);
    }

    /** A Jolokia-like agent: BASIC authentication in realm "Jolokia", admins only under /secret/. */
    private Path basicWar() throws Exception {
        Path war = dir.resolve("basic/basic.war");
        if (Files.exists(war)) {
            return war;
        }
        return new WarBuilder(dir.resolve("basic")).source("app.Who", WHO).file("index.html", "open")
                .webXml(WEB_APP + CONSTRAINT + "<login-config><auth-method>BASIC</auth-method>"
                        + "<realm-name>Jolokia</realm-name></login-config>\n</web-app>\n")
                .packed("basic");
    }

    private HttpResponse<String> get(URI uri, String credentials) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(uri);
        if (credentials != null) {
            request.header("Authorization", "Basic "
                    + Base64.getEncoder().encodeToString(credentials.getBytes(StandardCharsets.UTF_8)));
        }
        return http.send(request.build(), BodyHandlers.ofString());
    }

    /** GET, following redirects (with the cookies) as a browser would. */
    private HttpResponse<String> follow(URI uri) throws Exception {
        HttpResponse<String> response = get(uri, null);
        for (int hops = 0; response.statusCode() / 100 == 3 && hops < 5; hops++) {
            response = get(uri.resolve(response.headers().firstValue("Location").orElseThrow()), null);
        }
        return response;
    }

    /** The launcher's exit status and stderr, for a command line it refuses. */
    private static Refusal refusal(Path war, String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of("--war", war.toString(), "--listen", "127.0.0.1:0"));
        command.addAll(List.of(args));
        Process launcher = new ProcessBuilder(RunningBridge.command(command.toArray(String[]::new))).start();
        CompletableFuture<byte[]> stderr = CompletableFuture.supplyAsync(() -> {
            try {
                return launcher.getErrorStream().readAllBytes();
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
        launcher.getInputStream().transferTo(java.io.OutputStream.nullOutputStream());
        if (!launcher.waitFor(30, TimeUnit.SECONDS)) {
            launcher.destroyForcibly();
            throw new AssertionError("the launcher did not stop: " + String.join(" ", command));
        }
        return new Refusal(launcher.exitValue(), new String(stderr.get(10, TimeUnit.SECONDS),
                StandardCharsets.UTF_8));
    }

    private static final class Refusal {
        final int status;
        final String stderr;

        Refusal(int status, String stderr) {
            this.status = status;
            this.stderr = stderr;
        }

        String lastLine() {
            String[] lines = stderr.strip().split("\n");
            return lines[lines.length - 1];
        }
    }
}
