package org.fcgibridge.servlet.jetty;

import org.eclipse.jetty.ee.webapp.WebAppClassLoader;
import org.eclipse.jetty.ee10.webapp.WebAppContext;

/** Jetty's WebAppContext with an {@link ApplicationClassLoader}, which Jetty creates and closes as its own. */
final class BridgeWebAppContext extends WebAppContext {
    BridgeWebAppContext(String war, String contextPath) {
        super(war, contextPath);
    }

    @Override
    protected ClassLoader configureClassLoader(ClassLoader loader) {
        return loader instanceof WebAppClassLoader ? loader : new ApplicationClassLoader(loader, this);
    }
}
