package org.fcgibridge.servlet.container;

import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import org.fcgibridge.servlet.http.BridgeResponse;
import org.fcgibridge.servlet.security.Requirement;
import org.fcgibridge.servlet.security.WebUser;

/**
 * The application's constraints applied to a request before its filters and servlet (Servlet 6.0 section 13.8.3):
 * who the user is, a login being submitted, then what the constraints of the request's path and method require: a
 * secure connection (403 otherwise: behind a web server, only it can redirect to https), a user (the login-config's
 * challenge), a role (403).
 */
final class SecurityGate {
    private SecurityGate() {
    }

    /**
     * Admits the request, or answers it (a challenge, a redirect, an error sent).
     *
     * @return whether the application may serve it
     */
    static boolean admit(BridgeServletContext context, BridgeRequest request, BridgeResponse response)
            throws IOException {
        Authenticator authenticator = context.authenticator();
        if (authenticator != null) {
            if (request.user() == null) {
                request.authenticated(authenticator.validate(request));
            }
            if (authenticator.login(request, response)) {
                return false;
            }
            if (authenticator.isLoginPage(request.pathInContext())) {
                return true;
            }
        }
        Requirement requirement = context.constraints().requirement(request.pathInContext(), request.getMethod());
        if (requirement.denied()) {
            response.sendError(HttpServletResponse.SC_FORBIDDEN);
            return false;
        }
        if (requirement.confidential() && !request.isSecure()) {
            response.sendError(HttpServletResponse.SC_FORBIDDEN, "a secure connection (https) is required");
            return false;
        }
        if (requirement.needsUser()) {
            WebUser user = request.user();
            if (user == null) {
                if (authenticator == null) {
                    response.sendError(HttpServletResponse.SC_FORBIDDEN); // the web server let it through unknown
                } else {
                    authenticator.challenge(request, response);
                }
                return false;
            }
            if (!requirement.allows(user.roles())) {
                response.sendError(HttpServletResponse.SC_FORBIDDEN);
                return false;
            }
        }
        if (authenticator != null && request.user() != null) {
            authenticator.resume(request);
        }
        return true;
    }
}
