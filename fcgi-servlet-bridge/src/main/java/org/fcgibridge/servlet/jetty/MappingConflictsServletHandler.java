package org.fcgibridge.servlet.jetty;

import org.eclipse.jetty.ee10.servlet.ServletHandler;
import org.eclipse.jetty.ee10.servlet.ServletMapping;

/**
 * Jetty's {@code ServletHandler} with the mapping of a path spec looked up as {@code ServletRegistration.addMapping}
 * needs it (it returns the patterns "already mapped to a different Servlet"): an application's mapping before one of
 * webdefault.xml. Jetty returns the first mapping of the path spec, which for
 * "/" is the default servlet's, so {@code addMapping("/")} of a second application servlet reported no conflict and
 * the start then failed on "Multiple servlets map to path /".
 */
final class MappingConflictsServletHandler extends ServletHandler {
    @Override
    public ServletMapping getServletMapping(String pathSpec) {
        if (pathSpec == null) {
            return null;
        }
        ServletMapping fromDefaults = null;
        for (ServletMapping mapping : getServletMappings()) {
            String[] specs = mapping.getPathSpecs();
            if (specs == null || !java.util.Arrays.asList(specs).contains(pathSpec)) {
                continue;
            }
            if (!mapping.isFromDefaultDescriptor()) {
                return mapping;
            }
            if (fromDefaults == null) {
                fromDefaults = mapping;
            }
        }
        return fromDefaults;
    }
}
