package org.fcgibridge.servlet.war;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import org.fcgibridge.servlet.container.BridgeServletContext;
import org.fcgibridge.servlet.container.ServletHolder;
import org.fcgibridge.servlet.security.LoginConfig;
import org.fcgibridge.servlet.security.Realm;
import org.fcgibridge.servlet.security.SecurityConstraint;
import org.fcgibridge.servlet.testing.WarBuilder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Deploying applications that declare security: what the context gets from the descriptors, the annotations and the
 * initializers, and when the deployer refuses one for want of users.
 */
class SecurityDeploymentTest {
    private static final String HEAD = "<web-app xmlns=\"https://jakarta.ee/xml/ns/jakartaee\" version=\"6.0\"";
    private static final String PLAIN = "package app;\n"
            + "public class Plain extends jakarta.servlet.http.HttpServlet { }\n";
    private static final String ANNOTATED = "package app;\n"
            + "import jakarta.servlet.annotation.*;\n"
            + "@WebServlet(\"/annotated/*\")\n"
            + "@ServletSecurity(value = @HttpConstraint(rolesAllowed = \"staff\"),\n"
            + "    httpMethodConstraints = @HttpMethodConstraint(value = \"GET\",\n"
            + "        transportGuarantee = ServletSecurity.TransportGuarantee.CONFIDENTIAL))\n"
            + "@jakarta.annotation.security.DeclareRoles({\"staff\", \"auditor\"})\n"
            + "@jakarta.annotation.security.RunAs(\"batch\")\n"
            + "public class Annotated extends jakarta.servlet.http.HttpServlet { }\n";
    /** Sets the constraints of servlet "plain" as the application starts and keeps what the call returned. */
    private static final String SETS = "package app;\n"
            + "import jakarta.servlet.*;\n"
            + "public class Sets implements ServletContainerInitializer {\n"
            + "  public void onStartup(java.util.Set<Class<?>> c, ServletContext context) {\n"
            + "    ServletRegistration.Dynamic plain = (ServletRegistration.Dynamic)\n"
            + "        context.getServletRegistration(\"plain\");\n"
            + "    context.setAttribute(\"leftAlone\", plain.setServletSecurity(new ServletSecurityElement(\n"
            + "        new HttpConstraintElement(jakarta.servlet.annotation.ServletSecurity.TransportGuarantee.NONE,\n"
            + "            \"coder\"))));\n"
            + "    plain.addMapping(\"/later\");\n"
            + "  }\n}\n";
    private static final Realm NOBODY = new Realm() {
        @Override
        public Set<String> authenticate(String user, String password) {
            return null;
        }

        @Override
        public Set<String> roles(String user) {
            return Set.of();
        }
    };

    @TempDir
    Path dir;

    private static SecurityConstraint constraint(List<String> patterns, Set<String> methods, Set<String> omitted,
                                                 Set<String> roles, boolean confidential) {
        return new SecurityConstraint(patterns, methods, omitted, roles, confidential);
    }

    private WebAppDeployer.Deployment deploy(Path war, Realm realm) throws DeploymentException {
        return WebAppDeployer.deploy(war, "", getClass().getClassLoader(), null, context -> context.setRealm(realm));
    }

