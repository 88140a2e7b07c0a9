package org.fcgibridge.core.peers;

import static org.fcgibridge.core.testing.Scripts.script;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.fcgibridge.core.cgi.CgiConfig;
import org.fcgibridge.core.cgi.CgiRunnerFactory;
import org.fcgibridge.core.net.ListenAddress;
import org.fcgibridge.core.server.FcgiServer;
import org.fcgibridge.core.server.ServerParams;
import org.fcgibridge.core.testing.HttpProbe;
import org.fcgibridge.core.testing.NginxProcess;
import org.fcgibridge.core.testing.Processes;
import org.fcgibridge.core.testing.Scripts;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** CGI scripts in sh, perl and python3 behind a real nginx, configured as for fcgiwrap. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(120)
class NginxCgiTest {
    @TempDir
    static Path dir;
    private Path docroot;
    private FcgiServer server;
    private NginxProcess nginx;

    @BeforeAll
    void start() throws Exception {
        NginxProcess.binary();
        docroot = dir.resolve("www");
        Path bin = docroot.resolve("cgi-bin");
        Files.createDirectories(bin);
        script(bin, "hello.sh", Scripts.HELLO_SH);
        script(bin, "env.pl", Scripts.ENV_PL);
        script(bin, "echo.py", Scripts.ECHO_PY);
        script(bin, "noheader.sh", "#!/bin/sh\necho 'no header'\n");
        script(bin, "stderr.sh", "#!/bin/sh\necho 'warning from the script' >&2\n"
                + "printf 'Content-Type: text/plain\\n\\nok'\n");
        script(bin, "hang.sh", "#!/bin/sh\necho $$ > \"$PID_FILE.$QUERY_STRING\"\nsleep 300 &\n"
                + "echo $! >> \"$PID_FILE.$QUERY_STRING\"\nwait\n");
        Path plain = bin.resolve("plain.sh");
        Files.writeString(plain, "#!/bin/sh\n");
        Files.createDirectories(dir.resolve("outside"));
        script(dir.resolve("outside"), "evil.sh", Scripts.HELLO_SH);
        Files.createSymbolicLink(bin.resolve("link.sh"), dir.resolve("outside/evil.sh"));
        CgiConfig config = CgiConfig.of(bin).withEnvironment(Map.of("PID_FILE", dir.resolve("pid").toString()))
                .withKillGrace(Duration.ofMillis(500));
        server = FcgiServer.start(ListenAddress.parse("127.0.0.1:0"),
                ServerParams.defaults().withRequestTimeout(Duration.ofSeconds(2)), new CgiRunnerFactory(config));
        nginx = NginxProcess.start(dir.resolve("nginx"), String.join("\n",
                "upstream kept { server 127.0.0.1:" + server.port() + "; keepalive 4; }",
                "server {",
                "  listen 127.0.0.1:PORT;",
                "  root " + docroot + ";",
                "  location /cgi-bin/ {",
                "    include /etc/nginx/fastcgi_params;",
                "    fastcgi_param SCRIPT_FILENAME $document_root$fastcgi_script_name;",
                "    fastcgi_pass 127.0.0.1:" + server.port() + ";",
                "  }",
                "  location /kept/ {", // docs/cgi.md: kept connections, which fcgiwrap cannot offer
                "    include /etc/nginx/fastcgi_params;",
                "    fastcgi_param SCRIPT_FILENAME " + bin.resolve("hello.sh") + ";",
                "    fastcgi_pass kept;",
                "    fastcgi_keep_conn on;",
                "  }",
                "}"));
    }

    @AfterAll
    void stop() throws Exception {
        if (nginx != null) {
            nginx.close();
        }
        if (server != null) {
            server.close(Duration.ofSeconds(2));
        }
    }

    private HttpProbe.Response get(String target) throws Exception {
        return HttpProbe.send(nginx.port(), "GET", target, Map.of(), null);
    }

