package org.fcgibridge.servlet.jetty;

import org.eclipse.jetty.ee10.servlet.DefaultServlet;
import org.eclipse.jetty.ee10.webapp.WebAppContext;
import org.eclipse.jetty.server.AllowedResourceAliasChecker;

/**
 * What the Jetty engine serves by default, the same as the standalone engine: no directory listings (403, as Jetty's
 * dirAllowed=false answers), no file whose real path (symlinks resolved) is outside the application's directory or
 * under its WEB-INF or META-INF, and error pages without exception details ({@link QuietErrorHandler}).
 */
final class ServingDefaults {
    private ServingDefaults() {
    }

    /** Applies them to a context that has not started; the application's own context-params still win. */
    static void apply(WebAppContext webapp) {
        webapp.setInitParameter(DefaultServlet.CONTEXT_INIT + "dirAllowed", "false");
        // Jetty's default on Unix, SymlinkAllowedResourceAliasChecker, follows a symlink wherever it points; this one
        // allows an alias only when its target is itself an allowed resource of the context
        webapp.clearAliasChecks();
        webapp.addAliasCheck(new AllowedResourceAliasChecker(webapp));
        webapp.setErrorHandler(new QuietErrorHandler());
    }
}
