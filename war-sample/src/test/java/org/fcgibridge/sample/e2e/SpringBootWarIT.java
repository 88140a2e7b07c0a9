package org.fcgibridge.sample.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.CRC32;
import org.fcgibridge.core.client.FcgiClient;
import org.fcgibridge.core.client.FcgiResponse;
import org.fcgibridge.core.net.ListenAddress;
import org.fcgibridge.servlet.testing.WarBuilder;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * An unmodified Spring Boot 3.5 application packed as a WAR for a servlet container (a
 * SpringBootServletInitializer, spring-boot-starter-web without the embedded Tomcat, Thymeleaf, Spring Security
 * form login with CSRF, JDBC), deployed by the launcher on both engines. Spring's initializer registers the
 * DispatcherServlet at "/", the application's own default servlet: before that replaced the container's default
 * servlet, the standalone engine answered 404 to everything. One WAR; one launched bridge per engine and context
 * path, shared by the cases, and bridges of their own for the start and stop cases.
 */
class SpringBootWarIT {
    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();
    private static final Map<String, RunningBridge> BRIDGES = new HashMap<>();
    private static final Pattern SESSION = Pattern.compile("JSESSIONID=([^;]+)");
    private static final Pattern CSRF = Pattern.compile("name=\"_csrf\"[^>]*value=\"([^\"]+)\"");

    @TempDir
    static Path dir;

    private static final String APPLICATION = """
            package boot;
            import org.springframework.boot.autoconfigure.SpringBootApplication;
            import org.springframework.boot.builder.SpringApplicationBuilder;
            import org.springframework.boot.web.servlet.support.SpringBootServletInitializer;
            @SpringBootApplication
            public class Application extends SpringBootServletInitializer {
              @Override
              protected SpringApplicationBuilder configure(SpringApplicationBuilder builder) {
                return builder.sources(Application.class);
              }
            }
            """;

    private static final String API = """
            package boot;
            import java.util.*;
            import java.util.concurrent.CopyOnWriteArrayList;
            import org.springframework.http.ResponseEntity;
            import org.springframework.web.bind.annotation.*;
            import org.springframework.web.multipart.MultipartFile;
            @RestController
            public class Api {
              public record Item(String name, int quantity) { }
              private final List<Item> items = new CopyOnWriteArrayList<>();
              @jakarta.annotation.PreDestroy
              public void close() { System.err.println("boot.Api closed with " + items.size() + " items"); }
              @GetMapping(value = "/", produces = "text/plain")
              public String home() { return "Spring Boot on fcgi-bridge"; }
              @PostMapping("/api/items")
              public ResponseEntity<Item> add(@RequestBody Item item) {
                items.add(item);
                return ResponseEntity.status(201).body(item);
              }
              @GetMapping("/api/items")
              public List<Item> all() { return items; }
              @GetMapping("/api/log")
              public String log(@RequestParam("marker") String marker,
                  jakarta.servlet.http.HttpServletRequest request) {
                request.getServletContext().log("context " + marker);
                java.util.logging.Logger.getLogger("boot.Api").warning("jul " + marker);
                return "logged";
              }
              @GetMapping("/api/visible")
              public String visible(@RequestParam("name") String name) {
                return String.valueOf(org.springframework.util.ClassUtils.isPresent(name, getClass().getClassLoader()));
              }
              @GetMapping("/api/boom")
              public String boom() { throw new IllegalStateException("boom"); }
              @GetMapping("/api/async")
              public java.util.concurrent.Callable<String> async() {
                return () -> "async done";
              }
              @GetMapping("/api/events")
              public org.springframework.web.servlet.mvc.method.annotation.SseEmitter events() {
                org.springframework.web.servlet.mvc.method.annotation.SseEmitter events =
                    new org.springframework.web.servlet.mvc.method.annotation.SseEmitter(10_000L);
                new Thread(() -> {
                  try {
                    for (int i = 1; i <= 3; i++) {
                      events.send(org.springframework.web.servlet.mvc.method.annotation.SseEmitter.event()
                          .id(String.valueOf(i)).data("tick " + i));
                    }
                    events.complete();
                  } catch (Exception e) {
                    events.completeWithError(e);
                  }
                }).start();
                return events;
              }
              @PostMapping("/api/upload")
              public Map<String, Object> upload(@RequestParam("file") MultipartFile file,
                  @RequestParam("comment") String comment) throws java.io.IOException {
                java.util.zip.CRC32 crc = new java.util.zip.CRC32();
                crc.update(file.getBytes());
                Map<String, Object> answer = new LinkedHashMap<>();
                answer.put("filename", file.getOriginalFilename());
                answer.put("size", file.getSize());
                answer.put("crc", crc.getValue());
                answer.put("comment", comment);
                return answer;
              }
            }
            """;

