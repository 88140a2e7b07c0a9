package org.fcgibridge.core.testing;

import java.nio.charset.StandardCharsets;
import org.fcgibridge.core.runner.FcgiHandler;

/** Small handlers for tests. */
public final class Handlers {
    private Handlers() {
    }

    public static byte[] cgi(String body) {
        return ("Status: 200\r\nContent-Type: text/plain\r\n\r\n" + body).getBytes(StandardCharsets.UTF_8);
    }

    /** Answers with a fixed text. */
    public static FcgiHandler text(String body) {
        return exchange -> {
            exchange.stdout().write(cgi(body));
            return 0;
        };
    }

    /** Answers with the request body. */
    public static FcgiHandler echoBody() {
        return exchange -> {
            exchange.stdout().write(cgi(""));
            exchange.stdin().transferTo(exchange.stdout());
            return 0;
        };
    }
}
