package org.fcgibridge.servlet.container;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpSession;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.fcgibridge.servlet.http.BridgeResponse;
import org.fcgibridge.servlet.security.Realm;
import org.fcgibridge.servlet.security.WebUser;

/**
 * FORM login (Servlet 6.0 section 13.6.3): a request that needs a user is saved in the session and the client is
 * sent to the login page; the page posts j_username and j_password to j_security_check; once in, with a new session
 * id, the client is sent back to the saved request, which is replayed (its method and form parameters). The user
 * stays in the session. The pages are reached by redirects, as Jetty does.
 */
final class FormAuthenticator extends Authenticator {
    private static final String USER = "org.fcgibridge.security.user";
    private static final String SAVED = "org.fcgibridge.security.saved";
    private static final String CHECK = "/j_security_check";

    /** The request a login interrupted. */
    private record SavedRequest(String uri, String method, Map<String, List<String>> form) {
    }

    private final String loginPage;
    private final String errorPage;
    private final String errorPath;

    /**
     * @param loginPage the form-login-page, a path in the application
     * @param errorPage the form-error-page, or null (then a failed login answers 403)
     */
    FormAuthenticator(Realm realm, String loginPage, String errorPage) {
        super(realm);
        if (loginPage == null || !loginPage.startsWith("/")) {
            throw new IllegalArgumentException("<login-config> FORM needs a <form-login-page> starting with '/': "
                    + loginPage);
        }
        this.loginPage = loginPage;
        this.errorPage = errorPage;
        this.errorPath = errorPage == null ? null
                : errorPage.indexOf('?') < 0 ? errorPage : errorPage.substring(0, errorPage.indexOf('?'));
    }

    @Override
    String authType() {
        return HttpServletRequest.FORM_AUTH;
    }

    @Override
    WebUser validate(BridgeRequest request) {
        HttpSession session = request.getSession(false);
        Object user = session == null ? null : session.getAttribute(USER);
        return user instanceof WebUser ? (WebUser) user : null;
    }

    @Override
    void challenge(BridgeRequest request, BridgeResponse response) throws IOException {
        HttpSession session = request.getSession(true);
        String method = request.getMethod();
        session.setAttribute(SAVED, new SavedRequest(uri(request), method,
                method.equals("POST") ? request.bodyParameters() : Map.of()));
        redirect(request, response, request.getContextPath() + loginPage);
    }

    @Override
    boolean login(BridgeRequest request, BridgeResponse response) throws IOException {
        if (!isCheck(request.getRequestURI())) {
            return false;
        }
        String name = request.getParameter("j_username");
        Set<String> roles = realm.authenticate(name, request.getParameter("j_password"));
        if (roles == null) {
            if (errorPage == null) {
                response.sendError(HttpServletResponse.SC_FORBIDDEN);
            } else {
                redirect(request, response, request.getContextPath() + errorPage);
            }
            return true;
        }
        remember(request, new WebUser(name, HttpServletRequest.FORM_AUTH, roles));
        Object saved = request.getSession().getAttribute(SAVED);
        redirect(request, response, saved instanceof SavedRequest ? ((SavedRequest) saved).uri()
                : request.getContextPath() + "/");
        return true;
    }

    /** The check is at any path that ends with /j_security_check (before path parameters). */
    private static boolean isCheck(String uri) {
        int at = uri.indexOf(CHECK);
        if (at < 0) {
            return false;
        }
        int end = at + CHECK.length();
        return end == uri.length() || uri.charAt(end) == ';';
    }

    @Override
    boolean isLoginPage(String pathInContext) {
        return pathInContext.equals(loginPage) || pathInContext.equals(errorPath);
    }

    @Override
    void resume(BridgeRequest request) {
        HttpSession session = request.getSession(false);
        Object saved = session == null ? null : session.getAttribute(SAVED);
        if (!(saved instanceof SavedRequest) || !((SavedRequest) saved).uri().equals(uri(request))) {
            return;
        }
        session.removeAttribute(SAVED);
        SavedRequest interrupted = (SavedRequest) saved;
        if (interrupted.method().equals("POST")) {
            request.replay(interrupted.method(), interrupted.form());
        }
    }

    /** A new session id at login: a session id known before it (fixation) gives no access. */
    @Override
    void remember(BridgeRequest request, WebUser user) {
        HttpSession session = request.getSession(false);
        if (session != null) {
            request.changeSessionId();
        } else {
            session = request.getSession(true);
        }
        session.setAttribute(USER, user);
    }

    @Override
    void forget(BridgeRequest request) {
        HttpSession session = request.getSession(false);
        if (session != null) {
            session.removeAttribute(USER);
        }
    }

    private static String uri(BridgeRequest request) {
        String query = request.getQueryString();
        return request.getRequestURI() + (query == null ? "" : "?" + query);
    }

    /** As Jetty redirects: 302 after a GET (or HTTP/1.0), 303 after another method so that the client GETs. */
    private static void redirect(BridgeRequest request, BridgeResponse response, String location)
            throws IOException {
        boolean get = request.getMethod().equals("GET") || request.getProtocol().equals("HTTP/1.0");
        response.sendRedirect(response.encodeRedirectURL(location),
                get ? HttpServletResponse.SC_FOUND : HttpServletResponse.SC_SEE_OTHER, true);
    }
}