    /** JDBC: HikariCP and the H2 driver of WEB-INF/lib, the schema from WEB-INF/classes/schema.sql. */
    private static final String NOTES = """
            package boot;
            import java.util.List;
            import org.springframework.http.ResponseEntity;
            import org.springframework.jdbc.core.JdbcTemplate;
            import org.springframework.web.bind.annotation.*;
            @RestController
            public class Notes {
              private final JdbcTemplate jdbc;
              public Notes(JdbcTemplate jdbc) { this.jdbc = jdbc; }
              @PostMapping(value = "/api/notes", consumes = "text/plain")
              public ResponseEntity<String> add(@RequestBody String text) {
                jdbc.update("INSERT INTO note(text) VALUES (?)", text);
                return ResponseEntity.status(201).body(text);
              }
              @GetMapping("/api/notes")
              public List<String> all() { return jdbc.queryForList("SELECT text FROM note ORDER BY id", String.class); }
            }
            """;

    private static final String PAGES = """
            package boot;
            import org.springframework.stereotype.Controller;
            import org.springframework.ui.Model;
            import org.springframework.web.bind.annotation.*;
            @Controller
            public class Pages {
              @GetMapping("/greeting")
              public String greeting(@RequestParam(name = "name", defaultValue = "world") String name, Model model) {
                model.addAttribute("name", name);
                return "greeting";
              }
              @GetMapping("/links")
              public String links() { return "links"; }
              @GetMapping("/private")
              public String secret(java.security.Principal user, Model model) {
                model.addAttribute("user", user.getName());
                return "private";
              }
            }
            """;

    private static final String SECURITY = """
            package boot;
            import org.springframework.context.annotation.*;
            import org.springframework.security.config.annotation.web.builders.HttpSecurity;
            import org.springframework.security.core.userdetails.*;
            import org.springframework.security.provisioning.InMemoryUserDetailsManager;
            import org.springframework.security.web.SecurityFilterChain;
            @Configuration
            public class Security {
              @Bean
              public SecurityFilterChain web(HttpSecurity http) throws Exception {
                http.authorizeHttpRequests(requests -> requests
                        .requestMatchers("/", "/greeting", "/links", "/api/**", "/error", "/css/**", "/webjars/**")
                        .permitAll()
                        .anyRequest().authenticated())
                    .formLogin(login -> login.permitAll())
                    .csrf(csrf -> csrf.ignoringRequestMatchers("/api/**"));
                return http.build();
              }
              @Bean
              public UserDetailsService users() {
                return new InMemoryUserDetailsManager(
                    User.withUsername("alice").password("{noop}wonderland").roles("USER").build());
              }
            }
            """;

