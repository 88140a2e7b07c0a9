package org.fcgibridge.servlet.security;

import jakarta.servlet.HttpConstraintElement;
import jakarta.servlet.HttpMethodConstraintElement;
import jakarta.servlet.ServletSecurityElement;
import jakarta.servlet.annotation.ServletSecurity.EmptyRoleSemantic;
import jakarta.servlet.annotation.ServletSecurity.TransportGuarantee;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * What a {@code @ServletSecurity} (or a {@link ServletSecurityElement} given to setServletSecurity) declares for a
 * servlet's url-patterns, as security-constraints (Servlet 6.0 section 13.4.1.2): one per
 * {@code @HttpMethodConstraint}, for its method, and one of the {@code @HttpConstraint} for every other method. An
 * {@code @HttpConstraint} of default values (permit, no role, no transport guarantee) is no constraint: with method
 * constraints, the other methods stay uncovered (denied with deny-uncovered-http-methods), as in Jetty.
 */
public final class ServletSecurityConstraints {
    private ServletSecurityConstraints() {
    }

    /**
     * @param element  the servlet's security element
     * @param patterns the url-patterns it applies to (empty: no constraint)
     */
    public static List<SecurityConstraint> of(ServletSecurityElement element, List<String> patterns) {
        if (patterns.isEmpty()) {
            return List.of();
        }
        List<SecurityConstraint> constraints = new ArrayList<>();
        Set<String> named = new LinkedHashSet<>();
        for (HttpMethodConstraintElement method : element.getHttpMethodConstraints()) {
            named.add(method.getMethodName());
            constraints.add(new SecurityConstraint(patterns, Set.of(method.getMethodName()), Set.of(), roles(method),
                    method.getTransportGuarantee() == TransportGuarantee.CONFIDENTIAL));
        }
        boolean defaults = element.getEmptyRoleSemantic() == EmptyRoleSemantic.PERMIT
                && element.getRolesAllowed().length == 0 && element.getTransportGuarantee() == TransportGuarantee.NONE;
        if (!defaults) {
            constraints.add(0, new SecurityConstraint(patterns, Set.of(), named, roles(element),
                    element.getTransportGuarantee() == TransportGuarantee.CONFIDENTIAL));
        }
        return List.copyOf(constraints);
    }

    /** The auth-constraint: null for none (permit), empty to deny, else the roles allowed. */
    private static Set<String> roles(HttpConstraintElement element) {
        if (element.getRolesAllowed().length > 0) {
            return new LinkedHashSet<>(Arrays.asList(element.getRolesAllowed()));
        }
        return element.getEmptyRoleSemantic() == EmptyRoleSemantic.DENY ? Set.of() : null;
    }
}