    @Test
    void theDescriptorsAndAnnotationsGiveTheContextItsSecurity() throws Exception {
        Path war = new WarBuilder(dir).source("app.Plain", PLAIN).source("app.Annotated", ANNOTATED)
                .webXml(HEAD + "><servlet><servlet-name>plain</servlet-name><servlet-class>app.Plain</servlet-class>"
                        + "<run-as><role-name>system</role-name></run-as>"
                        + "<security-role-ref><role-name>MGR</role-name><role-link>manager</role-link>"
                        + "</security-role-ref></servlet>"
                        + "<servlet-mapping><servlet-name>plain</servlet-name><url-pattern>/secret/*</url-pattern>"
                        + "</servlet-mapping>"
                        + "<security-constraint><web-resource-collection><web-resource-name>s</web-resource-name>"
                        + "<url-pattern>/secret/*</url-pattern><http-method>POST</http-method>"
                        + "</web-resource-collection><auth-constraint><role-name>manager</role-name>"
                        + "</auth-constraint></security-constraint>"
                        + "<login-config><auth-method>BASIC</auth-method><realm-name>shop</realm-name></login-config>"
                        + "<security-role><role-name>manager</role-name></security-role>"
                        + "<deny-uncovered-http-methods/></web-app>")
                .packed("secured");
        WebAppDeployer.Deployment deployment = deploy(war, NOBODY);
        try {
            BridgeServletContext context = deployment.context();
            assertEquals(new LoginConfig("BASIC", "shop", null, null), context.loginConfig());
            assertEquals(Set.of("manager", "staff", "auditor"), context.declaredRoles());
            assertEquals(Set.of(
                    constraint(List.of("/secret/*"), Set.of("POST"), Set.of(), Set.of("manager"), false),
                    constraint(List.of("/annotated/*"), Set.of(), Set.of("GET"), Set.of("staff"), false),
                    constraint(List.of("/annotated/*"), Set.of("GET"), Set.of(), null, true)),
                    Set.copyOf(context.constraintList()));
            ServletHolder plain = (ServletHolder) context.getServletRegistration("plain");
            assertEquals("manager", plain.roleLink("MGR"));
            assertEquals("system", plain.runAsRole());
            ServletHolder annotated = (ServletHolder) context.getServletRegistration("app.Annotated");
            assertEquals("batch", annotated.runAsRole());
            assertEquals("MGR", annotated.roleLink("MGR"));
        } finally {
            deployment.undeploy();
        }
    }

    @Test
    void setServletSecurityLeavesTheDescriptorsPatternsAloneAndCoversLaterMappings() throws Exception {
        Path war = new WarBuilder(dir).source("app.Plain", PLAIN).source("app.Sets", SETS)
                .file("WEB-INF/classes/META-INF/services/jakarta.servlet.ServletContainerInitializer", "app.Sets\n")
                .webXml(HEAD + "><servlet><servlet-name>plain</servlet-name><servlet-class>app.Plain</servlet-class>"
                        + "</servlet><servlet-mapping><servlet-name>plain</servlet-name>"
                        + "<url-pattern>/xml</url-pattern><url-pattern>/code</url-pattern></servlet-mapping>"
                        + "<security-constraint><web-resource-collection><web-resource-name>s</web-resource-name>"
                        + "<url-pattern>/xml</url-pattern></web-resource-collection>"
                        + "<user-data-constraint><transport-guarantee>CONFIDENTIAL</transport-guarantee>"
                        + "</user-data-constraint></security-constraint></web-app>")
                .packed("dynamic");
        WebAppDeployer.Deployment deployment = deploy(war, NOBODY);
        try {
            BridgeServletContext context = deployment.context();
            assertEquals(Set.of("/xml"), context.getAttribute("leftAlone"));
            assertEquals(List.of(constraint(List.of("/xml"), Set.of(), Set.of(), null, true),
                    constraint(List.of("/code", "/later"), Set.of(), Set.of(), Set.of("coder"), false)),
                    context.constraintList().stream().map(c -> new SecurityConstraint(
                            c.urlPatterns().stream().sorted().toList(), c.methods(), c.omittedMethods(), c.roles(),
                            c.confidential())).toList());
        } finally {
            deployment.undeploy();
        }
        // without a realm: refused once the initializer has declared what needs users, and stopped
        DeploymentException e = assertThrows(DeploymentException.class, () -> deploy(war, null));
        assertTrue(e.getMessage().endsWith("dynamic.war declares security constraints (a constraint on "
                + e.getMessage().replaceAll(".*a constraint on ([^)]*)\\).*", "$1")
                + "), which need users and roles: add --realm FILE"), e.getMessage());
        assertTrue(e.getMessage().contains("/code") && e.getMessage().contains("/later"), e.getMessage());
    }

