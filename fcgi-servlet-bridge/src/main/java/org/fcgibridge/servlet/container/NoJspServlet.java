package org.fcgibridge.servlet.container;

import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * What answers for JSP pages where no JSP engine is on the class path (an application that embeds the bridge without
 * Jasper, {@code org.mortbay.jasper:apache-jsp}, which the launcher jar carries): the {@code *.jsp} family of
 * url-patterns, {@code <jsp-file>} servlets and {@code addJspFile} registrations. A GET answers 500 "JSP support not
 * configured" and the first one logs why, as plain Jetty does without a JSP engine; the page's source is never sent.
 */
public final class NoJspServlet extends HttpServlet {
    private static final long serialVersionUID = 1L;
    private static final System.Logger LOG = System.getLogger(NoJspServlet.class.getName());

    /** The url-patterns of a JSP engine (Jetty's webdefault-ee10.xml maps the same ones). */
    public static final List<String> PATTERNS = List.of("*.jsp", "*.jspf", "*.jspx", "*.xsp", "*.JSP", "*.JSPF",
            "*.JSPX", "*.XSP");
    private static final List<String> EXTENSIONS = List.of(".jsp", ".jspf", ".jspx", ".xsp");

    private final AtomicBoolean warned = new AtomicBoolean();

    /** Whether {@code path} names a JSP page (any case), which is never served as a static file. */
    public static boolean isJsp(String path) {
        String lower = path.toLowerCase(Locale.ROOT);
        for (String extension : EXTENSIONS) {
            if (lower.endsWith(extension)) {
                return true;
            }
        }
        return false;
    }

    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
        if (warned.compareAndSet(false, true)) {
            LOG.log(System.Logger.Level.WARNING, "{0}: JSP pages cannot run: no JSP engine is on the class path "
                    + "(Jasper, org.mortbay.jasper:apache-jsp, as the launcher jar has it); every JSP request answers "
                    + "500 (the first was {1})",
                    getServletContext().getContextPath().isEmpty() ? "/" : getServletContext().getContextPath(),
                    request.getRequestURI());
        }
        response.sendError(HttpServletResponse.SC_INTERNAL_SERVER_ERROR, "JSP support not configured");
    }
}
