package org.fcgibridge.core.ops;

import java.io.IOException;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The accept queue of a listening socket. Linux shows the connections waiting for accept() of a TCP socket in
 * /proc/net/tcp and /proc/net/tcp6, as the rx_queue of its row in the LISTEN state (tx_queue there is not the backlog:
 * only netlink, {@code ss -lt}, tells that). How many may wait is the backlog the server asked of listen(), capped by
 * net.core.somaxconn. Unix sockets have no queue in /proc/net/unix, and other systems have no /proc: unknown.
 */
final class ListenBacklog {
    /** Neither the queue nor its length is known. */
    static final long[] UNKNOWN = {-1, -1};
    private static final String LISTEN = "0A";
    private static final Path[] TABLES = {Path.of("/proc/net/tcp"), Path.of("/proc/net/tcp6")};
    private static final Path SOMAXCONN = Path.of("/proc/sys/net/core/somaxconn");

    private final Path[] tables;
    private final long length;
    /** The hex forms the socket's local address may take in the tables; empty: not a TCP socket. */
    private final List<String> addresses;
    private final String port;

    private ListenBacklog(Path[] tables, List<String> addresses, int port, long length) {
        this.tables = tables;
        this.length = length;
        this.addresses = addresses;
        this.port = String.format(Locale.ROOT, "%04X", port);
    }

    /**
     * The queue of the socket bound to {@code local} (null or not TCP: the queue is unknown), which asked listen() for
     * {@code backlog} (negative: unknown, an inherited socket).
     */
    static ListenBacklog of(SocketAddress local, int backlog) {
        return of(local, backlog < 0 ? -1 : Math.min(backlog, somaxconn(backlog)), TABLES);
    }

    static ListenBacklog of(SocketAddress local, long length, Path... tables) {
        if (!(local instanceof InetSocketAddress) || ((InetSocketAddress) local).getAddress() == null) {
            return new ListenBacklog(tables, List.of(), 0, length);
        }
        InetSocketAddress inet = (InetSocketAddress) local;
        return new ListenBacklog(tables, hexForms(inet.getAddress()), inet.getPort(), length);
    }

    /** The kernel's cap on any backlog; {@code fallback} where it does not say. */
    private static long somaxconn(long fallback) {
        try {
            // not readString: it trusts the size procfs reports, and reads a part
            return Long.parseLong(Files.readAllLines(SOMAXCONN).get(0).trim());
        } catch (IOException | RuntimeException e) {
            return fallback;
        }
    }

    /**
     * {@code {queue, length}}: connections waiting to be accepted now, and how many may wait; {@link #UNKNOWN} where
     * the system does not say.
     */
    long[] read() {
        return new long[] {queue(), length};
    }

    private long queue() {
        if (addresses.isEmpty()) {
            return -1;
        }
        for (Path table : tables) {
            List<String> lines;
            try {
                lines = Files.readAllLines(table);
            } catch (IOException | RuntimeException e) {
                continue; // not Linux, or no IPv6
            }
            for (String line : lines) {
                long found = match(line.trim().split("\\s+"));
                if (found >= 0) {
                    return found;
                }
            }
        }
        return -1;
    }

    /** The rx_queue of a row "sl local rem st tx:rx ..." if it is our socket listening, else -1. */
    private long match(String[] fields) {
        if (fields.length < 5 || !fields[3].equals(LISTEN)) {
            return -1;
        }
        int colon = fields[1].indexOf(':');
        if (colon < 0 || !fields[1].substring(colon + 1).equalsIgnoreCase(port)
                || !addresses.contains(fields[1].substring(0, colon).toUpperCase(Locale.ROOT))) {
            return -1;
        }
        String[] queues = fields[4].split(":");
        try {
            return Long.parseLong(queues[1], 16);
        } catch (RuntimeException e) {
            return -1;
        }
    }

    /**
     * The kernel prints an address as 32-bit words in host order (little-endian on the machines this runs on); a Java
     * socket bound to an IPv4 address is often an IPv6 one bound to its mapped form, and the wildcard is either.
     */
    private static List<String> hexForms(InetAddress address) {
        List<String> forms = new ArrayList<>();
        if (address.isAnyLocalAddress()) {
            forms.add(hex(new byte[4]));
            forms.add(hex(new byte[16]));
        } else if (address instanceof Inet4Address) {
            byte[] v4 = address.getAddress();
            byte[] mapped = new byte[16];
            mapped[10] = (byte) 0xFF;
            mapped[11] = (byte) 0xFF;
            System.arraycopy(v4, 0, mapped, 12, 4);
            forms.add(hex(v4));
            forms.add(hex(mapped));
        } else if (address instanceof Inet6Address) {
            forms.add(hex(address.getAddress()));
        }
        return forms;
    }

    private static String hex(byte[] address) {
        StringBuilder text = new StringBuilder(address.length * 2);
        for (int word = 0; word < address.length; word += 4) {
            for (int i = word + 3; i >= word; i--) {
                text.append(String.format(Locale.ROOT, "%02X", address[i] & 0xFF));
            }
        }
        return text.toString();
    }
}
