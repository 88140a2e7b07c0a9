package org.fcgibridge.core.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.Map;
import org.fcgibridge.core.client.ClientRequest;
import org.fcgibridge.core.client.FcgiClient;
import org.fcgibridge.core.net.ListenAddress;
import org.fcgibridge.core.protocol.Role;
import org.fcgibridge.core.runner.RunnerFactory;
import org.fcgibridge.core.testing.Handlers;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(60)
class UnixSocketTest {
    private static final Map<String, String> GET = Map.of("REQUEST_METHOD", "GET");

    @TempDir
    Path dir;

    @Test
    void servesOverAUnixSocketWithTheModeAsked() throws Exception {
        Path socket = dir.resolve("app.sock");
        try (FcgiServer server = FcgiServer.start(ListenAddress.parse("unix:" + socket), ServerParams.defaults(),
                RunnerFactory.of(Handlers.echoBody()), "rw-rw----")) {
            assertEquals("unix:" + socket, server.describeAddress());
            assertEquals("rw-rw----", PosixFilePermissions.toString(Files.getPosixFilePermissions(socket)));
            try (FcgiClient client = FcgiClient.connect(ListenAddress.unix(socket))) {
                for (boolean keep : new boolean[] {true, true}) {
                    assertEquals("over unix", client.execute(Role.RESPONDER, GET,
                            "over unix".getBytes(), keep).bodyText());
                }
            }
            try (FcgiClient once = FcgiClient.connect(ListenAddress.unix(socket))) {
                ClientRequest request = once.begin(Role.RESPONDER, GET, false);
                request.stdin().close();
                assertEquals(0, request.readResponse().appStatus());
                FcgiServerTest.waitFor(() -> !once.isOpen());
            }
            server.close(Duration.ofSeconds(2));
            assertFalse(Files.exists(socket), "the socket file is removed on close");
        }
    }

    @Test
    void aStaleSocketFileIsReplaced() throws Exception {
        Path socket = dir.resolve("stale.sock");
        ServerSocketChannel dead = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        dead.bind(UnixDomainSocketAddress.of(socket));
        dead.close(); // leaves the file behind, like a server that was killed
        assertTrue(Files.exists(socket));
        try (FcgiServer server = FcgiServer.start(ListenAddress.unix(socket), ServerParams.defaults(),
                RunnerFactory.of(Handlers.text("fresh")));
             FcgiClient client = FcgiClient.connect(ListenAddress.unix(socket))) {
            assertEquals("fresh", client.execute(GET, new byte[0]).bodyText());
        }
    }

    @Test
    void aLiveServersSocketIsNotTaken() throws Exception {
        Path socket = dir.resolve("live.sock");
        try (FcgiServer first = FcgiServer.start(ListenAddress.unix(socket), ServerParams.defaults(),
                RunnerFactory.of(Handlers.text("first")))) {
            IOException e = assertThrows(IOException.class, () -> FcgiServer.start(ListenAddress.unix(socket),
                    ServerParams.defaults(), RunnerFactory.of(Handlers.text("second"))));
            assertTrue(e.getMessage().contains("another server"), e.getMessage());
            try (FcgiClient client = FcgiClient.connect(ListenAddress.unix(socket))) {
                assertEquals("first", client.execute(GET, new byte[0]).bodyText());
            }
        }
    }

    @Test
    void aRegularFileInTheWayIsNotDeleted() throws Exception {
        Path file = dir.resolve("precious.txt");
        Files.writeString(file, "data");
        assertThrows(IOException.class, () -> FcgiServer.start(ListenAddress.unix(file), ServerParams.defaults(),
                RunnerFactory.of(Handlers.text(""))));
        assertEquals("data", Files.readString(file));
    }
}
