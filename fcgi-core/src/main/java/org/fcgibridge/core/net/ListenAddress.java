package org.fcgibridge.core.net;

import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.UnixDomainSocketAddress;
import java.nio.file.Path;
import java.util.Objects;

/**
 * Where a server listens or a client connects: a TCP address, a Unix domain socket path, or the listening socket a
 * web server handed over as file descriptor 0 (FCGI_LISTENSOCK_FILENO).
 *
 * <p>Text forms, as on the command line: {@code 127.0.0.1:9000}, {@code [::1]:9000}, {@code localhost:9000},
 * {@code :9000} or {@code 9000} (every interface), {@code unix:/run/app.sock}, and {@code fd:0}.
 */
public final class ListenAddress {
    /** What kind of socket the address names. */
    public enum Kind { TCP, UNIX, INHERITED }

    private final Kind kind;
    private final SocketAddress address;

    private ListenAddress(Kind kind, SocketAddress address) {
        this.kind = kind;
        this.address = address;
    }

    /** A TCP address; port 0 asks for an ephemeral port when listening. */
    public static ListenAddress tcp(InetSocketAddress address) {
        return new ListenAddress(Kind.TCP, Objects.requireNonNull(address));
    }

    /** A TCP address on a host (a name or an IP literal) and port. */
    public static ListenAddress tcp(String host, int port) {
        return tcp(new InetSocketAddress(host, port));
    }

    /** A Unix domain socket at {@code path}. */
    public static ListenAddress unix(Path path) {
        return new ListenAddress(Kind.UNIX, UnixDomainSocketAddress.of(path));
    }

    /** The listening socket inherited as file descriptor 0. */
    public static ListenAddress inherited() {
        return new ListenAddress(Kind.INHERITED, null);
    }

    /**
     * Parses the text form.
     *
     * @throws IllegalArgumentException if the text is none of the forms above, or the port is not 0..65535
     */
    public static ListenAddress parse(String text) {
        Objects.requireNonNull(text, "address");
        String s = text.trim();
        if (s.startsWith("unix:")) {
            String path = s.substring("unix:".length());
            if (path.isEmpty()) {
                throw new IllegalArgumentException("unix: needs a path: " + text);
            }
            return unix(Path.of(path));
        }
        if (s.equals("fd:0") || s.equals("fd0") || s.equals("inherited")) {
            return inherited();
        }
        String host;
        String port;
        if (s.startsWith("[")) {
            int close = s.indexOf(']');
            if (close < 0 || close + 1 >= s.length() || s.charAt(close + 1) != ':') {
                throw new IllegalArgumentException("expected [ipv6]:port: " + text);
            }
            host = s.substring(1, close);
            port = s.substring(close + 2);
        } else {
            int colon = s.lastIndexOf(':');
            if (colon < 0) {
                host = "";
                port = s;
            } else if (s.indexOf(':') != colon) {
                throw new IllegalArgumentException("write an IPv6 address as [addr]:port: " + text);
            } else {
                host = s.substring(0, colon);
                port = s.substring(colon + 1);
            }
        }
        int portNumber = parsePort(port, text);
        return host.isEmpty() ? tcp(new InetSocketAddress(portNumber)) : tcp(new InetSocketAddress(host, portNumber));
    }

    private static int parsePort(String port, String text) {
        try {
            int value = Integer.parseInt(port);
            if (value < 0 || value > 65535) {
                throw new IllegalArgumentException("port out of range in " + text);
            }
            return value;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("not host:port, unix:PATH or fd:0: " + text, e);
        }
    }

    /** What kind of socket this is. */
    public Kind kind() {
        return kind;
    }

    /** The socket address (InetSocketAddress or UnixDomainSocketAddress); null for an inherited socket. */
    public SocketAddress socketAddress() {
        return address;
    }

    /** The path of a Unix domain socket. */
    public Path path() {
        if (kind != Kind.UNIX) {
            throw new IllegalStateException("not a unix socket address: " + this);
        }
        return ((UnixDomainSocketAddress) address).getPath();
    }

    @Override
    public String toString() {
        switch (kind) {
            case UNIX:
                return "unix:" + path();
            case INHERITED:
                return "fd:0";
            default:
                InetSocketAddress inet = (InetSocketAddress) address;
                String host = inet.getAddress() != null ? inet.getAddress().getHostAddress() : inet.getHostString();
                return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + inet.getPort();
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ListenAddress && ((ListenAddress) o).kind == kind
                && Objects.equals(((ListenAddress) o).address, address);
    }

    @Override
    public int hashCode() {
        return Objects.hash(kind, address);
    }
}
