package org.fcgibridge.servlet.container;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.servlet.AsyncContext;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRegistration;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.ServletResponseWrapper;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpServletResponseWrapper;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.fcgibridge.core.protocol.Params;
import org.fcgibridge.servlet.http.BridgeResponse;
import org.fcgibridge.servlet.http.CgiRequest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The application is given a facade of the response (as Tomcat's ResponseFacade): casting it reaches the servlet API
 * only, never the container's completion, error page, include or write-turn methods of {@link BridgeResponse}; and
 * the dispatches, wrappers and async that hand the response around keep working with it.
 */
class ResponseFacadeTest {
    /** What the servlet API and Servlet 6.1's two additions let an application call; nothing else is public. */
    private static final Set<String> SERVLET_API = servletApi();

    private final List<String> seen = new ArrayList<>();
    private BridgeServletContext app;

    private static Set<String> servletApi() {
        Set<String> api = new TreeSet<>();
        for (Method m : HttpServletResponse.class.getMethods()) {
            api.add(signature(m));
        }
        for (Method m : Object.class.getMethods()) {
            api.add(signature(m));
        }
        api.add("sendRedirect(String,int,boolean)");
        api.add("setCharacterEncoding(Charset)");
        return api;
    }

    private static String signature(Method m) {
        StringBuilder s = new StringBuilder(m.getName()).append('(');
        Class<?>[] types = m.getParameterTypes();
        for (int i = 0; i < types.length; i++) {
            s.append(i == 0 ? "" : ",").append(types[i].getSimpleName());
        }
        return s.append(')').toString();
    }

    /** The public methods an application reaches by casting {@code response} to its class, beyond the servlet API. */
    private static Set<String> beyondTheApi(ServletResponse response) {
        Set<String> extra = new TreeSet<>();
        for (Class<?> c = response.getClass(); c != null; c = c.getSuperclass()) {
            for (Method m : c.getDeclaredMethods()) {
                if (Modifier.isPublic(m.getModifiers()) && Modifier.isPublic(c.getModifiers())
                        && !SERVLET_API.contains(signature(m))) {
                    extra.add(signature(m));
                }
            }
        }
        return extra;
    }

    /** What the application finds under the response it is given, its wrappers taken off as far as they go. */
    private void look(String where, ServletResponse response) {
        ServletResponse inner = response;
        while (inner instanceof ServletResponseWrapper) {
            inner = ((ServletResponseWrapper) inner).getResponse();
        }
        seen.add(where + (inner != response ? " (wrapped)" : "") + ": " + (inner instanceof BridgeResponse) + " "
                + beyondTheApi(inner));
    }

    /** Looks at the response in each dispatch it is given in, then answers through include, forward or an error. */
    final class Looking extends HttpServlet {
        @Override
        protected void service(HttpServletRequest req, HttpServletResponse resp)
                throws ServletException, IOException {
            DispatcherType type = req.getDispatcherType();
            look(type + " " + req.getServletPath() + req.getPathInfo(), resp);
            if (type != DispatcherType.REQUEST) {
                resp.getWriter().print("[" + type + " " + resp.getStatus() + "]");
                return;
            }
            switch (req.getPathInfo()) {
                case "/include" -> {
                    resp.getWriter().print("a");
                    req.getRequestDispatcher("/s/included").include(req, new HttpServletResponseWrapper(resp));
                    resp.getWriter().print("b");
                }
                case "/forward" -> req.getRequestDispatcher("/s/forwarded").forward(req, resp);
                case "/error" -> resp.sendError(418);
                case "/async" -> {
                    AsyncContext async = req.startAsync();
                    resp.getWriter().print(async.getResponse() == resp && async.hasOriginalRequestAndResponse());
                    async.dispatch("/s/dispatched");
                }
                default -> resp.sendError(404);
            }
        }
    }

    @BeforeEach
    void start() throws ServletException {
        app = new BridgeServletContext("", getClass().getClassLoader(), WebResources.none());
        ServletRegistration.Dynamic s = app.addServlet("s", new Looking());
        s.setAsyncSupported(true);
        s.addMapping("/s/*");
        app.errorPages().add(418, "/s/errorpage");
        app.start();
    }

    @AfterEach
    void stop() {
        app.stop();
    }

    private String get(String path) throws IOException {
        Map<String, String> params = new LinkedHashMap<>();
        params.put("REQUEST_METHOD", "GET");
        params.put("REQUEST_URI", path);
        params.put("SERVER_PORT", "80");
        params.put("HTTP_HOST", "example.org");
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            app.service(CgiRequest.from(Params.of(params)), new ByteArrayInputStream(new byte[0]), out);
        } catch (org.fcgibridge.servlet.http.BadRequestException e) {
            throw new IllegalArgumentException(e);
        }
        String response = out.toString(StandardCharsets.ISO_8859_1);
        return response.substring(0, response.indexOf("\r\n")) + " " + response.substring(response.indexOf(
                "\r\n\r\n") + 4);
    }

    /**
     * Each way the response is handed on (include through the application's wrapper, forward, an error page, an
     * ASYNC dispatch after startAsync()) gives the facade, and works: the answer, then what each dispatch found.
     */
    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "/s/include | Status: 200 OK a[INCLUDE 200]b | INCLUDE /s/include (wrapped)",
        "/s/forward | Status: 200 OK [FORWARD 200]   | FORWARD /s/forwarded",
        "/s/error   | Status: 418 I'm a Teapot [ERROR 418] | ERROR /s/errorpage",
        "/s/async   | Status: 200 OK true[ASYNC 200] | ASYNC /s/dispatched"})
    void everyDispatchGetsTheFacade(String path, String answer, String dispatched) throws IOException {
        assertEquals(answer, get(path));
        assertEquals(List.of("REQUEST " + path + ": false []", dispatched + ": false []"), seen);
    }

    @Test
    void theContainersResponseHasMethodsTheFacadeDoesNot() {
        // the check above could fail: the container's own class is beyond the servlet API
        Set<String> extra = beyondTheApi(new BridgeResponse(new ByteArrayOutputStream(), false, null));
        assertTrue(extra.containsAll(Set.of("complete()", "prepareErrorPage()", "beginInclude()", "endInclude()",
                "onWriteTurn()", "isErrorSent()")), extra.toString());
    }
}
