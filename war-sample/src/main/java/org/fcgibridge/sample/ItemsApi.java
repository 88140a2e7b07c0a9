package org.fcgibridge.sample;

import jakarta.servlet.annotation.WebServlet;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A JSON API: {@code GET /api/items}, {@code GET /api/items/{id}}, {@code POST /api/items},
 * {@code PUT /api/items/{id}}, {@code DELETE /api/items/{id}}. Items are {"id":1,"name":"x","quantity":2}.
 */
@WebServlet("/api/items/*")
public final class ItemsApi extends HttpServlet {
    private ItemStore store(HttpServletRequest request) {
        return (ItemStore) request.getServletContext().getAttribute(ItemStore.ATTRIBUTE);
    }

    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
        Integer id = id(request, response);
        if (id == null) {
            if (request.getPathInfo() == null || request.getPathInfo().equals("/")) {
                List<Object> all = new ArrayList<>();
                for (Item item : store(request).all()) {
                    all.add(item.toMap());
                }
                json(response, HttpServletResponse.SC_OK, all);
            }
            return;
        }
        Item item = store(request).get(id);
        if (item == null) {
            json(response, HttpServletResponse.SC_NOT_FOUND, Map.of("error", "no item " + id));
        } else {
            json(response, HttpServletResponse.SC_OK, item.toMap());
        }
    }

    @Override
    protected void doPost(HttpServletRequest request, HttpServletResponse response) throws IOException {
        Map<String, String> fields = body(request, response);
        if (fields == null) {
            return;
        }
        Item item = store(request).add(fields.get("name"), Integer.parseInt(fields.get("quantity")));
        response.setHeader("Location", request.getRequestURL() + (request.getRequestURL().toString().endsWith("/")
                ? "" : "/") + item.id());
        json(response, HttpServletResponse.SC_CREATED, item.toMap());
    }

    @Override
    protected void doPut(HttpServletRequest request, HttpServletResponse response) throws IOException {
        Integer id = id(request, response);
        if (id == null) {
            if (!response.isCommitted()) {
                json(response, HttpServletResponse.SC_METHOD_NOT_ALLOWED, Map.of("error", "PUT needs an item id"));
            }
            return;
        }
        Map<String, String> fields = body(request, response);
        if (fields == null) {
            return;
        }
        Item item = store(request).replace(id, fields.get("name"), Integer.parseInt(fields.get("quantity")));
        if (item == null) {
            json(response, HttpServletResponse.SC_NOT_FOUND, Map.of("error", "no item " + id));
        } else {
            json(response, HttpServletResponse.SC_OK, item.toMap());
        }
    }

    @Override
    protected void doDelete(HttpServletRequest request, HttpServletResponse response) throws IOException {
        Integer id = id(request, response);
        if (id == null) {
            if (!response.isCommitted()) {
                json(response, HttpServletResponse.SC_METHOD_NOT_ALLOWED, Map.of("error", "DELETE needs an item id"));
            }
            return;
        }
        if (store(request).remove(id)) {
            response.setStatus(HttpServletResponse.SC_NO_CONTENT);
        } else {
            json(response, HttpServletResponse.SC_NOT_FOUND, Map.of("error", "no item " + id));
        }
    }

    /** The id in the path, null when there is none; a malformed one is answered 400 (and null). */
    private static Integer id(HttpServletRequest request, HttpServletResponse response) throws IOException {
        String info = request.getPathInfo();
        if (info == null || info.equals("/")) {
            return null;
        }
        try {
            return Integer.parseInt(info.substring(1));
        } catch (NumberFormatException e) {
            json(response, HttpServletResponse.SC_BAD_REQUEST, Map.of("error", "not an item id: " + info.substring(1)));
            return null;
        }
    }

    /** The item fields of a JSON body; null after answering 400 or 415. */
    private static Map<String, String> body(HttpServletRequest request, HttpServletResponse response)
            throws IOException {
        String type = request.getContentType();
        if (type == null || !type.toLowerCase(java.util.Locale.ROOT).startsWith("application/json")) {
            json(response, HttpServletResponse.SC_UNSUPPORTED_MEDIA_TYPE, Map.of("error", "send application/json"));
            return null;
        }
        String text = new String(request.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        try {
            Map<String, String> fields = Json.readObject(text);
            if (fields.get("name") == null || fields.get("quantity") == null) {
                throw new IllegalArgumentException("name and quantity are required");
            }
            Integer.parseInt(fields.get("quantity"));
            return fields;
        } catch (IllegalArgumentException | StringIndexOutOfBoundsException e) {
            json(response, HttpServletResponse.SC_BAD_REQUEST, Map.of("error", "bad item: " + e.getMessage()));
            return null;
        }
    }

    private static void json(HttpServletResponse response, int status, Object value) throws IOException {
        response.setStatus(status);
        response.setContentType("application/json");
        response.setCharacterEncoding("UTF-8");
        response.getWriter().print(Json.write(value));
    }
}
