package org.fcgibridge.servlet.diff;

import jakarta.servlet.AsyncContext;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.MultipartConfigElement;
import jakarta.servlet.RequestDispatcher;
import jakarta.servlet.ServletContainerInitializer;
import jakarta.servlet.ServletContext;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRegistration;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.Cookie;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletMapping;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpSession;
import jakarta.servlet.http.Part;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The web application of the differential tests, registered through the standard ServletContext API so that Jetty
 * and the bridge run exactly the same code. Each servlet prints what the servlet API told it, or exercises one part
 * of the response API.
 */
public final class ProbeApp implements ServletContainerInitializer {
    static final AtomicInteger REQUESTS = new AtomicInteger();

    @Override
    public void onStartup(Set<Class<?>> classes, ServletContext context) {
        ServletRegistration.Dynamic dump = context.addServlet("dump", new DumpServlet());
        dump.addMapping("/exact", "/prefix/*", "*.ext", "/", "", "/prefix/deeper/*");
        context.addServlet("status", new StatusServlet()).addMapping("/status/*");
        context.addServlet("headers", new HeaderServlet()).addMapping("/headers/*");
        context.addServlet("content", new ContentServlet()).addMapping("/content/*");
        context.addServlet("cookies", new CookieServlet()).addMapping("/cookies/*");
        context.addServlet("error", new ErrorServlet()).addMapping("/error/*");
        context.addServlet("redirect", new RedirectServlet()).addMapping("/redirect/*");
        context.addServlet("buffer", new BufferServlet()).addMapping("/buffer/*");
        context.addServlet("form", new FormServlet()).addMapping("/form/*");
        ServletRegistration.Dynamic upload = context.addServlet("upload", new UploadServlet());
        upload.addMapping("/upload/*");
        upload.setMultipartConfig(new MultipartConfigElement(null, 1 << 20, 4 << 20, 1024));
        context.addServlet("dispatch", new DispatchServlet()).addMapping("/dispatch/*");
        context.addServlet("errorpage", new ErrorPageServlet()).addMapping("/errorpage/*");
        context.addServlet("session", new SessionServlet()).addMapping("/session/*");
        ServletRegistration.Dynamic async = context.addServlet("async", new AsyncServlet());
        async.addMapping("/async/*");
        async.setAsyncSupported(true);
        context.addServlet("wrapped", new WrappedServlet()).addMapping("/wrapped/*");
        jakarta.servlet.FilterRegistration.Dynamic tag = context.addFilter("tag", new TagFilter());
        tag.setAsyncSupported(true);
        tag.addMappingForUrlPatterns(EnumSet.of(DispatcherType.REQUEST, DispatcherType.FORWARD,
                DispatcherType.INCLUDE, DispatcherType.ERROR, DispatcherType.ASYNC), false, "/dispatch/*", "/prefix/*",
                "/async/*", "/errorpage/*");
        context.addFilter("sync-only", new TagFilter()).addMappingForUrlPatterns(null, false, "/async/sync/*");
        ServletRegistration.Dynamic asyncBlocked = context.addServlet("async-blocked", new AsyncServlet());
        asyncBlocked.addMapping("/async/sync/*");
        asyncBlocked.setAsyncSupported(true);
        context.addFilter("named", new TagFilter()).addMappingForServletNames(EnumSet.of(DispatcherType.REQUEST),
                false, "status");
        context.setInitParameter("probe", "yes");
    }

    /** Prints the request as the servlet API reports it. */
    static final class DumpServlet extends HttpServlet {
        @Override
        protected void service(HttpServletRequest req, HttpServletResponse resp) throws IOException {
            REQUESTS.incrementAndGet();
            resp.setContentType("text/plain;charset=UTF-8");
            PrintWriter out = resp.getWriter();
            dump(req, out);
        }
    }

