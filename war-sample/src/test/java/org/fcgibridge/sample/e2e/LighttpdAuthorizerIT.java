package org.fcgibridge.sample.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.fcgibridge.core.testing.LighttpdProcess;
import org.fcgibridge.core.testing.WebServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * docs/examples/lighttpd-authorizer-fcgi-bridge.conf: lighttpd asks the war-sample's GatekeeperServlet, in the
 * FastCGI AUTHORIZER role, whether to serve /private/; allowed requests are served by lighttpd itself.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@ExtendWith(InteropMatrix.class)
@Variant("lighttpd AUTHORIZER role")
class LighttpdAuthorizerIT {
    private final HttpClient http = HttpClient.newHttpClient();
    private RunningBridge bridge;
    private WebServer lighttpd;

    @BeforeAll
    void start(@TempDir Path dir) throws Exception {
        LighttpdProcess.binary();
        Path documents = Files.createDirectories(dir.resolve("www/private"));
        Files.writeString(documents.resolve("notes.txt"), "secret notes\n");
        Path script = Files.writeString(documents.resolve("report.sh"), "#!/bin/sh\n"
                + "printf 'Content-Type: text/plain\\n\\n'\necho \"client=$API_CLIENT uri=$REQUEST_URI\"\n");
        Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwxr-xr-x"));
        bridge = RunningBridge.start(dir);
        lighttpd = LighttpdProcess.start(dir.resolve("lighttpd"), Examples.pointedAt(
                "lighttpd-authorizer-fcgi-bridge.conf", bridge.port())
                .replace("/var/www/html", dir.resolve("www").toString()));
    }

    @AfterAll
    void stop() throws Exception {
        if (lighttpd != null) {
            lighttpd.close();
        }
        if (bridge != null) {
            bridge.close();
        }
    }

    private HttpResponse<String> get(String path, String key) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + lighttpd.port() + path));
        if (key != null) {
            request.header("X-Api-Key", key);
        }
        return http.send(request.build(), BodyHandlers.ofString());
    }

    @Test
    @DisplayName("AUTHORIZER: a refusal reaches the client")
    void aRefusalReachesTheClient() throws Exception {
        HttpResponse<String> refused = get("/private/notes.txt", "wrong");
        assertEquals(403, refused.statusCode());
        assertTrue(refused.body().contains("a valid X-Api-Key header is needed"), refused.body());
        assertEquals(403, get("/private/notes.txt", null).statusCode());
    }

    @Test
    @DisplayName("AUTHORIZER: allowed, the web server serves the file")
    void allowedTheWebServerServesTheFile() throws Exception {
        HttpResponse<String> allowed = get("/private/notes.txt", "open-sesame");
        assertEquals(200, allowed.statusCode(), lighttpd.errorLog());
        assertEquals("secret notes\n", allowed.body());
    }

    @Test
    @DisplayName("AUTHORIZER: Variable-* headers reach the next handler")
    void variablesReachTheNextHandler() throws Exception {
        HttpResponse<String> report = get("/private/report.sh", "open-sesame");
        assertEquals(200, report.statusCode(), lighttpd.errorLog());
        assertEquals("client=sample-client uri=/private/report.sh\n", report.body());
    }
}
