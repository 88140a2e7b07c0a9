package org.fcgibridge.sample.e2e;

import java.nio.file.Path;
import org.fcgibridge.core.testing.LighttpdProcess;
import org.fcgibridge.core.testing.WebServer;

/** docs/examples/lighttpd-fcgi-bridge.conf: mod_fastcgi to the bridge on TCP (lighttpd closes after each request). */
@Variant("lighttpd TCP")
class LighttpdTcpIT extends SampleBehindWebServer {
    @Override
    RunningBridge startBridge(Path dir) throws Exception {
        LighttpdProcess.binary();
        return super.startBridge(dir);
    }

    @Override
    WebServer startWebServer(Path dir, RunningBridge bridge) throws Exception {
        return LighttpdProcess.start(dir.resolve("lighttpd"),
                Examples.pointedAt("lighttpd-fcgi-bridge.conf", bridge.port()));
    }

    @Override
    String refusesChunkedRequestBodies() {
        return "lighttpd answers 411 itself to a chunked request body";
    }
}
