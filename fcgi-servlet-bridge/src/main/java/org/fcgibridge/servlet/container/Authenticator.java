package org.fcgibridge.servlet.container;

import java.io.IOException;
import org.fcgibridge.servlet.http.BridgeResponse;
import org.fcgibridge.servlet.security.LoginConfig;
import org.fcgibridge.servlet.security.Realm;
import org.fcgibridge.servlet.security.WebUser;

/**
 * How an application's users prove who they are, as its login-config says: what a request carries (credentials, a
 * session that logged in), and how to ask for credentials when a constraint needs a user. One per context, with the
 * context's realm; thread-safe.
 */
abstract class Authenticator {
    final Realm realm;

    Authenticator(Realm realm) {
        this.realm = realm;
    }

    /**
     * The authenticator of a login-config.
     *
     * @throws IllegalArgumentException for an auth-method this container does not offer (DIGEST, CLIENT-CERT)
     */
    static Authenticator of(LoginConfig config, Realm realm) {
        String method = config.authMethod() == null ? "BASIC" : config.authMethod();
        switch (method) {
            case "BASIC":
                return new BasicAuthenticator(realm, config.realmName());
            case "FORM":
                return new FormAuthenticator(realm, config.loginPage(), config.errorPage());
            default:
                throw new IllegalArgumentException("<login-config> " + method + " is not offered by the standalone "
                        + "engine (BASIC and FORM are): run it with --engine jetty");
        }
    }

    /** What getAuthType reports for a user this authenticator logged in (BASIC, FORM). */
    abstract String authType();

    /** The user the request's credentials or session prove, or null. */
    abstract WebUser validate(BridgeRequest request);

    /** Asks the client for credentials: the request is answered. */
    abstract void challenge(BridgeRequest request, BridgeResponse response) throws IOException;

    /**
     * Handles a login the client submits (FORM's j_security_check).
     *
     * @return whether the request was one and is answered
     */
    boolean login(BridgeRequest request, BridgeResponse response) throws IOException {
        return false;
    }

    /** Whether the path is the login mechanism's own (FORM's login and error pages), open to everyone. */
    boolean isLoginPage(String pathInContext) {
        return false;
    }

    /** Gives back what a login interrupted, once the user is in (FORM's saved request). */
    void resume(BridgeRequest request) {
    }

    /** Keeps a user who logged in through HttpServletRequest.login beyond this request, where the mechanism can. */
    void remember(BridgeRequest request, WebUser user) {
    }

    /** Forgets the user of the request's session (HttpServletRequest.logout). */
    void forget(BridgeRequest request) {
    }
}
