package org.fcgibridge.servlet.security;

import java.util.Set;

/**
 * What the constraints require of one request (its path and method), combined as Servlet 6.0 section 13.8 says.
 *
 * @param denied       no one may have it (an empty auth-constraint, or an uncovered method denied)
 * @param confidential it must come over a secure connection (HTTPS, as the web server reports it)
 * @param roles        null: no user needed; else the user must be authenticated and have one of these roles (or be
 *                     any authenticated user with {@code anyUser}); "*" is already replaced by the declared roles
 * @param anyUser      any authenticated user passes (the role "**", unless the application declares "**" as a role)
 */
public record Requirement(boolean denied, boolean confidential, Set<String> roles, boolean anyUser) {
    /** No constraint applies. */
    public static final Requirement NONE = new Requirement(false, false, null, false);
    /** No one may have it. */
    public static final Requirement DENIED = new Requirement(true, false, Set.of(), false);

    public Requirement {
        roles = roles == null ? null : Set.copyOf(roles);
        if (anyUser && roles == null) {
            roles = Set.of();
        }
    }

    /** A requirement where "**" among {@code roles} stands for any authenticated user. */
    public Requirement(boolean denied, boolean confidential, Set<String> roles) {
        this(denied, confidential, roles, roles != null && roles.contains("**"));
    }

    /** Whether a user must be authenticated before the request is served. */
    public boolean needsUser() {
        return !denied && roles != null;
    }

    /** Whether an authenticated user with {@code userRoles} passes the auth-constraint. */
    public boolean allows(Set<String> userRoles) {
        if (denied) {
            return false;
        }
        if (roles == null || anyUser) {
            return true;
        }
        for (String role : userRoles) {
            if (roles.contains(role)) {
                return true;
            }
        }
        return false;
    }
}
