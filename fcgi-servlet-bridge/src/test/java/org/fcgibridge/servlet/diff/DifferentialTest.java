package org.fcgibridge.servlet.diff;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.fcgibridge.core.testing.HttpProbe;
import org.fcgibridge.core.testing.NginxProcess;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The same servlets and the same requests through Jetty 12 ee10 (the reference, over HTTP) and through the bridge
 * (over FastCGI behind nginx): status, headers (less Date and Server) and bodies must be equal.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(60)
class DifferentialTest {
    @TempDir
    static Path dir;
    private DiffHarness harness;

    @BeforeAll
    void start() throws Exception {
        NginxProcess.binary();
        harness = new DiffHarness(dir, "", new ProbeApp(), null, context -> { });
    }

    @AfterAll
    void stop() throws Exception {
        if (harness != null) {
            harness.close();
        }
    }

    static Stream<Case> cases() {
        List<Case> cases = new ArrayList<>();
        // mappings: exact, prefix, extension, default, the context root
        for (String path : new String[] {"/", "/exact", "/exact/", "/prefix", "/prefix/", "/prefix/a/b", "/a.ext",
            "/dir/b.ext", "/prefix/x.ext", "/unknown", "/unknown/deeper/", "/prefix/deeper", "/prefix/deeper/x",
            "/prefix/deeperx", "/exact.ext", "/.ext", "/dir.ext/file", "/PREFIX/a"}) {
            cases.add(Case.get(path));
        }
        // paths: encoding, dot segments, path parameters
        for (String path : new String[] {"/prefix/caf%C3%A9", "/prefix/a%20b", "/prefix/a+b", "/prefix/a;p=1/b",
            "/prefix/a/./b", "/prefix/a/../b", "/prefix/%41%42", "/prefix/a%3Bb", "/prefix/~user", "/prefix/a:b",
            "/prefix/%E6%97%A5%E6%9C%AC/x", "/prefix/a//b", "/prefix/trailing/"}) {
            cases.add(Case.get(path));
        }
        for (String path : new String[] {"/prefix/%2e%2e/x", "/prefix/a%2Fb"}) {
            cases.add(Case.get(path).statusOnly());
        }
        for (String path : new String[] {"/prefix/%00", "/prefix/%zz"}) {
            cases.add(Case.get(path).nginxRefuses());
        }
        // queries
        for (String query : new String[] {"?a=1&b=2&a=3", "?x=%C3%A9", "?noval", "?a=&b", "?q=a+b", "?",
            "?%E6%97%A5=%E6%9C%AC", "?a=1&&b=2", "?=x", "?a=%20%2B"}) {
            cases.add(Case.get("/prefix/q" + query));
        }
        // request headers, cookies, dates, locales
        cases.add(Case.get("/exact").header("User-Agent", "probe/1.0").header("Accept", "text/plain")
                .header("X-Test", "value with spaces").header("X-Lower", "lower"));
        cases.add(Case.get("/exact").header("Accept-Language", "fr-CH, fr;q=0.9, en;q=0.8, de;q=0.7, *;q=0.5"));
        cases.add(Case.get("/exact").header("Accept-Language", "en-US"));
        cases.add(Case.get("/exact").header("Cookie", "a=1; b=two; c=\"quoted\""));
        cases.add(Case.get("/exact").header("Cookie", "JSESSIONID=unknown; x=y"));
        cases.add(Case.get("/exact").header("If-Modified-Since", "Sun, 06 Nov 1994 08:49:37 GMT"));
        cases.add(Case.get("/exact").header("If-Modified-Since", "Sunday, 06-Nov-94 08:49:37 GMT"));
        cases.add(Case.get("/exact").header("If-Modified-Since", "Sun Nov  6 08:49:37 1994"));
        cases.add(Case.get("/exact").header("If-Modified-Since", "not a date"));
        cases.add(Case.get("/exact").header("Host", "example.com:8080"));
        cases.add(Case.get("/exact").header("Host", "example.com"));
        cases.add(Case.get("/exact").header("X-Test", "caf\u00e9"));
        // methods
        for (String method : new String[] {"PUT", "DELETE", "PATCH", "OPTIONS"}) {
            cases.add(Case.request(method, "/exact"));
        }
        cases.add(Case.request("HEAD", "/exact"));
        cases.add(Case.request("HEAD", "/content/large"));
        cases.add(Case.request("HEAD", "/status/404"));
        // status
        for (String status : new String[] {"200", "201", "202", "204", "204/empty", "301/empty",
            "400", "404", "418", "500", "503", "299", "599", "200/empty"}) {
            cases.add(Case.get("/status/" + status));
        }
        // Jetty sends "Content-Length: 0" with a 304; RFC 9110 section 8.6 allows only the length a 200 would have,
        // and the bridge sends none
        cases.add(Case.get("/status/304/empty").mask("content-length: \\[0\\]\n", ""));
        // response headers and content
        for (String what : new String[] {"set", "read", "locale"}) {
            cases.add(Case.get("/headers/" + what));
        }
        // Jetty turns CR and LF into spaces; the bridge refuses the header (the servlet sees the exception)
        cases.add(Case.get("/headers/crlf").mask("x-bad: .*\n", ""));
        for (String what : new String[] {"writer-default", "writer-utf8", "writer-set-encoding",
            "encoding-after-writer", "stream", "no-type", "both", "json", "empty", "charset-only", "large"}) {
            cases.add(Case.get("/content/" + what));
        }
        // writing past the declared length fails the request; the default page differs (Jetty's has a stack trace)
        cases.add(Case.get("/content/length").statusOnly());
        for (String what : new String[] {"simple", "attributes", "delete", "two", "max-age"}) {
            cases.add(Case.get("/cookies/" + what).mask("Expires=[^;\\]\\n]*", "Expires=*"));
        }
        // errors: through error pages where the app has them, else the default page
        cases.add(Case.get("/error/send404").statusOnly());
        cases.add(Case.get("/error/send-message"));
        cases.add(Case.get("/error/runtime").statusOnly());
        cases.add(Case.get("/error/servlet-exception"));
        // the default error pages differ by design (Jetty prints the stack): the status and headers must agree
        cases.add(Case.get("/error/header-then-runtime").mask("content-length: \\[\\d+\\]\n", "")
                .mask("(?s)\n\n.*", ""));
        cases.add(Case.get("/error/cache-then-runtime").mask("content-length: \\[\\d+\\]\n", "")
                .mask("(?s)\n\n.*", ""));
        cases.add(Case.get("/error/io").statusOnly());
        cases.add(Case.get("/error/send-after-write"));
        cases.add(Case.get("/error/write-after-error").statusOnly());
        cases.add(Case.get("/error/unknown").statusOnly());
        cases.add(Case.get("/status/410/empty"));
        // redirects
        for (String what : new String[] {"absolute", "root-relative", "relative", "dotdot", "after-write",
            "then-writer"}) {
            cases.add(Case.get("/redirect/" + what));
        }
        cases.add(Case.get("/redirect/relative").header("Host", "example.com:8443"));
        // buffer
        for (String what : new String[] {"reset", "reset-buffer", "flush", "small-buffer", "size"}) {
            cases.add(Case.get("/buffer/" + what));
        }
        // forms and bodies
        cases.add(Case.get("/form/params").body("application/x-www-form-urlencoded", "a=1&b=%C3%A9&a=2&c"));
        cases.add(Case.get("/form/params?q=first").body("application/x-www-form-urlencoded", "q=second&z=1"));
        cases.add(Case.get("/form/params").body("application/x-www-form-urlencoded; charset=UTF-8",
                "name=%E6%97%A5%E6%9C%AC"));
        cases.add(Case.get("/form/params").body("application/x-www-form-urlencoded; charset=ISO-8859-1",
                "name=caf%E9"));
        cases.add(Case.get("/form/set-encoding").body("application/x-www-form-urlencoded", "name=%C3%A9t%C3%A9"));
        cases.add(Case.get("/form/body").body("application/octet-stream", "raw body a=1"));
        cases.add(Case.get("/form/body").body("application/x-www-form-urlencoded", "a=1&b=2"));
        cases.add(Case.get("/form/reader").body("text/plain; charset=UTF-8", "caf\u00e9 reader"));
        cases.add(Case.get("/form/reader").body("text/plain", "plain reader"));
        cases.add(Case.get("/form/stream-then-reader").body("text/plain", "x"));
        cases.add(Case.request("PUT", "/form/params").body("application/x-www-form-urlencoded", "a=put"));
        cases.add(Case.get("/form/params").body("application/json", "{\"a\":1}"));
        cases.add(Case.get("/form/params").body(null, new byte[0]));
        // multipart
        String boundary = "----probe7MA4YWxkTrZu0gW";
        String multipart = "--" + boundary + "\r\n"
                + "Content-Disposition: form-data; name=\"field\"\r\n\r\nvalue \u00e9\r\n"
                + "--" + boundary + "\r\n"
                + "Content-Disposition: form-data; name=\"file\"; filename=\"a b.txt\"\r\n"
                + "Content-Type: text/plain\r\n\r\n" + "line one\r\nline two\r\n" + "x".repeat(5000) + "\r\n"
                + "--" + boundary + "--\r\n";
        cases.add(Case.get("/upload/").body("multipart/form-data; boundary=" + boundary, multipart));
        cases.add(Case.get("/upload/").body("multipart/form-data; boundary=\"" + boundary + "\"", multipart));
        cases.add(Case.get("/upload/").body("multipart/form-data; boundary=" + boundary,
                "--" + boundary + "--\r\n"));
        cases.add(Case.get("/upload/").body("text/plain", "not multipart").statusOnly());
        cases.add(Case.get("/form/params").body("multipart/form-data; boundary=" + boundary, multipart));
        // dispatch
        for (String what : new String[] {"forward", "forward-relative", "forward-exact", "include",
            "include-status", "named", "forward-then-write", "missing"}) {
            cases.add(Case.get("/dispatch/" + what + "?orig=1"));
        }
        cases.add(Case.get("/wrapped/x?name=original"));
        // async
        for (String what : new String[] {"complete", "dispatch", "dispatch-path", "timeout-listener",
            "not-started"}) {
            cases.add(Case.get("/async/" + what + "?a=1"));
        }
        cases.add(Case.get("/async/timeout").statusOnly());
        cases.add(Case.get("/async/sync/complete").statusOnly());
        // sessions (one request each: a new session, or none)
        cases.add(Case.get("/session/none"));
        cases.add(Case.get("/session/count").mask("JSESSIONID=[^;\\]]*", "JSESSIONID=*"));
        cases.add(Case.get("/session/invalidate"));
        // filters by servlet name, and by dispatcher type through the error page
        cases.add(Case.get("/status/200?f=1"));
        return cases.stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void sameResponse(Case c) throws Exception {
        HttpProbe.Response reference = harness.jetty(c.request());
        HttpProbe.Response bridged = harness.bridge(c.request());
        assertEquals(DiffHarness.normalise(reference, c.masks, c.statusOnly, c.statusCodeOnly),
                DiffHarness.normalise(bridged, c.masks, c.statusOnly, c.statusCodeOnly), () -> c + "\n" + harness.nginxErrorLog()
                        .lines().filter(l -> l.contains("[error]")).reduce("", (a, b) -> a + "\n" + b));
    }

    static String text(byte[] bytes) {
        return new String(bytes, StandardCharsets.UTF_8);
    }
}
