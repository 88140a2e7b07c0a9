package org.fcgibridge.servlet.jetty;

import java.util.function.Function;
import javax.security.auth.Subject;
import org.eclipse.jetty.security.AuthenticationState;
import org.eclipse.jetty.security.Authenticator;
import org.eclipse.jetty.security.Constraint;
import org.eclipse.jetty.security.ServerAuthException;
import org.eclipse.jetty.security.UserIdentity;
import org.eclipse.jetty.security.authentication.LoginAuthenticator;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Session;
import org.eclipse.jetty.util.Callback;
import org.fcgibridge.servlet.http.CgiRequest;
import org.fcgibridge.servlet.security.WebServerLogin;
import org.fcgibridge.servlet.security.WebUser;

/**
 * {@code --trust-web-server-auth} in Jetty: a request whose params name a REMOTE_USER is authenticated as that user,
 * with the roles {@link WebServerLogin} finds, before any authenticator of the application's is asked; any other
 * request goes to the application's own authenticator (its login-config with the users of {@code --realm}), or,
 * when there is none, has no user (a constraint that needs one answers 403). Jetty then authorises, reports the user
 * ({@code getRemoteUser}, {@code isUserInRole}, {@code getAuthType}) and defers authentication where no constraint
 * applies, as for any authenticator. A LoginAuthenticator, so that Jetty's deferred authentication,
 * {@code login()} and {@code logout()} reach it.
 */
final class WebServerAuthenticator extends LoginAuthenticator {
    private final WebServerLogin login;
    /** The application's own authenticator, or null. */
    private final Authenticator delegate;

    WebServerAuthenticator(WebServerLogin login, Authenticator delegate) {
        this.login = login;
        this.delegate = delegate;
    }

    /**
     * The factory a security handler starts with: wraps the authenticator the first of {@code factories} makes for
     * the application, or none when {@code withDelegate} is false (there are no users to log in).
     */
    static Authenticator.Factory factory(WebServerLogin login, Iterable<Authenticator.Factory> factories,
                                         boolean withDelegate) {
        return (server, context, configuration) -> {
            Authenticator own = null;
            if (withDelegate) {
                for (Authenticator.Factory factory : factories) {
                    own = factory.getAuthenticator(server, context, configuration);
                    if (own != null) {
                        break;
                    }
                }
            }
            return new WebServerAuthenticator(login, own);
        };
    }

    @Override
    public void setConfiguration(Configuration configuration) {
        super.setConfiguration(configuration);
        if (delegate != null) {
            delegate.setConfiguration(configuration);
        }
    }

    @Override
    public String getAuthenticationType() {
        return delegate == null ? null : delegate.getAuthenticationType();
    }

    @Override
    public Constraint.Authorization getConstraintAuthentication(String pathInContext,
                                                                Constraint.Authorization existing,
                                                                Function<Boolean, Session> getSession) {
        // FORM: the login and error pages need no user
        return delegate == null ? existing : delegate.getConstraintAuthentication(pathInContext, existing, getSession);
    }

    @Override
    public Request prepareRequest(Request request, AuthenticationState authenticationState) {
        // FORM: the request saved before the login comes back; not for the web server's user, who did not log in here
        return delegate == null || authenticationState instanceof WebServerAuthentication ? request
                : delegate.prepareRequest(request, authenticationState);
    }

    @Override
    public AuthenticationState validateRequest(Request request, Response response, Callback callback)
            throws ServerAuthException {
        WebUser user = webServerUser(request);
        if (user != null) {
            return new WebServerAuthentication(user.authType(), identity(user));
        }
        return delegate == null ? null : delegate.validateRequest(request, response, callback);
    }

    @Override
    public UserIdentity login(String username, Object password, Request request, Response response) {
        // HttpServletRequest.login checks the password with the application's users
        if (delegate instanceof LoginAuthenticator) {
            return ((LoginAuthenticator) delegate).login(username, password, request, response);
        }
        return super.login(username, password, request, response);
    }

    @Override
    public void logout(Request request, Response response) {
        if (delegate instanceof LoginAuthenticator) {
            ((LoginAuthenticator) delegate).logout(request, response);
        } else {
            super.logout(request, response);
        }
    }

    /** The user the web server names in the request's params (which the FastCGI connection keeps), or null. */
    private WebUser webServerUser(Request request) {
        if (!(request.getConnectionMetaData() instanceof RequestMetaData)) {
            return null; // not a FastCGI request: no web server vouches for it
        }
        CgiRequest cgi = ((RequestMetaData) request.getConnectionMetaData()).cgi();
        return login.user(cgi.remoteUser(), cgi.authType(), cgi.params()::get);
    }

    private UserIdentity identity(WebUser user) {
        Subject subject = new Subject();
        subject.getPrincipals().add(user);
        subject.setReadOnly();
        return _identityService.newUserIdentity(subject, user, user.roles().toArray(String[]::new));
    }

    @Override
    public String toString() {
        return "WebServerAuthenticator[" + login + ", then " + delegate + "]";
    }

    /** A user the web server authenticated: no session or saved request of the application's own login is theirs. */
    private static final class WebServerAuthentication extends UserAuthenticationSucceeded {
        private static final long serialVersionUID = 1L;

        WebServerAuthentication(String authenticationType, UserIdentity identity) {
            super(authenticationType, identity);
        }
    }
}