    /** The application's WAR (sources, templates, properties and the starters' jars), not yet packed. */
    private static WarBuilder application(Path build) {
        WarBuilder war = new WarBuilder(build)
                .source("boot.Application", APPLICATION).source("boot.Api", API).source("boot.Pages", PAGES)
                .source("boot.Security", SECURITY).source("boot.Notes", NOTES)
                .file("WEB-INF/classes/schema.sql",
                        "CREATE TABLE note (id INT AUTO_INCREMENT PRIMARY KEY, text VARCHAR(200));\n")
                .file("WEB-INF/classes/application.properties", """
                        spring.main.banner-mode=off
                        spring.servlet.multipart.max-file-size=8MB
                        spring.servlet.multipart.max-request-size=8MB
                        """)
                .file("WEB-INF/classes/templates/greeting.html", """
                        <!DOCTYPE html>
                        <html xmlns:th="http://www.thymeleaf.org">
                        <body><h1 th:text="'Hello, ' + ${name} + '!'">Hello</h1></body>
                        </html>
                        """)
                .file("WEB-INF/classes/templates/links.html", """
                        <!DOCTYPE html>
                        <html xmlns:th="http://www.thymeleaf.org">
                        <body><a th:href="@{/private}">private</a><link th:href="@{/css/site.css}"></body>
                        </html>
                        """)
                .file("WEB-INF/classes/static/css/site.css", "body { color: teal; }\n")
                .file("WEB-INF/classes/templates/private.html", """
                        <!DOCTYPE html>
                        <html xmlns:th="http://www.thymeleaf.org">
                        <body><p th:text="'The secret of ' + ${user}">secret</p></body>
                        </html>
                        """);
        // what spring-boot-starter-web (no spring-boot-starter-tomcat), -thymeleaf, -security and -jdbc bring; H2
        ClassPathJars.ofGroups("org.springframework", "org.springframework.boot", "org.springframework.security",
                "com.fasterxml.jackson.core", "com.fasterxml.jackson.datatype", "com.fasterxml.jackson.module",
                "io.micrometer", "jakarta.annotation", "org.yaml", "org.slf4j", "ch.qos.logback",
                "org.apache.logging.log4j", "org.thymeleaf", "org.attoparser", "org.unbescape",
                "com.zaxxer", "com.h2database")
                .forEach(war::lib);
        return war.lib(ClassPathJars.of("org.webjars", "jquery"));
    }

    /** The application packed once for every case. */
    private static synchronized Path war() throws IOException {
        Path war = dir.resolve("war").resolve("boot.war");
        return Files.exists(war) ? war : application(dir.resolve("war")).packed("boot");
    }

    /** The application served by the launcher on {@code engine} at {@code contextPath} ("" for the root). */
    private static synchronized RunningBridge bridge(String engine, String contextPath) throws Exception {
        String key = engine + contextPath;
        RunningBridge running = BRIDGES.get(key);
        if (running != null) {
            return running;
        }
        running = RunningBridge.startWar(Files.createDirectories(dir.resolve(engine + contextPath.replace('/', '-'))),
                war(), "--engine", engine, "--http", "0", "--context-path", contextPath);
        BRIDGES.put(key, running);
        return running;
    }

    private static RunningBridge bridge(String engine) throws Exception {
        return bridge(engine, "");
    }

    @AfterAll
    static void stopBridges() {
        BRIDGES.values().forEach(RunningBridge::close);
        BRIDGES.clear();
    }

