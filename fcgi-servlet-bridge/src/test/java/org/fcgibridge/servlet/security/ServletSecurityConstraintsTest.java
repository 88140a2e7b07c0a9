package org.fcgibridge.servlet.security;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.servlet.HttpConstraintElement;
import jakarta.servlet.HttpMethodConstraintElement;
import jakarta.servlet.ServletSecurityElement;
import jakarta.servlet.annotation.HttpConstraint;
import jakarta.servlet.annotation.HttpMethodConstraint;
import jakarta.servlet.annotation.ServletSecurity;
import jakarta.servlet.annotation.ServletSecurity.EmptyRoleSemantic;
import jakarta.servlet.annotation.ServletSecurity.TransportGuarantee;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Servlet 6.0 section 13.4.1: {@code @ServletSecurity} and ServletSecurityElement as security-constraints. */
class ServletSecurityConstraintsTest {
    private static final List<String> PATTERNS = List.of("/s", "/s/*");

    @ServletSecurity(@HttpConstraint(rolesAllowed = {"R1", "R2"}))
    static final class AllMethods {
    }

    @ServletSecurity(value = @HttpConstraint(EmptyRoleSemantic.DENY), httpMethodConstraints = {
        @HttpMethodConstraint(value = "GET", rolesAllowed = "R1"),
        @HttpMethodConstraint(value = "POST", transportGuarantee = TransportGuarantee.CONFIDENTIAL),
        @HttpMethodConstraint(value = "TRACE", emptyRoleSemantic = EmptyRoleSemantic.DENY)})
    static final class DenyButSome {
    }

    /** The TCK's PartialDDServlet: an explicit default @HttpConstraint is no constraint. */
    @ServletSecurity(value = @HttpConstraint(EmptyRoleSemantic.PERMIT), httpMethodConstraints = {
        @HttpMethodConstraint(value = "GET", rolesAllowed = "Administrator"),
        @HttpMethodConstraint(value = "POST", rolesAllowed = "Administrator")})
    static final class Partial {
    }

    @ServletSecurity
    static final class Defaults {
    }

    private static List<SecurityConstraint> of(Class<?> type) {
        return ServletSecurityConstraints.of(new ServletSecurityElement(type.getAnnotation(ServletSecurity.class)),
                PATTERNS);
    }

    /** The constraints, in no order (ServletSecurityElement keeps its method constraints in none). */
    private static Set<SecurityConstraint> set(Class<?> type) {
        return Set.copyOf(of(type));
    }

    @Test
    void anHttpConstraintCoversEveryMethod() {
        assertEquals(List.of(new SecurityConstraint(PATTERNS, Set.of(), Set.of(), Set.of("R1", "R2"), false)),
                of(AllMethods.class));
    }

    @Test
    void methodConstraintsAndTheDefaultForTheOthers() {
        assertEquals(Set.of(
                new SecurityConstraint(PATTERNS, Set.of(), Set.of("GET", "POST", "TRACE"), Set.of(), false),
                new SecurityConstraint(PATTERNS, Set.of("GET"), Set.of(), Set.of("R1"), false),
                new SecurityConstraint(PATTERNS, Set.of("POST"), Set.of(), null, true),
                new SecurityConstraint(PATTERNS, Set.of("TRACE"), Set.of(), Set.of(), false)),
                set(DenyButSome.class));
        ConstraintMap map = ConstraintMap.of(of(DenyButSome.class), Set.of(), false);
        assertEquals(Set.of("R1"), map.requirement("/s", "GET").roles());
        Requirement post = map.requirement("/s/x", "POST");
        assertFalse(post.needsUser());
        assertTrue(post.confidential());
        assertTrue(map.requirement("/s", "TRACE").denied());
        assertTrue(map.requirement("/s", "PUT").denied());
    }

    @Test
    void theDefaultHttpConstraintLeavesTheOtherMethodsUncovered() {
        assertEquals(Set.of(new SecurityConstraint(PATTERNS, Set.of("GET"), Set.of(), Set.of("Administrator"), false),
                new SecurityConstraint(PATTERNS, Set.of("POST"), Set.of(), Set.of("Administrator"), false)),
                set(Partial.class));
        assertEquals(Requirement.NONE, ConstraintMap.of(of(Partial.class), Set.of(), false).requirement("/s", "PUT"));
        assertTrue(ConstraintMap.of(of(Partial.class), Set.of(), true).requirement("/s", "PUT").denied(),
                "deny-uncovered-http-methods denies them (the TCK's testPartialDDServlet)");
        assertEquals(List.of(), of(Defaults.class));
    }

    @Test
    void anElementBuiltByCode() {
        ServletSecurityElement element = new ServletSecurityElement(
                new HttpConstraintElement(TransportGuarantee.CONFIDENTIAL),
                List.of(new HttpMethodConstraintElement("DELETE", new HttpConstraintElement(EmptyRoleSemantic.DENY))));
        assertEquals(List.of(new SecurityConstraint(List.of("/a"), Set.of(), Set.of("DELETE"), null, true),
                new SecurityConstraint(List.of("/a"), Set.of("DELETE"), Set.of(), Set.of(), false)),
                ServletSecurityConstraints.of(element, List.of("/a")));
        assertEquals(List.of(), ServletSecurityConstraints.of(element, List.of()), "no pattern, no constraint");
    }
}
