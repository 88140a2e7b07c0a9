package org.fcgibridge.servlet.security;

import java.util.List;
import java.util.Set;

/**
 * An application's constraints, compiled: for a request's path in the context and its method, the combined
 * {@link Requirement} (Servlet 6.0 sections 13.8.1 to 13.8.4: the best-matching url-pattern, the constraints of
 * that pattern that cover the method, combined; uncovered methods open, or denied with deny-uncovered-http-methods).
 * Immutable.
 */
public final class ConstraintMap {
    private ConstraintMap() {
    }

    /**
     * @param constraints   every constraint of the application, in declaration order
     * @param declaredRoles the application's security-roles, what "*" stands for
     * @param denyUncovered deny-uncovered-http-methods
     */
    public static ConstraintMap of(List<SecurityConstraint> constraints, Set<String> declaredRoles,
                                   boolean denyUncovered) {
        throw new UnsupportedOperationException("skeleton");
    }

    /** An application with no constraint. */
    public static ConstraintMap empty() {
        throw new UnsupportedOperationException("skeleton");
    }

    /** What a request for {@code pathInContext} with {@code method} requires. */
    public Requirement requirement(String pathInContext, String method) {
        throw new UnsupportedOperationException("skeleton");
    }

    /** Whether no constraint was declared. */
    public boolean isEmpty() {
        throw new UnsupportedOperationException("skeleton");
    }
}
