package org.fcgibridge.sample.e2e;

import java.nio.file.Path;
import org.fcgibridge.core.testing.CaddyProcess;
import org.fcgibridge.core.testing.WebServer;

/** docs/examples/caddy-fcgi-bridge.Caddyfile: reverse_proxy with the fastcgi transport. */
@Variant("Caddy fastcgi transport")
class CaddyIT extends SampleBehindWebServer {
    @Override
    RunningBridge startBridge(Path dir) throws Exception {
        CaddyProcess.binary();
        return super.startBridge(dir);
    }

    @Override
    WebServer startWebServer(Path dir, RunningBridge bridge) throws Exception {
        return CaddyProcess.start(dir.resolve("caddy"), Examples.pointedAt("caddy-fcgi-bridge.Caddyfile",
                bridge.port()).replace("http://127.0.0.1:8080", "http://127.0.0.1:PORT"));
    }
}
