package org.fcgibridge.servlet.security;

import java.util.Set;

/**
 * What the constraints require of one request (its path and method), combined as Servlet 6.0 section 13.8 says.
 *
 * @param denied       no one may have it (an empty auth-constraint, or an uncovered method denied)
 * @param confidential it must come over a secure connection (HTTPS, as the web server reports it)
 * @param roles        null: no user needed; else the user must be authenticated and have one of these roles,
 *                     "**" standing for any authenticated user ("*" is already replaced by the declared roles)
 */
public record Requirement(boolean denied, boolean confidential, Set<String> roles) {
    /** No constraint applies. */
    public static final Requirement NONE = new Requirement(false, false, null);

    public Requirement {
        roles = roles == null ? null : Set.copyOf(roles);
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
        if (roles == null || roles.contains("**")) {
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
