package org.fcgibridge.core.net;

import java.net.InetSocketAddress;

/**
 * The FastCGI port is a trust boundary: whoever connects sets REMOTE_ADDR, HTTPS, REMOTE_USER and every other param
 * the application believes. Listening beyond loopback with no FCGI_WEB_SERVER_ADDRS leaves that to the firewall,
 * which deserves a warning at start.
 */
public final class PortExposure {
    private PortExposure() {
    }

    /**
     * The warning for a server listening on {@code address} and admitting {@code allowed}, or null when there is
     * nothing to warn about (a Unix socket, an inherited one, loopback, or an address list).
     */
    public static String warning(ListenAddress address, WebServerAddresses allowed) {
        if (address.kind() != ListenAddress.Kind.TCP || !allowed.allowsAny()) {
            return null;
        }
        InetSocketAddress inet = (InetSocketAddress) address.socketAddress();
        if (inet.getAddress() != null && inet.getAddress().isLoopbackAddress()) {
            return null;
        }
        return "warning: listening on " + address + ", beyond loopback, and any peer may connect: whoever reaches "
                + "the port sets the params the application trusts (REMOTE_ADDR, HTTPS, ...); name the web servers "
                + "with --web-server-addrs (FCGI_WEB_SERVER_ADDRS) or listen on 127.0.0.1 or a Unix socket";
    }
}
