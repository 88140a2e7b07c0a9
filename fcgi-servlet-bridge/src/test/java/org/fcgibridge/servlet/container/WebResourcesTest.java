package org.fcgibridge.servlet.container;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Which files a path reaches, as a resource of the application and as a file the default servlet may send. */
class WebResourcesTest {
    @TempDir
    Path dir;

    @Test
    void symlinksStayInsideAndOutOfWebInfAndMetaInfForTheDefaultServlet() throws Exception {
        Path app = Files.createDirectories(dir.resolve("app"));
        Files.createDirectories(app.resolve("WEB-INF"));
        Files.writeString(app.resolve("WEB-INF/web.xml"), "<web-app/>");
        Files.createDirectories(app.resolve("META-INF"));
        Files.writeString(app.resolve("META-INF/context.xml"), "<Context/>");
        Files.createDirectories(app.resolve("css"));
        Files.writeString(app.resolve("css/site.css"), "body{}");
        Files.writeString(dir.resolve("secret.txt"), "secret");
        Files.createSymbolicLink(app.resolve("css/link.css"), Path.of("site.css"));
        Files.createSymbolicLink(app.resolve("css/conf"), Path.of("../WEB-INF"));
        Files.createSymbolicLink(app.resolve("css/meta"), Path.of("../meta-inf-link"));
        Files.createSymbolicLink(app.resolve("meta-inf-link"), Path.of("META-INF"));
        Files.createSymbolicLink(app.resolve("out.txt"), dir.resolve("secret.txt"));

        WebResources resources = WebResources.of(app);
        assertEquals(app.resolve("css/site.css"), resources.servable("/css/site.css"));
        assertEquals(app.resolve("css/link.css"), resources.servable("/css/link.css"), "inside to inside");
        assertNotNull(resources.file("/css/conf/web.xml"), "a resource of the application (getResource)");
        assertNull(resources.servable("/css/conf/web.xml"), "WEB-INF through a symlink");
        assertNull(resources.servable("/css/conf"));
        assertNull(resources.servable("/css/meta/context.xml"), "META-INF through two symlinks");
        assertNull(resources.file("/out.txt"), "outside the application's real directory");
        assertNull(resources.servable("/out.txt"));
        assertNotNull(resources.servable("/"), "the root itself");
    }
}
