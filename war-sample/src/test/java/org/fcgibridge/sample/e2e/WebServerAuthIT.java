package org.fcgibridge.sample.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.fcgibridge.core.client.FcgiClient;
import org.fcgibridge.core.client.FcgiResponse;
import org.fcgibridge.core.testing.ApacheProcess;
import org.fcgibridge.core.testing.NginxProcess;
import org.fcgibridge.core.testing.WebServer;
import org.fcgibridge.servlet.testing.WarBuilder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@code --trust-web-server-auth} (issue 14): behind a real nginx that checks passwords (auth_basic, an htpasswd file,
 * docs/examples/nginx-web-server-auth.conf), the user nginx authenticated is the application's user on both engines,
 * with the roles nginx sends; without the option, the user name a client merely claims (nginx's stock
 * fastcgi_params pass {@code REMOTE_USER $remote_user} whether or not nginx checked it) is nobody. Apache httpd
 * (AuthType Basic, mod_proxy_fcgi: docs/examples/apache-web-server-auth.conf) does the same.
 */
class WebServerAuthIT {
    private static final String WEB_APP = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
            + "<web-app xmlns=\"https://jakarta.ee/xml/ns/jakartaee\" version=\"6.0\">\n";
    /** Says who the request's user is, and what the web server passed as REMOTE_USER. */
    private static final String WHO = "package app;\n"
            + "import jakarta.servlet.http.*; import java.io.IOException; import java.util.Map;\n"
            + "public class Who extends HttpServlet {\n"
            + "  protected void doGet(HttpServletRequest q, HttpServletResponse r) throws IOException {\n"
            + "    Map<?, ?> params = (Map<?, ?>) q.getAttribute(\"org.fcgibridge.fcgi.params\");\n"
            + "    r.setContentType(\"text/plain\");\n"
            + "    r.getWriter().print(\"user=\" + q.getRemoteUser() + \" principal=\"\n"
            + "        + (q.getUserPrincipal() == null ? null : q.getUserPrincipal().getName())\n"
            + "        + \" type=\" + q.getAuthType() + \" admin=\" + q.isUserInRole(\"admin\")\n"
            + "        + \" REMOTE_USER=\" + params.get(\"REMOTE_USER\"));\n"
            + "  }\n}\n";
    private static final String WHO_SERVLET = "<servlet><servlet-name>who</servlet-name>"
            + "<servlet-class>app.Who</servlet-class></servlet>\n"
            + "<servlet-mapping><servlet-name>who</servlet-name><url-pattern>/who/*</url-pattern>"
            + "<url-pattern>/admin/*</url-pattern></servlet-mapping>\n";
    /** /admin/ is for admins; no login-config: the web server's users are the only ones. */
    private static final String ADMINS_ONLY = "<security-constraint><web-resource-collection>"
            + "<web-resource-name>admin</web-resource-name><url-pattern>/admin/*</url-pattern>"
            + "</web-resource-collection><auth-constraint><role-name>admin</role-name></auth-constraint>"
            + "</security-constraint>\n<security-role><role-name>admin</role-name></security-role>\n";
    private static final String APACHE_MODULES = "/usr/lib/apache2/modules/";

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @TempDir
    Path dir;

