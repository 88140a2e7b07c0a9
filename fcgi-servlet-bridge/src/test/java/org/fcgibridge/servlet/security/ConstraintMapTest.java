package org.fcgibridge.servlet.security;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Servlet 6.0 section 13.8: the example of 13.8.2 row by row, the choice of the url-pattern, the special roles. */
class ConstraintMapTest {
    private static final Set<String> DENY = Set.of();

    private static SecurityConstraint constraint(List<String> patterns, Set<String> methods, Set<String> omitted,
                                                 Set<String> roles, boolean confidential) {
        return new SecurityConstraint(patterns, methods, omitted, roles, confidential);
    }

    private static SecurityConstraint all(String pattern, Set<String> roles) {
        return constraint(List.of(pattern), Set.of(), Set.of(), roles, false);
    }

    private static Set<String> roles(String... names) {
        return Set.of(names);
    }

    /** The descriptor of section 13.8.2. */
    private static final List<SecurityConstraint> EXAMPLE = List.of(
            constraint(List.of("/*", "/acme/wholesale/*", "/acme/retail/*"), Set.of(), Set.of("GET", "POST"), DENY,
                    false),
            constraint(List.of("/acme/wholesale/*"), Set.of("GET", "PUT"), Set.of(), roles("SALESCLERK"), false),
            constraint(List.of("/acme/wholesale/*"), Set.of("GET", "POST"), Set.of(), roles("CONTRACTOR"), true),
            constraint(List.of("/acme/retail/*"), Set.of("GET", "POST"), Set.of(), roles("CONTRACTOR", "HOMEOWNER"),
                    false));

    /**
     * Table 13-4, one request per row and method ("all methods except GET, POST" tried with PUT, DELETE, HEAD and an
     * extension method); roles "-" for access precluded.
     */
    @ParameterizedTest
    @CsvSource({
        "/index.html,                  PUT,    -,                    false",
        "/index.html,                  DELETE, -,                    false",
        "/,                            HEAD,   -,                    false",
        "/acme/wholesale/items,        PUT,    -,                    false",
        "/acme/wholesale/items,        DELETE, -,                    false",
        "/acme/wholesale,              PATCH,  -,                    false",
        "/acme/wholesale/items,        GET,    CONTRACTOR SALESCLERK, false",
        "/acme/wholesale/items,        POST,   CONTRACTOR,           true",
        "/acme/retail/x/y,             PROPFIND, -,                  false",
        "/acme/retail/x/y,             GET,    CONTRACTOR HOMEOWNER, false",
        "/acme/retail/x/y,             POST,   CONTRACTOR HOMEOWNER, false",
    })
    void theTableOfSection1382(String path, String method, String roles, boolean confidential) {
        Requirement requirement = ConstraintMap.of(EXAMPLE, Set.of(), false).requirement(path, method);
        if (roles.equals("-")) {
            assertTrue(requirement.denied(), path + " " + method + ": " + requirement);
            assertFalse(requirement.allows(Set.of("CONTRACTOR", "SALESCLERK", "HOMEOWNER")));
        } else {
            assertFalse(requirement.denied(), path + " " + method + ": " + requirement);
            assertEquals(Set.of(roles.split(" ")), requirement.roles());
            assertEquals(confidential, requirement.confidential(), path + " " + method);
            assertTrue(requirement.needsUser());
            assertFalse(requirement.anyUser());
        }
    }

    @Test
    void getAndPostOutsideTheAcmeCollectionsAreUncoveredOpenOrDenied() {
        assertEquals(Requirement.NONE, ConstraintMap.of(EXAMPLE, Set.of(), false).requirement("/index.html", "GET"));
        assertEquals(Requirement.NONE, ConstraintMap.of(EXAMPLE, Set.of(), false).requirement("/", "POST"));
        ConstraintMap denying = ConstraintMap.of(EXAMPLE, Set.of(), true);
        assertTrue(denying.requirement("/index.html", "GET").denied());
        assertTrue(denying.requirement("/", "POST").denied());
        // covered methods keep their requirement
        assertEquals(Set.of("CONTRACTOR"), denying.requirement("/acme/wholesale/a", "POST").roles());
    }