    static void dump(HttpServletRequest req, PrintWriter out) {
        out.println("method=" + req.getMethod());
        out.println("requestURI=" + req.getRequestURI());
        out.println("requestURL=" + req.getRequestURL());
        out.println("contextPath=" + req.getContextPath());
        out.println("servletPath=" + req.getServletPath());
        out.println("pathInfo=" + req.getPathInfo());
        out.println("queryString=" + req.getQueryString());
        HttpServletMapping mapping = req.getHttpServletMapping();
        out.println("mapping=" + mapping.getMappingMatch() + " pattern=" + mapping.getPattern() + " match="
                + mapping.getMatchValue() + " servlet=" + mapping.getServletName());
        out.println("dispatcherType=" + req.getDispatcherType());
        out.println("scheme=" + req.getScheme() + " secure=" + req.isSecure() + " protocol=" + req.getProtocol());
        out.println("server=" + req.getServerName() + ":" + req.getServerPort());
        out.println("remoteAddr=" + req.getRemoteAddr());
        out.println("contentType=" + req.getContentType() + " contentLength=" + req.getContentLength()
                + " encoding=" + req.getCharacterEncoding());
        Map<String, String[]> params = new TreeMap<>(req.getParameterMap());
        for (Map.Entry<String, String[]> param : params.entrySet()) {
            out.println("param " + param.getKey() + "=" + String.join(",", param.getValue()));
        }
        for (String header : new String[] {"User-Agent", "Accept", "X-Test", "x-lower", "Accept-Language",
            "Cookie", "If-Modified-Since"}) {
            out.println("header " + header + "=" + req.getHeader(header));
        }
        out.println("date If-Modified-Since=" + safeDate(req));
        Cookie[] cookies = req.getCookies();
        if (cookies != null) {
            for (Cookie cookie : cookies) {
                out.println("cookie " + cookie.getName() + "=" + cookie.getValue());
            }
        }
        out.println("locale=" + req.getLocale().toLanguageTag());
        List<String> locales = new ArrayList<>();
        for (Locale locale : Collections.list(req.getLocales())) {
            locales.add(locale.toLanguageTag());
        }
        out.println("locales=" + locales);
        out.println("pathTranslated=" + (req.getPathTranslated() != null));
        out.println("initParam=" + req.getServletContext().getInitParameter("probe"));
        out.println("tag=" + req.getAttribute("tag"));
        for (String name : new String[] {RequestDispatcher.FORWARD_REQUEST_URI, RequestDispatcher.FORWARD_SERVLET_PATH,
            RequestDispatcher.FORWARD_PATH_INFO, RequestDispatcher.FORWARD_QUERY_STRING,
            RequestDispatcher.INCLUDE_REQUEST_URI, RequestDispatcher.INCLUDE_SERVLET_PATH,
            RequestDispatcher.INCLUDE_PATH_INFO, RequestDispatcher.INCLUDE_QUERY_STRING,
            RequestDispatcher.ERROR_STATUS_CODE, RequestDispatcher.ERROR_REQUEST_URI,
            RequestDispatcher.ERROR_SERVLET_NAME, RequestDispatcher.ERROR_MESSAGE,
            RequestDispatcher.ERROR_EXCEPTION_TYPE, AsyncContext.ASYNC_REQUEST_URI,
            AsyncContext.ASYNC_SERVLET_PATH}) {
            Object value = req.getAttribute(name);
            if (value != null) {
                out.println("attr " + name + "=" + value);
            }
        }
    }

    private static String safeDate(HttpServletRequest req) {
        try {
            return Long.toString(req.getDateHeader("If-Modified-Since"));
        } catch (IllegalArgumentException e) {
            return "IllegalArgumentException";
        }
    }

    /** /status/NNN: that status, with a body; /status/NNN/empty: without. */
    static final class StatusServlet extends HttpServlet {
        @Override
        protected void service(HttpServletRequest req, HttpServletResponse resp) throws IOException {
            String[] parts = req.getPathInfo().substring(1).split("/");
            resp.setStatus(Integer.parseInt(parts[0]));
            if (parts.length == 1) {
                resp.setContentType("text/plain");
                resp.getOutputStream().write(("status " + parts[0] + " tag=" + req.getAttribute("tag"))
                        .getBytes(StandardCharsets.US_ASCII));
            }
        }
    }

