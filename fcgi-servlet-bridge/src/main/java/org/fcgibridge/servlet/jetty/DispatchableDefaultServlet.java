package org.fcgibridge.servlet.jetty;

import jakarta.servlet.DispatcherType;
import jakarta.servlet.ServletContextEvent;
import jakarta.servlet.ServletContextListener;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpServletResponseWrapper;
import java.io.IOException;
import org.eclipse.jetty.ee10.servlet.DefaultServlet;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.ee10.webapp.WebAppContext;

/**
 * Jetty's default servlet, which also includes a static file into a response already committed. Jetty's own returns
 * without writing anything once the response is committed, include or not, so that a JSP page's
 * {@code <jsp:include page="/static.txt" flush="true"/>} (or a servlet that flushes, then includes a file) lost the
 * file; Tomcat and the standalone engine include it, as Servlet 6.0 section 9.3 asks (an include adds the resource's
 * content; only its status and headers are ignored).
 */
public class IncludableDefaultServlet extends DefaultServlet {
    private static final long serialVersionUID = 1L;

    /** Makes {@code webapp}'s webdefault "default" servlet this one (an application's own "default" stays). */
    static void install(WebAppContext webapp) {
        // the holders of webdefault and web.xml exist once the descriptors are read, and servlets start only after
        // the context listeners ran: a listener is the last moment the holder's class can change
        webapp.addEventListener(new ServletContextListener() {
            @Override
            public void contextInitialized(ServletContextEvent event) {
                ServletHolder holder = webapp.getServletHandler().getServlet("default");
                if (holder != null && !holder.isStarted()
                        && DefaultServlet.class.getName().equals(holder.getClassName())) {
                    holder.setHeldClass(IncludableDefaultServlet.class);
                }
            }
        });
    }

    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response)
            throws ServletException, IOException {
        if (request.getDispatcherType() == DispatcherType.INCLUDE && response.isCommitted()) {
            // Jetty's servlet writes through a wrapped response as through any include's, to its writer or stream;
            // it only needs not to be told "committed", which is about the head, that an include never touches
            response = new HttpServletResponseWrapper(response) {
                @Override
                public boolean isCommitted() {
                    return false;
                }
            };
        }
        super.doGet(request, response);
    }
}
