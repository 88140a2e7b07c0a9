package org.fcgibridge.servlet.war;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The order of a web application's fragments, the jars of WEB-INF/lib (Servlet 6.0 section 8.2.2): web.xml's
 * {@code <absolute-ordering>} (fragments it does not name are left out unless it says {@code <others/>}, which puts
 * them there in class path order), else each web-fragment.xml's {@code <ordering>} ({@code <before>}/{@code <after>} names or {@code <others/>}), the class
 * path order breaking ties. The order decides how descriptors merge (listeners, filter mappings) and in which order
 * initializers run; a jar left out is neither merged nor scanned for annotations or initializers.
 */
final class FragmentOrdering {
    /** A jar of WEB-INF/lib and its web-fragment.xml, or null when it has none (it is then a nameless fragment). */
    record Fragment(Path jar, WebXml descriptor) {
        String name() {
            return descriptor == null ? null : descriptor.fragmentName;
        }

        List<String> before() {
            return descriptor == null ? List.of() : descriptor.before;
        }

        List<String> after() {
            return descriptor == null ? List.of() : descriptor.after;
        }
    }

    private FragmentOrdering() {
    }

    /**
     * The fragments to use, in order.
     *
     * @param fragments every jar of WEB-INF/lib, in class path order
     * @throws IllegalArgumentException if the relative orderings contradict each other
     */
    static List<Fragment> order(WebXml web, List<Fragment> fragments) {
        if (web.absoluteOrdering != null) {
            return absolute(web.absoluteOrdering, fragments);
        }
        return relative(fragments);
    }

    private static List<Fragment> absolute(List<String> names, List<Fragment> fragments) {
        List<Fragment> ordered = new ArrayList<>();
        int others = -1;
        for (String name : names) {
            if (name.equals(WebXml.OTHERS)) {
                others = others < 0 ? ordered.size() : others;
                continue;
            }
            for (Fragment fragment : fragments) {
                if (name.equals(fragment.name()) && !ordered.contains(fragment)) {
                    ordered.add(fragment); // a name no jar has is ignored (section 8.2.2)
                    break;
                }
            }
        }
        if (others >= 0) {
            List<Fragment> rest = new ArrayList<>(fragments);
            rest.removeAll(ordered);
            ordered.addAll(others, rest); // in class path order: their own <ordering>s are ignored (as Tomcat)
        }
        return ordered;
    }

    /** before-others first, then the rest, then after-others; within each, a stable topological sort. */
    private static List<Fragment> relative(List<Fragment> fragments) {
        List<Fragment> first = new ArrayList<>();
        List<Fragment> middle = new ArrayList<>();
        List<Fragment> last = new ArrayList<>();
        for (Fragment fragment : fragments) {
            if (fragment.before().contains(WebXml.OTHERS)) {
                first.add(fragment);
            } else if (fragment.after().contains(WebXml.OTHERS)) {
                last.add(fragment);
            } else {
                middle.add(fragment);
            }
        }
        List<Fragment> ordered = new ArrayList<>();
        ordered.addAll(sorted(first));
        ordered.addAll(sorted(middle));
        ordered.addAll(sorted(last));
        return ordered;
    }

    /** Kahn's algorithm taking the earliest ready fragment each time, so unconstrained jars keep their order. */
    private static List<Fragment> sorted(List<Fragment> group) {
        Map<String, Fragment> byName = new HashMap<>();
        for (Fragment fragment : group) {
            if (fragment.name() != null) {
                byName.putIfAbsent(fragment.name(), fragment);
            }
        }
        Map<Fragment, Set<Fragment>> predecessors = new HashMap<>();
        for (Fragment fragment : group) {
            predecessors.put(fragment, new LinkedHashSet<>());
        }
        for (Fragment fragment : group) {
            for (String name : fragment.before()) {
                Fragment later = byName.get(name);
                if (later != null && later != fragment) {
                    predecessors.get(later).add(fragment);
                }
            }
            for (String name : fragment.after()) {
                Fragment earlier = byName.get(name);
                if (earlier != null && earlier != fragment) {
                    predecessors.get(fragment).add(earlier);
                }
            }
        }
        List<Fragment> ordered = new ArrayList<>();
        List<Fragment> left = new ArrayList<>(group);
        while (!left.isEmpty()) {
            Fragment ready = null;
            for (Fragment candidate : left) {
                if (ordered.containsAll(predecessors.get(candidate))) {
                    ready = candidate;
                    break;
                }
            }
            if (ready == null) {
                List<String> names = new ArrayList<>();
                left.forEach(fragment -> names.add(fragment.name() + " (" + fragment.jar().getFileName() + ")"));
                throw new IllegalArgumentException("the <ordering> of web fragments " + names
                        + " is circular (Servlet 6.0 section 8.2.2)");
            }
            ordered.add(ready);
            left.remove(ready);
        }
        return ordered;
    }
}
