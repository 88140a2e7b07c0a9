package org.fcgibridge.servlet.container;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.annotation.security.DeclareRoles;
import jakarta.annotation.security.RunAs;
import jakarta.servlet.HttpConstraintElement;
import jakarta.servlet.ServletSecurityElement;
import jakarta.servlet.annotation.HttpConstraint;
import jakarta.servlet.annotation.ServletSecurity;
import jakarta.servlet.annotation.ServletSecurity.EmptyRoleSemantic;
import jakarta.servlet.http.HttpServlet;
import java.util.List;
import java.util.Set;
import org.fcgibridge.servlet.security.SecurityConstraint;
import org.junit.jupiter.api.Test;

/**
 * ServletRegistration.Dynamic.setServletSecurity and the security annotations of a servlet's class: what constraints
 * the context ends up with (Servlet 6.0 section 13.4.1 and setServletSecurity's Javadoc).
 */
class ServletSecurityTest {
    private final BridgeServletContext context = new BridgeServletContext("", getClass().getClassLoader(),
            WebResources.none());

    @ServletSecurity(@HttpConstraint(rolesAllowed = "annotated"))
    @RunAs("robot")
    @DeclareRoles({"declared1", "declared2"})
    public static final class Annotated extends HttpServlet {
    }

    public static final class Plain extends HttpServlet {
    }

    private static SecurityConstraint all(List<String> patterns, String... roles) {
        return new SecurityConstraint(patterns, Set.of(), Set.of(), Set.of(roles), false);
    }

    private static ServletSecurityElement roles(String... roles) {
        return new ServletSecurityElement(new HttpConstraintElement(ServletSecurity.TransportGuarantee.NONE, roles));
    }

    @Test
    void patternsADescriptorConstrainsAreLeftAloneAndReturned() {
        context.addConstraints(List.of(all(List.of("/xml", "/other"), "xml")));
        ServletHolder servlet = (ServletHolder) context.addServlet("s", Plain.class);
        servlet.addMapping("/xml", "/api/*");
        assertEquals(Set.of("/xml"), servlet.setServletSecurity(roles("api")));
        assertEquals(List.of(all(List.of("/xml", "/other"), "xml"), all(List.of("/api/*"), "api")),
                context.constraintList());
    }

    @Test
    void aLaterCallReplacesTheFormerAndLaterMappingsAreCovered() {
        ServletHolder servlet = (ServletHolder) context.addServlet("s", Plain.class);
        servlet.addMapping("/a");
        assertEquals(Set.of(), servlet.setServletSecurity(roles("first")));
        assertEquals(Set.of(), servlet.setServletSecurity(roles("second")));
        servlet.addMapping("/b");
        assertEquals(List.of(all(List.of("/a", "/b"), "second")), context.constraintList());
        assertEquals(Set.of("second"), context.constraints().requirement("/b", "GET").roles(),
                "the compiled map follows the mappings added later");
    }

    @Test
    void aDenyingElementNeedsNoRoles() {
        ServletHolder servlet = (ServletHolder) context.addServlet("s", Plain.class);
        servlet.addMapping("/closed");
        servlet.setServletSecurity(new ServletSecurityElement(new HttpConstraintElement(EmptyRoleSemantic.DENY)));
        assertTrue(context.constraints().requirement("/closed", "GET").denied());
    }

    @Test
    void theAnnotationsOfTheServletClass() {
        ServletHolder servlet = (ServletHolder) context.addServlet("s", Annotated.class);
        servlet.addMapping("/annotated");
        assertEquals(List.of(), context.constraintList(), "the deployer decides whether annotations are read");
        servlet.readSecurityAnnotations();
        assertEquals(List.of(all(List.of("/annotated"), "annotated")), context.constraintList());
        assertEquals("robot", servlet.runAsRole());
        assertEquals("robot", servlet.getRunAsRole());
        assertTrue(context.declaredRoles().containsAll(Set.of("declared1", "declared2")));

        servlet.setServletSecurity(roles("code"));
        assertEquals(List.of(all(List.of("/annotated"), "code")), context.constraintList(),
                "setServletSecurity replaces the annotation");
        servlet.readSecurityAnnotations();
        assertEquals(List.of(all(List.of("/annotated"), "code")), context.constraintList());
    }

    @Test
    void aRunAsOfTheDescriptorWinsOverTheAnnotation() {
        ServletHolder servlet = (ServletHolder) context.addServlet("s", Annotated.class);
        servlet.setRunAsRole("xml");
        servlet.readSecurityAnnotations();
        assertEquals("xml", servlet.runAsRole());
    }

    @Test
    void roleLinks() {
        ServletHolder servlet = (ServletHolder) context.addServlet("s", Plain.class);
        servlet.addRoleRef("MGR", "manager");
        assertEquals("manager", servlet.roleLink("MGR"));
        assertEquals("other", servlet.roleLink("other"));
        assertNull(servlet.roleLink(null));
        assertNull(servlet.runAsRole());
    }

    @Test
    void aServletAddedWhileTheContextInitializesReadsItsAnnotations() throws Exception {
        context.addServletContainerInitializer((classes, ctx) -> ctx.addServlet("late", Annotated.class)
                .addMapping("/late"), null);
        context.start();
        try {
            assertEquals(List.of(all(List.of("/late"), "annotated")), context.constraintList());
            assertTrue(context.declaredRoles().contains("declared1"));
        } finally {
            context.stop();
        }
    }

    @Test
    void afterInitializationSetServletSecurityAndDeclareRolesThrow() throws Exception {
        ServletHolder servlet = (ServletHolder) context.addServlet("s", Plain.class);
        context.start();
        try {
            assertThrows(IllegalStateException.class, () -> servlet.setServletSecurity(roles("r")));
            assertThrows(IllegalArgumentException.class, () -> servlet.setServletSecurity(null));
            assertThrows(IllegalStateException.class, () -> context.declareRoles("r"));
        } finally {
            context.stop();
        }
    }

    @Test
    void declareRolesRefusesEmptyNames() {
        assertThrows(IllegalArgumentException.class, () -> context.declareRoles("ok", ""));
        assertThrows(IllegalArgumentException.class, () -> context.declareRoles((String) null));
        context.declareRoles("a", "b");
        assertEquals(Set.of("a", "b"), context.declaredRoles());
    }
}
