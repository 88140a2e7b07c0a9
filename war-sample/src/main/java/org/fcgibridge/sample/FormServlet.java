package org.fcgibridge.sample;

import jakarta.servlet.annotation.WebServlet;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;

/** A form: GET shows it, POST (urlencoded) answers with what was sent. */
@WebServlet("/form")
public final class FormServlet extends HttpServlet {
    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
        response.setContentType("text/html;charset=UTF-8");
        response.getWriter().print("<!DOCTYPE html><html><body><form method=\"post\" action=\"form\">"
                + "<input name=\"name\"><input name=\"colour\"><button>Send</button></form></body></html>");
    }

    @Override
    protected void doPost(HttpServletRequest request, HttpServletResponse response) throws IOException {
        request.setCharacterEncoding("UTF-8");
        String name = request.getParameter("name");
        String colour = request.getParameter("colour");
        if (name == null || name.isBlank()) {
            response.sendError(HttpServletResponse.SC_BAD_REQUEST, "name is required");
            return;
        }
        response.setContentType("text/plain;charset=UTF-8");
        response.getWriter().print("Thanks, " + name + (colour == null ? "" : "; you like " + colour) + ".");
    }
}