    /** The descriptor and annotations of the TCK's spec.security.denyUncovered, with deny-uncovered-http-methods. */
    @Test
    void theTcksDenyUncoveredApplication() {
        ConstraintMap map = ConstraintMap.of(List.of(
                constraint(List.of("/TestServlet"), Set.of("GET", "POST"), Set.of(), roles("Administrator"), false),
                constraint(List.of("/ExcludeAuthConstraint"), Set.of(), Set.of("GET", "POST"), DENY, false),
                all("/AllMethodsAllowedAnno", roles("Administrator", "Manager", "Employee")),
                constraint(List.of("/PartialDDServlet"), Set.of("GET"), Set.of(), roles("Administrator"), false),
                constraint(List.of("/PartialDDServlet"), Set.of("POST"), Set.of(), roles("Administrator"), false)),
                Set.of("Administrator", "Manager", "Employee"), true);
        for (String method : List.of("GET", "POST")) {
            assertEquals(Set.of("Administrator"), map.requirement("/TestServlet", method).roles());
            assertTrue(map.requirement("/ExcludeAuthConstraint", method).denied(), method);
            assertEquals(Set.of("Administrator"), map.requirement("/PartialDDServlet", method).roles());
        }
        for (String method : List.of("PUT", "DELETE")) {
            assertTrue(map.requirement("/TestServlet", method).denied(), method);
            assertTrue(map.requirement("/ExcludeAuthConstraint", method).denied(), method);
            assertTrue(map.requirement("/PartialDDServlet", method).denied(), method);
            assertTrue(map.requirement("/AllMethodsAllowedAnno", method).allows(Set.of("Employee")), method);
        }
    }

    @Test
    void theBestMatchingPatternAloneApplies() {
        List<SecurityConstraint> constraints = List.of(
                all("/*", roles("everyone")),
                all("/a/*", roles("a")),
                all("/a/b/*", roles("ab")),
                all("/a/b/exact", roles("exact")),
                all("*.jsp", roles("jsp")),
                all("/", roles("default")),
                all("", roles("root")));
        ConstraintMap map = ConstraintMap.of(constraints, Set.of(), false);
        assertEquals(Set.of("exact"), map.requirement("/a/b/exact", "GET").roles());
        assertEquals(Set.of("ab"), map.requirement("/a/b/exact/more", "GET").roles());
        assertEquals(Set.of("ab"), map.requirement("/a/b", "GET").roles());
        assertEquals(Set.of("ab"), map.requirement("/a/b/page.jsp", "GET").roles(), "a prefix beats an extension");
        assertEquals(Set.of("a"), map.requirement("/a/bc", "GET").roles(), "a prefix ends at a '/'");
        assertEquals(Set.of("everyone"), map.requirement("/page.jsp", "GET").roles());
        assertEquals(Set.of("root"), map.requirement("/", "GET").roles());
        assertEquals(Set.of("root"), map.requirement("", "GET").roles());

        ConstraintMap noPrefix = ConstraintMap.of(List.of(all("*.jsp", roles("jsp")), all("/", roles("default")),
                all("/exact", roles("exact"))), Set.of(), false);
        assertEquals(Set.of("jsp"), noPrefix.requirement("/dir/page.jsp", "GET").roles());
        assertEquals(Set.of("default"), noPrefix.requirement("/dir.jsp/page", "GET").roles(),
                "the extension is the last segment's");
        assertEquals(Set.of("default"), noPrefix.requirement("/", "GET").roles(), "no \"\": the default has the root");
        assertEquals(Set.of("default"), noPrefix.requirement("/exact/", "GET").roles());
        assertEquals(Set.of("exact"), noPrefix.requirement("/exact", "GET").roles());

        ConstraintMap rootOnly = ConstraintMap.of(List.of(all("", DENY)), Set.of(), true);
        assertTrue(rootOnly.requirement("/", "GET").denied());
        assertEquals(Requirement.NONE, rootOnly.requirement("/index.html", "GET"), "\"\" is the context root alone");
    }

    @Test
    void aPatternWithConstraintsForSomeMethodsHidesTheLessSpecificPatterns() {
        // section 13.8.3: /admin/* is the best match; its constraints do not cover DELETE, which /* would deny
        ConstraintMap map = ConstraintMap.of(List.of(all("/*", DENY),
                constraint(List.of("/admin/*"), Set.of("GET"), Set.of(), roles("admin"), false)), Set.of(), false);
        assertEquals(Requirement.NONE, map.requirement("/admin/x", "DELETE"));
        assertEquals(Set.of("admin"), map.requirement("/admin/x", "GET").roles());
        assertTrue(map.requirement("/other", "GET").denied());
    }

