package org.fcgibridge.sample.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
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
import java.util.List;
import java.util.Properties;
import java.util.zip.ZipFile;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Jolokia's published agent WAR, unmodified (issue 14): its web.xml asks for BASIC authentication in realm "jolokia"
 * and the role {@code jolokia} for everything, JMX exec included. Served on both engines with the users of
 * {@code --realm}, through the launcher's HTTP front and behind a real nginx (docs/examples/nginx-fcgi-bridge.conf),
 * it answers only a user with the role; without {@code --realm} the launcher refuses it. One launched bridge, and one
 * nginx, per engine.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class JolokiaWarIT {
    /** ops has the role (password "secret", as Jetty's MD5:); eve is known and lacks it. */
    private static final String REALM = "# user: password[,role...]\n"
            + "ops: MD5:5ebe2294ecd0e0f08eab7690d2a6ee69,jolokia\n"
            + "eve: snoop,user\n";

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5))
            .followRedirects(HttpClient.Redirect.NEVER).build();

    /** For the whole class: the bridges outlive the test that starts them. */
    @TempDir
    static Path dir;
    private WarFronts fronts;

    static Path war() {
        return Path.of(System.getProperty("jolokia.war", "target/published/jolokia-agent-war.war"));
    }

    /** The agent's version, as the WAR's own Maven metadata says it. */
    static String agentVersion() throws IOException {
        try (ZipFile war = new ZipFile(war().toFile())) {
            Properties pom = new Properties();
            pom.load(war.getInputStream(war.getEntry(
                    "META-INF/maven/org.jolokia/jolokia-agent-war/pom.properties")));
            return pom.getProperty("version");
        }
    }

    /** The agent's base URI through {@code front}: the launcher's HTTP front, or nginx in front of the bridge. */
    private synchronized URI agent(String engine, String front) throws Exception {
        if (fronts == null) {
            Path realm = Files.writeString(dir.resolve("realm.properties"), REALM);
            fronts = new WarFronts(dir, war(), "/jolokia", "--realm", realm.toString());
        }
        return fronts.base(engine, front);
    }

    @AfterAll
    void stop() throws InterruptedException {
        if (fronts != null) {
            fronts.close();
        }
    }

    @ParameterizedTest(name = "{0} through {1}")
    @MethodSource("org.fcgibridge.sample.e2e.WarFronts#enginesAndFronts")
    void withoutCredentialsTheAgentAsksForThemInRealmJolokia(String engine, String front) throws Exception {
        URI agent = agent(engine, front);
        for (HttpResponse<String> anonymous : List.of(get(agent.resolve("version"), null),
                post(agent, null, "{\"type\":\"version\"}"))) {
            assertEquals(401, anonymous.statusCode(), anonymous.body());
            assertEquals(List.of("Basic realm=\"jolokia\""), anonymous.headers().allValues("WWW-Authenticate"));
            assertFalse(anonymous.body().contains("\"agent\""), "nothing of the agent: " + anonymous.body());
        }
    }

    @ParameterizedTest(name = "{0} through {1}")
    @MethodSource("org.fcgibridge.sample.e2e.WarFronts#enginesAndFronts")
    void aUserWithTheRoleGetsTheAgent(String engine, String front) throws Exception {
        URI agent = agent(engine, front);
        HttpResponse<String> version = get(agent.resolve("version"), "ops:secret");
        assertEquals(200, version.statusCode(), version.body());
        String body = version.body();
        assertTrue(body.startsWith("{") && body.contains("\"value\":{") && body.contains("\"status\":200"), body);
        assertTrue(body.contains("\"agent\":\"" + agentVersion() + "\""), "the agent's version: " + body);

        // a JMX read posted as JSON: what the constraint protects, served to the user with the role
        HttpResponse<String> read = post(agent, "ops:secret",
                "{\"type\":\"read\",\"mbean\":\"java.lang:type=Runtime\",\"attribute\":\"SpecVersion\"}");
        assertEquals(200, read.statusCode(), read.body());
        assertTrue(read.body().contains("\"status\":200")
                && read.body().contains("\"value\":\"" + System.getProperty("java.specification.version") + "\""),
                read.body());
    }

    @ParameterizedTest(name = "{0} through {1}")
    @MethodSource("org.fcgibridge.sample.e2e.WarFronts#enginesAndFronts")
    void aUserWithoutTheRoleIsForbidden(String engine, String front) throws Exception {
        URI agent = agent(engine, front);
        HttpResponse<String> eve = get(agent.resolve("version"), "eve:snoop");
        assertEquals(403, eve.statusCode(), eve.body());
        assertFalse(eve.body().contains("\"agent\""), eve.body());
        assertEquals(403, post(agent, "eve:snoop", "{\"type\":\"version\"}").statusCode());
    }

    @ParameterizedTest(name = "{0} through {1}")
    @MethodSource("org.fcgibridge.sample.e2e.WarFronts#enginesAndFronts")
    void aWrongPasswordOrAnUnknownUserIsAskedAgain(String engine, String front) throws Exception {
        URI agent = agent(engine, front);
        for (String credentials : List.of("ops:wrong", "ops:", "nobody:secret")) {
            HttpResponse<String> refused = get(agent.resolve("version"), credentials);
            assertEquals(401, refused.statusCode(), credentials + ": " + refused.body());
            assertEquals(List.of("Basic realm=\"jolokia\""), refused.headers().allValues("WWW-Authenticate"));
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"standalone", "jetty"})
    void withoutARealmTheLauncherRefusesTheAgentInOneLine(String engine) throws Exception {
        LauncherRefusal refusal = LauncherRefusal.of(war(), "--engine", engine, "--http", "0");
        assertEquals(1, refusal.status, refusal.stderr);
        List<String> realmLines = refusal.linesWith("--realm");
        assertEquals(1, realmLines.size(), "one line says what to add: " + refusal.stderr);
        assertEquals(refusal.lastLine(), realmLines.get(0), refusal.stderr);
        assertTrue(realmLines.get(0).startsWith("fcgi-bridge: cannot deploy: " + war()), refusal.stderr);
        assertFalse(refusal.stderr.contains("\tat "), "no stack trace: " + refusal.stderr);
    }

    private HttpResponse<String> get(URI uri, String credentials) throws Exception {
        return http.send(authorized(HttpRequest.newBuilder(uri), credentials).build(), BodyHandlers.ofString());
    }

    private HttpResponse<String> post(URI uri, String credentials, String json) throws Exception {
        return http.send(authorized(HttpRequest.newBuilder(uri), credentials)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json)).build(), BodyHandlers.ofString());
    }

    private static HttpRequest.Builder authorized(HttpRequest.Builder request, String credentials) {
        request.timeout(Duration.ofSeconds(30));
        if (credentials != null) {
            request.header("Authorization", "Basic "
                    + Base64.getEncoder().encodeToString(credentials.getBytes(StandardCharsets.UTF_8)));
        }
        return request;
    }
}
