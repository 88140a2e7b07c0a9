package org.fcgibridge.servlet.jetty;

import org.eclipse.jetty.ee.webapp.WebAppClassLoader;
import org.eclipse.jetty.ee10.servlet.ServletChannel;
import org.eclipse.jetty.ee10.servlet.ServletContextRequest;
import org.eclipse.jetty.ee10.servlet.ServletHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.ee10.webapp.WebAppContext;
import org.eclipse.jetty.http.pathmap.MatchedResource;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;

/**
 * Jetty's WebAppContext with an {@link ApplicationClassLoader}, which Jetty creates and closes as its own; and which
 * tells each FastCGI request's record the servlet it is mapped to, where Jetty maps it (once per request, before the
 * security handler and the filters), as the standalone engine does.
 */
final class BridgeWebAppContext extends WebAppContext {
    BridgeWebAppContext(String war, String contextPath) {
        super(war, contextPath);
    }

    @Override
    protected ClassLoader configureClassLoader(ClassLoader loader) {
        return loader instanceof WebAppClassLoader ? loader : new ApplicationClassLoader(loader, this);
    }

    @Override
    protected ServletContextRequest newServletContextRequest(ServletChannel channel, Request request,
                                                             Response response, String decodedPathInContext,
                                                             MatchedResource<ServletHandler.MappedServlet> matched) {
        if (request.getConnectionMetaData() instanceof RequestMetaData fastCgi) {
            ServletHolder holder = matched.getResource().getServletHolder();
            fastCgi.record().runBy(holder.getName(), holder.getClassName());
        }
        return super.newServletContextRequest(channel, request, response, decodedPathInContext, matched);
    }
}
