package org.fcgibridge.core.echo;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import org.fcgibridge.core.runner.FcgiExchange;
import org.fcgibridge.core.runner.FcgiHandler;

/**
 * The smallest useful responder: "Hello, World!" as text/plain. The baseline of the benchmarks.
 */
public final class HelloHandler implements FcgiHandler {
    private static final byte[] RESPONSE = ("Status: 200\r\nContent-Type: text/plain; charset=utf-8\r\n"
            + "Content-Length: 14\r\n\r\nHello, World!\n").getBytes(StandardCharsets.US_ASCII);

    @Override
    public int handle(FcgiExchange exchange) throws IOException {
        exchange.stdout().write(RESPONSE);
        return 0;
    }
}
