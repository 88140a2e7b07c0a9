package org.fcgibridge.servlet.jetty;

import jakarta.servlet.DispatcherType;
import jakarta.servlet.ServletContextEvent;
import jakarta.servlet.ServletContextListener;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpServletResponseWrapper;
import java.io.IOException;
import java.util.Collections;
import java.util.Enumeration;
import java.util.Locale;
import java.util.Set;
import org.eclipse.jetty.ee10.servlet.DefaultServlet;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.ee10.webapp.WebAppContext;

/**
 * Jetty's default servlet, which serves a static file to an include or an error page whole, as Tomcat's default
 * servlet and the standalone engine's do (Servlet 6.0 section 9.3: an include adds the resource's content, and only
 * its status and headers are ignored). Jetty's own
 * <ul>
 * <li>writes nothing once the response is committed, include or not: a JSP page's
 * {@code <jsp:include page="/static.txt" flush="true"/>} (or a servlet that flushes, then includes a file) lost the
 * file;</li>
 * <li>applies the client's Range and If-* headers to the included file or the error page: a request with a Range
 * header got a slice of the included file inside the page, and a static 404 page turned into a 304 or a 206.</li>
 * </ul>
 */
public class DispatchableDefaultServlet extends DefaultServlet {
    private static final long serialVersionUID = 1L;
    /** The request headers about the resource the client asked for, not about one an include or error page sends. */
    private static final Set<String> CONDITIONS = Set.of("range", "if-range", "if-match", "if-none-match",
            "if-modified-since", "if-unmodified-since");

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
                    holder.setHeldClass(DispatchableDefaultServlet.class);
                }
            }
        });
    }

    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response)
            throws ServletException, IOException {
        DispatcherType type = request.getDispatcherType();
        if (type == DispatcherType.INCLUDE || type == DispatcherType.ERROR) {
            request = new WithoutConditions(request);
        }
        if (type == DispatcherType.INCLUDE && response.isCommitted()) {
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

    /** The request without its Range and If-* headers. */
    private static final class WithoutConditions extends HttpServletRequestWrapper {
        WithoutConditions(HttpServletRequest request) {
            super(request);
        }

        private static boolean hidden(String name) {
            return name != null && CONDITIONS.contains(name.toLowerCase(Locale.ROOT));
        }

        @Override
        public String getHeader(String name) {
            return hidden(name) ? null : super.getHeader(name);
        }

        @Override
        public Enumeration<String> getHeaders(String name) {
            return hidden(name) ? Collections.emptyEnumeration() : super.getHeaders(name);
        }

        @Override
        public Enumeration<String> getHeaderNames() {
            return Collections.enumeration(Collections.list(super.getHeaderNames()).stream()
                    .filter(name -> !hidden(name)).toList());
        }

        @Override
        public long getDateHeader(String name) {
            return hidden(name) ? -1 : super.getDateHeader(name);
        }

        @Override
        public int getIntHeader(String name) {
            return hidden(name) ? -1 : super.getIntHeader(name);
        }
    }
}
