package org.fcgibridge.sample.e2e;

import java.nio.file.Path;
import org.fcgibridge.core.testing.LighttpdProcess;
import org.fcgibridge.core.testing.WebServer;

/**
 * docs/examples/lighttpd-spawn-fcgi-bridge.conf: lighttpd starts the bridge itself (bin-path) and hands it the
 * listening Unix socket as file descriptor 0.
 */
@Variant("lighttpd bin-path, socket on fd 0")
class LighttpdSpawnIT extends SampleBehindWebServer {
    @Override
    RunningBridge startBridge(Path dir) {
        return null; // lighttpd starts it
    }

    @Override
    WebServer startWebServer(Path dir, RunningBridge bridge) throws Exception {
        LighttpdProcess.binary();
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        return LighttpdProcess.start(dir.resolve("lighttpd"), Examples.read("lighttpd-spawn-fcgi-bridge.conf")
                .replace("/run/lighttpd/fcgi-bridge.sock", dir.resolve("bridge.sock").toString())
                .replace("/usr/bin/java", java)
                .replace("/opt/fcgi-bridge/fcgi-bridge.jar", RunningBridge.launcherJar().toAbsolutePath().toString())
                .replace("/opt/fcgi-bridge/app.war", RunningBridge.sampleWar().toAbsolutePath().toString())
                .replace("--listen fd:0", "--listen fd:0 " + String.join(" ", launcherOptions(dir))));
    }

    @Override
    String refusesChunkedRequestBodies() {
        return "lighttpd answers 411 itself to a chunked request body";
    }
}