    @Test
    void combining() {
        ConstraintMap map = ConstraintMap.of(List.of(
                all("/open/*", roles("r1")),
                all("/open/*", null), // no auth-constraint: anyone
                all("/deny/*", roles("r1")),
                all("/deny/*", null),
                all("/deny/*", DENY), // an empty auth-constraint overrides everything
                all("/union/*", roles("r1")),
                constraint(List.of("/union/*"), Set.of(), Set.of(), roles("r2"), true),
                constraint(List.of("/tls/*"), Set.of(), Set.of(), null, true),
                constraint(List.of("/tls/*"), Set.of("GET"), Set.of(), roles("r3"), true),
                constraint(List.of("/both/*"), Set.of(), Set.of(), null, true),
                constraint(List.of("/both/*"), Set.of(), Set.of(), null, true)), Set.of(), false);
        assertEquals(Requirement.NONE, map.requirement("/open/x", "GET"));
        assertTrue(map.requirement("/deny/x", "GET").denied());
        Requirement union = map.requirement("/union/x", "GET");
        assertEquals(Set.of("r1", "r2"), union.roles());
        assertFalse(union.confidential(), "NONE wins over CONFIDENTIAL");
        Requirement tlsGet = map.requirement("/tls/x", "GET");
        assertTrue(tlsGet.confidential());
        assertNull(tlsGet.roles(), "open, but over a secure connection");
        assertFalse(tlsGet.needsUser());
        assertTrue(map.requirement("/tls/x", "POST").confidential());
        assertTrue(map.requirement("/both/x", "PUT").confidential());
    }

    @Test
    void omissionsAndNamedMethodsCombine() {
        ConstraintMap map = ConstraintMap.of(List.of(
                constraint(List.of("/x/*"), Set.of(), Set.of("GET"), roles("writer"), false),
                constraint(List.of("/x/*"), Set.of("POST"), Set.of(), roles("poster"), false),
                constraint(List.of("/x/*"), Set.of(), Set.of("GET", "HEAD"), roles("editor"), false)), Set.of(), false);
        assertEquals(Set.of("writer", "poster", "editor"), map.requirement("/x/a", "POST").roles());
        assertEquals(Set.of("writer", "editor"), map.requirement("/x/a", "DELETE").roles());
        assertEquals(Set.of("writer"), map.requirement("/x/a", "HEAD").roles());
        assertEquals(Requirement.NONE, map.requirement("/x/a", "GET"), "omitted by every constraint: uncovered");
        assertEquals(Set.of("writer", "editor"), map.requirement("/x/a", "get").roles(),
                "methods are case-sensitive: \"get\" is a method no constraint names");
        assertTrue(ConstraintMap.of(List.of(constraint(List.of("/x/*"), Set.of(), Set.of("GET"), roles("w"), false)),
                Set.of(), true).requirement("/x/a", "GET").denied());
    }

    @Test
    void starIsEveryDeclaredRoleAndEveryRoleNamedInAConstraint() {
        List<SecurityConstraint> constraints = List.of(all("/any/*", roles("*")), all("/named/*", roles("named")));
        Requirement any = ConstraintMap.of(constraints, Set.of("declared", "other"), false)
                .requirement("/any/x", "GET");
        assertEquals(Set.of("declared", "other", "named"), any.roles());
        assertTrue(any.allows(Set.of("declared")));
        assertFalse(any.allows(Set.of("stranger")));
        assertFalse(any.allows(Set.of("*")));

        Requirement literal = ConstraintMap.of(constraints, Set.of("*", "declared"), false)
                .requirement("/any/x", "GET");
        assertEquals(Set.of("*"), literal.roles(), "a declared role named \"*\" is that role");
        assertFalse(literal.allows(Set.of("declared")));
        assertTrue(literal.allows(Set.of("*")));

        Requirement none = ConstraintMap.of(List.of(all("/*", roles("*"))), Set.of(), false).requirement("/x", "GET");
        assertTrue(none.needsUser(), "no role declared: a user is needed, and none passes");
        assertFalse(none.allows(Set.of("anything")));
    }