    /** Sets, adds and reads response headers. */
    static final class HeaderServlet extends HttpServlet {
        @Override
        protected void service(HttpServletRequest req, HttpServletResponse resp) throws IOException {
            String what = req.getPathInfo();
            switch (what) {
                case "/set":
                    resp.setHeader("X-One", "1");
                    resp.setHeader("X-One", "2");
                    resp.addHeader("X-Many", "a");
                    resp.addHeader("X-Many", "b");
                    resp.setIntHeader("X-Int", 42);
                    resp.setDateHeader("X-Date", 0);
                    resp.setHeader("X-Removed", "x");
                    resp.setHeader("X-Removed", null);
                    break;
                case "/crlf":
                    String outcome;
                    try {
                        resp.setHeader("X-Bad", "a\r\nInjected: yes");
                        outcome = "accepted:" + resp.getHeader("X-Bad");
                    } catch (IllegalArgumentException e) {
                        outcome = "refused";
                    }
                    resp.setHeader("X-Outcome", outcome.contains("Injected: yes\r") ? "raw" : "safe");
                    break;
                case "/read":
                    resp.setHeader("X-A", "a");
                    resp.addHeader("X-B", "b1");
                    resp.addHeader("X-B", "b2");
                    resp.setContentType("text/plain");
                    PrintWriter out = resp.getWriter();
                    out.println("X-A=" + resp.getHeader("X-A") + " X-B=" + resp.getHeaders("X-B")
                            + " contains=" + resp.containsHeader("x-a") + " missing=" + resp.getHeader("X-None"));
                    return;
                case "/locale":
                    resp.setLocale(Locale.FRANCE);
                    resp.setContentType("text/plain");
                    resp.getWriter().print("encoding=" + resp.getCharacterEncoding());
                    return;
                default:
                    resp.sendError(404);
                    return;
            }
            resp.setContentType("text/plain");
            resp.getWriter().print("ok");
        }
    }

    /** Content types, encodings and writers. */
    static final class ContentServlet extends HttpServlet {
        @Override
        protected void service(HttpServletRequest req, HttpServletResponse resp) throws IOException {
            String what = req.getPathInfo();
            String text = "caf\u00e9 \u65e5\u672c";
            switch (what) {
                case "/writer-default":
                    resp.setContentType("text/plain");
                    resp.getWriter().print(text);
                    break;
                case "/writer-utf8":
                    resp.setContentType("text/plain; charset=UTF-8");
                    resp.getWriter().print(text);
                    break;
                case "/writer-set-encoding":
                    resp.setCharacterEncoding("UTF-8");
                    resp.setContentType("text/html");
                    resp.getWriter().print(text);
                    break;
                case "/encoding-after-writer":
                    resp.setContentType("text/plain;charset=UTF-8");
                    PrintWriter writer = resp.getWriter();
                    resp.setCharacterEncoding("ISO-8859-1");
                    resp.setContentType("text/html;charset=ISO-8859-1");
                    writer.print(text + " " + resp.getCharacterEncoding());
                    break;
                case "/stream":
                    resp.setContentType("application/octet-stream");
                    resp.getOutputStream().write(new byte[] {0, 1, 2, (byte) 0xFF});
                    break;
                case "/no-type":
                    resp.getOutputStream().write("no type".getBytes(StandardCharsets.US_ASCII));
                    break;
                case "/both":
                    resp.getOutputStream();
                    String outcome;
                    try {
                        resp.getWriter();
                        outcome = "allowed";
                    } catch (IllegalStateException e) {
                        outcome = "IllegalStateException";
                    }
                    resp.setContentType("text/plain");
                    resp.getOutputStream().print(outcome);
                    break;
                case "/length":
                    resp.setContentType("text/plain");
                    resp.setContentLength(5);
                    resp.getOutputStream().write("12345 and more".getBytes(StandardCharsets.US_ASCII));
                    break;
                case "/json":
                    resp.setContentType("application/json");
                    resp.setCharacterEncoding("UTF-8");
                    resp.getWriter().print("{\"name\":\"" + text + "\"}");
                    break;
                case "/empty":
                    break;
                case "/charset-only":
                    resp.setCharacterEncoding("UTF-8");
                    resp.getOutputStream().write("x".getBytes(StandardCharsets.US_ASCII));
                    break;
                case "/large":
                    resp.setContentType("text/plain");
                    PrintWriter large = resp.getWriter();
                    for (int i = 0; i < 20000; i++) {
                        large.println("line " + i);
                    }
                    break;
                default:
                    resp.sendError(404);
            }
        }
    }

    /** Cookies with their attributes. */
    static final class CookieServlet extends HttpServlet {
        @Override
        protected void service(HttpServletRequest req, HttpServletResponse resp) throws IOException {
            switch (req.getPathInfo()) {
                case "/simple":
                    resp.addCookie(new Cookie("a", "1"));
                    break;
                case "/attributes":
                    Cookie cookie = new Cookie("b", "2");
                    cookie.setPath("/x");
                    cookie.setDomain("example.com");
                    cookie.setHttpOnly(true);
                    cookie.setSecure(true);
                    cookie.setAttribute("SameSite", "Strict");
                    resp.addCookie(cookie);
                    break;
                case "/delete":
                    Cookie gone = new Cookie("c", "");
                    gone.setMaxAge(0);
                    resp.addCookie(gone);
                    break;
                case "/max-age":
                    Cookie aged = new Cookie("f", "6");
                    aged.setMaxAge(3600);
                    resp.addCookie(aged);
                    break;
                case "/two":
                    resp.addCookie(new Cookie("d", "4"));
                    resp.addCookie(new Cookie("e", "5"));
                    break;
                default:
                    resp.sendError(404);
                    return;
            }
            resp.setContentType("text/plain");
            resp.getWriter().print("cookies");
        }
    }

