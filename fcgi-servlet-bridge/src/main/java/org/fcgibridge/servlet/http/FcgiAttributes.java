package org.fcgibridge.servlet.http;

import java.util.Map;
import org.fcgibridge.core.protocol.Params;
import org.fcgibridge.core.protocol.Role;

/**
 * The request attributes that carry what the servlet API has no place for, the same on both engines (the standalone
 * container and the Jetty engine).
 */
public final class FcgiAttributes {
    /**
     * The request attribute that names the FastCGI role of the request: "RESPONDER", "AUTHORIZER" (the web server
     * asks whether to serve the request: status 200 allows it, and {@code Variable-NAME} response headers go to the
     * web server; any other response is sent to the client) or "FILTER".
     */
    public static final String ROLE = "org.fcgibridge.fcgi.role";

    /** The request attribute that holds every FastCGI param of the request, an unmodifiable {@code Map<String, String>}. */
    public static final String PARAMS = "org.fcgibridge.fcgi.params";

    private FcgiAttributes() {
    }

    /** The attributes of a request in {@code role} with {@code params}: {@link #ROLE} and {@link #PARAMS}. */
    public static Map<String, Object> of(Role role, Params params) {
        return Map.of(ROLE, role.name(), PARAMS, new ParamsView(params));
    }
}
