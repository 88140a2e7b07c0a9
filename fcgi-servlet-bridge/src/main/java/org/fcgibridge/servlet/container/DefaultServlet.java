package org.fcgibridge.servlet.container;

import jakarta.servlet.DispatcherType;
import jakarta.servlet.RequestDispatcher;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.fcgibridge.servlet.http.HttpDates;

/**
 * Serves the web application's static files for GET and HEAD: Content-Type from the MIME mappings, Last-Modified, a
 * weak ETag, conditional requests (If-None-Match, If-Modified-Since, If-Match, If-Unmodified-Since: 304 and 412),
 * byte ranges (one range, or several as multipart/byteranges; If-Range), welcome files for directory paths, and a
 * redirect to add the trailing slash of a directory. WEB-INF and META-INF are never served to a client, whether
 * asked for by name or reached through a symlink; the application's forwards, includes and error pages reach them.
 */
public final class DefaultServlet extends HttpServlet {
    private static final long serialVersionUID = 1L;

    @Override
    protected void service(HttpServletRequest request, HttpServletResponse response)
            throws ServletException, IOException {
        String method = request.getMethod();
        if (!method.equals("GET") && !method.equals("HEAD")) {
            if (method.equals("OPTIONS")) {
                response.setHeader("Allow", "GET, HEAD, OPTIONS");
                return;
            }
            response.setHeader("Allow", "GET, HEAD, OPTIONS");
            if (method.equals("POST")) {
                response.sendError(HttpServletResponse.SC_METHOD_NOT_ALLOWED);
            } else {
                response.setStatus(HttpServletResponse.SC_METHOD_NOT_ALLOWED);
            }
            return;
        }
        BridgeServletContext context = (BridgeServletContext) getServletContext();
        String path = resourcePath(request);
        String upper = path.toUpperCase(Locale.ROOT);
        // Servlet 6.0 section 10.5: no client reaches WEB-INF or META-INF, but the application's own forward, include
        // or error page may name them (a JSP page's <jsp:include page="/WEB-INF/header.html"/>), as in Jetty and
        // Tomcat
        boolean named = upper.startsWith("/WEB-INF") || upper.startsWith("/META-INF");
        if (named && !chosenByTheApplication(request)) {
            response.sendError(HttpServletResponse.SC_NOT_FOUND);
            return;
        }
        if (NoJspServlet.isJsp(path)) {
            // reached by name or by a path the *.jsp mappings miss (x.Jsp): a page's source is never sent
            response.sendError(HttpServletResponse.SC_NOT_FOUND);
            return;
        }
        // any other path, a forward's too (a front controller forwards the client's path), is refused where a symlink
        // leads it into WEB-INF or META-INF
        Path file = named ? context.resources().file(path) : context.resources().servable(path);
        if (file != null && Files.isDirectory(file)) {
            if (!path.endsWith("/")) {
                String query = request.getQueryString();
                response.sendRedirect(request.getRequestURI() + "/" + (query == null ? "" : "?" + query));
                return;
            }
            if (welcome(context, path, request, response)) {
                return;
            }
            response.sendError(HttpServletResponse.SC_FORBIDDEN);
            return;
        }
        if (file == null || !Files.isRegularFile(file)) {
            if (path.endsWith("/") && welcome(context, path, request, response)) {
                return;
            }
            if (request.getDispatcherType() == DispatcherType.INCLUDE) {
                // the includer learns of it (a JSP page fails: 500), as from Jetty's and Tomcat's default servlets;
                // an include's sendError would be ignored and the page go on without it
                throw new FileNotFoundException(path);
            }
            response.sendError(HttpServletResponse.SC_NOT_FOUND);
            return;
        }
        serveFile(context, file, request, response);
    }

    /** A forward, an include or an error page: the path is the application's, not a client's. */
    private static boolean chosenByTheApplication(HttpServletRequest request) {
        DispatcherType type = request.getDispatcherType();
        return type == DispatcherType.FORWARD || type == DispatcherType.INCLUDE || type == DispatcherType.ERROR;
    }

    private static String resourcePath(HttpServletRequest request) {
        Object included = request.getAttribute(RequestDispatcher.INCLUDE_REQUEST_URI);
        String servletPath;
        String pathInfo;
        if (included != null) {
            servletPath = (String) request.getAttribute(RequestDispatcher.INCLUDE_SERVLET_PATH);
            pathInfo = (String) request.getAttribute(RequestDispatcher.INCLUDE_PATH_INFO);
        } else {
            servletPath = request.getServletPath();
            pathInfo = request.getPathInfo();
        }
        String path = (servletPath == null ? "" : servletPath) + (pathInfo == null ? "" : pathInfo);
        return path.isEmpty() ? "/" : path;
    }

