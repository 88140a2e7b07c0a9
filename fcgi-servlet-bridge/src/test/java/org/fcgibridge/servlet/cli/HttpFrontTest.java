package org.fcgibridge.servlet.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.fcgibridge.core.net.ListenAddress;
import org.fcgibridge.core.runner.RunnerFactory;
import org.fcgibridge.core.server.FcgiServer;
import org.fcgibridge.core.server.ServerParams;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The development front's routes by context path. */
class HttpFrontTest {
    private final HttpClient http = HttpClient.newHttpClient();
    private FcgiServer shop;
    private FcgiServer admin;
    private HttpFront front;

    @BeforeEach
    void start() throws Exception {
        shop = backend("shop");
        admin = backend("admin");
        front = HttpFront.start(new InetSocketAddress("127.0.0.1", 0));
    }

    @AfterEach
    void stop() throws Exception {
        front.close(Duration.ZERO);
        shop.close(Duration.ZERO);
        admin.close(Duration.ZERO);
    }

    private static FcgiServer backend(String name) throws Exception {
        return FcgiServer.start(ListenAddress.parse("127.0.0.1:0"), ServerParams.defaults(),
                RunnerFactory.of(exchange -> {
                    exchange.stdout().write(("Status: 200\r\nContent-Type: text/plain\r\n\r\n" + name + " "
                            + exchange.params().get("REQUEST_URI")).getBytes(StandardCharsets.UTF_8));
                    return 0;
                }));
    }

    private String get(String path) throws Exception {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:"
                + front.port() + path)).build(), HttpResponse.BodyHandlers.ofString());
        return response.statusCode() + " " + response.body();
    }

    @Test
    void routesEachRequestByItsLongestContextPath() throws Exception {
        front.route("", ListenAddress.tcp("127.0.0.1", shop.port()));
        front.route("/admin", ListenAddress.tcp("127.0.0.1", admin.port()));
        assertEquals("200 admin /admin/users?x=1", get("/admin/users?x=1"));
        assertEquals("200 admin /admin", get("/admin"));
        assertEquals("200 shop /administrator", get("/administrator"), "a context path is whole segments");
        assertEquals("200 shop /", get("/"));

        front.unroute("");
        assertEquals("404 ", get("/"));
        assertThrows(IllegalArgumentException.class, () -> front.route("admin/", ListenAddress.tcp("127.0.0.1", 1)));
    }
}
