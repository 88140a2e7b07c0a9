package org.fcgibridge.sample.e2e;

import java.nio.file.Path;
import org.fcgibridge.core.testing.H2oProcess;
import org.fcgibridge.core.testing.WebServer;

/** docs/examples/h2o-fcgi-bridge.conf: fastcgi.connect over TCP. */
@Variant("h2o fastcgi.connect")
class H2oIT extends SampleBehindWebServer {
    @Override
    RunningBridge startBridge(Path dir) throws Exception {
        H2oProcess.binary();
        return super.startBridge(dir);
    }

    @Override
    WebServer startWebServer(Path dir, RunningBridge bridge) throws Exception {
        return H2oProcess.start(dir.resolve("h2o"), Examples.pointedAt("h2o-fcgi-bridge.conf", bridge.port())
                .replace("port: 8080", "port: PORT"));
    }
}
