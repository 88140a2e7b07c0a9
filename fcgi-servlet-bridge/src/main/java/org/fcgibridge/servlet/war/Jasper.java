package org.fcgibridge.servlet.war;

import jakarta.servlet.ServletContainerInitializer;
import java.util.Map;
import org.apache.jasper.servlet.JasperInitializer;
import org.apache.jasper.servlet.JspServlet;
import org.apache.tomcat.JarScanner;
import org.apache.tomcat.util.scan.StandardJarScanner;
import org.fcgibridge.servlet.container.BridgeServletContext;
import org.fcgibridge.servlet.container.NoJspServlet;

/**
 * The standalone engine's JSP engine: Jasper (JSP 3.1, EL 5.0) with the Eclipse compiler, the one the launcher jar
 * carries for the Jetty engine, set up as Tomcat sets it up. Its initializer runs before the application's: it reads
 * the TLDs of WEB-INF and WEB-INF/lib and adds the listeners they declare (programmatic listeners, which Servlet 6.0
 * section 4.4 restricts). Its servlet answers {@code *.jsp} and its kin with the init-params of Jetty's
 * webdefault-ee10.xml, so that a page compiles the same on both engines. Without Jasper on the class path (an
 * embedding application that left it out), JSP requests answer 500 ({@link NoJspServlet}).
 *
 * <p>This class names Jasper's types: touch it only after {@link #available()} said true.
 */
final class Jasper {
    private static final String SERVLET = "org.apache.jasper.servlet.JspServlet";

    /** Jetty's webdefault-ee10.xml: Java 8 source and target, no X-Powered-By. */
    private static final Map<String, String> SERVLET_PARAMETERS = Map.of("xpoweredBy", "false",
            "compilerTargetVM", "1.8", "compilerSourceVM", "1.8");

    private Jasper() {
    }

    /** Whether Jasper is on the launcher's class path. */
    static boolean available() {
        try {
            Class.forName(SERVLET, false, Jasper.class.getClassLoader());
            return true;
        } catch (ClassNotFoundException | LinkageError absent) {
            return false;
        }
    }

    /**
     * Installs the JSP engine in a context not started yet: its initializer first, and its servlet "jsp" unless the
     * application declares a servlet of that name (as a Tomcat application may, to set Jasper's options).
     */
    static void install(BridgeServletContext context, boolean servlet) {
        // the TLDs of WEB-INF/lib only, as the TLD scanner finds them through the ServletContext: walking the
        // launcher's class path too would read every jar of the container
        StandardJarScanner scanner = new StandardJarScanner();
        scanner.setScanClassPath(false);
        context.setAttribute(JarScanner.class.getName(), scanner);
        context.addServletContainerInitializer(new JasperInitializer(), null);
        if (servlet) {
            context.addJspServlet(JspServlet.class, SERVLET_PARAMETERS);
        }
    }

    /**
     * Whether an initializer of the application is Jasper's (a WAR that brings its own JSP engine, as one had to
     * before the launcher carried one): the container's already runs, and a second would add each TLD's listeners
     * twice.
     */
    static boolean isJaspers(Class<? extends ServletContainerInitializer> initializer) {
        return JasperInitializer.class.isAssignableFrom(initializer);
    }
}
