package org.fcgibridge.core.runner;

import org.fcgibridge.core.http.MalformedPathException;
import org.fcgibridge.core.http.RequestPath;
import org.fcgibridge.core.protocol.Params;

/**
 * Sends the requests under a path prefix to one runner factory and every other request to another: CGI scripts under
 * /cgi-bin beside a web application, say. The path is the client's, decoded and canonical ({@link RequestPath}), the
 * one a servlet container behind the fallback maps; a request without a path, or with a malformed one, goes to the
 * fallback, which answers it.
 */
public final class PrefixRouter implements RunnerFactory {
    private final String prefix;
    private final RunnerFactory mounted;
    private final RunnerFactory fallback;

    /**
     * @param prefix   a path such as "/cgi-bin" (a trailing slash is ignored)
     * @param mounted  serves the requests under the prefix
     * @param fallback serves the rest
     */
    public PrefixRouter(String prefix, RunnerFactory mounted, RunnerFactory fallback) {
        this.prefix = prefix.endsWith("/") ? prefix.substring(0, prefix.length() - 1) : prefix;
        this.mounted = mounted;
        this.fallback = fallback;
    }

    @Override
    public Runner create(FcgiExchange exchange) throws Exception {
        return claims(exchange.params()) ? mounted.create(exchange) : fallback.create(exchange);
    }

    /** Whether a request with these params goes to the mounted factory: its canonical path lies under the prefix. */
    public boolean claims(Params params) {
        try {
            return matches(RequestPath.of(params));
        } catch (MalformedPathException e) {
            return false;
        }
    }

    /** Whether a decoded request path lies under the prefix. */
    public boolean matches(String path) {
        return path.equals(prefix) || path.startsWith(prefix + "/");
    }
}