    private static HttpResponse<String> send(String engine, HttpRequest.Builder request) throws Exception {
        HttpRequest built = request.timeout(Duration.ofSeconds(30)).build();
        try {
            return HTTP.send(built, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new AssertionError(engine + " " + built.method() + " " + built.uri() + ": " + e, e);
        }
    }

    private static HttpRequest.Builder request(String engine, String path) throws Exception {
        return request(engine, "", path);
    }

    private static HttpRequest.Builder request(String engine, String contextPath, String path) throws Exception {
        return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + bridge(engine, contextPath).httpPort()
                + contextPath + path));
    }

    private static String session(HttpResponse<?> response) {
        for (String cookie : response.headers().allValues("Set-Cookie")) {
            Matcher matcher = SESSION.matcher(cookie);
            if (matcher.lookingAt()) {
                return matcher.group(1);
            }
        }
        return null;
    }

    private static String form(String... namesAndValues) {
        StringBuilder body = new StringBuilder();
        for (int i = 0; i < namesAndValues.length; i += 2) {
            body.append(i == 0 ? "" : "&").append(namesAndValues[i]).append('=')
                    .append(URLEncoder.encode(namesAndValues[i + 1], StandardCharsets.UTF_8));
        }
        return body.toString();
    }

    private static String contentType(HttpResponse<?> response) {
        return response.headers().firstValue("Content-Type").orElse("");
    }

    @ParameterizedTest
    @ValueSource(strings = {"standalone", "jetty"})
    void theDispatcherServletAtSlashAnswersTheRootAndAJsonApi(String engine) throws Exception {
        HttpResponse<String> home = send(engine, request(engine, "/"));
        assertEquals(200, home.statusCode(), home.body());
        assertEquals("Spring Boot on fcgi-bridge", home.body());

        HttpResponse<String> created = send(engine, request(engine, "/api/items")
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"name\":\"caf\u00e9\",\"quantity\":3}")));
        assertEquals(201, created.statusCode(), created.body());
        assertEquals("{\"name\":\"caf\u00e9\",\"quantity\":3}", created.body());
        HttpResponse<String> all = send(engine, request(engine, "/api/items").header("Accept", "application/json"));
        assertEquals(200, all.statusCode(), all.body());
        assertTrue(contentType(all).startsWith("application/json"), all.headers().toString());
        assertTrue(all.body().contains("{\"name\":\"caf\u00e9\",\"quantity\":3}"), all.body());
    }

    /** JDBC through Boot's DataSource: HikariCP and the H2 driver of WEB-INF/lib, found by the application's loader. */
    @ParameterizedTest
    @ValueSource(strings = {"standalone", "jetty"})
    void jdbcWithTheDriverOfWebInfLib(String engine) throws Exception {
        HttpResponse<String> added = send(engine, request(engine, "/api/notes").header("Content-Type", "text/plain")
                .POST(HttpRequest.BodyPublishers.ofString("caf\u00e9 note")));
        assertEquals(201, added.statusCode(), added.body());
        HttpResponse<String> all = send(engine, request(engine, "/api/notes"));
        assertEquals(200, all.statusCode(), all.body());
        assertTrue(all.body().contains("\"caf\u00e9 note\""), all.body());
    }

    /** Spring Boot's errors in a WAR: its ErrorPageFilter and the container's error dispatch to /error. */
    @ParameterizedTest
    @ValueSource(strings = {"standalone", "jetty"})
    void errorsAnswerAsSpringBootsJson(String engine) throws Exception {
        HttpResponse<String> missing = send(engine, request(engine, "/api/nothing/here")
                .header("Accept", "application/json"));
        assertEquals(404, missing.statusCode(), missing.body());
        assertTrue(contentType(missing).startsWith("application/json"), missing.headers().toString());
        assertTrue(missing.body().contains("\"status\":404"), missing.body());
        assertTrue(missing.body().contains("\"path\":\"/api/nothing/here\""), missing.body());

        HttpResponse<String> boom = send(engine, request(engine, "/api/boom").header("Accept", "application/json"));
        assertEquals(500, boom.statusCode(), boom.body());
        assertTrue(boom.body().contains("\"status\":500"), boom.body());
        assertTrue(boom.body().contains("\"path\":\"/api/boom\""), boom.body());
        assertFalse(boom.body().contains("IllegalStateException"), "no stack trace by default: " + boom.body());
    }

    /**
     * The container's implementation is hidden from the application alike on both engines (Servlet 6.0 section
     * 10.7.2): Spring Boot configures itself by the classes it finds, and found the launcher's Jetty on one engine.
     */
    @ParameterizedTest
    @ValueSource(strings = {"standalone", "jetty"})
    void theApplicationSeesTheSameClassesOnBothEngines(String engine) throws Exception {
        for (String hidden : List.of("org.eclipse.jetty.server.Server",
                "org.eclipse.jetty.ee10.webapp.WebAppContext")) {
            assertEquals("false", send(engine, request(engine, "/api/visible?name=" + hidden)).body(), hidden);
        }
        for (String visible : List.of("jakarta.servlet.http.HttpServlet", "org.slf4j.Logger",
                "org.springframework.web.servlet.DispatcherServlet")) {
            assertEquals("true", send(engine, request(engine, "/api/visible?name=" + visible)).body(), visible);
        }
    }

    /** A Callable and an SseEmitter: Spring MVC's asynchronous requests on the container's startAsync. */
    @ParameterizedTest
    @ValueSource(strings = {"standalone", "jetty"})
    void asyncRequestsAndServerSentEvents(String engine) throws Exception {
        HttpResponse<String> async = send(engine, request(engine, "/api/async"));
        assertEquals(200, async.statusCode(), async.body());
        assertEquals("async done", async.body());

        HttpResponse<String> events = send(engine, request(engine, "/api/events"));
        assertEquals(200, events.statusCode(), events.body());
        assertTrue(contentType(events).startsWith("text/event-stream"), events.headers().toString());
        assertEquals("id:1\ndata:tick 1\n\nid:2\ndata:tick 2\n\nid:3\ndata:tick 3\n\n", events.body());
    }

    /** Static resources of the classpath and of a WebJar, served by Spring's resource handler behind "/". */
    @ParameterizedTest
    @ValueSource(strings = {"standalone", "jetty"})
    void staticResources(String engine) throws Exception {
        HttpResponse<String> css = send(engine, request(engine, "/css/site.css"));
        assertEquals(200, css.statusCode(), css.body());
        assertTrue(contentType(css).startsWith("text/css"), css.headers().toString());
        assertEquals("body { color: teal; }\n", css.body());
        String version = ClassPathJars.version(ClassPathJars.of("org.webjars", "jquery"));
        HttpResponse<String> jquery = send(engine, request(engine, "/webjars/jquery/" + version + "/jquery.min.js"));
        assertEquals(200, jquery.statusCode(), jquery.body());
        assertTrue(jquery.body().startsWith("/*! jQuery v" + version + " "), jquery.body().substring(0, 80));
    }

    /**
     * Spring Boot takes over java.util.logging when its root logger has nothing but a ConsoleHandler; the JVM is the
     * server's, so the launcher's handler is another: the server's records and the application's java.util.logging
     * and ServletContext.log records stay on the launcher's stderr, not in the application's logback on stdout. And
     * the application's SLF4J finds no provider of the launcher's.
     */
    @ParameterizedTest
    @ValueSource(strings = {"standalone", "jetty"})
    void theServerKeepsItsLog(String engine) throws Exception {
        String marker = "marker-" + engine + "-" + System.nanoTime();
        HttpResponse<String> logged = send(engine, request(engine, "/api/log?marker=" + marker));
        assertEquals(200, logged.statusCode(), logged.body());
        RunningBridge bridge = bridge(engine);
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        String stderr = bridge.process().stderrText();
        while (!(stderr.contains("jul " + marker) && stderr.contains("context " + marker))
                && System.nanoTime() < deadline) {
            Thread.sleep(50);
            stderr = bridge.process().stderrText();
        }
        assertTrue(stderr.contains("WARNING boot.Api: jul " + marker), stderr);
        // SLF4J in the WAR sees the application's logback only, not the launcher's provider of its own copy of SLF4J
        assertFalse(stderr.contains("SLF4J(E)"), stderr);
        assertTrue(stderr.contains("context " + marker), stderr);
        assertFalse(bridge.process().output().stream().anyMatch(line -> line.contains(marker)),
                String.join("\n", bridge.process().output()));
    }

    @ParameterizedTest
    @ValueSource(strings = {"standalone", "jetty"})
    void aMultipartUploadReachesTheController(String engine) throws Exception {
        byte[] file = new byte[3 * 1024 * 1024];
        new Random(7).nextBytes(file);
        CRC32 crc = new CRC32();
        crc.update(file);
        String boundary = "bootBoundary42";
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        body.writeBytes(("--" + boundary + "\r\nContent-Disposition: form-data; name=\"comment\"\r\n\r\na note\r\n--"
                + boundary + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"data.bin\"\r\n"
                + "Content-Type: application/octet-stream\r\n\r\n").getBytes(StandardCharsets.UTF_8));
        body.writeBytes(file);
        body.writeBytes(("\r\n--" + boundary + "--\r\n").getBytes(StandardCharsets.UTF_8));
        HttpResponse<String> upload = send(engine, request(engine, "/api/upload")
                .header("Content-Type", "multipart/form-data; boundary=" + boundary)
                .POST(HttpRequest.BodyPublishers.ofByteArray(body.toByteArray())));
        assertEquals(200, upload.statusCode(), upload.body());
        assertEquals("{\"filename\":\"data.bin\",\"size\":" + file.length + ",\"crc\":" + crc.getValue()
                + ",\"comment\":\"a note\"}", upload.body());
    }

    @ParameterizedTest
    @ValueSource(strings = {"standalone", "jetty"})
    void aThymeleafTemplateRenders(String engine) throws Exception {
        HttpResponse<String> page = send(engine, request(engine, "/greeting?name=J%C3%BCrgen%20%3Cb%3E"));
        assertEquals(200, page.statusCode(), page.body());
        assertTrue(contentType(page).startsWith("text/html"), page.headers().toString());
        assertTrue(page.body().contains("<h1>Hello, J\u00fcrgen &lt;b&gt;!</h1>"), page.body());
    }

    @ParameterizedTest
    @ValueSource(strings = {"standalone", "jetty"})
    void springSecurityFormLoginWithCsrf(String engine) throws Exception {
        logIn(engine, "");
    }

    /** The same application under a context path: redirects, links, cookies and the login carry it. */
    @ParameterizedTest
    @ValueSource(strings = {"standalone", "jetty"})
    void underAContextPath(String engine) throws Exception {
        HttpResponse<String> home = send(engine, request(engine, "/shop", "/"));
        assertEquals(200, home.statusCode(), home.body());
        assertEquals("Spring Boot on fcgi-bridge", home.body());
        HttpResponse<String> links = send(engine, request(engine, "/shop", "/links"));
        assertEquals(200, links.statusCode(), links.body());
        assertTrue(links.body().contains("<a href=\"/shop/private\">"), links.body());
        assertTrue(links.body().contains("<link href=\"/shop/css/site.css\">"), links.body());
        assertEquals(200, send(engine, request(engine, "/shop", "/css/site.css")).statusCode());
        HttpResponse<String> anonymous = send(engine, request(engine, "/shop", "/private"));
        assertTrue(anonymous.headers().allValues("Set-Cookie").stream().anyMatch(
                cookie -> cookie.startsWith("JSESSIONID=") && cookie.contains("Path=/shop")),
                anonymous.headers().toString());
        logIn(engine, "/shop");
    }

    /** SIGTERM: the launcher stops the application, Spring closes its context (a @PreDestroy runs), exit status 0. */
    @ParameterizedTest
    @ValueSource(strings = {"standalone", "jetty"})
    void aStopClosesSpringsContext(String engine) throws Exception {
        try (RunningBridge bridge = RunningBridge.startWar(Files.createDirectories(dir.resolve("stop-" + engine)),
                war(), "--engine", engine, "--http", "0")) {
            HttpResponse<String> created = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:"
                    + bridge.httpPort() + "/api/items")).header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString("{\"name\":\"cup\",\"quantity\":1}")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(201, created.statusCode(), created.body());
            assertEquals(0, bridge.process().terminate(30), bridge.process().stderrText());
            assertTrue(bridge.process().stderrText().contains("boot.Api closed with 1 items"),
                    bridge.process().stderrText());
        }
    }

    /**
     * An application whose context fails to start (a bean's constructor throws): the launcher does not serve it, it
     * exits with status 1 and says why.
     */
    @ParameterizedTest
    @ValueSource(strings = {"standalone", "jetty"})
    void anApplicationThatFailsToStartStopsTheLauncher(String engine) throws Exception {
        Path build = dir.resolve("broken-" + engine);
        Path war = application(build).source("boot.Broken", """
                package boot;
                @org.springframework.stereotype.Component
                public class Broken {
                  public Broken() { throw new IllegalStateException("the broken bean refuses to start"); }
                }
                """).packed("broken");
        Process launcher = new ProcessBuilder(RunningBridge.command("--war", war.toString(), "--engine", engine,
                "--listen", "127.0.0.1:0")).redirectErrorStream(true).start();
        String output = new String(launcher.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(launcher.waitFor(60, TimeUnit.SECONDS), output);
        assertEquals(1, launcher.exitValue(), output);
        assertFalse(output.contains("fcgi-bridge: serving"), output);
        assertTrue(output.contains("the broken bean refuses to start"), output);
    }

    /**
     * Behind a web server that terminates TLS (nginx's {@code HTTPS on} and the client's Host, straight over
     * FastCGI): Spring Security's redirect is to https on that host and the session cookie is Secure.
     */
    @ParameterizedTest
    @ValueSource(strings = {"standalone", "jetty"})
    void behindAWebServerThatTerminatesTls(String engine) throws Exception {
        Map<String, String> params = new HashMap<>();
        params.put("REQUEST_METHOD", "GET");
        params.put("REQUEST_URI", "/private");
        params.put("DOCUMENT_URI", "/private");
        params.put("SCRIPT_NAME", "/private");
        params.put("QUERY_STRING", "");
        params.put("SERVER_PROTOCOL", "HTTP/1.1");
        params.put("REQUEST_SCHEME", "https");
        params.put("HTTPS", "on");
        params.put("HTTP_HOST", "shop.example");
        params.put("SERVER_NAME", "shop.example");
        params.put("SERVER_PORT", "443");
        params.put("SERVER_ADDR", "127.0.0.1");
        params.put("REMOTE_ADDR", "203.0.113.9");
        params.put("REMOTE_PORT", "50312");
        try (FcgiClient client = FcgiClient.connect(ListenAddress.tcp("127.0.0.1", bridge(engine).port()))) {
            FcgiResponse response = client.execute(params, new byte[0]);
            assertEquals(302, response.status(), response.stdoutText());
            assertEquals("https://shop.example/login", response.header("Location"), response.stdoutText());
            String head = response.stdoutText().substring(0, response.stdoutText().indexOf("\r\n\r\n"));
            assertTrue(head.lines().anyMatch(line -> line.startsWith("Set-Cookie: JSESSIONID=")
                    && line.contains("; Secure")), head);
        }
    }

    /**
     * An anonymous request for a protected page redirects to the login form; posting it without the CSRF token is
     * 403, with a wrong password back to the form, with the right one a new session id (fixation protection) that
     * the page then accepts, and the old id no longer does.
     */
    private static void logIn(String engine, String contextPath) throws Exception {
        HttpResponse<String> anonymous = send(engine, request(engine, contextPath, "/private"));
        assertEquals(302, anonymous.statusCode(), anonymous.body());
        assertTrue(anonymous.headers().firstValue("Location").orElse("").endsWith(contextPath + "/login"),
                anonymous.headers().toString());
        String before = session(anonymous);
        assertNotNull(before, "the saved request's session: " + anonymous.headers());

        HttpResponse<String> loginPage = send(engine, request(engine, contextPath, "/login")
                .header("Cookie", "JSESSIONID=" + before));
        assertEquals(200, loginPage.statusCode(), loginPage.body());
        assertTrue(loginPage.body().contains("action=\"" + contextPath + "/login\""), loginPage.body());
        Matcher token = CSRF.matcher(loginPage.body());
        assertTrue(token.find(), loginPage.body());

        HttpResponse<String> noToken = send(engine, request(engine, contextPath, "/login")
                .header("Cookie", "JSESSIONID=" + before)
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(form("username", "alice", "password", "wonderland"))));
        assertEquals(403, noToken.statusCode(), noToken.body());

        HttpResponse<String> wrong = send(engine, request(engine, contextPath, "/login")
                .header("Cookie", "JSESSIONID=" + before)
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(form("username", "alice", "password", "rabbit",
                        "_csrf", token.group(1)))));
        assertEquals(302, wrong.statusCode(), wrong.body());
        assertTrue(wrong.headers().firstValue("Location").orElse("").endsWith(contextPath + "/login?error"),
                wrong.headers().toString());

        HttpResponse<String> login = send(engine, request(engine, contextPath, "/login")
                .header("Cookie", "JSESSIONID=" + before)
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(form("username", "alice", "password", "wonderland",
                        "_csrf", token.group(1)))));
        assertEquals(302, login.statusCode(), login.body());
        assertTrue(login.headers().firstValue("Location").orElse("").contains(contextPath + "/private"),
                login.headers().toString());
        String after = session(login);
        assertNotNull(after, "session fixation protection changes the id: " + login.headers());
        assertNotEquals(before, after);

        HttpResponse<String> secret = send(engine, request(engine, contextPath, "/private")
                .header("Cookie", "JSESSIONID=" + after));
        assertEquals(200, secret.statusCode(), secret.body());
        assertTrue(secret.body().contains("<p>The secret of alice</p>"), secret.body());
        HttpResponse<String> old = send(engine, request(engine, contextPath, "/private")
                .header("Cookie", "JSESSIONID=" + before));
        assertEquals(302, old.statusCode(), "the id before the login no longer authenticates: " + old.body());
    }
}
