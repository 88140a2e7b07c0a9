package org.fcgibridge.servlet.war;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.fcgibridge.servlet.security.LoginConfig;
import org.fcgibridge.servlet.security.SecurityConstraint;
import org.junit.jupiter.api.Test;

/**
 * The security and JSP elements of web.xml and web-fragment.xml, and how fragments merge them (Servlet 6.0 8.2.3).
 */
class WebXmlParserTest {
    private static final String HEAD = "<web-app xmlns=\"https://jakarta.ee/xml/ns/jakartaee\" version=\"6.0\">";

    private static WebXml parse(String xml) throws DeploymentException {
        return WebXmlParser.parse(new ByteArrayInputStream(xml.getBytes(StandardCharsets.UTF_8)), "web.xml");
    }

    private static WebXml fragment(String name, String body) throws DeploymentException {
        return WebXmlParser.parse(new ByteArrayInputStream(("<web-fragment xmlns=\"https://jakarta.ee/xml/ns/"
                + "jakartaee\" version=\"6.0\"><name>" + name + "</name>" + body + "</web-fragment>")
                .getBytes(StandardCharsets.UTF_8)), name + ".jar!/META-INF/web-fragment.xml");
    }

    @Test
    void securityConstraintsOnePerCollection() throws Exception {
        WebXml web = parse(HEAD
                + "<security-constraint>"
                + "  <display-name>two collections</display-name>"
                + "  <web-resource-collection><web-resource-name>a</web-resource-name>"
                + "    <url-pattern>/a/*</url-pattern><url-pattern>*.do</url-pattern>"
                + "    <http-method>GET</http-method><http-method>POST</http-method></web-resource-collection>"
                + "  <web-resource-collection><web-resource-name>b</web-resource-name>"
                + "    <url-pattern>b</url-pattern><http-method-omission>GET</http-method-omission>"
                + "  </web-resource-collection>"
                + "  <auth-constraint><description>who</description><role-name> admin </role-name>"
                + "    <role-name>*</role-name></auth-constraint>"
                + "  <user-data-constraint><transport-guarantee>confidential</transport-guarantee>"
                + "  </user-data-constraint>"
                + "</security-constraint>"
                + "<security-constraint><web-resource-collection><web-resource-name>c</web-resource-name>"
                + "  <url-pattern>/c</url-pattern></web-resource-collection><auth-constraint/>"
                + "</security-constraint>"
                + "<security-constraint><web-resource-collection><web-resource-name>d</web-resource-name>"
                + "  <url-pattern>/d</url-pattern></web-resource-collection>"
                + "  <user-data-constraint><transport-guarantee>INTEGRAL</transport-guarantee>"
                + "  </user-data-constraint></security-constraint>"
                + "<security-constraint><web-resource-collection><web-resource-name>e</web-resource-name>"
                + "  <url-pattern>/e</url-pattern></web-resource-collection>"
                + "  <user-data-constraint><transport-guarantee>NONE</transport-guarantee>"
                + "  </user-data-constraint></security-constraint>"
                + "</web-app>");
        assertEquals(List.of(
                new SecurityConstraint(List.of("/a/*", "*.do"), Set.of("GET", "POST"), Set.of(),
                        Set.of("admin", "*"), true),
                new SecurityConstraint(List.of("/b"), Set.of(), Set.of("GET"), Set.of("admin", "*"), true),
                new SecurityConstraint(List.of("/c"), Set.of(), Set.of(), Set.of(), false),
                new SecurityConstraint(List.of("/d"), Set.of(), Set.of(), null, true),
                new SecurityConstraint(List.of("/e"), Set.of(), Set.of(), null, false)), web.securityConstraints);
    }

    @Test
    void badSecurityConstraintsNameTheFile() {
        for (String bad : List.of(
                "<web-resource-collection><url-pattern>/a/*/b</url-pattern></web-resource-collection>",
                "<web-resource-collection><url-pattern>/a</url-pattern><http-method>GET</http-method>"
                        + "<http-method-omission>POST</http-method-omission></web-resource-collection>",
                "<web-resource-collection><web-resource-name>none</web-resource-name></web-resource-collection>",
                "<auth-constraint/>",
                "<web-resource-collection><url-pattern>/a</url-pattern></web-resource-collection>"
                        + "<user-data-constraint><transport-guarantee>SECRET</transport-guarantee>"
                        + "</user-data-constraint>")) {
            DeploymentException e = assertThrows(DeploymentException.class,
                    () -> parse(HEAD + "<security-constraint>" + bad + "</security-constraint></web-app>"), bad);
            assertTrue(e.getMessage().startsWith("web.xml: "), e.getMessage());
        }
    }

    @Test
    void loginConfigRolesAndDenyUncovered() throws Exception {
        WebXml web = parse(HEAD + "<login-config><auth-method>form</auth-method><realm-name>shop</realm-name>"
                + "<form-login-config><form-login-page>/login.jsp</form-login-page>"
                + "<form-error-page>/error.jsp</form-error-page></form-login-config></login-config>"
                + "<security-role><description>x</description><role-name>admin</role-name></security-role>"
                + "<security-role><role-name>user</role-name></security-role>"
                + "<deny-uncovered-http-methods/></web-app>");
        assertEquals(new LoginConfig("FORM", "shop", "/login.jsp", "/error.jsp"), web.loginConfig);
        assertEquals(List.of("admin", "user"), List.copyOf(web.securityRoles));
        assertTrue(web.denyUncoveredHttpMethods);

        WebXml plain = parse(HEAD + "<login-config><realm-name>r</realm-name></login-config></web-app>");
        assertEquals(new LoginConfig(null, "r", null, null), plain.loginConfig, "no auth-method named");
        assertFalse(plain.denyUncoveredHttpMethods);
        assertNull(parse(HEAD + "</web-app>").loginConfig);
    }

