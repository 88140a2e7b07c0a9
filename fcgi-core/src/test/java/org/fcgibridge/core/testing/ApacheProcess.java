package org.fcgibridge.core.testing;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * A real Apache httpd (Debian's apache2, event MPM, mod_proxy_fcgi), started in the foreground on loopback from a
 * generated config: the caller's content (a VirtualHost, ProxyPass lines...) after the modules and the globals every
 * test needs. {@code 127.0.0.1:PORT} in the content becomes the address Apache listens on.
 */
public final class ApacheProcess {
    private static final String MODULES = "/usr/lib/apache2/modules/";

    private ApacheProcess() {
    }

    /** The apache2 binary, or a skipped test that says how to install it. */
    public static Path binary() {
        Path apache = Peers.find("apache2");
        assumeTrue(apache != null && Files.isRegularFile(Path.of(MODULES, "mod_proxy_fcgi.so")),
                Peers.missing("apache2", "apache2"));
        return apache;
    }

    /** Starts Apache; {@code content} is appended to the global config. */
    public static WebServer start(Path dir, String content) throws IOException, InterruptedException {
        Path apache = binary();
        int port = NginxProcess.freePort();
        Files.createDirectories(dir);
        boolean root = "root".equals(System.getProperty("user.name"));
        String config = String.join("\n",
                module("mpm_event"), module("authz_core"), module("proxy"), module("proxy_fcgi"), module("setenvif"),
                module("headers"), module("env"),
                root ? "User www-data\nGroup www-data" : "",
                "ServerName 127.0.0.1",
                "Listen 127.0.0.1:" + port,
                "PidFile " + dir.resolve("httpd.pid"),
                "DefaultRuntimeDir " + dir,
                "ErrorLog " + dir.resolve("error.log"),
                "LogLevel warn",
                "Timeout 60",
                content.replace("127.0.0.1:PORT", "127.0.0.1:" + port), "");
        Path conf = dir.resolve("httpd.conf");
        Files.writeString(conf, config);
        return WebServerProcess.start(List.of(apache.toString(), "-d", dir.toString(), "-f",
                conf.toString(), "-DFOREGROUND"), Map.of(), dir, dir.resolve("error.log"), port);
    }

    private static String module(String name) {
        return "LoadModule " + name + "_module " + MODULES + "mod_" + name + ".so";
    }
}