    /**
     * Forwards to a welcome file, or includes it within an include (Servlet 6.0 section 10.10): the first in the list
     * that exists as a file, else the first that a servlet other than this one is mapped to; false if none.
     */
    private static boolean welcome(BridgeServletContext context, String directory, HttpServletRequest request,
                                   HttpServletResponse response) throws ServletException, IOException {
        String target = null;
        for (String welcome : context.welcomeFiles()) {
            String candidate = directory + welcome;
            Path file = context.resources().servable(candidate);
            if (file != null && Files.isRegularFile(file)) {
                target = candidate;
                break;
            }
            PathMatch match = context.mappings().match(candidate);
            // the application's servlets count; the container's fallbacks (the JSP servlet at *.jsp) do not
            if (target == null && match != null && match.match() != jakarta.servlet.http.MappingMatch.DEFAULT
                    && !context.mappings().isFallback(match.getPattern())) {
                target = candidate; // a file later in the list still comes first
            }
        }
        if (target == null) {
            return false;
        }
        RequestDispatcher dispatcher = context.getRequestDispatcher(target);
        // within an include, a forward would keep the includer's include attributes: the JSP servlet, which reads
        // them first, took the directory for the page
        if (request.getDispatcherType() == DispatcherType.INCLUDE) {
            dispatcher.include(request, response);
        } else {
            dispatcher.forward(request, response);
        }
        return true;
    }

    private static void serveFile(BridgeServletContext context, Path file, HttpServletRequest request,
                                  HttpServletResponse response) throws IOException {
        long length = Files.size(file);
        long modified = Files.getLastModifiedTime(file).toMillis() / 1000 * 1000;
        // strong, as nginx makes it (mtime and size): If-Range may then use it
        String etag = "\"" + Long.toHexString(modified) + "-" + Long.toHexString(length) + "\"";
        boolean include = request.getAttribute(RequestDispatcher.INCLUDE_REQUEST_URI) != null;
        boolean head = request.getMethod().equals("HEAD");
        // an error page answers the error, whole: the client's conditions and ranges were about what it asked for (a
        // 404 page is no 304 or 206), as Tomcat's default servlet does
        boolean errorPage = request.getDispatcherType() == DispatcherType.ERROR;
        // the stream is taken only to write bytes: a 304, 412, 416 or HEAD response leaves it (or the writer) free
        if (!include) {
            response.setHeader("Accept-Ranges", "bytes");
            if (!errorPage && !preconditions(request, response, etag, modified)) {
                return;
            }
            String type = context.getMimeType(file.getFileName().toString());
            if (type != null) {
                response.setContentType(type);
            }
            response.setDateHeader("Last-Modified", modified);
            response.setHeader("ETag", etag);
            List<long[]> ranges = errorPage ? List.of() : ranges(request, etag, modified, length);
            if (ranges == null) {
                response.setHeader("Content-Range", "bytes */" + length);
                response.sendError(HttpServletResponse.SC_REQUESTED_RANGE_NOT_SATISFIABLE);
                return;
            }
            if (!ranges.isEmpty()) {
                OutputStream out = head ? null : body(response);
                sendRanges(file, ranges, length, type, response, head, out);
                finish(out);
                return;
            }
            if (head) {
                response.setContentLengthLong(length);
                return;
            }
        }
        if (head) {
            return;
        }
        OutputStream out = body(response);
        if (!include && !(out instanceof WriterOutputStream)) { // characters re-encoded may not keep the length
            response.setContentLengthLong(length);
        }
        try (InputStream in = Files.newInputStream(file)) {
            in.transferTo(out);
        }
        finish(out);
    }

    /**
     * Where a file's bytes go: the output stream, else the writer that the application took before it forwarded
     * or included (a servlet's getWriter() then a static page), as Jetty's default servlet does.
     */
    private static OutputStream body(HttpServletResponse response) throws IOException {
        try {
            return response.getOutputStream();
        } catch (IllegalStateException writerTaken) {
            Charset charset;
            try {
                charset = Charset.forName(response.getCharacterEncoding());
            } catch (IllegalArgumentException e) {
                charset = StandardCharsets.ISO_8859_1;
            }
            return new WriterOutputStream(response.getWriter(), charset);
        }
    }

    private static void finish(OutputStream out) throws IOException {
        if (out instanceof WriterOutputStream) {
            ((WriterOutputStream) out).finish();
        }
    }

    /** Evaluates the conditional headers; false if the response (304 or 412) has been decided. */
    private static boolean preconditions(HttpServletRequest request, HttpServletResponse response, String etag,
                                         long modified) throws IOException {
        String ifMatch = request.getHeader("If-Match");
        if (ifMatch != null && !ifMatch.trim().equals("*") && !matches(ifMatch, etag, false)) {
            response.sendError(HttpServletResponse.SC_PRECONDITION_FAILED);
            return false;
        }
        if (ifMatch == null) {
            long unmodifiedSince = safeDate(request, "If-Unmodified-Since");
            if (unmodifiedSince >= 0 && modified > unmodifiedSince) {
                response.sendError(HttpServletResponse.SC_PRECONDITION_FAILED);
                return false;
            }
        }
        String ifNoneMatch = request.getHeader("If-None-Match");
        if (ifNoneMatch != null) {
            if (ifNoneMatch.trim().equals("*") || matches(ifNoneMatch, etag, true)) {
                response.setHeader("ETag", etag);
                response.setStatus(HttpServletResponse.SC_NOT_MODIFIED);
                return false;
            }
            return true;
        }
        long modifiedSince = safeDate(request, "If-Modified-Since");
        if (modifiedSince >= 0 && modified <= modifiedSince) {
            response.setHeader("ETag", etag);
            response.setStatus(HttpServletResponse.SC_NOT_MODIFIED);
            return false;
        }
        return true;
    }

