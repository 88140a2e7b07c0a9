package org.fcgibridge.servlet.container;

import static org.junit.jupiter.api.Assertions.assertEquals;

import jakarta.servlet.DispatcherType;
import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletOutputStream;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpServletResponseWrapper;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.Map;
import org.fcgibridge.core.client.FcgiClient;
import org.fcgibridge.core.client.FcgiResponse;
import org.fcgibridge.core.net.ListenAddress;
import org.fcgibridge.core.runner.RunnerFactory;
import org.fcgibridge.core.server.FcgiServer;
import org.fcgibridge.core.server.ServerParams;
import org.fcgibridge.servlet.ServletResponder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The default servlet takes the output stream only to write a file's bytes: not for a 304, a 412 or a HEAD. */
@Timeout(60)
class DefaultServletStreamTest {
    @TempDir
    Path dir;

    /** Whether the servlet behind {@link StreamWatch} took the output stream in the last request. */
    static volatile boolean taken;

    /** Records whether the servlet behind it took the output stream (a header could not say it after sendError). */
    static final class StreamWatch implements Filter {
        @Override
        public void doFilter(ServletRequest request, ServletResponse response, FilterChain chain)
                throws IOException, ServletException {
            taken = false;
            HttpServletResponse http = (HttpServletResponse) response;
            chain.doFilter(request, new HttpServletResponseWrapper(http) {
                @Override
                public ServletOutputStream getOutputStream() throws IOException {
                    taken = true;
                    return super.getOutputStream();
                }
            });
        }
    }

    @Test
    void onlyABodyTakesTheStream() throws Exception {
        Files.writeString(dir.resolve("page.txt"), "PAGE");
        BridgeServletContext app = new BridgeServletContext("", getClass().getClassLoader(), WebResources.of(dir));
        app.addDefaultServlet();
        app.addFilter("watch", new StreamWatch()).addMappingForUrlPatterns(EnumSet.of(DispatcherType.REQUEST),
                false, "/*");
        app.start();
        FcgiServer server = FcgiServer.start(ListenAddress.parse("127.0.0.1:0"), ServerParams.defaults(),
                RunnerFactory.of(new ServletResponder(app)));
        try (FcgiClient client = FcgiClient.connect(new InetSocketAddress("127.0.0.1", server.port()))) {
            FcgiResponse get = client.execute(request("GET"), new byte[0]);
            assertEquals("PAGE", get.bodyText());
            assertEquals(true, taken);
            String etag = get.header("ETag");
            FcgiResponse notModified = client.execute(request("GET", "HTTP_IF_NONE_MATCH", etag), new byte[0]);
            assertEquals(304, notModified.status());
            assertEquals(false, taken, "304");
            FcgiResponse failed = client.execute(request("GET", "HTTP_IF_MATCH", "\"other\""), new byte[0]);
            assertEquals(412, failed.status());
            assertEquals(false, taken, "412");
            FcgiResponse head = client.execute(request("HEAD"), new byte[0]);
            assertEquals(false, taken, "HEAD");
            assertEquals("4", head.header("Content-Length"));
        } finally {
            server.close(Duration.ofSeconds(1));
            app.stop();
        }
    }

    private static Map<String, String> request(String method, String... extra) {
        Map<String, String> params = new LinkedHashMap<>();
        params.put("REQUEST_METHOD", method);
        params.put("REQUEST_URI", "/page.txt");
        params.put("QUERY_STRING", "");
        params.put("SERVER_PORT", "80");
        params.put("HTTP_HOST", "example.org");
        for (int i = 0; i < extra.length; i += 2) {
            params.put(extra[i], extra[i + 1]);
        }
        return params;
    }
}