    /** sendError and exceptions. */
    static final class ErrorServlet extends HttpServlet {
        @Override
        protected void service(HttpServletRequest req, HttpServletResponse resp) throws IOException,
                ServletException {
            switch (req.getPathInfo()) {
                case "/send404":
                    resp.setHeader("X-Before", "kept?");
                    resp.getWriter().print("discarded");
                    resp.sendError(404);
                    break;
                case "/send-message":
                    resp.sendError(409, "the thing conflicts");
                    break;
                case "/runtime":
                    throw new IllegalStateException("boom");
                case "/header-then-runtime":
                    resp.setHeader("X-Before", "kept?");
                    resp.setContentType("application/json");
                    resp.getWriter().print("discarded");
                    throw new IllegalStateException("boom");
                case "/cache-then-runtime":
                    resp.setHeader("Cache-Control", "public, max-age=3600");
                    resp.setHeader("ETag", "\"v1\"");
                    resp.setHeader("Vary", "Accept");
                    resp.setDateHeader("Last-Modified", 0);
                    resp.setDateHeader("Expires", 0);
                    resp.setHeader("X-Before", "kept");
                    throw new IllegalStateException("boom");
                case "/servlet-exception":
                    throw new ServletException("wrapped", new IllegalArgumentException("inner"));
                case "/io":
                    throw new IOException("io failure");
                case "/after-commit":
                    resp.setContentType("text/plain");
                    resp.getWriter().print("partial");
                    resp.flushBuffer();
                    throw new IllegalStateException("late");
                case "/send-after-write":
                    resp.getWriter().print("x");
                    resp.flushBuffer();
                    String outcome;
                    try {
                        resp.sendError(500);
                        outcome = "allowed";
                    } catch (IllegalStateException e) {
                        outcome = "IllegalStateException";
                    }
                    resp.getWriter().print(outcome);
                    break;
                case "/write-after-error":
                    resp.sendError(403);
                    resp.getWriter().print("ignored");
                    resp.setStatus(200);
                    break;
                default:
                    resp.sendError(404);
            }
        }
    }

    /** sendRedirect in its forms. */
    static final class RedirectServlet extends HttpServlet {
        @Override
        protected void service(HttpServletRequest req, HttpServletResponse resp) throws IOException {
            switch (req.getPathInfo()) {
                case "/absolute":
                    resp.sendRedirect("https://example.com/there?x=1");
                    break;
                case "/root-relative":
                    resp.sendRedirect("/somewhere/else");
                    break;
                case "/relative":
                    resp.sendRedirect("sibling?y=2");
                    break;
                case "/dotdot":
                    resp.sendRedirect("../up");
                    break;
                case "/after-write":
                    resp.getWriter().print("dropped");
                    resp.sendRedirect("/target");
                    break;
                case "/then-writer":
                    // a JSP page's way: the type first, the writer at the page's end, after its sendRedirect
                    resp.setContentType("text/plain");
                    resp.sendRedirect("/target");
                    resp.getWriter().print("dropped");
                    break;
                default:
                    resp.sendError(404);
            }
        }
    }

    /** Buffer, reset, flush and commit. */
    static final class BufferServlet extends HttpServlet {
        @Override
        protected void service(HttpServletRequest req, HttpServletResponse resp) throws IOException {
            resp.setContentType("text/plain");
            switch (req.getPathInfo()) {
                case "/reset":
                    resp.setHeader("X-Gone", "1");
                    resp.setStatus(500);
                    resp.getWriter().print("gone");
                    resp.reset();
                    resp.setContentType("text/plain");
                    resp.getWriter().print("after reset committed=" + resp.isCommitted());
                    break;
                case "/reset-buffer":
                    resp.setHeader("X-Stays", "1");
                    resp.getWriter().print("gone");
                    resp.resetBuffer();
                    resp.getWriter().print("kept");
                    break;
                case "/flush":
                    resp.getWriter().print("one ");
                    resp.flushBuffer();
                    resp.getWriter().print("committed=" + resp.isCommitted());
                    break;
                case "/small-buffer":
                    resp.setBufferSize(16);
                    resp.getWriter().print("0123456789abcdefghijklmnop committed=");
                    resp.getWriter().flush();
                    resp.getWriter().print(resp.isCommitted());
                    break;
                case "/size":
                    resp.getWriter().print("buffer>=" + (resp.getBufferSize() >= 8192));
                    break;
                default:
                    resp.sendError(404);
            }
        }
    }