    @Test
    void getWithQueryFromShell() throws Exception {
        HttpProbe.Response response = get("/cgi-bin/hello.sh?name=nginx");
        assertEquals(200, response.status());
        assertEquals("hello from sh name=nginx\n", response.bodyText());
    }

    @Test
    void keptConnectionsCarryScriptAfterScript() throws Exception {
        for (int i = 0; i < 40; i++) {
            HttpProbe.Response response = get("/kept/hello?n=" + i);
            assertEquals(200, response.status(), () -> nginx.errorLog());
            assertEquals("hello from sh n=" + i + "\n", response.bodyText());
        }
        assertTrue(server.connectionCount() <= 4, "connections: " + server.connectionCount());
    }

    @Test
    void perlSeesTheCgiEnvironmentAndPathInfo() throws Exception {
        HttpProbe.Response response = HttpProbe.send(nginx.port(), "GET", "/cgi-bin/env.pl/extra/path?q=1",
                Map.of("Proxy", "http://attacker.example:3128"), null);
        assertEquals(200, response.status());
        String env = response.bodyText();
        assertTrue(env.contains("\nPATH_INFO=/extra/path\n"), env);
        assertTrue(env.contains("\nSCRIPT_NAME=/cgi-bin/env.pl\n"), env);
        assertTrue(env.contains("\nQUERY_STRING=q=1\n"), env);
        assertTrue(env.contains("\nREQUEST_METHOD=GET\n"), env);
        assertTrue(!env.contains("HTTP_PROXY"), "httpoxy: " + env);
    }

    @Test
    void fiftyMegabytesEchoedByAPythonScriptThatWritesBeforeItReads() throws Exception {
        byte[] body = new byte[50 * 1024 * 1024];
        new Random(50).nextBytes(body);
        HttpProbe.Response response = HttpProbe.send(nginx.port(), "POST", "/cgi-bin/echo.py", Map.of(), body);
        assertEquals(200, response.status(), () -> nginx.errorLog());
        byte[] out = response.body();
        assertEquals(100_000 + body.length, out.length);
        assertArrayEquals(body, Arrays.copyOfRange(out, 100_000, out.length));
    }

    @Test
    void statusesForMissingForbiddenAndBrokenScripts() throws Exception {
        assertEquals(404, get("/cgi-bin/missing.sh").status());
        assertEquals(403, get("/cgi-bin/plain.sh").status());
        assertEquals(403, get("/cgi-bin/link.sh").status());
        HttpProbe.Response broken = get("/cgi-bin/noheader.sh");
        assertEquals(502, broken.status());
        assertTrue(broken.bodyText().contains("header block"), broken.bodyText());
    }

    @Test
    void stderrReachesNginxsErrorLog() throws Exception {
        assertEquals("ok", get("/cgi-bin/stderr.sh").bodyText());
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (!nginx.errorLog().contains("FastCGI sent in stderr: \"warning from the script")) {
            assertTrue(System.nanoTime() < deadline, nginx.errorLog());
            Thread.sleep(20);
        }
    }

    @Test
    void aHangingScriptAndItsChildrenAreKilledAtTheTimeout() throws Exception {
        HttpProbe.Response response = get("/cgi-bin/hang.sh?timeout");
        assertEquals(504, response.status());
        Processes.assertAllGoneWithinASecond(dir.resolve("pid.timeout"));
    }

    @Test
    void aClientThatLeavesTakesTheScriptWithItWithinASecond() throws Exception {
        Path pids = dir.resolve("pid.leave");
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", nginx.port()), 5000);
            OutputStream out = socket.getOutputStream();
            out.write("GET /cgi-bin/hang.sh?leave HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (!(Files.exists(pids) && Files.readAllLines(pids).size() == 2)) {
                assertTrue(System.nanoTime() < deadline, "the script never started");
                Thread.sleep(10);
            }
        }
        Processes.assertAllGoneWithinASecond(pids);
    }

}
