package org.fcgibridge.servlet.diff;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.eclipse.jetty.ee10.servlet.DefaultServlet;
import org.fcgibridge.core.testing.HttpProbe;
import org.fcgibridge.core.testing.NginxProcess;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Static files through the default servlet: Jetty's DefaultServlet (the reference) against the bridge's, for the same
 * files. ETag values are the containers' own and are compared by what they do, not by their text.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(60)
class StaticDiffTest {
    @TempDir
    static Path dir;
    private DiffHarness harness;

    @BeforeAll
    void start() throws Exception {
        NginxProcess.binary();
        Path www = dir.resolve("www");
        Files.createDirectories(www.resolve("sub"));
        Files.createDirectories(www.resolve("empty"));
        Files.createDirectories(www.resolve("WEB-INF"));
        Files.writeString(www.resolve("index.html"), "<h1>root index</h1>\n");
        Files.writeString(www.resolve("style.css"), "body { color: #333; }\n");
        Files.writeString(www.resolve("sub/index.html"), "<p>sub index</p>\n");
        Files.writeString(www.resolve("notes.txt"), "0123456789abcdefghijklmnopqrstuvwxyz\n");
        Files.writeString(www.resolve("WEB-INF/secret.txt"), "secret\n");
        Files.writeString(www.resolve("caf\u00e9.txt"), "accented name\n");
        byte[] data = new byte[20000];
        for (int i = 0; i < data.length; i++) {
            data[i] = (byte) (i * 7);
        }
        Files.write(www.resolve("data.bin"), data);
        try (Stream<Path> files = Files.walk(www)) {
            for (Path file : (Iterable<Path>) files::iterator) {
                Files.setLastModifiedTime(file, FileTime.fromMillis(1_700_000_000_000L));
            }
        }
        harness = new DiffHarness(dir, "", (classes, context) -> { }, www,
                handler -> {
                    var defaults = handler.addServlet(DefaultServlet.class, "/");
                    defaults.setInitParameter("etags", "true");
                    defaults.setInitParameter("dirAllowed", "false");
                    handler.setWelcomeFiles(new String[] {"index.html"});
                },
                context -> {
                    context.addDefaultServlet();
                    context.setWelcomeFiles(List.of("index.html"));
                });
    }

    @AfterAll
    void stop() throws Exception {
        if (harness != null) {
            harness.close();
        }
    }

    static Stream<Case> cases() {
        List<Case> cases = new ArrayList<>();
        for (String path : new String[] {"/style.css", "/notes.txt", "/data.bin", "/index.html", "/sub/index.html",
            "/caf%C3%A9.txt"}) {
            cases.add(etag(Case.get(path)));
            cases.add(etag(Case.request("HEAD", path)));
        }
        cases.add(etag(Case.get("/")));
        cases.add(etag(Case.get("/sub/")));
        cases.add(Case.get("/sub"));
        cases.add(Case.get("/sub?x=1"));
        cases.add(Case.get("/missing.txt").statusOnly());
        cases.add(Case.get("/empty/").statusOnly());
        cases.add(Case.request("POST", "/style.css").statusOnly());
        cases.add(Case.request("DELETE", "/notes.txt").statusOnly());
        // Jetty leaves the ETag out of this 304; RFC 9110 section 15.4.5 wants it (the bridge sends it); Jetty's
        // "Content-Length: 0" is not the file's length, which section 8.6 requires if any (the bridge sends none)
        cases.add(etag(Case.get("/notes.txt").header("If-Modified-Since", "Wed, 01 Jan 2030 00:00:00 GMT"))
                .mask("etag: \\*\\n", "").mask("content-length: \\[0\\]\n", ""));
        cases.add(etag(Case.get("/notes.txt").header("If-Modified-Since", "Thu, 01 Jan 2015 00:00:00 GMT")));
        cases.add(errorPage(Case.get("/notes.txt").header("If-Unmodified-Since", "Thu, 01 Jan 2015 00:00:00 GMT")));
        cases.add(etag(Case.get("/notes.txt").header("If-None-Match", "\"nothing-like-it\"")));
        for (String range : new String[] {"bytes=0-9", "bytes=-5", "bytes=30-", "bytes=5-5", "bytes=0-1000",
            "bytes=999-1000", "bytes=x-y"}) {
            cases.add(errorPage(Case.get("/notes.txt").header("Range", range)));
        }
        cases.add(etag(Case.get("/notes.txt").header("Range", "bytes=0-1,4-5"))
                .mask("boundary=[^\\]\\s]+", "boundary=*").mask("\\r?\\n--[^\\r\\n]+", "\n--*")
                .mask("content-length: \\[\\d+\\]\\n", "").mask("\\s+$", ""));
        return cases.stream();
    }

    /** 412 and 416 pages: which file headers precede Jetty's sendError is its default servlet's internal order. */
    private static Case errorPage(Case c) {
        return etag(c).mask("(accept-ranges|last-modified|etag): .*\\n", "").mask("content-length: \\[\\d+\\]\\n", "");
    }

    private static Case etag(Case c) {
        // the ETag's text and the default servlet's name are each container's own
        return c.mask("etag: \\[[^\\]]*\\]", "etag: *").mask("<tr><th>SERVLET:</th><td>[^<]*</td></tr>\n", "")
                .mask("content-length: \\[\\d+\\]\\n(cache-control|content-range)", "$1");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void sameResponse(Case c) throws Exception {
        assertEquals(DiffHarness.normalise(harness.jetty(c.request()), c.masks, c.statusOnly, c.statusCodeOnly),
                DiffHarness.normalise(harness.bridge(c.request()), c.masks, c.statusOnly, c.statusCodeOnly),
                c::toString);
    }

    @Test
    void webInfAndMetaInfAreNeverServed() throws Exception {
        // the reference serves them from a plain ServletContextHandler; Servlet 6.0 section 10.5 says never
        for (String path : new String[] {"/WEB-INF/secret.txt", "/web-inf/secret.txt", "/WEB-INF/", "/META-INF/x"}) {
            assertEquals(404, harness.bridge(Case.get(path).request()).status(), path);
        }
    }

    @Test
    void ifNoneMatchStarIsNotModified() throws Exception {
        // RFC 9110 section 13.1.2: "*" is false when the file exists, so a GET is answered 304
        assertEquals(304, harness.bridge(Case.get("/notes.txt").header("If-None-Match", "*").request()).status());
    }

    @Test
    void eachContainerHonoursItsOwnEtag() throws Exception {
        for (boolean bridge : new boolean[] {false, true}) {
            DiffHarness.Request plain = Case.get("/notes.txt").request();
            HttpProbe.Response first = bridge ? harness.bridge(plain) : harness.jetty(plain);
            String etag = first.header("ETag");
            assertNotNull(etag, bridge ? "bridge" : "jetty");
            DiffHarness.Request conditional = new DiffHarness.Request("GET", "/notes.txt",
                    Map.of("If-None-Match", etag), null);
            HttpProbe.Response second = bridge ? harness.bridge(conditional) : harness.jetty(conditional);
            assertEquals(304, second.status(), bridge ? "bridge" : "jetty");
            assertEquals("", new String(second.body(), StandardCharsets.UTF_8));
            DiffHarness.Request ifRange = new DiffHarness.Request("GET", "/notes.txt",
                    Map.of("If-Range", etag, "Range", "bytes=0-3"), null);
            HttpProbe.Response partial = bridge ? harness.bridge(ifRange) : harness.jetty(ifRange);
            assertEquals(206, partial.status(), bridge ? "bridge" : "jetty");
            assertEquals("0123", partial.bodyText());
        }
    }
}
