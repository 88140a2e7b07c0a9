package org.fcgibridge.servlet.embedded;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetSocketAddress;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.fcgibridge.core.client.FcgiClient;
import org.fcgibridge.core.client.FcgiResponse;
import org.fcgibridge.core.server.FcgiServer;
import org.fcgibridge.servlet.ServletResponder;
import org.fcgibridge.servlet.testing.WarBuilder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The standalone container embedded in a project that has fcgi-core, the bridge and the servlet API (and classgraph,
 * which the WAR deployer scans annotations with), but no Jetty jar, as Maven resolves it now that the bridge's Jetty
 * dependencies are optional: a WAR with a realm (plain and MD5 passwords) deploys and serves over FastCGI in a fresh
 * JVM with that class path. Jasper is optional too: a JSP page there answers 500.
 */
@Timeout(120)
class StandaloneWithoutJettyTest {
    @TempDir
    Path dir;

    @Test
    void aWarWithARealmServesInAJvmWithNoJettyClass() throws Exception {
        Path war = new WarBuilder(dir.resolve("build"))
                .source("demo.Hello", """
                        package demo;
                        public class Hello extends jakarta.servlet.http.HttpServlet {
                            @Override
                            protected void doGet(jakarta.servlet.http.HttpServletRequest q,
                                                 jakarta.servlet.http.HttpServletResponse r) throws java.io.IOException {
                                r.setContentType("text/plain");
                                r.getWriter().print("hello " + q.getRemoteUser() + " at " + q.getRequestURL());
                            }
                        }
                        """)
                .webXml("""
                        <web-app xmlns="https://jakarta.ee/xml/ns/jakartaee" version="6.0">
                          <servlet><servlet-name>hello</servlet-name><servlet-class>demo.Hello</servlet-class></servlet>
                          <servlet-mapping><servlet-name>hello</servlet-name>
                            <url-pattern>/hello</url-pattern><url-pattern>/secret</url-pattern></servlet-mapping>
                          <security-constraint>
                            <web-resource-collection><web-resource-name>s</web-resource-name>
                              <url-pattern>/secret</url-pattern></web-resource-collection>
                            <auth-constraint><role-name>user</role-name></auth-constraint>
                          </security-constraint>
                          <login-config><auth-method>BASIC</auth-method></login-config>
                          <security-role><role-name>user</role-name></security-role>
                        </web-app>
                        """)
                .file("page.jsp", "<%= secretSource() %>")
                .packed("app");
        Path realm = Files.writeString(dir.resolve("realm.properties"),
                "alice: wonderland,user\nbob: MD5:5ebe2294ecd0e0f08eab7690d2a6ee69,user\n");
        Path cryptRealm = Files.writeString(dir.resolve("crypt.properties"), "carol: CRYPT:adpexzg3FUZAk,user\n");

        List<String> classPath = new ArrayList<>();
        for (Class<?> type : List.of(FcgiServer.class, ServletResponder.class, jakarta.servlet.Servlet.class,
                io.github.classgraph.ClassGraph.class, EmbeddedStandalone.class)) {
            classPath.add(location(type));
        }
        for (String entry : classPath) { // the jar's name: the checkout's own path may say "jetty"
            assertFalse(Path.of(entry).getFileName().toString().contains("jetty"), entry);
        }
        Process child = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", String.join(File.pathSeparator, classPath), EmbeddedStandalone.class.getName(),
                war.toString(), realm.toString(), Files.createDirectories(dir.resolve("work")).toString(),
                cryptRealm.toString())
                .redirectError(dir.resolve("stderr.txt").toFile())
                .start();
        try {
            BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(),
                    StandardCharsets.UTF_8));
            List<String> lines = new ArrayList<>();
            int port = -1;
            for (String line; port < 0 && (line = out.readLine()) != null; ) {
                lines.add(line);
                if (line.startsWith("port=")) {
                    port = Integer.parseInt(line.substring(5));
                }
            }
            assertTrue(port > 0, () -> "no port: " + lines + "\n" + stderr());
            assertEquals("jetty-absent", lines.get(0));
            assertTrue(lines.get(1).startsWith("crypt-refused: ") && lines.get(1).contains("user carol")
                    && lines.get(1).contains("needs Jetty's jetty-util"), lines.get(1));

            FcgiResponse open = get(port, "/app/hello", null);
            assertEquals(200, open.status(), open::toString);
            assertEquals("hello null at http://localhost/app/hello", open.bodyText());
            assertEquals(401, get(port, "/app/secret", null).status());
            assertEquals(401, get(port, "/app/secret", "alice:wrong").status());
            FcgiResponse alice = get(port, "/app/secret", "alice:wonderland");
            assertEquals(200, alice.status(), alice::toString);
            assertEquals("hello alice at http://localhost/app/secret", alice.bodyText());
            assertEquals("hello bob at http://localhost/app/secret", get(port, "/app/secret", "bob:secret").bodyText());
            // nor Jasper: a JSP page answers 500, never its source
            FcgiResponse page = get(port, "/app/page.jsp", null);
            assertEquals(500, page.status(), page::toString);
            assertTrue(page.bodyText().contains("JSP support not configured"), page::toString);
            assertFalse(page.stdoutText().contains("secretSource"), page::toString);
        } finally {
            child.getOutputStream().close();
            if (!child.waitFor(20, TimeUnit.SECONDS)) {
                child.destroyForcibly();
            }
        }
        assertEquals(0, child.exitValue(), this::stderr);
    }

    private String stderr() {
        try {
            return Files.readString(dir.resolve("stderr.txt"));
        } catch (IOException e) {
            return e.toString();
        }
    }

    private static String location(Class<?> type) throws URISyntaxException {
        return Path.of(type.getProtectionDomain().getCodeSource().getLocation().toURI()).toString();
    }

    private static FcgiResponse get(int port, String uri, String credentials) throws IOException {
        Map<String, String> params = new LinkedHashMap<>();
        params.put("REQUEST_METHOD", "GET");
        params.put("REQUEST_URI", uri);
        params.put("SERVER_PROTOCOL", "HTTP/1.1");
        params.put("SERVER_NAME", "localhost");
        params.put("SERVER_PORT", "80");
        params.put("HTTP_HOST", "localhost");
        if (credentials != null) {
            params.put("HTTP_AUTHORIZATION", "Basic "
                    + Base64.getEncoder().encodeToString(credentials.getBytes(StandardCharsets.UTF_8)));
        }
        try (FcgiClient client = FcgiClient.connect(new InetSocketAddress("127.0.0.1", port))) {
            return client.execute(params, new byte[0]);
        }
    }
}
