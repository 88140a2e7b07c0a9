package org.fcgibridge.servlet.frameworks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.fcgibridge.core.testing.HttpProbe;
import org.fcgibridge.servlet.testing.BehindNginx;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.web.SpringServletContainerInitializer;

/**
 * Unmodified frameworks (Spring MVC 6.2, Jersey 3.1, the H2 console) on the bridge, behind a real nginx, in each
 * engine.
 */
@Timeout(120)
class FrameworksTest {
    @TempDir
    Path dir;

    @ParameterizedTest
    @EnumSource(BehindNginx.Engine.class)
    void springMvc(BehindNginx.Engine engine) throws Exception {
        Set<Class<?>> initializers = new HashSet<>(Set.of(SpringApp.class));
        try (BehindNginx app = BehindNginx.start(engine, dir,
                Map.of(new SpringServletContainerInitializer(), initializers))) {
            HttpProbe.Response created = HttpProbe.send(app.port(), "POST", "/api/items",
                    Map.of("Content-Type", "application/json"),
                    "{\"name\":\"caf\u00e9\",\"quantity\":3}".getBytes(StandardCharsets.UTF_8));
            assertEquals(201, created.status(), created.bodyText());
            assertEquals("{\"name\":\"caf\u00e9\",\"quantity\":3}", created.bodyText());
            HttpProbe.Response all = HttpProbe.send(app.port(), "GET", "/api/items",
                    Map.of("Accept", "application/json"), null);
            assertEquals(200, all.status());
            assertEquals("[{\"name\":\"caf\u00e9\",\"quantity\":3}]", all.bodyText());
            assertTrue(all.header("Content-Type").startsWith("application/json"), all.header("Content-Type"));

            HttpProbe.Response form = HttpProbe.send(app.port(), "POST", "/form",
                    Map.of("Content-Type", "application/x-www-form-urlencoded"),
                    "name=J%C3%BCrgen&age=41".getBytes(StandardCharsets.UTF_8));
            assertEquals(200, form.status(), form.bodyText());
            assertTrue(form.bodyText().contains("\"greeting\":\"Hello, J\u00fcrgen\""), form.bodyText());
            assertTrue(form.bodyText().contains("\"nextYear\":42"), form.bodyText());
            String cookie = form.header("Set-Cookie");
            assertTrue(cookie.startsWith("JSESSIONID="), cookie);
            HttpProbe.Response again = HttpProbe.send(app.port(), "POST", "/form",
                    Map.of("Content-Type", "application/x-www-form-urlencoded", "Cookie", cookie.split(";")[0]),
                    "name=x&age=1".getBytes(StandardCharsets.UTF_8));
            assertTrue(again.bodyText().contains("\"visits\":2"), again.bodyText());

            byte[] file = new byte[3 * 1024 * 1024];
            new Random(9).nextBytes(file);
            java.util.zip.CRC32 crc = new java.util.zip.CRC32();
            crc.update(file);
            String boundary = "springBoundary42";
            HttpProbe.Response upload = HttpProbe.send(app.port(), "POST", "/upload",
                    Map.of("Content-Type", "multipart/form-data; boundary=" + boundary),
                    multipart(boundary, "comment", "a note", "file", "data.bin", file));
            assertEquals(200, upload.status(), upload.bodyText());
            assertTrue(upload.bodyText().contains("\"size\":" + file.length), upload.bodyText());
            assertTrue(upload.bodyText().contains("\"crc\":" + crc.getValue()), upload.bodyText());
            assertTrue(upload.bodyText().contains("\"comment\":\"a note\""), upload.bodyText());

            HttpProbe.Response boom = HttpProbe.send(app.port(), "GET", "/boom", Map.of(), null);
            assertEquals(418, boom.status());
            assertEquals("{\"error\":\"no such thing\"}", boom.bodyText());
            assertEquals(404, HttpProbe.send(app.port(), "GET", "/api/items/7", Map.of(), null).status());
        }
    }

