package org.fcgibridge.core.net;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;

/**
 * FCGI_WEB_SERVER_ADDRS: the addresses of the web servers allowed to connect. An empty list allows every peer.
 * Unix domain and inherited non-TCP connections are not filtered (file permissions guard them).
 */
public final class WebServerAddresses {
    /** The environment variable a web server or spawner sets. */
    public static final String ENVIRONMENT_VARIABLE = "FCGI_WEB_SERVER_ADDRS";

    private static final WebServerAddresses ANY = new WebServerAddresses(List.of());

    private final List<InetAddress> allowed;

    private WebServerAddresses(List<InetAddress> allowed) {
        this.allowed = List.copyOf(allowed);
    }

    /** Every peer may connect. */
    public static WebServerAddresses any() {
        return ANY;
    }

    /**
     * Parses a comma-separated list of IP address literals (IPv4 or IPv6); blanks around entries are ignored.
     *
     * @throws IllegalArgumentException if an entry is not an IP address literal (host names are not looked up)
     */
    public static WebServerAddresses parse(String list) {
        if (list == null || list.isBlank()) {
            return ANY;
        }
        List<InetAddress> addresses = new ArrayList<>();
        for (String entry : list.split(",")) {
            String literal = entry.trim();
            if (literal.isEmpty()) {
                continue;
            }
            addresses.add(parseLiteral(literal));
        }
        return new WebServerAddresses(addresses);
    }

    /**
     * The list in the environment variable FCGI_WEB_SERVER_ADDRS, or {@link #any()} when it is unset.
     *
     * @throws IllegalArgumentException if it is set to something that is not a list of IP addresses
     */
    public static WebServerAddresses fromEnvironment() {
        return parse(System.getenv(ENVIRONMENT_VARIABLE));
    }

    /** Whether a peer at {@code address} may connect. */
    public boolean allows(InetAddress address) {
        if (allowed.isEmpty()) {
            return true;
        }
        for (InetAddress candidate : allowed) {
            if (candidate.equals(address) || sameIpv4(candidate, address)) {
                return true;
            }
        }
        return false;
    }

    /** Whether every peer may connect. */
    public boolean allowsAny() {
        return allowed.isEmpty();
    }

    @Override
    public String toString() {
        if (allowed.isEmpty()) {
            return "any";
        }
        List<String> texts = new ArrayList<>();
        for (InetAddress address : allowed) {
            texts.add(address.getHostAddress());
        }
        return String.join(",", texts);
    }

    /** An IPv4 peer on a dual-stack socket shows as ::ffff:a.b.c.d; it is the same peer. */
    private static boolean sameIpv4(InetAddress a, InetAddress b) {
        byte[] x = a.getAddress();
        byte[] y = b.getAddress();
        if (x.length == y.length) {
            return false;
        }
        byte[] v4 = x.length == 4 ? x : y;
        byte[] v6 = x.length == 4 ? y : x;
        for (int i = 0; i < 10; i++) {
            if (v6[i] != 0) {
                return false;
            }
        }
        if (v6[10] != (byte) 0xFF || v6[11] != (byte) 0xFF) {
            return false;
        }
        for (int i = 0; i < 4; i++) {
            if (v6[12 + i] != v4[i]) {
                return false;
            }
        }
        return true;
    }

    private static InetAddress parseLiteral(String literal) {
        boolean looksNumeric = literal.indexOf(':') >= 0 || literal.chars().allMatch(c -> c == '.' || Character.isDigit(c));
        if (!looksNumeric) {
            throw new IllegalArgumentException(ENVIRONMENT_VARIABLE + ": not an IP address: " + literal);
        }
        try {
            return InetAddress.getByName(literal);
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException(ENVIRONMENT_VARIABLE + ": not an IP address: " + literal, e);
        }
    }
}
