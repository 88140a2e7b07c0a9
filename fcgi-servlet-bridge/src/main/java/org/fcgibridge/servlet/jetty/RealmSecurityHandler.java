package org.fcgibridge.servlet.jetty;

import org.eclipse.jetty.ee10.servlet.security.ConstraintMapping;
import org.eclipse.jetty.ee10.servlet.security.ConstraintSecurityHandler;
import org.eclipse.jetty.security.Authenticator;
import org.eclipse.jetty.security.Constraint;
import org.eclipse.jetty.security.EmptyLoginService;
import org.eclipse.jetty.security.HashLoginService;
import org.eclipse.jetty.util.resource.ResourceFactory;
import org.fcgibridge.servlet.security.RealmFile;
import org.fcgibridge.servlet.security.WebServerLogin;

/**
 * The application's security handler, with the users of {@code --realm} and, with {@code --trust-web-server-auth},
 * those the web server authenticated ({@link WebServerAuthenticator}); without either, it refuses to start an
 * application that needs users (a login-config, a constraint that only some users pass) rather than let Jetty fail
 * with a stack trace or answer 403 to everyone. It starts after the descriptors, the {@code @ServletSecurity}
 * annotations and the initializers' {@code setServletSecurity} have given it their constraints.
 */
final class RealmSecurityHandler extends ConstraintSecurityHandler {
    private final RealmFile realm;
    private final WebServerLogin webServer;

    /**
     * @param realm     the users, or null when the launcher has none
     * @param webServer how to take the user the web server authenticated (REMOTE_USER), or null to ignore it
     */
    RealmSecurityHandler(RealmFile realm, WebServerLogin webServer) {
        this.realm = realm;
        this.webServer = webServer;
        if (webServer != null) {
            // the application's own authenticator (its login-config) only with users to log in
            setAuthenticatorFactory(WebServerAuthenticator.factory(webServer, getKnownAuthenticatorFactories(),
                    realm != null));
        }
    }

    @Override
    protected void doStart() throws Exception {
        if (realm != null) {
            // the BASIC challenge names the login service's realm: the one the application's login-config names
            String name = getRealmName() != null ? getRealmName() : RealmFile.DEFAULT_NAME;
            setLoginService(new HashLoginService(name, ResourceFactory.root().newResource(realm.file())));
            if (Authenticator.FORM_AUTH.equals(getAuthenticationType()) && getAuthenticator() == null) {
                setAuthenticator(trusting(new SavedMethodFormAuthenticator()));
            }
        } else if (webServer != null) {
            setLoginService(new EmptyLoginService()); // the web server's users are the only ones
        } else {
            String needs = whatNeedsUsers();
            if (needs != null) {
                throw new RealmRequiredException(needs);
            }
        }
        super.doStart();
    }

    /** The application's own authenticator, after the web server's users when they are trusted. */
    private Authenticator trusting(Authenticator own) {
        return webServer == null ? own : new WebServerAuthenticator(webServer, own);
    }

    /** What needs users to authenticate, or null. */
    private String whatNeedsUsers() {
        if (getAuthenticationType() != null) {
            return "<login-config> " + getAuthenticationType();
        }
        for (ConstraintMapping mapping : getConstraintMappings()) {
            Constraint.Authorization authorization = mapping.getConstraint().getAuthorization();
            if (authorization == Constraint.Authorization.ANY_USER
                    || authorization == Constraint.Authorization.KNOWN_ROLE
                    || authorization == Constraint.Authorization.SPECIFIC_ROLE) {
                return "a constraint on " + mapping.getPathSpec();
            }
        }
        return null;
    }

    /**
     * An application needs users and the launcher was given none: a matter of configuration, so without a stack
     * trace (Jetty logs the failure of the context; a trace would bury the one line that says what to do). The
     * message is the launcher's advice; what Jetty logs ({@link #toString}) says only what failed, so that the
     * advice is on one line of stderr, the launcher's.
     */
    static final class RealmRequiredException extends RuntimeException {
        private static final long serialVersionUID = 1L;
        private final String what;

        RealmRequiredException(String what) {
            super("declares security constraints (" + what + "), which need users and roles: add --realm FILE",
                    null, false, false);
            this.what = what;
        }

        @Override
        public String toString() {
            return "security constraints (" + what + ") and no users: the application is not started";
        }
    }
}
