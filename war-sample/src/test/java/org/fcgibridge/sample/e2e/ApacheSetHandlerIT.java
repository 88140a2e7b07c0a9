package org.fcgibridge.sample.e2e;

import java.nio.file.Files;
import java.nio.file.Path;
import org.fcgibridge.core.testing.ApacheProcess;
import org.fcgibridge.core.testing.WebServer;

/** docs/examples/apache-sethandler-fcgi-bridge.conf: mod_proxy_fcgi, SetHandler over a Unix socket. */
@Variant("Apache SetHandler Unix socket")
class ApacheSetHandlerIT extends SampleBehindWebServer {
    @Override
    RunningBridge startBridge(Path dir) throws Exception {
        ApacheProcess.binary();
        Path socket = Configs.socketDirectory(dir).resolve("bridge.sock");
        return bridge(dir, "--listen", "unix:" + socket, "--socket-mode", "666"); // Apache runs as www-data
    }

    @Override
    WebServer startWebServer(Path dir, RunningBridge bridge) throws Exception {
        Path documents = Files.createDirectories(dir.resolve("sockets/www"));
        return ApacheProcess.start(dir.resolve("apache"), Examples.read("apache-sethandler-fcgi-bridge.conf")
                .replace("<VirtualHost 127.0.0.1:8080>", "<VirtualHost 127.0.0.1:PORT>")
                .replace("/var/www/html", documents.toString())
                .replace("/run/fcgi-bridge/fcgi-bridge.sock", dir.resolve("sockets/bridge.sock").toString()));
    }
}
