package org.fcgibridge.sample.e2e;

import java.nio.file.Path;
import org.fcgibridge.core.testing.NginxProcess;
import org.fcgibridge.core.testing.WebServer;

/**
 * docs/examples/nginx-unix-fcgi-bridge.conf: a Unix socket, nginx's default of a connection per request (KEEP_CONN
 * off) and request bodies streamed (fastcgi_request_buffering off).
 */
@Variant("nginx Unix socket keep_conn off")
class NginxUnixIT extends SampleBehindWebServer {
    @Override
    RunningBridge startBridge(Path dir) throws Exception {
        NginxProcess.binary();
        Path socket = Configs.socketDirectory(dir).resolve("bridge.sock");
        return bridge(dir, "--listen", "unix:" + socket);
    }

    @Override
    WebServer startWebServer(Path dir, RunningBridge bridge) throws Exception {
        return NginxProcess.start(dir.resolve("nginx"), Configs.forNginx(Examples.read("nginx-unix-fcgi-bridge.conf")
                .replace("/run/fcgi-bridge/fcgi-bridge.sock", dir.resolve("sockets/bridge.sock").toString())));
    }
}
