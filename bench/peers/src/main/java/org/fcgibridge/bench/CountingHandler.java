package org.fcgibridge.bench;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.zip.CRC32;
import org.fcgibridge.core.net.ListenAddress;
import org.fcgibridge.core.runner.FcgiExchange;
import org.fcgibridge.core.runner.FcgiHandler;
import org.fcgibridge.core.runner.RunnerFactory;
import org.fcgibridge.core.server.FcgiServer;
import org.fcgibridge.core.server.ServerParams;

/**
 * Reads a whole request body and answers with its length and CRC-32: the handler of the large-upload benchmark, run
 * with a small heap to show that bodies are streamed. {@code java -Xmx64m -cp ... CountingHandler 127.0.0.1:PORT}
 */
public final class CountingHandler implements FcgiHandler {
    @Override
    public int handle(FcgiExchange exchange) throws Exception {
        InputStream in = exchange.stdin();
        byte[] buffer = new byte[64 * 1024];
        CRC32 crc = new CRC32();
        long total = 0;
        int n;
        while ((n = in.read(buffer)) >= 0) {
            crc.update(buffer, 0, n);
            total += n;
        }
        Runtime runtime = Runtime.getRuntime();
        String body = "bytes=" + total + " crc32=" + Long.toHexString(crc.getValue())
                + " maxHeapMiB=" + runtime.maxMemory() / (1024 * 1024) + "\n";
        exchange.stdout().write(("Status: 200\r\nContent-Type: text/plain\r\n\r\n" + body)
                .getBytes(StandardCharsets.US_ASCII));
        return 0;
    }

    public static void main(String[] args) throws Exception {
        FcgiServer server = FcgiServer.start(ListenAddress.parse(args[0]), ServerParams.defaults()
                .withRequestTimeout(java.time.Duration.ZERO), RunnerFactory.of(new CountingHandler()));
        System.out.println("counting handler listening on " + server.describeAddress());
        Thread.currentThread().join();
    }
}
