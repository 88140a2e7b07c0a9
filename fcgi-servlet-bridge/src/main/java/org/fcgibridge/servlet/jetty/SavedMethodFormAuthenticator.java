package org.fcgibridge.servlet.jetty;

import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.MimeTypes;
import org.eclipse.jetty.security.AuthenticationState;
import org.eclipse.jetty.security.authentication.FormAuthenticator;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Session;
import org.eclipse.jetty.util.Fields;

/**
 * Jetty's FORM authenticator, replaying the request saved at the login as it was: its method, and the form it posted.
 * After the login the browser follows the redirect to the saved URI with a GET; Jetty 12.1 restores the saved form
 * fields but, its method check being inverted (it wraps the request only when the methods already agree), leaves the
 * GET, so a saved POST reaches {@code doGet}, or is refused with 405; and the servlet layer ignores the restored fields
 * when that GET says {@code Content-Length: 0}, as some clients do. The standalone engine, like Tomcat, replays the
 * POST with its parameters.
 */
final class SavedMethodFormAuthenticator extends FormAuthenticator {
    @Override
    public Request prepareRequest(Request request, AuthenticationState authenticationState) {
        String savedMethod = null;
        boolean savedForm = false;
        Session session = request.getSession(false);
        if (authenticationState instanceof AuthenticationState.Succeeded && session != null
                && request.getHttpURI().equals(session.getAttribute(__J_URI))) {
            savedMethod = (String) session.getAttribute(__J_METHOD);
            savedForm = session.getAttribute(__J_POST) instanceof Fields;
        }
        // Jetty restores the form fields and forgets the saved request
        Request prepared = super.prepareRequest(request, authenticationState);
        if (savedMethod == null || savedMethod.equals(prepared.getMethod())) {
            return prepared;
        }
        String method = savedMethod;
        // the replayed request has no body of its own: its parameters are the restored form's
        HttpFields.Mutable headers = HttpFields.build(prepared.getHeaders())
                .remove(HttpHeader.CONTENT_LENGTH).remove(HttpHeader.CONTENT_TYPE);
        if (savedForm) {
            headers.put(HttpHeader.CONTENT_TYPE, MimeTypes.Type.FORM_ENCODED.asString());
        }
        HttpFields replayed = headers.asImmutable();
        return new Request.Wrapper(prepared) {
            @Override
            public String getMethod() {
                return method;
            }

            @Override
            public HttpFields getHeaders() {
                return replayed;
            }
        };
    }
}
