package org.fcgibridge.servlet.security;

import java.util.LinkedHashSet;
import java.util.Locale;
import java.util.Set;
import java.util.function.Function;

/**
 * The web server authenticates (the launcher's {@code --trust-web-server-auth}): the user it names in REMOTE_USER is
 * the request's authenticated user, with AUTH_TYPE as the authentication type and roles from the param the operator
 * names ({@code --web-server-roles}) or else from a realm's role lines. Only an application that is given one of
 * these trusts REMOTE_USER: without it, both engines ignore REMOTE_USER, which a web server may pass unverified
 * (nginx's stock fastcgi_params pass {@code $remote_user}, the client's own Basic user name, where nginx does not
 * check passwords). Immutable.
 */
public final class WebServerLogin {
    private final String rolesParam;
    private final Realm realm;

    private WebServerLogin(String rolesParam, Realm realm) {
        this.rolesParam = rolesParam;
        this.realm = realm;
    }

    /**
     * @param roles the FastCGI param or HTTP header that carries the user's comma-separated roles, as
     *              {@link #paramName} reads it, or null: then the roles come from {@code realm}
     * @param realm whose role lines give the roles of a user the web server names (when {@code roles} is null), or
     *              null: then such a user has no role
     * @throws IllegalArgumentException if {@code roles} is not a param or header name
     */
    public static WebServerLogin of(String roles, Realm realm) {
        return new WebServerLogin(roles == null ? null : paramName(roles), realm);
    }

    /**
     * The FastCGI param that {@code name} stands for. A name with a '-' or a lower-case letter is an HTTP header the
     * web server sets, which reaches FastCGI as HTTP_ and the name in upper case with '_' for '-' ({@code X-Roles}:
     * {@code HTTP_X_ROLES}); any other name is the param itself, as the web server names it
     * ({@code REMOTE_USER_ROLES}, {@code HTTP_X_ROLES}).
     *
     * @throws IllegalArgumentException if the name is empty or has other characters than letters, digits, '-', '_'
     */
    public static String paramName(String name) {
        if (name.isEmpty() || !name.chars().allMatch(c -> c == '-' || c == '_' || (c >= '0' && c <= '9')
                || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z'))) {
            throw new IllegalArgumentException("--web-server-roles wants a FastCGI param name (REMOTE_USER_ROLES) or "
                    + "an HTTP header name (X-Roles): " + name);
        }
        boolean header = name.chars().anyMatch(c -> c == '-' || (c >= 'a' && c <= 'z'));
        return header ? "HTTP_" + name.toUpperCase(Locale.ROOT).replace('-', '_') : name;
    }

    /** The param whose comma-separated list is a user's roles, or null. */
    public String rolesParam() {
        return rolesParam;
    }

    /** The realm whose role lines give a user's roles when there is no roles param, or null. */
    public Realm realm() {
        return realm;
    }

    /**
     * The user the web server authenticated.
     *
     * @param remoteUser REMOTE_USER, or null
     * @param authType   AUTH_TYPE, or null: "Basic", "Digest" and the like become HttpServletRequest's constants
     *                   (BASIC, DIGEST, FORM, CLIENT_CERT); other types stay as the web server names them
     * @param param      the request's params by name (null for one it does not have)
     * @return the user, or null when REMOTE_USER is absent or empty
     */
    public WebUser user(String remoteUser, String authType, Function<String, String> param) {
        if (remoteUser == null || remoteUser.isEmpty()) {
            return null;
        }
        Set<String> roles;
        if (rolesParam != null) {
            roles = list(param.apply(rolesParam));
        } else {
            roles = realm == null ? Set.of() : realm.roles(remoteUser);
        }
        return new WebUser(remoteUser, authType(authType), roles);
    }

    /** The servlet API's name of an authentication type, as a web server's AUTH_TYPE names it. */
    static String authType(String type) {
        if (type == null || type.isEmpty()) {
            return null;
        }
        switch (type.toUpperCase(Locale.ROOT).replace('_', '-')) {
            case "BASIC":
                return "BASIC";
            case "DIGEST":
                return "DIGEST";
            case "FORM":
                return "FORM";
            case "CLIENT-CERT":
                return "CLIENT_CERT";
            default:
                return type;
        }
    }

    private static Set<String> list(String roles) {
        if (roles == null || roles.isBlank()) {
            return Set.of();
        }
        Set<String> set = new LinkedHashSet<>();
        for (String role : roles.split(",")) {
            if (!role.isBlank()) {
                set.add(role.trim());
            }
        }
        return set;
    }

    @Override
    public String toString() {
        return "WebServerLogin[roles from " + (rolesParam != null ? rolesParam : realm != null ? "the realm" : "nowhere")
                + "]";
    }
}