    @ParameterizedTest
    @ValueSource(strings = {"standalone", "jetty"})
    void theUserNginxAuthenticatedIsTheApplicationsUserWithTheRolesNginxSends(String engine) throws Exception {
        try (RunningBridge bridge = RunningBridge.startWar(dir, whoWar(), "--engine", engine,
                "--trust-web-server-auth", "--web-server-roles", "REMOTE_USER_ROLES", "--access-log", "-");
             WebServer nginx = nginx(bridge)) {
            URI who = URI.create("http://127.0.0.1:" + nginx.port() + "/who/x");
            HttpResponse<String> anonymous = get(who, null);
            assertEquals(401, anonymous.statusCode(), "nginx asks for credentials: " + anonymous.body());
            assertEquals("Basic realm=\"fcgi-bridge\"", anonymous.headers().firstValue("WWW-Authenticate")
                    .orElse(null));
            assertEquals(401, get(who, "alice:wrong").statusCode(), "nginx checks the password");
            assertEquals("user=alice principal=alice type=BASIC admin=true REMOTE_USER=alice",
                    body(get(who, "alice:wonderland")));
            // the access log names the user the web server authenticated
            assertTrue(bridge.process().awaitLine("\"GET /who/x HTTP/1.1\" 200", 10).contains(" - alice ["),
                    "the trusted web server's user in the access log on " + engine);
            assertEquals("user=bob principal=bob type=BASIC admin=false REMOTE_USER=bob",
                    body(get(who, "bob:secret")), "bob's password is an apr1 hash");
            HttpResponse<String> claiming = http.send(HttpRequest.newBuilder(who).header("Authorization", basic(
                    "bob:secret")).header("Remote-User-Roles", "admin").header("X-Roles", "admin").build(),
                    BodyHandlers.ofString());
            assertEquals("user=bob principal=bob type=BASIC admin=false REMOTE_USER=bob", body(claiming),
                    "a header reaches FastCGI as HTTP_*: it cannot be the roles param");
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"standalone", "jetty"})
    void aConstraintForAdminsLetsNginxsAdminInAndForbidsTheOthers(String engine) throws Exception {
        Path war = new WarBuilder(dir.resolve("admins")).source("app.Who", WHO)
                .webXml(WEB_APP + WHO_SERVLET + ADMINS_ONLY + "</web-app>\n").packed("admins");
        try (RunningBridge bridge = RunningBridge.startWar(dir, war, "--engine", engine, "--trust-web-server-auth",
                "--web-server-roles", "REMOTE_USER_ROLES");
             WebServer nginx = nginx(bridge)) {
            URI admin = URI.create("http://127.0.0.1:" + nginx.port() + "/admin/x");
            assertEquals("user=alice principal=alice type=BASIC admin=true REMOTE_USER=alice",
                    body(get(admin, "alice:wonderland")), "the application starts without --realm: nginx's users");
            assertEquals(403, get(admin, "bob:secret").statusCode(), "bob is no admin");
            assertEquals(401, get(admin, null).statusCode(), "nginx's challenge");
            assertEquals(200, get(URI.create("http://127.0.0.1:" + nginx.port() + "/who/x"), "bob:secret")
                    .statusCode());
            FcgiResponse nobody = fastCgi(bridge, "/admin/x", Map.of());
            assertEquals(403, nobody.status(), "a request the web server sent without a user, and no other users: "
                    + nobody.stdoutText());
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"standalone", "jetty"})
    void withoutTheOptionTheUserNameAClientClaimsIsNobody(String engine) throws Exception {
        try (RunningBridge bridge = RunningBridge.startWar(dir, whoWar(), "--engine", engine);
             WebServer nginx = NginxProcess.start(dir.resolve("nginx"),
                     Configs.forNginx(Examples.pointedAt("nginx-fcgi-bridge.conf", bridge.port())))) {
            // the documented config without auth_basic, with Debian's stock fastcgi_params
            HttpResponse<String> spoof = get(URI.create("http://127.0.0.1:" + nginx.port() + "/who/x"),
                    "mallory:anything");
            assertEquals("user=null principal=null type=null admin=false REMOTE_USER=mallory", body(spoof),
                    "nginx passes the claimed name unchecked; the bridge ignores it");
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"standalone", "jetty"})
    void rolesByAHeaderNginxSetsReplaceTheClientsOwn(String engine) throws Exception {
        try (RunningBridge bridge = RunningBridge.startWar(dir, whoWar(), "--engine", engine,
                "--trust-web-server-auth", "--web-server-roles", "X-Roles");
             WebServer nginx = nginx(bridge, config -> config.replace("fastcgi_param REMOTE_USER_ROLES ",
                     "fastcgi_param HTTP_X_ROLES "))) {
            URI who = URI.create("http://127.0.0.1:" + nginx.port() + "/who/x");
            assertEquals("user=alice principal=alice type=BASIC admin=true REMOTE_USER=alice",
                    body(get(who, "alice:wonderland")));
            HttpResponse<String> claiming = http.send(HttpRequest.newBuilder(who).header("Authorization", basic(
                    "bob:secret")).header("X-Roles", "admin").build(), BodyHandlers.ofString());
            assertEquals("user=bob principal=bob type=BASIC admin=false REMOTE_USER=bob", body(claiming),
                    "nginx's fastcgi_param HTTP_X_ROLES replaces the client's X-Roles");
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"standalone", "jetty"})
    void apacheAuthenticatesAndSetsTheRolesHeader(String engine) throws Exception {
        ApacheProcess.binary();
        Path files = Configs.socketDirectory(dir); // Apache runs as www-data: the test's own directory is private
        Path users = Files.writeString(files.resolve("htpasswd"), "alice:" + apr1("wonderland") + "\nbob:"
                + apr1("secret") + "\n");
        Files.setPosixFilePermissions(users, PosixFilePermissions.fromString("rw-r--r--"));
        try (RunningBridge bridge = RunningBridge.startWar(dir, whoWar(), "--engine", engine,
                "--trust-web-server-auth", "--web-server-roles", "X-Roles");
             WebServer apache = ApacheProcess.start(dir.resolve("apache"), "LoadModule auth_basic_module "
                     + APACHE_MODULES + "mod_auth_basic.so\nLoadModule authn_core_module " + APACHE_MODULES
                     + "mod_authn_core.so\nLoadModule authn_file_module " + APACHE_MODULES + "mod_authn_file.so\n"
                     + "LoadModule authz_user_module " + APACHE_MODULES + "mod_authz_user.so\n"
                     + Examples.pointedAt("apache-web-server-auth.conf", bridge.port())
                     .replace("<VirtualHost 127.0.0.1:8080>", "<VirtualHost 127.0.0.1:PORT>")
                     .replace("/etc/apache2/fcgi-bridge.htpasswd", users.toString()))) {
            URI who = URI.create("http://127.0.0.1:" + apache.port() + "/who/x");
            HttpResponse<String> anonymous = get(who, null);
            assertEquals(401, anonymous.statusCode(), "Apache asks for credentials: " + anonymous.body());
            assertEquals(401, get(who, "alice:wrong").statusCode(), "Apache checks the password");
            assertEquals("user=alice principal=alice type=BASIC admin=true REMOTE_USER=alice",
                    body(get(who, "alice:wonderland")));
            HttpResponse<String> claiming = http.send(HttpRequest.newBuilder(who).header("Authorization", basic(
                    "bob:secret")).header("X-Roles", "admin").build(), BodyHandlers.ofString());
            assertEquals("user=bob principal=bob type=BASIC admin=false REMOTE_USER=bob", body(claiming),
                    "Apache replaces the client's X-Roles");
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"standalone", "jetty"})
    void rolesFromTheRealmFileAndTheApplicationsOwnLoginWithoutAWebServerUser(String engine) throws Exception {
        Path realm = Files.writeString(dir.resolve("realm.properties"),
                "alice: wonderland,admin\nbob: MD5:5ebe2294ecd0e0f08eab7690d2a6ee69,user\n");
        Path war = new WarBuilder(dir.resolve("basic")).source("app.Who", WHO)
                .webXml(WEB_APP + WHO_SERVLET + ADMINS_ONLY + "<login-config><auth-method>BASIC</auth-method>"
                        + "<realm-name>Admins</realm-name></login-config>\n</web-app>\n").packed("basic");
        try (RunningBridge bridge = RunningBridge.startWar(dir, war, "--engine", engine, "--trust-web-server-auth",
                "--realm", realm.toString())) {
            // as a web server that authenticated alice, or bob, or no one, sends the request
            assertEquals("user=alice principal=alice type=BASIC admin=true REMOTE_USER=alice",
                    fastCgi(bridge, "/admin/x", Map.of("REMOTE_USER", "alice", "AUTH_TYPE", "Basic")).bodyText(), "alice's roles are her line's in the realm file");
            assertEquals(403, fastCgi(bridge, "/admin/x", Map.of("REMOTE_USER", "bob")).status());
            FcgiResponse challenge = fastCgi(bridge, "/admin/x", Map.of());
            assertEquals(401, challenge.status(), challenge.stdoutText());
            assertEquals("Basic realm=\"Admins\"", challenge.header("WWW-Authenticate"));
            FcgiResponse ownLogin = fastCgi(bridge, "/admin/x", Map.of("HTTP_AUTHORIZATION",
                    basic("alice:wonderland")));
            assertEquals(200, ownLogin.status(), ownLogin.stdoutText());
            assertTrue(ownLogin.bodyText().startsWith("user=alice "), ownLogin.bodyText());
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"standalone", "jetty"})
    void aFormLoginApplicationServesTheWebServersUserWithoutItsLoginPage(String engine) throws Exception {
        Path realm = Files.writeString(dir.resolve("realm.properties"), "alice: wonderland,admin\n");
        Path war = new WarBuilder(dir.resolve("form")).source("app.Who", WHO)
                .file("login.html", "<form method=post action=j_security_check>"
                        + "<input name=j_username><input name=j_password type=password></form>")
                .file("error.html", "wrong")
                .webXml(WEB_APP + WHO_SERVLET + ADMINS_ONLY + "<login-config><auth-method>FORM</auth-method>"
                        + "<form-login-config><form-login-page>/login.html</form-login-page>"
                        + "<form-error-page>/error.html</form-error-page></form-login-config></login-config>\n"
                        + "</web-app>\n").packed("form");
        try (RunningBridge bridge = RunningBridge.startWar(dir, war, "--engine", engine, "--trust-web-server-auth",
                "--web-server-roles", "REMOTE_USER_ROLES", "--realm", realm.toString())) {
            FcgiResponse trusted = fastCgi(bridge, "/admin/x", Map.of("REMOTE_USER", "carol", "REMOTE_USER_ROLES",
                    "admin"));
            assertEquals(200, trusted.status(), trusted.stdoutText());
            assertEquals("user=carol principal=carol type=null admin=true REMOTE_USER=carol", trusted.bodyText());
            FcgiResponse anonymous = fastCgi(bridge, "/admin/x", Map.of());
            assertTrue(anonymous.bodyText().contains("j_security_check")
                    || (anonymous.status() / 100 == 3 && anonymous.header("Location").contains("login.html")),
                    "the application's own login for a request without a web server user: " + anonymous.stdoutText());
        }
    }