    @Test
    void constraintsThatNeedNoUserStartWithoutARealm() throws Exception {
        Path war = new WarBuilder(dir).file("index.html", "hi")
                .webXml(HEAD + "><security-constraint><web-resource-collection><web-resource-name>tls"
                        + "</web-resource-name><url-pattern>/*</url-pattern></web-resource-collection>"
                        + "<user-data-constraint><transport-guarantee>CONFIDENTIAL</transport-guarantee>"
                        + "</user-data-constraint></security-constraint>"
                        + "<security-constraint><web-resource-collection><web-resource-name>closed"
                        + "</web-resource-name><url-pattern>/closed/*</url-pattern></web-resource-collection>"
                        + "<auth-constraint/></security-constraint>"
                        + "<login-config><realm-name>named only</realm-name></login-config></web-app>")
                .packed("tls");
        WebAppDeployer.Deployment deployment = deploy(war, null);
        try {
            assertEquals(2, deployment.context().constraintList().size());
            assertNull(deployment.context().loginConfig().authMethod());
        } finally {
            deployment.undeploy();
        }
    }

    @Test
    void theWebServersAuthenticationStandsInForARealm() throws Exception {
        Path war = new WarBuilder(dir).source("app.Annotated", ANNOTATED).packed("trusted");
        DeploymentException refused = assertThrows(DeploymentException.class, () -> deploy(war, null));
        assertTrue(refused.getMessage().contains("(a constraint on /annotated/*)"), refused.getMessage());
        WebAppDeployer.Deployment deployment = WebAppDeployer.deploy(war, "", getClass().getClassLoader(),
                null, context -> context.setTrustsWebServer(true));
        try {
            assertTrue(deployment.context().trustsWebServer());
        } finally {
            deployment.undeploy();
        }
    }

    @Test
    void aMetadataCompleteDescriptorIgnoresTheSecurityAnnotations() throws Exception {
        Path war = new WarBuilder(dir).source("app.Annotated", ANNOTATED)
                .webXml(HEAD + " metadata-complete=\"true\"><servlet><servlet-name>a</servlet-name>"
                        + "<servlet-class>app.Annotated</servlet-class></servlet><servlet-mapping>"
                        + "<servlet-name>a</servlet-name><url-pattern>/a</url-pattern></servlet-mapping></web-app>")
                .packed("complete");
        WebAppDeployer.Deployment deployment = deploy(war, null);
        try {
            assertEquals(List.of(), deployment.context().constraintList());
            assertFalse(deployment.context().declaredRoles().contains("staff"));
            assertNull(((ServletHolder) deployment.context().getServletRegistration("a")).runAsRole());
        } finally {
            deployment.undeploy();
        }
    }

    @Test
    void fragmentsWithDifferentLoginConfigsAreRefused() throws Exception {
        Path war = new WarBuilder(dir)
                .lib("one.jar", java.util.Map.of(), java.util.Map.of("META-INF/web-fragment.xml",
                        "<web-fragment xmlns=\"https://jakarta.ee/xml/ns/jakartaee\" version=\"6.0\"><name>one</name>"
                                + "<login-config><auth-method>BASIC</auth-method></login-config></web-fragment>"))
                .lib("two.jar", java.util.Map.of(), java.util.Map.of("META-INF/web-fragment.xml",
                        "<web-fragment xmlns=\"https://jakarta.ee/xml/ns/jakartaee\" version=\"6.0\"><name>two</name>"
                                + "<login-config><auth-method>FORM</auth-method></login-config></web-fragment>"))
                .file("index.html", "hi").packed("conflict");
        DeploymentException e = assertThrows(DeploymentException.class, () -> deploy(war, NOBODY));
        assertTrue(e.getMessage().contains("conflict.war: ") && e.getMessage().contains("different <login-config>s"),
                e.getMessage());
        assertTrue(Files.exists(war));
    }
}
