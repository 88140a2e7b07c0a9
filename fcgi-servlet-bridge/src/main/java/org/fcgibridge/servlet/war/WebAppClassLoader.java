package org.fcgibridge.servlet.war;

import java.io.IOException;
import java.net.URL;
import java.net.URLClassLoader;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Enumeration;
import java.util.List;

/**
 * The class loader of a web application: WEB-INF/classes, then WEB-INF/lib/*.jar, searched before the parent
 * (Servlet 6.0 section 10.7.2), so the application's own version of a library wins. The Java platform, the servlet
 * API, the bridge itself and its JSP engine always come from the parent: an application cannot replace them, but may
 * add a class the parent lacks in their packages (JSTL's API, jakarta.servlet.jsp.jstl, as in Jetty and Tomcat).
 * Jetty, which the launcher carries for its Jetty engine, is hidden: an application sees its own copy or none, as in
 * Jetty.
 */
public final class WebAppClassLoader extends URLClassLoader {
    static {
        registerAsParallelCapable();
    }

    private static final String[] PARENT_FIRST = {"java.", "jakarta.servlet.", "org.fcgibridge.core.",
        "org.fcgibridge.servlet.", "sun.", "jdk.",
        // the JSP engine (Jasper, EL, the Eclipse compiler) is the container's, as in Tomcat and the Jetty engine: a
        // page compiled by the launcher's Jasper must link against the launcher's runtime, not a WAR's copy of it
        "jakarta.el.", "org.apache.jasper.", "org.apache.el.", "org.apache.juli.logging.", "org.apache.tomcat.",
        "org.eclipse.jdt."};

    /**
     * The container's implementation, which an application may neither see nor override (section 10.7.2): what Jetty
     * hides from its web applications, so that an application finds the same classes on both engines (Spring Boot,
     * for one, configures itself by the classes it finds).
     */
    private static final String HIDDEN = "org.eclipse.jetty.";

    private static final String SERVICES = "META-INF/services/";

    private final ClassLoader platform = ClassLoader.getPlatformClassLoader();

    /**
     * @param urls   WEB-INF/classes/ and the jars of WEB-INF/lib, in that order
     * @param parent the launcher's class loader (servlet API, bridge)
     */
    public WebAppClassLoader(URL[] urls, ClassLoader parent) {
        super("webapp", urls, parent);
    }

    @Override
    protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
        synchronized (getClassLoadingLock(name)) {
            Class<?> type = findLoadedClass(name);
            if (type == null) {
                if (parentFirst(name)) {
                    try {
                        type = getParent().loadClass(name);
                    } catch (ClassNotFoundException notTheContainers) {
                        if (name.startsWith("java.")) {
                            throw notTheContainers;
                        }
                        // a class the container lacks stays the application's: JSTL's jakarta.servlet.jsp.jstl
                        type = findClass(name);
                    }
                } else {
                    type = fromPlatform(name);
                    if (type == null) {
                        try {
                            type = findClass(name);
                        } catch (ClassNotFoundException notMine) {
                            if (name.startsWith(HIDDEN)) {
                                throw notMine;
                            }
                            type = getParent().loadClass(name);
                        }
                    }
                }
            }
            if (resolve) {
                resolveClass(type);
            }
            return type;
        }
    }

    private Class<?> fromPlatform(String name) {
        try {
            return platform.loadClass(name);
        } catch (ClassNotFoundException notPlatform) {
            return null;
        }
    }

    private static boolean parentFirst(String name) {
        for (String prefix : PARENT_FIRST) {
            if (name.startsWith(prefix)) {
                return true;
            }
        }
        return false;
    }

    @Override
    public URL getResource(String name) {
        String asClass = name.replace('/', '.');
        if (parentFirst(asClass)) {
            return super.getResource(name);
        }
        URL own = findResource(name);
        return own != null || asClass.startsWith(HIDDEN) ? own : super.getResource(name);
    }

    @Override
    public Enumeration<URL> getResources(String name) throws IOException {
        List<URL> all = new ArrayList<>(Collections.list(findResources(name)));
        ClassLoader parent = getParent();
        if (parent != null && !definesServiceType(this, name) && !name.replace('/', '.').startsWith(HIDDEN)) {
            for (URL url : Collections.list(parent.getResources(name))) {
                if (!all.contains(url)) {
                    all.add(url);
                }
            }
        }
        return Collections.enumeration(all);
    }

    /**
     * Whether {@code resourceName} registers providers of a service type that {@code loader} defines itself
     * ({@code META-INF/services/TYPE}, TYPE from the application's own classes or jars). The launcher's registrations
     * of such a type can never serve it: their providers implement the launcher's copy of the type (or are hidden
     * from the application), and ServiceLoader reports each as an error. SLF4J 2 in a WAR found the launcher's Jetty
     * logging provider that way. For these names, a web application's class loader lists its own files only.
     */
    public static boolean definesServiceType(ClassLoader loader, String resourceName) {
        if (!resourceName.startsWith(SERVICES) || resourceName.length() == SERVICES.length()) {
            return false;
        }
        try {
            return Class.forName(resourceName.substring(SERVICES.length()), false, loader).getClassLoader() == loader;
        } catch (ClassNotFoundException | LinkageError notAType) {
            return false;
        }
    }
}