    @Test
    void doubleStarIsAnyAuthenticatedUserUnlessDeclared() {
        List<SecurityConstraint> constraints = List.of(all("/*", roles("**")), all("/*", roles("r")));
        Requirement any = ConstraintMap.of(constraints, Set.of(), false).requirement("/x", "GET");
        assertTrue(any.anyUser());
        assertTrue(any.needsUser());
        assertTrue(any.allows(Set.of()));

        Requirement literal = ConstraintMap.of(constraints, Set.of("**"), false).requirement("/x", "GET");
        assertFalse(literal.anyUser());
        assertEquals(Set.of("**", "r"), literal.roles());
        assertFalse(literal.allows(Set.of()));
        assertFalse(literal.allows(Set.of("other")));
        assertTrue(literal.allows(Set.of("**")));
        // "*" does not stand for "**" (any user is no role)
        Requirement star = ConstraintMap.of(List.of(all("/*", roles("*")), all("/b/*", roles("**"))), Set.of("a"),
                false).requirement("/x", "GET");
        assertEquals(Set.of("a"), star.roles());
    }

    @Test
    void emptyAndNoConstraint() {
        assertTrue(ConstraintMap.empty().isEmpty());
        assertEquals(Requirement.NONE, ConstraintMap.empty().requirement("/x", "GET"));
        assertSame(ConstraintMap.empty(), ConstraintMap.of(List.of(), Set.of("r"), true));
        assertFalse(ConstraintMap.of(EXAMPLE, Set.of(), false).isEmpty());
        assertEquals(Requirement.NONE, ConstraintMap.of(List.of(all("/a/*", roles("r"))), Set.of(), true)
                .requirement("/b", "GET"), "deny-uncovered denies uncovered methods of constrained patterns only");
    }

    @Test
    void aBadPatternIsRefused() {
        for (String bad : Arrays.asList("a/b", "/a/*/b", "*.", "/a*", "*.a/b")) {
            assertThrows(IllegalArgumentException.class, () -> all(bad, roles("r")), bad);
        }
    }

    @Test
    void uncoveredMethodsAreLoggedOnceUnlessDenied() {
        java.util.logging.Logger logger = java.util.logging.Logger.getLogger(ConstraintMap.class.getName());
        List<String> warnings = new java.util.concurrent.CopyOnWriteArrayList<>();
        java.util.logging.Handler handler = new java.util.logging.Handler() {
            @Override
            public void publish(java.util.logging.LogRecord record) {
                if (record.getLevel() == java.util.logging.Level.WARNING) {
                    warnings.add(java.text.MessageFormat.format(record.getMessage(), record.getParameters()));
                }
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
        logger.addHandler(handler);
        try {
            ConstraintMap map = ConstraintMap.of(EXAMPLE, Set.of(), false);
            map.requirement("/x", "GET");
            map.requirement("/x", "GET");
            assertEquals(List.of("the security constraints on /* leave the HTTP methods GET, POST uncovered, open to "
                    + "anyone (<deny-uncovered-http-methods/> would deny them)"), warnings);
            warnings.clear();
            ConstraintMap.of(List.of(constraint(List.of("/api"), Set.of("GET", "POST"), Set.of(), roles("r"), false)),
                    Set.of(), false);
            assertEquals(List.of("the security constraints on /api leave every HTTP method but GET, POST uncovered, "
                    + "open to anyone (<deny-uncovered-http-methods/> would deny them)"), warnings);
            warnings.clear();
            ConstraintMap.of(EXAMPLE, Set.of(), true);
            assertEquals(List.of(), warnings, "denied: nothing is open");
        } finally {
            logger.removeHandler(handler);
        }
    }

    @Test
    void requirementRecord() {
        assertFalse(Requirement.NONE.needsUser());
        assertTrue(Requirement.NONE.allows(Set.of()));
        assertFalse(Requirement.DENIED.needsUser());
        assertFalse(Requirement.DENIED.allows(Set.of("r")));
        Requirement legacy = new Requirement(false, false, Set.of("**"));
        assertTrue(legacy.anyUser(), "the three-argument form reads \"**\" as any user");
        assertTrue(legacy.allows(Set.of()));
    }
}
