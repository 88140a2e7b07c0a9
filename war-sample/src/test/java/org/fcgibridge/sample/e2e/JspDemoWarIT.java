package org.fcgibridge.sample.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Jetty's published JSP demo WAR ({@code jetty-ee10-demo-jsp-webapp}), unmodified, on both engines, through the
 * launcher's HTTP front and behind a real nginx (docs/examples/nginx-fcgi-bridge.conf): index.jsp as the welcome file,
 * a session-scoped bean, EL over params and headers, the tags of its TLDs (one declares a listener) and a tag file.
 * Its JSTL pages expect JSTL from the container, as Jetty's distribution has it; here JSTL is the WAR's to bring
 * (docs/jsp.md), so they answer 500 on both engines, without their source. One launched bridge, and one nginx, per
 * engine.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class JspDemoWarIT {
    /** For the whole class: the bridges outlive the test that starts them. */
    @TempDir
    static Path dir;
    private WarFronts fronts;

    private synchronized URI demo(String engine, String front) throws Exception {
        if (fronts == null) {
            fronts = new WarFronts(dir, Path.of(System.getProperty("jsp-demo.war",
                    "target/published/jetty-ee10-demo-jsp-webapp.war")), "/demo");
        }
        return fronts.base(engine, front);
    }

    @AfterAll
    void stop() throws InterruptedException {
        if (fronts != null) {
            fronts.close();
        }
    }

    @ParameterizedTest(name = "{0} through {1}")
    @MethodSource("org.fcgibridge.sample.e2e.WarFronts#enginesAndFronts")
    void theWelcomePageIsIndexJsp(String engine, String front) throws Exception {
        HttpResponse<String> index = get(demo(engine, front), null);
        assertEquals(200, index.statusCode(), index.body());
        assertTrue(index.body().contains("Eclipse Jetty JSP Demo Webapp")
                && index.body().contains("JSP Examples on "), index.body()); // a date the page formats
        assertFalse(index.body().contains("<%"), index.body());
    }

    @ParameterizedTest(name = "{0} through {1}")
    @MethodSource("org.fcgibridge.sample.e2e.WarFronts#enginesAndFronts")
    void aSessionBeanCountsAcrossPages(String engine, String front) throws Exception {
        URI demo = demo(engine, front);
        HttpResponse<String> first = get(demo.resolve("bean1.jsp"), null);
        assertEquals(200, first.statusCode(), first.body());
        assertTrue(first.body().contains("Counter accessed 1 times."), first.body());
        String cookie = first.headers().firstValue("Set-Cookie").orElseThrow().split(";")[0];
        HttpResponse<String> second = get(demo.resolve("bean2.jsp"), cookie);
        assertTrue(second.body().contains("Counter accessed 2 times.")
                && second.body().contains("Counter last accessed by /demo/bean1.jsp"), second.body());
    }

    @ParameterizedTest(name = "{0} through {1}")
    @MethodSource("org.fcgibridge.sample.e2e.WarFronts#enginesAndFronts")
    void expressionsReadParamsAndHeaders(String engine, String front) throws Exception {
        HttpResponse<String> expr = get(demo(engine, front).resolve("expr.jsp?A=21"), null);
        assertEquals(200, expr.statusCode(), expr.body());
        String body = expr.body().replaceAll("\\s+", "");
        assertTrue(body.contains("<td>21&nbsp;</td>") && body.contains("<td>42&nbsp;</td>")
                && body.contains("<td>2</td>"), expr.body());
        assertTrue(body.contains("<td>${param[\"A\"]}</td>"), "an escaped expression stays text: " + expr.body());
    }

    @ParameterizedTest(name = "{0} through {1}")
    @MethodSource("org.fcgibridge.sample.e2e.WarFronts#enginesAndFronts")
    void theTagsOfItsTldsAndItsTagFileRun(String engine, String front) throws Exception {
        URI demo = demo(engine, front);
        HttpResponse<String> tag = get(demo.resolve("tag.jsp"), null);
        assertEquals(200, tag.statusCode(), tag.body());
        // <acme:date tz="GMT">EEE, dd/MMM/yyyy HH:mm:ss ZZZ</acme:date>, formatted by the WAR's DateTag
        assertTrue(Pattern.compile("\\w{3}, \\d{2}/\\w{3}/\\d{4} \\d{2}:\\d{2}:\\d{2} \\+0000").matcher(tag.body())
                .find(), tag.body());
        HttpResponse<String> tag2 = get(demo.resolve("tag2.jsp"), null);
        assertEquals(200, tag2.statusCode(), tag2.body());
        assertTrue(tag2.body().contains("On ") && tag2.body().contains(" in the year "), tag2.body());
        HttpResponse<String> tagFile = get(demo.resolve("tagfile.jsp"), null);
        assertEquals(200, tagFile.statusCode(), tagFile.body());
        assertTrue(tagFile.body().contains("<b>Panel 1</b>") && tagFile.body().contains("First panel."),
                tagFile.body());
    }

    @ParameterizedTest(name = "{0} through {1}")
    @MethodSource("org.fcgibridge.sample.e2e.WarFronts#enginesAndFronts")
    void pagesThatNeedJstlFromTheContainerFailWithoutTheirSource(String engine, String front) throws Exception {
        URI demo = demo(engine, front);
        for (String page : List.of("jstl.jsp", "foo/foo.jsp")) {
            HttpResponse<String> failed = get(demo.resolve(page), null);
            assertEquals(500, failed.statusCode(), page + ": " + failed.body());
            assertFalse(failed.body().contains("c:forEach"), page + ": " + failed.body());
        }
        for (String hidden : List.of("WEB-INF/web.xml", "WEB-INF/tags/panel.tag", "WEB-INF/acme-taglib.tld")) {
            assertEquals(404, get(demo.resolve(hidden), null).statusCode(), hidden);
        }
    }

    private static HttpResponse<String> get(URI uri, String cookie) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(30));
        if (cookie != null) {
            request.header("Cookie", cookie);
        }
        return HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build()
                .send(request.build(), BodyHandlers.ofString());
    }
}
