package org.fcgibridge.servlet.container;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.servlet.ServletRegistration;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.MappingMatch;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Servlet 6.0 section 12.2, the table of its example and then some. */
class ServletMappingsTest {
    private final BridgeServletContext context = new BridgeServletContext("", getClass().getClassLoader(),
            WebResources.none());

    ServletMappingsTest() {
        add("servlet1", "/foo/bar/*");
        add("servlet2", "/baz/*");
        add("servlet3", "/catalog");
        add("servlet4", "*.bop");
        add("exact", "/foo/bar/index.html");
        add("default", "/");
        add("root", "");
    }

    private void add(String name, String pattern) {
        context.addServlet(name, new HttpServlet() { }).addMapping(pattern);
    }

    @ParameterizedTest
    @CsvSource({
        "/foo/bar/index.html, exact, /foo/bar/index.html, , EXACT",
        "/foo/bar/index.bop, servlet1, /foo/bar, /index.bop, PATH",
        "/baz, servlet2, /baz, , PATH",
        "/baz/index.html, servlet2, /baz, /index.html, PATH",
        "/catalog, servlet3, /catalog, , EXACT",
        "/catalog/index.html, default, /catalog/index.html, , DEFAULT",
        "/catalog/racecar.bop, servlet4, /catalog/racecar.bop, , EXTENSION",
        "/index.bop, servlet4, /index.bop, , EXTENSION",
        "/, root, '', /, CONTEXT_ROOT",
        "/anything, default, /anything, , DEFAULT"})
    void precedence(String path, String servlet, String servletPath, String pathInfo, MappingMatch match) {
        PathMatch m = context.mappings().match(path);
        assertEquals(servlet, m.holder().getName());
        assertEquals(servletPath, m.servletPath());
        assertEquals(pathInfo, m.pathInfo());
        assertEquals(match, m.match());
    }

    @Test
    void matchValuesAreWhatTheWildcardMatched() {
        assertEquals("index.html", context.mappings().match("/baz/index.html").getMatchValue());
        assertEquals("", context.mappings().match("/baz").getMatchValue());
        assertEquals("catalog/racecar", context.mappings().match("/catalog/racecar.bop").getMatchValue());
        assertEquals("catalog", context.mappings().match("/catalog").getMatchValue());
    }

    @Test
    void aPatternMapsOnce() {
        ServletRegistration.Dynamic other = context.addServlet("other", new HttpServlet() { });
        assertEquals(Set.of("/baz/*"), other.addMapping("/baz/*", "/new"));
        assertNull(context.mappings().match("/new").holder() == null ? null : null);
        assertEquals("default", context.mappings().match("/new").holder().getName(), "nothing was mapped");
        assertTrue(other.addMapping("/new").isEmpty());
        assertNull(context.addServlet("other", new HttpServlet() { }), "a name is registered once");
    }

    @Test
    void aContainerFallbackGivesWayToTheApplicationsMapping() {
        BridgeServletContext app = new BridgeServletContext("", getClass().getClassLoader(), WebResources.none());
        app.addDefaultServlet();
        app.addJspServlet(NoJspServlet.class, Map.of());
        assertEquals("default", app.mappings().match("/x").holder().getName());
        assertEquals("jsp", app.mappings().match("/x.jsp").holder().getName());
        ServletRegistration.Dynamic front = app.addServlet("front", new HttpServlet() { });
        assertTrue(front.addMapping("/", "*.jsp").isEmpty(), "no conflict with the container's servlets");
        assertEquals("front", app.mappings().match("/x").holder().getName());
        assertEquals("front", app.mappings().match("/x.jsp").holder().getName());
        assertEquals("jsp", app.mappings().match("/x.jspx").holder().getName());
        assertTrue(app.getServletRegistration("default").getMappings().isEmpty());
        assertEquals(Set.of("/", "*.jsp"), app.addServlet("second", new HttpServlet() { }).addMapping("/", "*.jsp"),
                "two servlets of the application do conflict");
        app.addDefaultServlet();
        assertEquals("front", app.mappings().match("/x").holder().getName(), "a later fallback takes nothing");
    }

    @ParameterizedTest
    @ValueSource(strings = {"foo", "/a/*/b", "*.a/b", "/a*b", "*."})
    void invalidPatternsAreRefused(String pattern) {
        assertThrows(IllegalArgumentException.class, () -> ServletMappings.validate(pattern));
    }

    @Test
    void aTrailingStarWithoutSlashIsAnExactMatch() { // the TCK's secform application maps "/On*"
        ServletMappings.validate("/On*");
        add("on", "/On*");
        assertEquals("on", context.mappings().match("/On*").holder().getName());
        assertNotEquals("on", context.mappings().match("/One").holder().getName());
    }

    @Test
    void filterPatterns() {
        assertTrue(ServletMappings.patternMatches("/*", "/x"));
        assertTrue(ServletMappings.patternMatches("/a/*", "/a"));
        assertTrue(ServletMappings.patternMatches("/a/*", "/a/b/c"));
        assertFalse(ServletMappings.patternMatches("/a/*", "/ab"));
        assertTrue(ServletMappings.patternMatches("*.jsp", "/x/y.jsp"));
        assertFalse(ServletMappings.patternMatches("*.jsp", "/x.jsp/y"));
        assertTrue(ServletMappings.patternMatches("/exact", "/exact"));
    }
}
