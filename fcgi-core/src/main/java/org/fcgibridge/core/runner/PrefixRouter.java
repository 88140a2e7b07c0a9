package org.fcgibridge.core.runner;

import org.fcgibridge.core.protocol.Params;

/**
 * Sends the requests under a path prefix to one runner factory and every other request to another: CGI scripts under
 * /cgi-bin beside a web application, say. The path is DOCUMENT_URI (decoded, as nginx sends it), else SCRIPT_NAME +
 * PATH_INFO, else REQUEST_URI without its query.
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
        return matches(requestPath(exchange.params())) ? mounted.create(exchange) : fallback.create(exchange);
    }

    /** Whether a decoded request path lies under the prefix. */
    public boolean matches(String path) {
        return path.equals(prefix) || path.startsWith(prefix + "/");
    }

    /** The request's path, decoded where the web server decoded it. */
    public static String requestPath(Params params) {
        String document = params.get("DOCUMENT_URI", "");
        if (!document.isEmpty()) {
            return document;
        }
        String script = params.get("SCRIPT_NAME", "") + params.get("PATH_INFO", "");
        if (!script.isEmpty()) {
            return script;
        }
        String uri = params.get("REQUEST_URI", "");
        int query = uri.indexOf('?');
        return query < 0 ? uri : uri.substring(0, query);
    }
}
