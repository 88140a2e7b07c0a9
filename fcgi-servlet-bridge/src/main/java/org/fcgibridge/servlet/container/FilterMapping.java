package org.fcgibridge.servlet.container;

import jakarta.servlet.DispatcherType;
import java.util.EnumSet;
import java.util.List;

/**
 * One filter mapping: url-patterns or servlet names, for a set of dispatcher types (REQUEST when none is given).
 */
record FilterMapping(FilterHolder holder, List<String> urlPatterns, List<String> servletNames,
                     EnumSet<DispatcherType> dispatcherTypes) {
    FilterMapping {
        urlPatterns = List.copyOf(urlPatterns);
        servletNames = List.copyOf(servletNames);
        dispatcherTypes = dispatcherTypes == null || dispatcherTypes.isEmpty()
                ? EnumSet.of(DispatcherType.REQUEST) : EnumSet.copyOf(dispatcherTypes);
    }

    boolean matchesPath(String path) {
        for (String pattern : urlPatterns) {
            if (ServletMappings.patternMatches(pattern, path)) {
                return true;
            }
        }
        return false;
    }

    boolean matchesServlet(String servletName) {
        return servletName != null && (servletNames.contains(servletName) || servletNames.contains("*"));
    }
}
