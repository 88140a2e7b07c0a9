package org.fcgibridge.servlet.http;

import java.nio.charset.StandardCharsets;
import java.util.AbstractMap;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.fcgibridge.core.http.RequestPath;
import org.fcgibridge.core.protocol.Params;

/**
 * What a FastCGI request's params say about the HTTP request behind it, normalised across web servers (nginx, Apache
 * httpd, lighttpd, Caddy, h2o):
 *
 * <ul>
 *   <li>the path: fcgi-core's {@link RequestPath}, the client's REQUEST_URI (raw, with its query cut off), else
 *       DOCUMENT_URI, else SCRIPT_NAME + PATH_INFO (both arrive decoded and are encoded again);</li>
 *   <li>the query: QUERY_STRING, raw;</li>
 *   <li>the scheme: REQUEST_SCHEME, else HTTPS ("on", "ON", "1" mean https; "off" and absence do not);</li>
 *   <li>the server: the Host header, else SERVER_NAME / SERVER_PORT; the client: REMOTE_ADDR / REMOTE_PORT;</li>
 *   <li>headers: HTTP_* params and CONTENT_TYPE / CONTENT_LENGTH (which come without the prefix); empty values of
 *       those two mean absent, as nginx sends them for requests without a body. A header name repeated keeps every
 *       value (nginx before 1.23 passes a header the client repeated so), except HTTP_HOST, which only a
 *       configuration repeats: its last value is the Host.</li>
 * </ul>
 *
 * @param method        the request method
 * @param scheme        "http" or "https"
 * @param protocol      SERVER_PROTOCOL, such as "HTTP/1.1"
 * @param rawPath       the request path as the client sent it (percent-encoded), without the query
 * @param path          {@code rawPath} canonicalized: decoded, dot segments resolved, path parameters removed
 * @param queryString   the raw query, or null when there is none
 * @param headers       the request headers
 * @param contentLength the body's length, or -1 when unknown (the body then runs to the end of STDIN)
 * @param contentType   the body's media type, or null
 * @param serverName    the host the client asked for
 * @param serverPort    the port the client asked for
 * @param localAddr     SERVER_ADDR, or null
 * @param localPort     SERVER_PORT, or the server port
 * @param remoteAddr    REMOTE_ADDR, or null
 * @param remoteHost    REMOTE_HOST, or the remote address
 * @param remotePort    REMOTE_PORT, or -1
 * @param remoteUser    REMOTE_USER, or null: the user the web server authenticated
 * @param authType      AUTH_TYPE, or null
 * @param params        every param, for what the fields above do not cover
 */
