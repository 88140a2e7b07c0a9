package org.fcgibridge.servlet.security;

import java.util.List;
import java.util.Set;

/**
 * One {@code <security-constraint>} (or what an {@code @ServletSecurity} or a {@code ServletSecurityElement} gives
 * for a servlet's URL patterns): the resources it covers and what they require.
 *
 * @param urlPatterns    the url-patterns of its web-resource-collections (servlet mapping syntax)
 * @param methods        the http-methods it names; empty with {@code omittedMethods} empty: every method
 * @param omittedMethods the http-method-omissions: every method but these
 * @param roles          the auth-constraint's role names ("*" any declared role, "**" any authenticated user);
 *                       null when it has no auth-constraint (no user needed), empty to deny everyone
 * @param confidential   a user-data-constraint of INTEGRAL or CONFIDENTIAL: the connection must be secure
 */
public record SecurityConstraint(List<String> urlPatterns, Set<String> methods, Set<String> omittedMethods,
                                 Set<String> roles, boolean confidential) {
    /**
     * A constraint on unmodifiable copies of the collections.
     *
     * @throws IllegalArgumentException if a url-pattern is not one (servlet mapping syntax, Servlet 6.0 section
     *                                  12.2), or both methods and omissions are named
     */
    public SecurityConstraint {
        urlPatterns = List.copyOf(urlPatterns);
        urlPatterns.forEach(SecurityConstraint::validate);
        methods = Set.copyOf(methods);
        omittedMethods = Set.copyOf(omittedMethods);
        roles = roles == null ? null : Set.copyOf(roles);
        if (!methods.isEmpty() && !omittedMethods.isEmpty()) {
            throw new IllegalArgumentException("a constraint names http-methods or http-method-omissions, not both");
        }
    }

    private static void validate(String pattern) {
        boolean valid = pattern.isEmpty() || pattern.equals("/")
                || pattern.startsWith("*.") && pattern.length() > 2 && pattern.indexOf('/') < 0
                        && pattern.indexOf('*', 1) < 0
                || pattern.startsWith("/") && (pattern.indexOf('*') < 0
                        || pattern.endsWith("/*") && pattern.indexOf('*') == pattern.length() - 1);
        if (!valid) {
            throw new IllegalArgumentException("bad url-pattern in a security constraint: " + pattern);
        }
    }
}
