package org.fcgibridge.sample;

import jakarta.servlet.annotation.WebServlet;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;

/**
 * Guards {@code /private/}: a request needs the header {@code X-Api-Key: open-sesame}. Behind a web server that asks
 * the bridge as a FastCGI AUTHORIZER (lighttpd's {@code "mode" => "authorizer"}), an allowed request is answered 200
 * with a {@code Variable-API_CLIENT} header, which the web server passes to whatever serves the request; a refused
 * one gets its 403 page. Asked as an ordinary responder, it serves the private page itself.
 */
@WebServlet("/private/*")
public final class GatekeeperServlet extends HttpServlet {
    /** The request attribute in which fcgi-bridge names the FastCGI role of a request. */
    static final String ROLE_ATTRIBUTE = "org.fcgibridge.fcgi.role";
    static final String KEY = "open-sesame";
    static final String CLIENT = "sample-client";

    @Override
    protected void service(HttpServletRequest request, HttpServletResponse response) throws IOException {
        if (!KEY.equals(request.getHeader("X-Api-Key"))) {
            response.sendError(HttpServletResponse.SC_FORBIDDEN, "a valid X-Api-Key header is needed");
            return;
        }
        if ("AUTHORIZER".equals(request.getAttribute(ROLE_ATTRIBUTE))) {
            response.setHeader("Variable-API_CLIENT", CLIENT);
            return;
        }
        response.setContentType("text/plain");
        response.getWriter().print("private page for " + CLIENT);
    }
}
