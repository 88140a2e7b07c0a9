package org.fcgibridge.sample;

import jakarta.servlet.ServletException;
import jakarta.servlet.annotation.WebServlet;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalInt;

/**
 * A JSON API: {@code GET /api/items}, {@code GET /api/items/{id}}, {@code POST /api/items},
 * {@code PUT /api/items/{id}}, {@code DELETE /api/items/{id}}. Items are {"id":1,"name":"x","quantity":2}; errors
 * are {"error":"..."} with 400, 404, 405 or 415.
 */
@WebServlet("/api/items/*")
public final class ItemsApi extends HttpServlet {
    /** A request the API cannot take, answered with its status and message. */
    private static final class Refusal extends Exception {
        private final int status;

        Refusal(int status, String message) {
            super(message, null, false, false);
            this.status = status;
        }
    }

    @Override
    protected void service(HttpServletRequest request, HttpServletResponse response)
            throws ServletException, IOException {
        try {
            switch (request.getMethod()) {
                case "GET": get(request, response); break;
                case "POST": post(request, response); break;
                case "PUT": put(request, response); break;
                case "DELETE": delete(request, response); break;
                default: super.service(request, response);
            }
        } catch (Refusal refusal) {
            if (refusal.status == HttpServletResponse.SC_METHOD_NOT_ALLOWED) {
                response.setHeader("Allow", "GET, POST");
            }
            json(response, refusal.status, Map.of("error", refusal.getMessage()));
        }
    }

    private void get(HttpServletRequest request, HttpServletResponse response) throws IOException, Refusal {
        OptionalInt id = id(request);
        if (id.isEmpty()) {
            List<Object> all = new ArrayList<>();
            for (Item item : store(request).all()) {
                all.add(item.toMap());
            }
            json(response, HttpServletResponse.SC_OK, all);
        } else {
            json(response, HttpServletResponse.SC_OK, found(store(request).get(id.getAsInt()), id).toMap());
        }
    }

    private void post(HttpServletRequest request, HttpServletResponse response) throws IOException, Refusal {
        Map<String, String> fields = body(request);
        Item item = store(request).add(fields.get("name"), Integer.parseInt(fields.get("quantity")));
        String collection = request.getRequestURL().toString();
        response.setHeader("Location", collection + (collection.endsWith("/") ? "" : "/") + item.id());
        json(response, HttpServletResponse.SC_CREATED, item.toMap());
    }

    private void put(HttpServletRequest request, HttpServletResponse response) throws IOException, Refusal {
        int id = requiredId(request, "PUT");
        Map<String, String> fields = body(request);
        Item item = store(request).replace(id, fields.get("name"), Integer.parseInt(fields.get("quantity")));
        json(response, HttpServletResponse.SC_OK, found(item, OptionalInt.of(id)).toMap());
    }

    private void delete(HttpServletRequest request, HttpServletResponse response) throws Refusal {
        int id = requiredId(request, "DELETE");
        if (!store(request).remove(id)) {
            throw new Refusal(HttpServletResponse.SC_NOT_FOUND, "no item " + id);
        }
        response.setStatus(HttpServletResponse.SC_NO_CONTENT);
    }

    private static ItemStore store(HttpServletRequest request) {
        return (ItemStore) request.getServletContext().getAttribute(ItemStore.ATTRIBUTE);
    }

    private static Item found(Item item, OptionalInt id) throws Refusal {
        if (item == null) {
            throw new Refusal(HttpServletResponse.SC_NOT_FOUND, "no item " + id.getAsInt());
        }
        return item;
    }

    /** The id in the path; empty when the path names the whole collection. */
    private static OptionalInt id(HttpServletRequest request) throws Refusal {
        String info = request.getPathInfo();
        if (info == null || info.equals("/")) {
            return OptionalInt.empty();
        }
        try {
            return OptionalInt.of(Integer.parseInt(info.substring(1)));
        } catch (NumberFormatException e) {
            throw new Refusal(HttpServletResponse.SC_BAD_REQUEST, "not an item id: " + info.substring(1));
        }
    }

    private static int requiredId(HttpServletRequest request, String method) throws Refusal {
        OptionalInt id = id(request);
        if (id.isEmpty()) {
            throw new Refusal(HttpServletResponse.SC_METHOD_NOT_ALLOWED, method + " needs an item id");
        }
        return id.getAsInt();
    }

    /** The item fields of a JSON body. */
    private static Map<String, String> body(HttpServletRequest request) throws IOException, Refusal {
        String type = request.getContentType();
        if (type == null || !type.toLowerCase(Locale.ROOT).startsWith("application/json")) {
            throw new Refusal(HttpServletResponse.SC_UNSUPPORTED_MEDIA_TYPE, "send application/json");
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
            throw new Refusal(HttpServletResponse.SC_BAD_REQUEST, "bad item: " + e.getMessage());
        }
    }

    private static void json(HttpServletResponse response, int status, Object value) throws IOException {
        response.setStatus(status);
        response.setContentType("application/json");
        response.setCharacterEncoding("UTF-8");
        response.getWriter().print(Json.write(value));
    }
}
