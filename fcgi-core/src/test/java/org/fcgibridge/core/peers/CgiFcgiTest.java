package org.fcgibridge.core.peers;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.fcgibridge.core.echo.EchoHandler;
import org.fcgibridge.core.net.ListenAddress;
import org.fcgibridge.core.runner.RunnerFactory;
import org.fcgibridge.core.server.FcgiServer;
import org.fcgibridge.core.server.ServerParams;
import org.fcgibridge.core.testing.Peers;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** libfcgi's own client, cgi-fcgi, against the echo responder: a second, independent implementation of the wire. */
@Timeout(60)
class CgiFcgiTest {
    @TempDir
    Path dir;

    private static String run(String connect, Map<String, String> env, byte[] stdin) throws Exception {
        Path cgiFcgi = Peers.find("cgi-fcgi");
        assumeTrue(cgiFcgi != null, Peers.missing("cgi-fcgi", "libfcgi-bin"));
        ProcessBuilder builder = new ProcessBuilder(cgiFcgi.toString(), "-bind", "-connect", connect);
        builder.environment().clear();
        builder.environment().putAll(env);
        Process process = builder.start();
        process.getOutputStream().write(stdin);
        process.getOutputStream().close();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        process.getInputStream().transferTo(out);
        assertTrue(process.waitFor(30, TimeUnit.SECONDS));
        assertEquals(0, process.exitValue(), new String(process.getErrorStream().readAllBytes()));
        return out.toString(StandardCharsets.UTF_8);
    }

    @Test
    void getAndPostOverTcpAndUnix() throws Exception {
        Path socket = dir.resolve("echo.sock");
        RunnerFactory echo = RunnerFactory.of(new EchoHandler());
        try (FcgiServer tcp = FcgiServer.start(ListenAddress.parse("127.0.0.1:0"), ServerParams.defaults(), echo);
             FcgiServer unix = FcgiServer.start(ListenAddress.unix(socket), ServerParams.defaults(), echo)) {
            String get = run("127.0.0.1:" + tcp.port(),
                    Map.of("REQUEST_METHOD", "GET", "QUERY_STRING", "x=1", "SCRIPT_NAME", "/t"), new byte[0]);
            assertTrue(get.startsWith("Status: 200\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n"), get);
            assertTrue(get.endsWith("QUERY_STRING=x=1\nREQUEST_METHOD=GET\nSCRIPT_NAME=/t\n\n"), get);

            byte[] body = "posted through libfcgi".getBytes(StandardCharsets.UTF_8);
            String post = run(socket.toString(), Map.of("REQUEST_METHOD", "POST",
                    "CONTENT_LENGTH", Integer.toString(body.length)), body);
            assertTrue(post.endsWith("CONTENT_LENGTH=22\nREQUEST_METHOD=POST\n\nposted through libfcgi"), post);
            tcp.close(Duration.ofSeconds(1));
        }
    }
}
