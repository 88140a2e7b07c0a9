package org.fcgibridge.servlet.jetty;

import java.io.IOException;
import java.nio.charset.Charset;
import java.util.List;
import org.eclipse.jetty.ee10.servlet.ErrorPageErrorHandler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.fcgibridge.core.http.ReasonPhrases;

/**
 * Jetty's error page (and the application's error pages, which it still dispatches to) with the standalone engine's
 * policy: the status, its reason or the message the application gave to sendError, and the request URI; never an
 * exception's message, class or stack, nor the servlet's name. Jetty logs the exception.
 */
final class QuietErrorHandler extends ErrorPageErrorHandler {
    QuietErrorHandler() {
        setShowStacks(false);
        setShowCauses(false);
        setShowOrigin(false);
    }

    @Override
    protected boolean generateAcceptableResponse(Request request, Response response, Callback callback,
                                                 String contentType, List<Charset> charsets, int code,
                                                 String message, Throwable cause) throws IOException {
        // with an exception, Jetty's message is the exception's toString(): the reason phrase replaces it, from the
        // table the CGI head and the standalone engine's page take theirs from
        String shown = cause == null && message != null ? message : ReasonPhrases.of(code);
        return super.generateAcceptableResponse(request, response, callback, contentType, charsets, code, shown,
                null);
    }
}
