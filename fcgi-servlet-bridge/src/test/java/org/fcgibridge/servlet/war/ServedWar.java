package org.fcgibridge.servlet.war;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import org.fcgibridge.core.client.FcgiClient;
import org.fcgibridge.core.client.FcgiResponse;
import org.fcgibridge.core.net.ListenAddress;
import org.fcgibridge.core.runner.RunnerFactory;
import org.fcgibridge.core.server.FcgiServer;
import org.fcgibridge.core.server.ServerParams;
import org.fcgibridge.servlet.ServletResponder;

/** A deployed WAR served over FastCGI on loopback, asked with the FastCGI client as nginx would ask it. */
final class ServedWar implements AutoCloseable {
    private final WebAppDeployer.Deployment deployment;
    private final FcgiServer server;

    ServedWar(Path war, String contextPath) throws Exception {
        deployment = WebAppDeployer.deploy(war, contextPath, ServedWar.class.getClassLoader());
        server = FcgiServer.start(ListenAddress.parse("127.0.0.1:0"), ServerParams.defaults(),
                RunnerFactory.of(new ServletResponder(deployment.context())));
    }

    WebAppDeployer.Deployment deployment() {
        return deployment;
    }

    FcgiResponse get(String uri) throws IOException {
        return send("GET", uri, Map.of(), "");
    }

    FcgiResponse send(String method, String uri, Map<String, String> extraParams, String body) throws IOException {
        int query = uri.indexOf('?');
        Map<String, String> params = new LinkedHashMap<>();
        params.put("REQUEST_METHOD", method);
        params.put("REQUEST_URI", uri);
        params.put("DOCUMENT_URI", query < 0 ? uri : uri.substring(0, query));
        params.put("QUERY_STRING", query < 0 ? "" : uri.substring(query + 1));
        params.put("SERVER_PROTOCOL", "HTTP/1.1");
        params.put("SERVER_NAME", "localhost");
        params.put("SERVER_PORT", "80");
        params.put("HTTP_HOST", "localhost");
        byte[] content = body.getBytes(StandardCharsets.UTF_8);
        params.put("CONTENT_LENGTH", body.isEmpty() ? "" : Integer.toString(content.length));
        params.putAll(extraParams);
        try (FcgiClient client = FcgiClient.connect(new InetSocketAddress("127.0.0.1", server.port()))) {
            return client.execute(params, content);
        }
    }

    @Override
    public void close() {
        server.close(Duration.ofSeconds(1));
        deployment.undeploy();
    }
}
