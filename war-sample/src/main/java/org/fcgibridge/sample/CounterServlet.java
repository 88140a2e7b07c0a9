package org.fcgibridge.sample;

import jakarta.servlet.annotation.WebServlet;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpSession;
import java.io.IOException;

/** A session counter: each visit counts one more; {@code ?reset} ends the session. */
@WebServlet("/counter")
public final class CounterServlet extends HttpServlet {
    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
        if (request.getParameter("reset") != null) {
            HttpSession old = request.getSession(false);
            if (old != null) {
                old.invalidate();
            }
            response.setContentType("text/plain");
            response.getWriter().print("reset");
            return;
        }
        HttpSession session = request.getSession();
        Integer count = (Integer) session.getAttribute("count");
        count = count == null ? 1 : count + 1;
        session.setAttribute("count", count);
        response.setContentType("text/plain");
        response.getWriter().print("visits: " + count);
    }
}
