package org.fcgibridge.servlet.war;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Servlet 6.0 section 8.2.2: absolute and relative ordering of web fragments. */
class FragmentOrderingTest {
    private static FragmentOrdering.Fragment fragment(String name, List<String> before, List<String> after) {
        WebXml descriptor = new WebXml();
        descriptor.fragmentName = name;
        descriptor.before = before;
        descriptor.after = after;
        return new FragmentOrdering.Fragment(Path.of(name + ".jar"), descriptor);
    }

    private static FragmentOrdering.Fragment plain(String jar) {
        return new FragmentOrdering.Fragment(Path.of(jar), null);
    }

    private static List<String> jars(List<FragmentOrdering.Fragment> fragments) {
        List<String> jars = new ArrayList<>();
        fragments.forEach(fragment -> jars.add(fragment.jar().toString()));
        return jars;
    }

    @Test
    void relativeOrderingPutsBeforeOthersFirstAfterOthersLastAndKeepsTheRestInClassPathOrder() {
        List<FragmentOrdering.Fragment> all = List.of(
                fragment("A", List.of(), List.of(WebXml.OTHERS)),
                plain("lib.jar"),
                fragment("C", List.of(), List.of("D")),
                fragment("D", List.of(), List.of()),
                fragment("B", List.of(WebXml.OTHERS), List.of()),
                fragment("E", List.of("C"), List.of()));
        assertEquals(List.of("B.jar", "lib.jar", "D.jar", "E.jar", "C.jar", "A.jar"),
                jars(FragmentOrdering.order(new WebXml(), all)));
    }

    @Test
    void noOrderingKeepsTheClassPathOrder() {
        List<FragmentOrdering.Fragment> all = List.of(plain("b.jar"), fragment("A", List.of(), List.of()),
                plain("c.jar"));
        assertEquals(List.of("b.jar", "A.jar", "c.jar"), jars(FragmentOrdering.order(new WebXml(), all)));
    }

    @Test
    void absoluteOrderingNamesTheFragmentsAndLeavesOutTheRestUnlessItSaysOthers() {
        List<FragmentOrdering.Fragment> all = List.of(fragment("X", List.of(), List.of()), plain("lib.jar"),
                fragment("Y", List.of(WebXml.OTHERS), List.of()), fragment("Z", List.of(), List.of()));
        WebXml web = new WebXml();
        web.absoluteOrdering = List.of("Y", "Missing", "X");
        assertEquals(List.of("Y.jar", "X.jar"), jars(FragmentOrdering.order(web, all)));
        web.absoluteOrdering = List.of("Z", WebXml.OTHERS, "X");
        assertEquals(List.of("Z.jar", "lib.jar", "Y.jar", "X.jar"), jars(FragmentOrdering.order(web, all)),
                "the others in class path order: their <ordering> counts for nothing");
        web.absoluteOrdering = List.of();
        assertEquals(List.of(), FragmentOrdering.order(web, all));
    }

    @Test
    void aCircularOrderingIsRefusedWithTheNames() {
        List<FragmentOrdering.Fragment> all = List.of(fragment("P", List.of("Q"), List.of()),
                fragment("Q", List.of("P"), List.of()));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> FragmentOrdering.order(new WebXml(), all));
        assertTrue(e.getMessage().contains("P (P.jar)") && e.getMessage().contains("circular"), e.getMessage());
    }
}
