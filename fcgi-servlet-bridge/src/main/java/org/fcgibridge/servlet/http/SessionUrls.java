package org.fcgibridge.servlet.http;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;

/**
 * Session ids in URLs ({@code ;jsessionid=ID} path parameters) for clients without cookies: reading one from a
 * request path and adding one to the URLs a response encodes, with Tomcat's rules: only a URL of this application
 * (same scheme, host and port, a path inside the context path) gets the id, so it never leaks to another site.
 */
public final class SessionUrls {
    private SessionUrls() {
    }

    /**
     * The session id in {@code rawPath}'s path parameter {@code name} ("jsessionid", any case), or null. It ends
     * at the next path parameter or segment.
     */
    public static String requestedId(String rawPath, String name) {
        String marker = ";" + name + "=";
        int at = rawPath.toLowerCase(Locale.ROOT).indexOf(marker);
        if (at < 0) {
            return null;
        }
        int start = at + marker.length();
        int end = start;
        while (end < rawPath.length() && rawPath.charAt(end) != ';' && rawPath.charAt(end) != '/') {
            end++;
        }
        return end > start ? rawPath.substring(start, end) : null;
    }

    /**
     * {@code url} with {@code ;name=id} after its path (before the query and fragment) when it points into this
     * application; else {@code url} unchanged. A URL that already carries the id, a bare query or fragment, and one
     * that does not parse stay as they are.
     *
     * @param request the request's absolute URL (scheme, host, port and raw path), which relative URLs resolve against
     */
    public static String encode(String url, String name, String id, URI request, String contextPath) {
        if (url == null || url.isEmpty() || url.startsWith("?") || url.contains(";" + name + "=" + id)
                || !inApplication(url, request, contextPath)) {
            return url;
        }
        int end = url.length();
        int query = url.indexOf('?');
        int fragment = url.indexOf('#');
        if (query >= 0) {
            end = query;
        }
        if (fragment >= 0 && fragment < end) {
            end = fragment;
        }
        String head = url.substring(0, end);
        // an absolute URL without a path ("http://host") gets one, so that the parameter is not read as the port's
        boolean hasAuthority = head.startsWith("//") || head.indexOf("://") > 0;
        String slash = hasAuthority && head.indexOf('/', head.indexOf("//") + 2) < 0 ? "/" : "";
        return head + slash + ";" + name + "=" + id + url.substring(end);
    }

    /**
     * Whether {@code url}, resolved against the request's URL, has the request's scheme, host and port and a path
     * inside {@code contextPath} ("" for the root context). A fragment alone, and a URL that does not parse, are not.
     */
    public static boolean inApplication(String url, URI request, String contextPath) {
        if (url.startsWith("#")) {
            return false;
        }
        URI target;
        try {
            target = request.resolve(new URI(url)).normalize();
        } catch (URISyntaxException | IllegalArgumentException malformed) {
            return false;
        }
        if (!request.getScheme().equalsIgnoreCase(target.getScheme()) || target.getHost() == null
                || !target.getHost().equalsIgnoreCase(request.getHost()) || port(target) != port(request)) {
            return false; // another site: its URLs must never carry our session id
        }
        String path = target.getRawPath() == null ? "" : target.getRawPath();
        return contextPath.isEmpty() || path.equals(contextPath) || path.startsWith(contextPath + "/");
    }

    private static int port(URI uri) {
        if (uri.getPort() >= 0) {
            return uri.getPort();
        }
        return "https".equalsIgnoreCase(uri.getScheme()) ? 443 : 80;
    }
}
