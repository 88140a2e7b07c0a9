package org.fcgibridge.core.peers;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.fcgibridge.core.echo.EchoHandler;
import org.fcgibridge.core.net.ListenAddress;
import org.fcgibridge.core.runner.RunnerFactory;
import org.fcgibridge.core.server.FcgiServer;
import org.fcgibridge.core.server.ServerParams;
import org.fcgibridge.core.testing.HttpProbe;
import org.fcgibridge.core.testing.NginxProcess;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The echo responder behind a real nginx on loopback, over TCP with fastcgi_keep_conn on and off, over a Unix socket,
 * and with fastcgi_request_buffering off.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(120)
class NginxEchoTest {
    @TempDir
    static Path dir;
    private FcgiServer tcp;
    private FcgiServer unix;
    private NginxProcess nginx;

    @BeforeAll
    void start() throws Exception {
        NginxProcess.binary();
        RunnerFactory echo = RunnerFactory.of(new EchoHandler());
        tcp = FcgiServer.start(ListenAddress.parse("127.0.0.1:0"), ServerParams.defaults(), echo);
        Path socket = dir.resolve("echo.sock");
        unix = FcgiServer.start(ListenAddress.unix(socket), ServerParams.defaults(), echo);
        String fastcgi = "include /etc/nginx/fastcgi_params; fastcgi_param SCRIPT_FILENAME $document_root$fastcgi_script_name;";
        nginx = NginxProcess.start(dir.resolve("nginx"), String.join("\n",
                "upstream echo_tcp { server 127.0.0.1:" + tcp.port() + "; keepalive 8; }",
                "upstream echo_unix { server unix:" + socket + "; keepalive 8; }",
                "server {",
                "  listen 127.0.0.1:PORT;",
                "  root /srv/www;",
                "  large_client_header_buffers 4 64k;",
                "  location /keep/ { " + fastcgi + " fastcgi_keep_conn on; fastcgi_pass echo_tcp; }",
                "  location /close/ { " + fastcgi + " fastcgi_pass 127.0.0.1:" + tcp.port() + "; }",
                "  location /unix/ { " + fastcgi + " fastcgi_keep_conn on; fastcgi_pass echo_unix; }",
                "  location /unixclose/ { " + fastcgi + " fastcgi_pass unix:" + socket + "; }",
                "  location /unbuffered/ { " + fastcgi + " fastcgi_keep_conn on; fastcgi_request_buffering off;"
                        + " fastcgi_pass echo_tcp; }",
                "}"));
    }

    @AfterAll
    void stop() throws Exception {
        if (nginx != null) {
            nginx.close();
        }
        if (tcp != null) {
            tcp.close(Duration.ofSeconds(2));
        }
        if (unix != null) {
            unix.close(Duration.ofSeconds(2));
        }
    }

    /** The echo body split: params by name, and the request body. */
    private record Echo(Map<String, String> params, byte[] body) {
        static Echo of(HttpProbe.Response response) {
            byte[] all = response.body();
            int split = indexOf(all, "\n\n".getBytes(StandardCharsets.US_ASCII));
            Map<String, String> params = new LinkedHashMap<>();
            for (String line : new String(all, 0, split, StandardCharsets.UTF_8).split("\n")) {
                int eq = line.indexOf('=');
                params.put(line.substring(0, eq), line.substring(eq + 1));
            }
            return new Echo(params, Arrays.copyOfRange(all, split + 2, all.length));
        }
    }

    private static int indexOf(byte[] haystack, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= haystack.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        throw new AssertionError("no blank line in the echo");
    }

    private Echo get(String target, Map<String, String> headers) throws Exception {
        HttpProbe.Response response = HttpProbe.send(nginx.port(), "GET", target, headers, null);
        assertEquals(200, response.status(), () -> nginx.errorLog());
        assertEquals("text/plain; charset=utf-8", response.header("Content-Type"));
        return Echo.of(response);
    }

    @ParameterizedTest
    @ValueSource(strings = {"keep", "close", "unix", "unixclose", "unbuffered"})
    void getWithQuery(String via) throws Exception {
        Echo echo = get("/" + via + "/page.php/extra?a=1&b=%C3%A9&c", Map.of());
        assertEquals("GET", echo.params().get("REQUEST_METHOD"));
        assertEquals("a=1&b=%C3%A9&c", echo.params().get("QUERY_STRING"));
        assertEquals("/" + via + "/page.php/extra?a=1&b=%C3%A9&c", echo.params().get("REQUEST_URI"));
        assertEquals("/" + via + "/page.php/extra", echo.params().get("DOCUMENT_URI"));
        assertEquals("/srv/www/" + via + "/page.php/extra", echo.params().get("SCRIPT_FILENAME"));
        assertEquals("127.0.0.1", echo.params().get("REMOTE_ADDR"));
        assertEquals("localhost", echo.params().get("HTTP_HOST"));
        assertEquals(0, echo.body().length);
    }

