package org.fcgibridge.sample.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.fcgibridge.core.testing.Peers;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** Raw FastCGI requests from libfcgi's own client, {@code cgi-fcgi -bind -connect}, with CGI variables as it sends them. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@ExtendWith(InteropMatrix.class)
@Variant("cgi-fcgi (libfcgi) raw")
class RawCgiFcgiIT {
    private RunningBridge bridge;
    private Path cgiFcgi;

    @BeforeAll
    void start(@TempDir Path dir) throws Exception {
        cgiFcgi = Peers.find("cgi-fcgi");
        assumeTrue(cgiFcgi != null, Peers.missing("cgi-fcgi", "libfcgi-bin"));
        bridge = RunningBridge.start(dir, "--cgi-root", RunningBridge.scripts(dir).toString());
    }

    @AfterAll
    void stop() {
        if (bridge != null) {
            bridge.close();
        }
    }

    /** Runs cgi-fcgi with these CGI variables and body; returns its output, the CGI response. */
    private String request(Map<String, String> variables, String body) throws Exception {
        ProcessBuilder builder = new ProcessBuilder(cgiFcgi.toString(), "-bind", "-connect",
                "127.0.0.1:" + bridge.port()).redirectErrorStream(true);
        builder.environment().clear();
        builder.environment().putAll(variables);
        Process process = builder.start();
        process.getOutputStream().write(body.getBytes(StandardCharsets.UTF_8));
        process.getOutputStream().close();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(process.waitFor(30, TimeUnit.SECONDS), "cgi-fcgi did not end");
        return output;
    }

    @Test
    @DisplayName("a servlet page, a filter")
    void aServletPage() throws Exception {
        String response = request(Map.of("REQUEST_METHOD", "GET", "SCRIPT_NAME", "/hello", "QUERY_STRING",
                "name=libfcgi", "SERVER_NAME", "localhost", "SERVER_PORT", "80", "SERVER_PROTOCOL", "HTTP/1.0"), "");
        assertTrue(response.startsWith("Status: 200"), response);
        assertTrue(response.contains("X-Served-By: war-sample"), response);
        assertTrue(response.contains("<h1>Hello, libfcgi!</h1>"), response);
    }

    @Test
    @DisplayName("JSON API: POST PUT DELETE, Location")
    void aJsonPost() throws Exception {
        String item = "{\"name\":\"raw\",\"quantity\":4}";
        String response = request(Map.of("REQUEST_METHOD", "POST", "SCRIPT_NAME", "/api/items", "CONTENT_TYPE",
                "application/json", "CONTENT_LENGTH", Integer.toString(item.length()), "SERVER_NAME", "localhost",
                "SERVER_PORT", "8080", "SERVER_PROTOCOL", "HTTP/1.1"), item);
        assertTrue(response.startsWith("Status: 201"), response);
        assertTrue(response.contains("Location: http://localhost:8080/api/items/"), response);
        assertTrue(response.endsWith(",\"name\":\"raw\",\"quantity\":4}"), response);
    }

    @Test
    @DisplayName("404 and 500 error pages")
    void errors() throws Exception {
        String missing = request(Map.of("REQUEST_METHOD", "GET", "SCRIPT_NAME", "/none", "SERVER_NAME",
                "localhost", "SERVER_PORT", "80"), "");
        assertTrue(missing.startsWith("Status: 404"), missing);
        String malformed = request(Map.of("SCRIPT_NAME", "/hello"), "");
        assertTrue(malformed.startsWith("Status: 400"), "no REQUEST_METHOD: " + malformed);
    }

    @Test
    @DisplayName("legacy CGI script beside the WAR")
    void aCgiScript() throws Exception {
        String response = request(Map.of("REQUEST_METHOD", "GET", "SCRIPT_NAME", "/cgi-bin/report.sh",
                "PATH_INFO", "/june", "QUERY_STRING", "year=2026"), "");
        assertTrue(response.contains("script=/cgi-bin/report.sh info=/june query=year=2026"), response);
    }
}