    /** Form parameters, bodies and the reader. */
    static final class FormServlet extends HttpServlet {
        @Override
        protected void service(HttpServletRequest req, HttpServletResponse resp) throws IOException {
            resp.setContentType("text/plain;charset=UTF-8");
            PrintWriter out = resp.getWriter();
            switch (req.getPathInfo()) {
                case "/params":
                    dump(req, out);
                    break;
                case "/set-encoding":
                    req.setCharacterEncoding("UTF-8");
                    out.println("name=" + req.getParameter("name"));
                    break;
                case "/body":
                    byte[] body = req.getInputStream().readAllBytes();
                    out.println("bytes=" + body.length + " text=" + new String(body, StandardCharsets.UTF_8));
                    out.println("param=" + req.getParameter("a"));
                    break;
                case "/reader":
                    StringBuilder text = new StringBuilder();
                    char[] buffer = new char[256];
                    int n;
                    while ((n = req.getReader().read(buffer)) >= 0) {
                        text.append(buffer, 0, n);
                    }
                    out.println("read=" + text + " encoding=" + req.getCharacterEncoding());
                    break;
                case "/stream-then-reader":
                    req.getInputStream();
                    try {
                        req.getReader();
                        out.println("allowed");
                    } catch (IllegalStateException e) {
                        out.println("IllegalStateException");
                    }
                    break;
                default:
                    resp.sendError(404);
            }
        }
    }

    /** multipart/form-data through getParts(). */
    static final class UploadServlet extends HttpServlet {
        @Override
        protected void doPost(HttpServletRequest req, HttpServletResponse resp) throws IOException,
                ServletException {
            resp.setContentType("text/plain;charset=UTF-8");
            PrintWriter out = resp.getWriter();
            List<String> lines = new ArrayList<>();
            for (Part part : req.getParts()) {
                byte[] bytes = part.getInputStream().readAllBytes();
                lines.add("part " + part.getName() + " file=" + part.getSubmittedFileName() + " type="
                        + part.getContentType() + " size=" + part.getSize() + " sum=" + checksum(bytes));
            }
            Collections.sort(lines);
            for (String line : lines) {
                out.println(line);
            }
            out.println("param field=" + req.getParameter("field"));
        }

        private static long checksum(byte[] bytes) {
            java.util.zip.CRC32 crc = new java.util.zip.CRC32();
            crc.update(bytes);
            return crc.getValue();
        }
    }

    /** forward, include, named dispatch. */
    static final class DispatchServlet extends HttpServlet {
        @Override
        protected void service(HttpServletRequest req, HttpServletResponse resp) throws IOException,
                ServletException {
            switch (req.getPathInfo()) {
                case "/forward":
                    resp.setHeader("X-Before-Forward", "1");
                    req.getRequestDispatcher("/prefix/target/x?fwd=1&a=override").forward(req, resp);
                    break;
                case "/forward-relative":
                    req.getRequestDispatcher("sibling.ext").forward(req, resp);
                    break;
                case "/forward-exact":
                    req.getRequestDispatcher("/exact").forward(req, resp);
                    break;
                case "/include":
                    resp.setContentType("text/plain;charset=UTF-8");
                    resp.getWriter().println("before include");
                    req.getRequestDispatcher("/prefix/included?inc=1").include(req, resp);
                    resp.getWriter().println("after include");
                    break;
                case "/include-status":
                    resp.setContentType("text/plain");
                    req.getRequestDispatcher("/status/418").include(req, resp);
                    resp.getWriter().print(" outer");
                    break;
                case "/named":
                    req.getServletContext().getNamedDispatcher("dump").forward(req, resp);
                    break;
                case "/forward-then-write":
                    req.getRequestDispatcher("/status/202").forward(req, resp);
                    resp.getWriter().print("ignored after forward");
                    break;
                case "/missing":
                    resp.setContentType("text/plain");
                    resp.getWriter().print("dispatcher=" + req.getServletContext().getRequestDispatcher("relative"));
                    break;
                default:
                    resp.sendError(404);
            }
        }
    }