public record CgiRequest(String method, String scheme, String protocol, String rawPath, String path,
                         String queryString, HttpHeaders headers, long contentLength, String contentType,
                         String serverName, int serverPort, String localAddr, int localPort, String remoteAddr,
                         String remoteHost, int remotePort, String remoteUser, String authType, Params params) {

    /** Whether the request came over TLS. */
    public boolean secure() {
        return scheme.equals("https");
    }

    /**
     * Maps the params of a FastCGI request.
     *
     * @throws BadRequestException if there is no REQUEST_METHOD or request path, the path is malformed (see
     *                             {@link UriPath#canonicalize}), or CONTENT_LENGTH is not a number
     */
    public static CgiRequest from(Params params) throws BadRequestException {
        String method = params.get("REQUEST_METHOD", "");
        if (method.isEmpty() || !isToken(method)) {
            throw new BadRequestException("no valid REQUEST_METHOD");
        }
        String rawPath = rawPath(params);
        String path = UriPath.canonicalize(rawPath);
        String query = params.get("QUERY_STRING", "");
        if (query.isEmpty()) {
            String requestUri = params.get("REQUEST_URI", "");
            query = requestUri.indexOf('?') >= 0 ? "" : null;
        }
        String scheme = scheme(params);
        List<Map.Entry<String, String>> headerList = new ArrayList<>();
        String contentType = emptyToNull(params.get("CONTENT_TYPE"));
        String contentLengthText = emptyToNull(params.get("CONTENT_LENGTH"));
        long contentLength = -1;
        if (contentLengthText != null) {
            try {
                contentLength = Long.parseLong(contentLengthText.trim());
            } catch (NumberFormatException e) {
                throw new BadRequestException("CONTENT_LENGTH is not a number: " + contentLengthText);
            }
            if (contentLength == -1) {
                contentLengthText = null; // Caddy's word for a chunked body: no header, the body is all of STDIN
            } else if (contentLength < 0) {
                throw new BadRequestException("CONTENT_LENGTH is negative");
            }
        }
        boolean hostAdded = false;
        for (int i = 0; i < params.size(); i++) {
            String name = params.nameAt(i);
            if (name.startsWith("HTTP_") && name.length() > 5) {
                if (name.equals("HTTP_CONTENT_TYPE") || name.equals("HTTP_CONTENT_LENGTH")) {
                    continue; // the unprefixed variables are authoritative
                }
                if (name.equals("HTTP_HOST")) {
                    // a repeated HTTP_HOST is the configuration's, not the client's (which nginx refuses): Debian's
                    // fastcgi_params sets $host and a later fastcgi_param $http_host overrides it; the last wins, as
                    // for any CGI variable set twice
                    if (!hostAdded) {
                        headerList.add(new AbstractMap.SimpleImmutableEntry<>("Host",
                                new String(params.getBytes(name), StandardCharsets.ISO_8859_1)));
                        hostAdded = true;
                    }
                    continue;
                }
                // header values are octets: ISO-8859-1, as HTTP defines them and containers read them
                headerList.add(new AbstractMap.SimpleImmutableEntry<>(HttpHeaders.nameOf(name),
                        new String(params.valueBytesAt(i), StandardCharsets.ISO_8859_1)));
            }
        }
        if (contentType != null) {
            headerList.add(new AbstractMap.SimpleImmutableEntry<>("Content-Type", contentType));
        }
        if (contentLengthText != null) {
            headerList.add(new AbstractMap.SimpleImmutableEntry<>("Content-Length", Long.toString(contentLength)));
        }
        HttpHeaders headers = HttpHeaders.of(headerList);

        int localPort = parsePort(params.get("SERVER_PORT"), -1);
        String localAddr = emptyToNull(params.get("SERVER_ADDR"));
        Authority authority = authority(headers.get("Host"), params, localAddr, localPort, scheme);
        String serverName = authority.name();
        int serverPort = authority.port();
        String remoteAddr = emptyToNull(params.get("REMOTE_ADDR"));
        String remoteHost = emptyToNull(params.get("REMOTE_HOST"));
        return new CgiRequest(method, scheme, params.get("SERVER_PROTOCOL", "HTTP/1.1"), rawPath, path, query,
                headers, contentLength, contentType, serverName, serverPort, localAddr,
                localPort > 0 ? localPort : serverPort, remoteAddr, remoteHost != null ? remoteHost : remoteAddr,
                parsePort(params.get("REMOTE_PORT"), -1), emptyToNull(params.get("REMOTE_USER")),
                emptyToNull(params.get("AUTH_TYPE")), params);
    }

    /**
     * The origin the client addressed, {@code scheme://host[:port]}, the port only when it is not the scheme's
     * default: the one definition of it, which request URLs, redirects and error pages are built on.
     */
    public String origin() {
        return origin(scheme, serverName, serverPort);
    }

    /**
     * The origin of a request whose params cannot be mapped (its 400 page), read as {@link #from} reads it.
     */
    public static String origin(Params params) {
        String scheme = scheme(params);
        String host = params.contains("HTTP_HOST")
                ? new String(params.getBytes("HTTP_HOST"), StandardCharsets.ISO_8859_1) : null;
        int localPort = parsePort(params.get("SERVER_PORT"), -1);
        Authority authority = authority(host, params, emptyToNull(params.get("SERVER_ADDR")), localPort, scheme);
        return origin(scheme, authority.name(), authority.port());
    }

    /**
     * {@code scheme://host[:port]}: an IPv6 address in brackets, the port left out when it is the scheme's default
     * (or not positive).
     */
    public static String origin(String scheme, String host, int port) {
        boolean defaultPort = port <= 0 || port == defaultPort(scheme);
        return scheme + "://" + uriHost(host) + (defaultPort ? "" : ":" + port);
    }

    private record Authority(String name, int port) {
    }

    /**
     * The host and port the client addressed: the Host header, else SERVER_NAME and SERVER_PORT; a Host without a
     * port means the port the web server took the request on (Debian's nginx passes $host, which drops the port the
     * client asked for), else the scheme's.
     */
    private static Authority authority(String host, Params params, String localAddr, int localPort, String scheme) {
        String serverName = emptyToNull(params.get("SERVER_NAME"));
        int serverPort = localPort > 0 ? localPort : defaultPort(scheme);
        if (host != null && !host.isBlank()) {
            int colon = host.lastIndexOf(':');
            int bracket = host.lastIndexOf(']');
            if (colon > bracket) {
                serverName = host.substring(0, colon);
                serverPort = parsePort(host.substring(colon + 1), defaultPort(scheme));
            } else {
                serverName = host;
            }
        }
        if (serverName == null) {
            serverName = localAddr != null ? localAddr : "localhost";
        }
        return new Authority(serverName, serverPort);
    }

    private static String rawPath(Params params) throws BadRequestException {
        String rawPath = RequestPath.raw(params);
        if (rawPath == null) {
            throw new BadRequestException("no request path (REQUEST_URI, DOCUMENT_URI or SCRIPT_NAME)");
        }
        return rawPath;
    }

    private static String scheme(Params params) {
        String scheme = params.get("REQUEST_SCHEME", "").toLowerCase(Locale.ROOT);
        if (scheme.equals("http") || scheme.equals("https")) {
            return scheme;
        }
        String https = params.get("HTTPS", "").trim().toLowerCase(Locale.ROOT);
        return https.equals("on") || https.equals("1") || https.equals("yes") ? "https" : "http";
    }

    private static int defaultPort(String scheme) {
        return scheme.equals("https") ? 443 : 80;
    }

    private static int parsePort(String text, int fallback) {
        if (text == null || text.isEmpty()) {
            return fallback;
        }
        try {
            int port = Integer.parseInt(text.trim());
            return port > 0 && port <= 65535 ? port : fallback;
        } catch (NumberFormatException e) {
            return fallback;
        }
    }

    private static String emptyToNull(String value) {
        return value == null || value.isEmpty() ? null : value;
    }

    private static boolean isToken(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c <= ' ' || c >= 127 || "()<>@,;:\\\"/[]?={}".indexOf(c) >= 0) {
                return false;
            }
        }
        return true;
    }

    /** A host name as it stands in a URI's authority: an IPv6 address goes in brackets. */
    public static String uriHost(String host) {
        return host.indexOf(':') >= 0 && !host.startsWith("[") ? "[" + host + "]" : host;
    }
}
