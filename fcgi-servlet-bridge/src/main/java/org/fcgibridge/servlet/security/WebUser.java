package org.fcgibridge.servlet.security;

import java.security.Principal;
import java.util.Set;

/**
 * A request's authenticated user: what getUserPrincipal, getRemoteUser, getAuthType and isUserInRole report.
 *
 * @param name     the user's name
 * @param authType BASIC, FORM... (HttpServletRequest's constants) or what the web server's AUTH_TYPE says
 * @param roles    the user's roles in the realm
 */
public record WebUser(String name, String authType, Set<String> roles) implements Principal {
    public WebUser {
        roles = Set.copyOf(roles);
    }

    @Override
    public String getName() {
        return name;
    }

    /** A copy with another authentication type (a user logged in by login() rather than by a login-config). */
    public WebUser withAuthType(String type) {
        return new WebUser(name, type, roles);
    }
}
