package org.fcgibridge.sample;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.annotation.WebFilter;
import jakarta.servlet.http.HttpFilter;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;

/** Marks every response with the application's name, so a test can tell it from the web server's own answers. */
@WebFilter(urlPatterns = "/*", asyncSupported = true)
public final class ServedByFilter extends HttpFilter {
    /** The response header the filter adds. */
    public static final String HEADER = "X-Served-By";

    @Override
    protected void doFilter(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws IOException, ServletException {
        response.setHeader(HEADER, "war-sample");
        chain.doFilter(request, response);
    }
}