    @Test
    void roleRefsAndRunAsOfAServlet() throws Exception {
        WebXml web = parse(HEAD + "<servlet><servlet-name>s</servlet-name><servlet-class>app.S</servlet-class>"
                + "<run-as><description>d</description><role-name>system</role-name></run-as>"
                + "<security-role-ref><role-name>MGR</role-name><role-link>manager</role-link></security-role-ref>"
                + "<security-role-ref><role-name>self</role-name></security-role-ref>"
                + "</servlet></web-app>");
        WebXml.Servlet servlet = web.servlet("s");
        assertEquals(Map.of("MGR", "manager", "self", "self"), servlet.roleRefs);
        assertEquals("system", servlet.runAs);
    }

    @Test
    void fragmentsAddConstraintsAndRolesAndWebXmlDecidesTheLoginConfig() throws Exception {
        WebXml web = parse(HEAD + "<servlet><servlet-name>s</servlet-name><servlet-class>app.S</servlet-class>"
                + "<security-role-ref><role-name>A</role-name><role-link>main</role-link></security-role-ref>"
                + "</servlet>"
                + "<security-constraint><web-resource-collection><url-pattern>/main/*</url-pattern>"
                + "</web-resource-collection><auth-constraint><role-name>main</role-name></auth-constraint>"
                + "</security-constraint><security-role><role-name>main</role-name></security-role>"
                + "<login-config><auth-method>BASIC</auth-method></login-config></web-app>");
        web.merge(fragment("one", "<servlet><servlet-name>s</servlet-name><servlet-class>app.S</servlet-class>"
                + "<run-as><role-name>runner</role-name></run-as>"
                + "<security-role-ref><role-name>A</role-name><role-link>fragment</role-link></security-role-ref>"
                + "<security-role-ref><role-name>B</role-name><role-link>b</role-link></security-role-ref>"
                + "</servlet>"
                + "<security-constraint><web-resource-collection><url-pattern>/one/*</url-pattern>"
                + "</web-resource-collection><auth-constraint/></security-constraint>"
                + "<security-role><role-name>one</role-name></security-role>"
                + "<login-config><auth-method>FORM</auth-method></login-config>"));
        assertEquals(List.of("/main/*", "/one/*"), web.securityConstraints.stream()
                .map(c -> c.urlPatterns().get(0)).toList());
        assertEquals(Set.of("main", "one"), web.securityRoles);
        assertEquals("BASIC", web.loginConfig.authMethod(), "web.xml's login-config wins");
        assertEquals(Map.of("A", "main", "B", "b"), web.servlet("s").roleRefs);
        assertEquals("runner", web.servlet("s").runAs);
    }

    @Test
    void twoFragmentsWithDifferentLoginConfigsAndNoneInWebXmlConflict() throws Exception {
        WebXml web = parse(HEAD + "</web-app>");
        web.merge(fragment("one", "<login-config><auth-method>BASIC</auth-method></login-config>"));
        web.merge(fragment("same", "<login-config><auth-method>BASIC</auth-method></login-config>"));
        assertEquals("BASIC", web.loginConfig.authMethod());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> web.merge(fragment("two", "<login-config><auth-method>FORM</auth-method></login-config>")));
        assertTrue(e.getMessage().contains("one.jar!/META-INF/web-fragment.xml")
                && e.getMessage().contains("two.jar!/META-INF/web-fragment.xml"), e.getMessage());
    }

    @Test
    void jspConfigOfWebXmlThenOfItsFragments() throws Exception {
        WebXml web = parse(HEAD + "<jsp-config><taglib><taglib-uri>urn:a</taglib-uri>"
                + "<taglib-location>/WEB-INF/a.tld</taglib-location></taglib>"
                + "<jsp-property-group><url-pattern>/raw/*</url-pattern><url-pattern>*.txt</url-pattern>"
                + "<el-ignored>true</el-ignored><is-xml>false</is-xml><include-coda>/c1.jspf</include-coda>"
                + "<include-coda>/c2.jspf</include-coda><description>ignored</description>"
                + "</jsp-property-group></jsp-config></web-app>");
        web.merge(fragment("one", "<jsp-config><jsp-property-group><url-pattern>*.view</url-pattern>"
                + "<buffer>none</buffer></jsp-property-group></jsp-config>"));
        assertEquals("urn:a", web.jspConfig.getTaglibs().iterator().next().getTaglibURI());
        List<jakarta.servlet.descriptor.JspPropertyGroupDescriptor> groups =
                List.copyOf(web.jspConfig.getJspPropertyGroups());
        assertEquals(List.of("/raw/*", "*.txt"), List.copyOf(groups.get(0).getUrlPatterns()));
        assertEquals("true", groups.get(0).getElIgnored());
        assertEquals("false", groups.get(0).getIsXml());
        assertNull(groups.get(0).getPageEncoding());
        assertEquals(List.of("/c1.jspf", "/c2.jspf"), List.copyOf(groups.get(0).getIncludeCodas()));
        assertEquals(List.of("*.view"), List.copyOf(groups.get(1).getUrlPatterns()));
        assertEquals("none", groups.get(1).getBuffer());
        assertTrue(parse(HEAD + "</web-app>").jspConfig.isEmpty());
    }
}
