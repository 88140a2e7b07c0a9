package org.fcgibridge.servlet.jetty;

import java.net.URI;
import org.eclipse.jetty.ee10.servlet.SessionHandler;
import org.eclipse.jetty.server.Request;
import org.fcgibridge.servlet.http.SessionUrls;

/**
 * Jetty's session handling, with {@code encodeURL} putting the session id only into URLs of this application (the
 * request's scheme, host and port, a path inside the context path), as the standalone engine and Tomcat do. Jetty's own
 * check covers only absolute URLs of another host; a relative URL into another application on the host got the id.
 */
final class ApplicationSessionHandler extends SessionHandler {
    @Override
    public String encodeURI(Request request, String uri, boolean cookiesInUse) {
        if (uri == null || uri.isEmpty() || uri.startsWith("?")) {
            return super.encodeURI(request, uri, cookiesInUse);
        }
        String contextPath = Request.getContextPath(request);
        URI here;
        try {
            here = request.getHttpURI().toURI();
        } catch (IllegalArgumentException unparsable) {
            return uri;
        }
        if (!SessionUrls.inApplication(uri, here, contextPath == null || contextPath.equals("/") ? "" : contextPath)) {
            return uri;
        }
        return super.encodeURI(request, uri, cookiesInUse);
    }
}