    @ParameterizedTest
    @ValueSource(strings = {"keep", "close", "unix", "unbuffered"})
    void postOfTenMegabytes(String via) throws Exception {
        byte[] body = new byte[10 * 1024 * 1024];
        new Random(via.hashCode()).nextBytes(body);
        HttpProbe.Response response = HttpProbe.send(nginx.port(), "POST", "/" + via + "/upload",
                Map.of("Content-Type", "application/octet-stream"), body);
        assertEquals(200, response.status(), () -> nginx.errorLog());
        Echo echo = Echo.of(response);
        assertEquals("POST", echo.params().get("REQUEST_METHOD"));
        assertEquals(Integer.toString(body.length), echo.params().get("CONTENT_LENGTH"));
        assertEquals("application/octet-stream", echo.params().get("CONTENT_TYPE"));
        assertArrayEquals(body, echo.body());
    }

    @Test
    void chunkedUploadStreamsUnbuffered() throws Exception {
        byte[] body = new byte[3 * 1024 * 1024 + 11];
        new Random(3).nextBytes(body);
        HttpProbe.Response response = HttpProbe.send(nginx.port(), "POST", "/unbuffered/chunked",
                Map.of("Transfer-Encoding", "chunked"), body);
        assertEquals(200, response.status(), () -> nginx.errorLog());
        assertArrayEquals(body, Echo.of(response).body());
    }

    @ParameterizedTest
    @ValueSource(strings = {"keep", "close", "unix"})
    void nonAsciiPathAndHeader(String via) throws Exception {
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("X-Name", "caf\u00e9 \u65e5\u672c");
        Echo echo = get("/" + via + "/caf%C3%A9/%E6%97%A5?q=%E2%9C%93", headers);
        assertEquals("/" + via + "/caf\u00e9/\u65e5", echo.params().get("DOCUMENT_URI"), "decoded by nginx");
        assertEquals("/" + via + "/caf%C3%A9/%E6%97%A5?q=%E2%9C%93", echo.params().get("REQUEST_URI"));
        assertEquals("caf\u00e9 \u65e5\u672c", echo.params().get("HTTP_X_NAME"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"keep", "close", "unix"})
    void headerOf40KiB(String via) throws Exception {
        // nginx puts every param into one record of at most 65535 bytes: one big header per request
        String big = "b".repeat(40 * 1024);
        assertEquals(big, get("/" + via + "/big", Map.of("X-Big", big)).params().get("HTTP_X_BIG"));
        String cookie = "a=" + "c".repeat(33 * 1024);
        assertEquals(cookie, get("/" + via + "/cookie", Map.of("Cookie", cookie)).params().get("HTTP_COOKIE"));
    }

    @Test
    void keepAliveClientsReuseUpstreamConnections() throws Exception {
        int before = tcp.connectionCount();
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", nginx.port()), 5000);
            socket.setSoTimeout(30_000);
            for (int i = 0; i < 20; i++) {
                HttpProbe.Response response = HttpProbe.exchange(socket, "GET", "/keep/n?i=" + i, Map.of(), null,
                        false);
                assertEquals("i=" + i, Echo.of(response).params().get("QUERY_STRING"));
            }
        }
        assertTrue(tcp.connectionCount() <= before + 1, "nginx kept one upstream connection for the 20 requests: "
                + tcp.connectionCount());
    }

    @ParameterizedTest
    @ValueSource(strings = {"keep", "close", "unix"})
    void thirtyTwoConcurrentClients(String via) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(32);
        try {
            List<Future<?>> results = new ArrayList<>();
            for (int c = 0; c < 32; c++) {
                int client = c;
                results.add(pool.submit(() -> {
                    for (int i = 0; i < 10; i++) {
                        byte[] body = ("client " + client + " request " + i).getBytes(StandardCharsets.UTF_8);
                        HttpProbe.Response response = HttpProbe.send(nginx.port(), "POST",
                                "/" + via + "/c" + client, Map.of(), body);
                        assertEquals(200, response.status());
                        assertArrayEquals(body, Echo.of(response).body());
                    }
                    return null;
                }));
            }
            for (Future<?> result : results) {
                result.get();
            }
        } finally {
            pool.shutdownNow();
        }
    }
}
