package org.fcgibridge.sample.e2e;

import java.nio.file.Path;
import org.fcgibridge.core.testing.NginxProcess;
import org.fcgibridge.core.testing.WebServer;

/** docs/examples/nginx-fcgi-bridge.conf: TCP, fastcgi_keep_conn on with upstream keepalive. */
@Variant("nginx TCP keep_conn on")
class NginxTcpIT extends SampleBehindWebServer {
    @Override
    WebServer startWebServer(Path dir, RunningBridge bridge) throws Exception {
        return NginxProcess.start(dir.resolve("nginx"),
                Configs.forNginx(Examples.pointedAt("nginx-fcgi-bridge.conf", bridge.port())));
    }
}
