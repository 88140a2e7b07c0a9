package org.fcgibridge.servlet.frameworks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.fcgibridge.core.testing.HttpProbe;
import org.fcgibridge.servlet.testing.BehindNginx;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * An unmodified framework the WAR tests do not deploy (the H2 console, registered by an initializer) on the
 * bridge, behind a real nginx, in each engine. Spring Boot, Jersey and WebJars run as real WARs through the launcher:
 * war-sample's SpringBootWarIT and JerseyWarIT.
 */
@Timeout(120)
class FrameworksTest {
    @TempDir
    Path dir;

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
}
