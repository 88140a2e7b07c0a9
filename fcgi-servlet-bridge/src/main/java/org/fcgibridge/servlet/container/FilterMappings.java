package org.fcgibridge.servlet.container;

import jakarta.servlet.DispatcherType;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The filter mappings of a context in their order: those added "before" (web.xml order), then those added with
 * isMatchAfter. A chain holds the url-pattern matches in order, then the servlet-name matches (Servlet 6.0 section
 * 6.2.4).
 */
final class FilterMappings {
    private final List<FilterMapping> before = new CopyOnWriteArrayList<>();
    private final List<FilterMapping> after = new CopyOnWriteArrayList<>();

    void add(FilterMapping mapping, boolean isMatchAfter) {
        (isMatchAfter ? after : before).add(mapping);
    }

    List<FilterMapping> of(FilterHolder holder) {
        List<FilterMapping> mine = new ArrayList<>();
        for (FilterMapping mapping : all()) {
            if (mapping.holder() == holder) {
                mine.add(mapping);
            }
        }
        return mine;
    }

    private List<FilterMapping> all() {
        List<FilterMapping> all = new ArrayList<>(before);
        all.addAll(after);
        return all;
    }

    boolean isEmpty() {
        return before.isEmpty() && after.isEmpty();
    }

    /** The filters for a dispatch of {@code type} to {@code path} served by {@code servletName}, in chain order. */
    List<FilterHolder> chain(DispatcherType type, String path, String servletName) {
        List<FilterHolder> chain = new ArrayList<>();
        List<FilterMapping> all = all();
        for (FilterMapping mapping : all) {
            if (mapping.dispatcherTypes().contains(type) && path != null && mapping.matchesPath(path)
                    && !chain.contains(mapping.holder())) {
                chain.add(mapping.holder());
            }
        }
        for (FilterMapping mapping : all) {
            if (mapping.dispatcherTypes().contains(type) && mapping.matchesServlet(servletName)
                    && !chain.contains(mapping.holder())) {
                chain.add(mapping.holder());
            }
        }
        return chain;
    }
}
