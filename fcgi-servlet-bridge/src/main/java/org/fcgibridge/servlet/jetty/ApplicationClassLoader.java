package org.fcgibridge.servlet.jetty;

import java.io.IOException;
import java.net.URL;
import java.util.Enumeration;
import org.eclipse.jetty.ee.webapp.WebAppClassLoader;
import org.eclipse.jetty.ee10.webapp.WebAppContext;

/**
 * Jetty's web application class loader, less the launcher's registrations of a service type the application defines
 * itself, which can never serve it (see {@link org.fcgibridge.servlet.war.WebAppClassLoader#definesServiceType}): the
 * same rule as the standalone engine's class loader.
 */
final class ApplicationClassLoader extends WebAppClassLoader {
    static {
        registerAsParallelCapable();
    }

    /** @param parent as Jetty's: the launcher's class loader when null */
    ApplicationClassLoader(ClassLoader parent, WebAppContext context) {
        super(parent, context);
    }

    @Override
    public Enumeration<URL> getResources(String name) throws IOException {
        if (org.fcgibridge.servlet.war.WebAppClassLoader.definesServiceType(this, name)) {
            return findResources(name);
        }
        return super.getResources(name);
    }
}
