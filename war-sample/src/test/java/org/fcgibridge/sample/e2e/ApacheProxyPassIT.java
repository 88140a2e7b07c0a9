package org.fcgibridge.sample.e2e;

import java.nio.file.Path;
import org.fcgibridge.core.testing.ApacheProcess;
import org.fcgibridge.core.testing.WebServer;

/** docs/examples/apache-fcgi-bridge.conf: mod_proxy_fcgi, ProxyPass over TCP, enablereuse=on. */
@Variant("Apache ProxyPass TCP")
class ApacheProxyPassIT extends SampleBehindWebServer {
    @Override
    RunningBridge startBridge(Path dir) throws Exception {
        ApacheProcess.binary();
        return super.startBridge(dir);
    }

    @Override
    WebServer startWebServer(Path dir, RunningBridge bridge) throws Exception {
        return ApacheProcess.start(dir.resolve("apache"), Examples.pointedAt("apache-fcgi-bridge.conf",
                bridge.port()).replace("<VirtualHost 127.0.0.1:8080>", "<VirtualHost 127.0.0.1:PORT>"));
    }
}
