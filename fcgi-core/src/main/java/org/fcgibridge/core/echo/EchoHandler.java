package org.fcgibridge.core.echo;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Comparator;
import org.fcgibridge.core.protocol.Params;
import org.fcgibridge.core.protocol.Role;
import org.fcgibridge.core.runner.FcgiExchange;
import org.fcgibridge.core.runner.FcgiHandler;

/**
 * The diagnostic responder, FastCGI's phpinfo(): answers every request with status 200, a plain-text body of one
 * {@code NAME=VALUE} line per param sorted by name (bytes exactly as received), an empty line, and then the request
 * body exactly as received (for the FILTER role, STDIN and then DATA). Body bytes are streamed, never held whole.
 */
public final class EchoHandler implements FcgiHandler {
    private static final byte[] HEAD =
            "Status: 200\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n".getBytes(StandardCharsets.US_ASCII);

    @Override
    public int handle(FcgiExchange exchange) throws IOException {
        OutputStream out = exchange.stdout();
        out.write(HEAD);
        Params params = exchange.params();
        Integer[] order = new Integer[params.size()];
        Arrays.setAll(order, i -> i);
        Arrays.sort(order, Comparator.comparing(params::nameAt));
        for (int i : order) {
            out.write(params.nameBytesAt(i));
            out.write('=');
            out.write(params.valueBytesAt(i));
            out.write('\n');
        }
        out.write('\n');
        out.flush(); // the params reach the web server before the body is read, however long that takes
        copy(exchange.stdin(), out);
        if (exchange.role() == Role.FILTER) {
            copy(exchange.data(), out);
        }
        return 0;
    }

    private static void copy(InputStream in, OutputStream out) throws IOException {
        byte[] buffer = new byte[16 * 1024];
        int n;
        while ((n = in.read(buffer)) >= 0) {
            out.write(buffer, 0, n);
        }
    }
}
