package org.fcgibridge.sample;

import jakarta.servlet.annotation.WebServlet;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.PrintWriter;

/** The hello page: {@code /hello?name=you}. */
@WebServlet("/hello")
public final class HelloServlet extends HttpServlet {
    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
        String name = request.getParameter("name");
        response.setContentType("text/html;charset=UTF-8");
        PrintWriter out = response.getWriter();
        out.println("<!DOCTYPE html><html><head><title>Hello</title>"
                + "<link rel=\"stylesheet\" href=\"css/sample.css\"></head><body>");
        out.println("<h1>Hello, " + Html.escape(name == null || name.isBlank() ? "world" : name) + "!</h1>");
        out.println("<p>Served by a servlet over FastCGI (" + Html.escape(request.getServletContext().getServerInfo())
                + ").</p></body></html>");
    }
}
