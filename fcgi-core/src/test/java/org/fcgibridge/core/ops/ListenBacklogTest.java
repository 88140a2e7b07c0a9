package org.fcgibridge.core.ops;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.channels.ServerSocketChannel;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ListenBacklogTest {
    private static final String HEADER = "  sl  local_address rem_address   st tx_queue rx_queue tr tm->when "
            + "retrnsmt   uid  timeout inode\n";

    @Test
    void aRowOfProcNetTcpGivesTheQueueAndItsLength(@TempDir Path dir) throws Exception {
        Path tcp = Files.writeString(dir.resolve("tcp"), HEADER
                + "   0: 0100007F:2328 00000000:0000 0A 00000010:00000003 00:00000000 00000000  1000        0 1\n"
                + "   1: 0100007F:2329 0100007F:9C40 01 00000000:00000000 00:00000000 00000000  1000        0 2\n");
        Path tcp6 = Files.writeString(dir.resolve("tcp6"), HEADER
                + "   0: 0000000000000000FFFF00000100007F:232A 00000000000000000000000000000000:0000 0A "
                + "00000080:00000002 00:00000000 00000000  1000        0 3\n");
        InetAddress loopback = InetAddress.getByName("127.0.0.1");
        assertArrayEquals(new long[] {3, 50}, ListenBacklog.of(new InetSocketAddress(loopback, 9000), 50, tcp, tcp6)
                .read());
        assertArrayEquals(new long[] {2, 50}, ListenBacklog.of(new InetSocketAddress(loopback, 9002), 50, tcp, tcp6)
                .read(), "an IPv4 address bound through an IPv6 socket, in its mapped form");
        assertArrayEquals(new long[] {-1, 50}, ListenBacklog.of(new InetSocketAddress(loopback, 9001), 50, tcp,
                tcp6).read(), "not listening");
        assertArrayEquals(ListenBacklog.UNKNOWN, ListenBacklog.of(null, -1, tcp, tcp6).read());
    }

    @Test
    void connectionsNotYetAcceptedAreCounted() throws Exception {
        assumeTrue(Files.isReadable(Path.of("/proc/net/tcp")), "Linux only");
        try (ServerSocketChannel server = ServerSocketChannel.open()) {
            server.bind(new InetSocketAddress("127.0.0.1", 0), 7);
            ListenBacklog backlog = ListenBacklog.of(server.getLocalAddress(), 7);
            assertArrayEquals(new long[] {0, 7}, backlog.read());
            List<Socket> clients = new ArrayList<>();
            try {
                for (int i = 0; i < 2; i++) {
                    clients.add(new Socket("127.0.0.1", server.socket().getLocalPort()));
                }
                assertArrayEquals(new long[] {2, 7}, backlog.read());
            } finally {
                for (Socket client : clients) {
                    client.close();
                }
            }
        }
    }
}
