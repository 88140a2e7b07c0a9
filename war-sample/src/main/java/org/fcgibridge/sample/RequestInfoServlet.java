package org.fcgibridge.sample;

import jakarta.servlet.annotation.WebServlet;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * What the application sees of a request, as JSON: {@code /info/any/path?x=1}. Shows how the web server in front and
 * the bridge map a request (paths, query, host, scheme, client).
 */
@WebServlet("/info/*")
public final class RequestInfoServlet extends HttpServlet {
    @Override
    protected void service(HttpServletRequest request, HttpServletResponse response) throws IOException {
        request.setCharacterEncoding("UTF-8");
        Map<String, Object> info = new LinkedHashMap<>();
        info.put("method", request.getMethod());
        info.put("requestURI", request.getRequestURI());
        info.put("requestURL", request.getRequestURL().toString());
        info.put("contextPath", request.getContextPath());
        info.put("servletPath", request.getServletPath());
        info.put("pathInfo", request.getPathInfo());
        info.put("queryString", request.getQueryString());
        Map<String, Object> parameters = new TreeMap<>();
        request.getParameterMap().forEach((name, values) -> parameters.put(name, String.join(",", values)));
        info.put("parameters", parameters);
        info.put("scheme", request.getScheme());
        info.put("secure", request.isSecure());
        info.put("serverName", request.getServerName());
        info.put("serverPort", request.getServerPort());
        info.put("remoteAddr", request.getRemoteAddr());
        info.put("contentType", request.getContentType());
        info.put("contentLength", request.getContentLengthLong());
        response.setContentType("application/json");
        response.setCharacterEncoding("UTF-8");
        response.getWriter().print(Json.write(info));
    }
}