    @Test
    void webServerRolesWithoutTrustIsAUsageError() throws Exception {
        Process launcher = new ProcessBuilder(RunningBridge.command("--war", whoWar().toString(), "--listen",
                "127.0.0.1:0", "--web-server-roles", "REMOTE_USER_ROLES")).redirectErrorStream(true).start();
        String output = new String(launcher.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(launcher.waitFor(30, TimeUnit.SECONDS));
        assertEquals(2, launcher.exitValue(), output);
        assertEquals("fcgi-bridge: --web-server-roles needs --trust-web-server-auth\n", output);
    }

    /** The Who servlet at /who/*, nothing protected. */
    private Path whoWar() throws Exception {
        Path war = dir.resolve("who/who.war");
        return Files.exists(war) ? war : new WarBuilder(dir.resolve("who")).source("app.Who", WHO)
                .webXml(WEB_APP + WHO_SERVLET + "</web-app>\n").packed("who");
    }

    /** nginx as docs/examples/nginx-web-server-auth.conf says, with alice ({PLAIN}) and bob (apr1) as its users. */
    private WebServer nginx(RunningBridge bridge) throws Exception {
        return nginx(bridge, config -> config);
    }

    private WebServer nginx(RunningBridge bridge, java.util.function.UnaryOperator<String> change) throws Exception {
        Path users = Files.writeString(dir.resolve("htpasswd"), "alice:{PLAIN}wonderland\nbob:" + apr1("secret")
                + "\n");
        String config = Configs.forNginx(Examples.pointedAt("nginx-web-server-auth.conf", bridge.port()))
                .replace("/etc/nginx/fcgi-bridge.htpasswd", users.toString());
        return NginxProcess.start(dir.resolve("nginx"), change.apply(config));
    }

    /** An htpasswd line's hash of {@code password}, as {@code openssl passwd -apr1} makes it. */
    private static String apr1(String password) throws IOException, InterruptedException {
        Process openssl = new ProcessBuilder("openssl", "passwd", "-apr1", password).start();
        String hash = new String(openssl.getInputStream().readAllBytes(), StandardCharsets.US_ASCII).strip();
        assertTrue(openssl.waitFor(10, TimeUnit.SECONDS) && openssl.exitValue() == 0 && hash.startsWith("$apr1$"),
                "openssl passwd -apr1: " + hash);
        return hash;
    }

    /** A request straight to the bridge's FastCGI port, with {@code extra} params, as a web server sends it. */
    private static FcgiResponse fastCgi(RunningBridge bridge, String path, Map<String, String> extra)
            throws IOException {
        Map<String, String> params = new LinkedHashMap<>();
        params.put("REQUEST_METHOD", "GET");
        params.put("REQUEST_URI", path);
        params.put("QUERY_STRING", "");
        params.put("SERVER_NAME", "127.0.0.1");
        params.put("SERVER_PORT", "80");
        params.put("SERVER_PROTOCOL", "HTTP/1.1");
        params.put("HTTP_HOST", "127.0.0.1");
        params.putAll(extra);
        try (FcgiClient client = FcgiClient.connect(new InetSocketAddress("127.0.0.1", bridge.port()))) {
            return client.execute(params, new byte[0]);
        }
    }

    private HttpResponse<String> get(URI uri, String credentials) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(uri);
        if (credentials != null) {
            request.header("Authorization", basic(credentials));
        }
        return http.send(request.build(), BodyHandlers.ofString());
    }

    private static String basic(String credentials) {
        return "Basic " + Base64.getEncoder().encodeToString(credentials.getBytes(StandardCharsets.UTF_8));
    }

    /** A 200's body. */
    private static String body(HttpResponse<String> response) {
        assertEquals(200, response.statusCode(), response.body());
        return response.body();
    }
}
