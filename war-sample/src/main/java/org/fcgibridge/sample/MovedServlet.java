package org.fcgibridge.sample;

import jakarta.servlet.annotation.WebServlet;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;

/** An old address: {@code /old-hello} redirects to the hello page (the container makes the Location absolute). */
@WebServlet("/old-hello")
public final class MovedServlet extends HttpServlet {
    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
        response.sendRedirect("hello?name=" + java.net.URLEncoder.encode("moved visitor",
                java.nio.charset.StandardCharsets.UTF_8));
    }
}
