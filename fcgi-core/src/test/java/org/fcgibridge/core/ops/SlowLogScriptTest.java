package org.fcgibridge.core.ops;

import static org.fcgibridge.core.testing.Scripts.script;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.fcgibridge.core.cgi.CgiConfig;
import org.fcgibridge.core.cgi.CgiRunnerFactory;
import org.fcgibridge.core.client.FcgiClient;
import org.fcgibridge.core.client.FcgiResponse;
import org.fcgibridge.core.net.ListenAddress;
import org.fcgibridge.core.net.ListeningSocket;
import org.fcgibridge.core.protocol.ProtocolMonitor;
import org.fcgibridge.core.protocol.RequestRecord;
import org.fcgibridge.core.server.FcgiServer;
import org.fcgibridge.core.server.ServerParams;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A slow CGI script through a real fcgi-core server, started by the spawn helper and by the JDK: its slow log entry
 * names the script, its pid (the one the script sees as {@code $$}) and its command line.
 */
@Timeout(60)
@ParameterizedClass(name = "spawn helper: {0}")
@ValueSource(booleans = {true, false})
class SlowLogScriptTest {
    @Parameter
    boolean spawnHelper;
    @TempDir
    Path dir;

    /** The requests in flight, as the server's monitor is told of them. */
    private static final class InFlight implements ProtocolMonitor {
        final Set<RequestRecord> requests = ConcurrentHashMap.newKeySet();

        @Override
        public void started(RequestRecord request) {
            requests.add(request);
        }

        @Override
        public void ended(RequestRecord request) {
            requests.remove(request);
        }

        Collection<RequestRecord> list() {
            return List.copyOf(requests);
        }
    }

    @Test
    void aSlowScriptIsLoggedWithItsPidAndCommandLine() throws Exception {
        Path root = Files.createDirectories(dir.resolve("cgi-bin"));
        Path pidFile = dir.resolve("pid");
        Path go = dir.resolve("go");
        Path slow = script(root, "slow.sh", "#!/bin/sh\necho $$ > \"$PID_FILE\"\n"
                + "while [ ! -e \"$GO\" ]; do sleep 0.05; done\nprintf 'Content-Type: text/plain\\n\\ndone'\n");
        InFlight monitor = new InFlight();
        AtomicInteger slowCount = new AtomicInteger();
        Path file = dir.resolve("slow.log");
        CgiConfig config = CgiConfig.of(root).withEnvironment(Map.of("PID_FILE", pidFile.toString(),
                "GO", go.toString())).withSpawnHelper(spawnHelper);
        try (FcgiServer server = FcgiServer.start(ListeningSocket.open(ListenAddress.parse("127.0.0.1:0"), null),
                ServerParams.defaults(), new CgiRunnerFactory(config), monitor);
             SlowLog log = new SlowLog(file, Duration.ofMillis(300), monitor::list, slowCount::incrementAndGet)) {
            log.start();
            CompletableFuture<FcgiResponse> response = CompletableFuture.supplyAsync(() -> {
                try (FcgiClient client = FcgiClient.connect(new InetSocketAddress("127.0.0.1", server.port()))) {
                    return client.execute(Map.of("REQUEST_METHOD", "GET", "REQUEST_URI", "/cgi-bin/slow.sh?x=1",
                            "SCRIPT_FILENAME", slow.toString()), new byte[0]);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (!Files.exists(file) || !Files.readString(file).endsWith("\n\n")) {
                assertTrue(System.nanoTime() < deadline, "no entry within 10 s");
                Thread.sleep(20);
            }
            Files.createFile(go);
            assertEquals("done", response.get(10, TimeUnit.SECONDS).bodyText());
            String entry = Files.readString(file);
            assertTrue(entry.contains("\nscript_filename = " + slow.toRealPath() + "\n"), entry);
            assertTrue(entry.contains("\nrequest = GET /cgi-bin/slow.sh?x=1\n"), entry);
            assertTrue(entry.contains("\nscript_pid = " + Files.readString(pidFile).trim() + "\n"), entry);
            assertTrue(entry.matches("(?s).*\ncommand = \\S*sh " + java.util.regex.Pattern.quote(
                    slow.toRealPath().toString()) + "\n.*"), entry);
            assertFalse(entry.contains("\tat "), "a script's entry has the script's process, not Java's stack");
            assertEquals(1, slowCount.get());
        }
    }
}