    @ParameterizedTest
    @EnumSource(BehindNginx.Engine.class)
    void jersey(BehindNginx.Engine engine) throws Exception {
        try (BehindNginx app = BehindNginx.start(engine, dir, Map.of(new JerseyApp(), Set.of()))) {
            HttpProbe.Response hello = HttpProbe.send(app.port(), "GET", "/rest/greetings/caf%C3%A9?punctuation=!",
                    Map.of(), null);
            assertEquals(200, hello.status(), hello.bodyText());
            assertEquals("Hello, caf\u00e9! at greetings/caf\u00e9", hello.bodyText());
            HttpProbe.Response echo = HttpProbe.send(app.port(), "POST", "/rest/greetings",
                    Map.of("Content-Type", "text/plain"), "make me loud".getBytes(StandardCharsets.UTF_8));
            assertEquals(201, echo.status());
            assertEquals("MAKE ME LOUD", echo.bodyText());
            assertEquals("12", echo.header("X-Length"));
            assertEquals(404, HttpProbe.send(app.port(), "GET", "/rest/greetings/missing", Map.of(), null).status());
            assertEquals(404, HttpProbe.send(app.port(), "GET", "/rest/nowhere/at/all", Map.of(), null).status());
        }
    }

    @ParameterizedTest
    @EnumSource(BehindNginx.Engine.class)
    void h2Console(BehindNginx.Engine engine) throws Exception {
        jakarta.servlet.ServletContainerInitializer h2Console = (classes, ctx) -> {
            var h2 = ctx.addServlet("h2", new org.h2.server.web.JakartaWebServlet());
            h2.addMapping("/h2/*");
            h2.setInitParameter("webAllowOthers", "false");
            h2.setLoadOnStartup(1);
        };
        try (BehindNginx app = BehindNginx.start(engine, dir, Map.of(h2Console, Set.of()))) {
            HttpProbe.Response index = HttpProbe.send(app.port(), "GET", "/h2/", Map.of(), null);
            assertEquals(200, index.status(), index.bodyText());
            Matcher session = Pattern.compile("jsessionid=([0-9a-f]+)").matcher(index.bodyText());
            assertTrue(session.find(), index.bodyText());
            String id = session.group(1);
            // H2 refuses to create a database from the console: the test creates it, as a user's application would
            String url = "jdbc:h2:mem:bridge" + System.nanoTime() + ";DB_CLOSE_DELAY=-1";
            java.sql.DriverManager.getConnection(url, "sa", "").close();
            Map<String, String> login = new LinkedHashMap<>();
            login.put("language", "en");
            login.put("setting", "Generic H2 (Embedded)");
            login.put("name", "Generic H2 (Embedded)");
            login.put("driver", "org.h2.Driver");
            login.put("url", url);
            login.put("user", "sa");
            login.put("password", "");
            HttpProbe.Response loggedIn = HttpProbe.send(app.port(), "POST", "/h2/login.do?jsessionid=" + id,
                    Map.of("Content-Type", "application/x-www-form-urlencoded"), form(login));
            assertEquals(200, loggedIn.status(), loggedIn.bodyText());
            assertTrue(!loggedIn.bodyText().contains("class=\"error\""), loggedIn.bodyText());
            HttpProbe.Response query = HttpProbe.send(app.port(), "POST", "/h2/query.do?jsessionid=" + id,
                    Map.of("Content-Type", "application/x-www-form-urlencoded"),
                    form(Map.of("sql", "SELECT 6 * 7 AS ANSWER")));
            assertEquals(200, query.status(), query.bodyText());
            assertTrue(query.bodyText().contains("ANSWER"), query.bodyText());
            assertTrue(query.bodyText().contains(">42<"), query.bodyText());
        }
    }

    private static byte[] form(Map<String, String> fields) {
        StringBuilder body = new StringBuilder();
        fields.forEach((name, value) -> {
            if (body.length() > 0) {
                body.append('&');
            }
            body.append(java.net.URLEncoder.encode(name, StandardCharsets.UTF_8)).append('=')
                    .append(java.net.URLEncoder.encode(value, StandardCharsets.UTF_8));
        });
        return body.toString().getBytes(StandardCharsets.UTF_8);
    }

    static byte[] multipart(String boundary, String field, String value, String fileField, String filename,
                            byte[] content) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(("--" + boundary + "\r\nContent-Disposition: form-data; name=\"" + field + "\"\r\n\r\n"
                + value + "\r\n--" + boundary + "\r\nContent-Disposition: form-data; name=\"" + fileField
                + "\"; filename=\"" + filename + "\"\r\nContent-Type: application/octet-stream\r\n\r\n")
                .getBytes(StandardCharsets.UTF_8));
        out.writeBytes(content);
        out.writeBytes(("\r\n--" + boundary + "--\r\n").getBytes(StandardCharsets.UTF_8));
        return out.toByteArray();
    }
}