    /** An error page that prints the error attributes. */
    static final class ErrorPageServlet extends HttpServlet {
        @Override
        protected void service(HttpServletRequest req, HttpServletResponse resp) throws IOException {
            resp.setContentType("text/plain;charset=UTF-8");
            dump(req, resp.getWriter());
        }
    }

    /** A session counter. */
    static final class SessionServlet extends HttpServlet {
        @Override
        protected void service(HttpServletRequest req, HttpServletResponse resp) throws IOException {
            resp.setContentType("text/plain");
            PrintWriter out = resp.getWriter();
            switch (req.getPathInfo()) {
                case "/none":
                    out.print("session=" + req.getSession(false));
                    break;
                case "/count":
                    HttpSession session = req.getSession();
                    Integer count = (Integer) session.getAttribute("count");
                    count = count == null ? 1 : count + 1;
                    session.setAttribute("count", count);
                    out.print("count=" + count + " new=" + session.isNew());
                    break;
                case "/invalidate":
                    HttpSession existing = req.getSession(false);
                    if (existing != null) {
                        existing.invalidate();
                    }
                    out.print("invalidated=" + (existing != null));
                    break;
                default:
                    resp.sendError(404);
            }
        }
    }

    /** Asynchronous processing. */
    static final class AsyncServlet extends HttpServlet {
        @Override
        protected void service(HttpServletRequest req, HttpServletResponse resp) throws IOException {
            if (req.getDispatcherType() == DispatcherType.ASYNC) {
                resp.setContentType("text/plain;charset=UTF-8");
                resp.getWriter().println("async dispatch");
                dump(req, resp.getWriter());
                return;
            }
            switch (req.getPathInfo()) {
                case "/complete":
                    AsyncContext async = req.startAsync();
                    async.start(() -> {
                        try {
                            async.getResponse().setContentType("text/plain");
                            async.getResponse().getWriter().print("completed on another thread");
                        } catch (IOException e) {
                            throw new IllegalStateException(e);
                        }
                        async.complete();
                    });
                    break;
                case "/dispatch":
                    AsyncContext again = req.startAsync();
                    again.start(again::dispatch);
                    break;
                case "/dispatch-path":
                    AsyncContext other = req.startAsync();
                    other.start(() -> other.dispatch("/async/target?after=1"));
                    break;
                case "/timeout":
                    AsyncContext slow = req.startAsync();
                    slow.setTimeout(200);
                    break;
                case "/timeout-listener":
                    AsyncContext heard = req.startAsync();
                    heard.setTimeout(200);
                    heard.addListener(new jakarta.servlet.AsyncListener() {
                        @Override
                        public void onComplete(jakarta.servlet.AsyncEvent event) {
                        }

                        @Override
                        public void onTimeout(jakarta.servlet.AsyncEvent event) throws IOException {
                            event.getAsyncContext().getResponse().setContentType("text/plain");
                            event.getAsyncContext().getResponse().getWriter().print("timed out, answered");
                            event.getAsyncContext().complete();
                        }

                        @Override
                        public void onError(jakarta.servlet.AsyncEvent event) {
                        }

                        @Override
                        public void onStartAsync(jakarta.servlet.AsyncEvent event) {
                        }
                    });
                    break;
                case "/not-started":
                    resp.setContentType("text/plain");
                    resp.getWriter().print("isAsyncStarted=" + req.isAsyncStarted() + " supported="
                            + req.isAsyncSupported());
                    break;
                default:
                    resp.sendError(404);
            }
        }
    }

    /** A request wrapper passed down a forward. */
    static final class WrappedServlet extends HttpServlet {
        @Override
        protected void service(HttpServletRequest req, HttpServletResponse resp) throws IOException,
                ServletException {
            HttpServletRequest wrapped = new HttpServletRequestWrapper(req) {
                @Override
                public String getParameter(String name) {
                    return "wrapped".equals(name) ? "yes" : super.getParameter(name);
                }
            };
            req.getRequestDispatcher("/form/set-encoding?name=fromwrapper").forward(wrapped, resp);
        }
    }

    /** Tags requests with the dispatcher types it saw. */
    static final class TagFilter implements Filter {
        @Override
        public void doFilter(ServletRequest request, ServletResponse response, FilterChain chain)
                throws IOException, ServletException {
            Object previous = request.getAttribute("tag");
            request.setAttribute("tag", (previous == null ? "" : previous + ",") + request.getDispatcherType());
            chain.doFilter(request, response);
        }
    }
}