    private static long safeDate(HttpServletRequest request, String name) {
        String value = request.getHeader(name);
        return value == null ? -1 : HttpDates.parse(value);
    }

    private static boolean matches(String header, String etag, boolean weak) {
        String opaque = etag.startsWith("W/") ? etag.substring(2) : etag;
        for (String candidate : header.split(",")) {
            String c = candidate.trim();
            if (weak) {
                if ((c.startsWith("W/") ? c.substring(2) : c).equals(opaque)) {
                    return true;
                }
            } else if (c.equals(etag) && !etag.startsWith("W/")) {
                return true;
            }
        }
        return false;
    }

    /** The requested ranges: empty for the whole file, null if none can be satisfied. */
    private static List<long[]> ranges(HttpServletRequest request, String etag, long modified, long length) {
        String header = request.getHeader("Range");
        if (header == null || !header.toLowerCase(Locale.ROOT).startsWith("bytes=")) {
            return List.of();
        }
        String ifRange = request.getHeader("If-Range");
        if (ifRange != null) {
            long date = HttpDates.parse(ifRange);
            boolean current = date >= 0 ? modified <= date : ifRange.trim().equals(etag) && !etag.startsWith("W/");
            if (!current) {
                return List.of();
            }
        }
        // RFC 9110 section 14: ranges that start past the end are unsatisfiable, as is a header that is not ranges
        List<long[]> ranges = new ArrayList<>();
        for (String spec : header.substring(6).split(",")) {
            String s = spec.trim();
            int dash = s.indexOf('-');
            if (dash < 0) {
                return null;
            }
            try {
                long start;
                long end;
                if (dash == 0) {
                    long suffix = Long.parseLong(s.substring(1));
                    if (suffix <= 0) {
                        continue;
                    }
                    start = Math.max(0, length - suffix);
                    end = length - 1;
                } else {
                    start = Long.parseLong(s.substring(0, dash));
                    end = dash == s.length() - 1 ? length - 1 : Long.parseLong(s.substring(dash + 1));
                    if (end < start) {
                        return null;
                    }
                    end = Math.min(end, length - 1);
                }
                if (start < length) {
                    ranges.add(new long[] {start, end});
                }
            } catch (NumberFormatException e) {
                return null;
            }
        }
        return ranges.isEmpty() ? null : ranges;
    }

    private static void sendRanges(Path file, List<long[]> ranges, long length, String type,
                                   HttpServletResponse response, boolean head, OutputStream out) throws IOException {
        response.setStatus(HttpServletResponse.SC_PARTIAL_CONTENT);
        if (ranges.size() == 1) {
            long[] r = ranges.get(0);
            response.setHeader("Content-Range", "bytes " + r[0] + "-" + r[1] + "/" + length);
            if (!(out instanceof WriterOutputStream)) {
                response.setContentLengthLong(r[1] - r[0] + 1);
            }
            if (!head) {
                copy(file, r[0], r[1] - r[0] + 1, out);
            }
            return;
        }
        String boundary = Long.toHexString(System.nanoTime()) + Long.toHexString(length);
        response.setContentType("multipart/byteranges; boundary=" + boundary);
        if (head) {
            return;
        }
        boolean first = true;
        for (long[] r : ranges) {
            StringBuilder part = new StringBuilder(first ? "--" : "\r\n--").append(boundary).append("\r\n");
            first = false;
            if (type != null) {
                part.append("Content-Type: ").append(type).append("\r\n");
            }
            part.append("Content-Range: bytes ").append(r[0]).append('-').append(r[1]).append('/').append(length)
                    .append("\r\n\r\n");
            out.write(part.toString().getBytes(StandardCharsets.ISO_8859_1));
            copy(file, r[0], r[1] - r[0] + 1, out);
        }
        out.write(("\r\n--" + boundary + "--").getBytes(StandardCharsets.ISO_8859_1));
    }

    private static void copy(Path file, long start, long count, OutputStream out) throws IOException {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            channel.position(start);
            InputStream in = Channels.newInputStream(channel);
            byte[] buffer = new byte[16 * 1024];
            long left = count;
            while (left > 0) {
                int n = in.read(buffer, 0, (int) Math.min(buffer.length, left));
                if (n < 0) {
                    break;
                }
                out.write(buffer, 0, n);
                left -= n;
            }
        }
    }
}
