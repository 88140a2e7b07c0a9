package org.fcgibridge.sample.e2e;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

/** Helpers the variants share to adapt the documented configurations to a test's ports and paths. */
final class Configs {
    private Configs() {
    }

    /** nginx's documented config, listening where the test's nginx listens, with Debian's fastcgi_params. */
    static String forNginx(String example) {
        return example.replace("listen 127.0.0.1:8080;", "listen 127.0.0.1:PORT;")
                .replace("include fastcgi_params;", "include /etc/nginx/fastcgi_params;");
    }

    /**
     * A directory for the bridge's Unix socket that a web server running as another user (Apache's www-data) can
     * reach: the test's own temporary directories are private.
     */
    static Path socketDirectory(Path dir) throws IOException {
        Path sockets = Files.createDirectories(dir.resolve("sockets"));
        for (Path p = sockets; p != null && p.startsWith(dir.getParent()); p = p.getParent()) {
            Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rwxr-xr-x"));
        }
        return sockets;
    }

    /**
     * nginx's config {@code forNginx} made, with the params that nginx sends when it terminates TLS itself
     * (REQUEST_SCHEME https, HTTPS on), though the test's client speaks plain HTTP to it: the bridge sees a request
     * that came over HTTPS. The params file is written in {@code dir}.
     */
    static String behindTls(String nginxConfig, Path dir) throws IOException {
        StringBuilder params = new StringBuilder();
        for (String line : Files.readAllLines(Path.of("/etc/nginx/fastcgi_params"))) {
            if (!line.matches("\\s*fastcgi_param\\s+(REQUEST_SCHEME|HTTPS)\\s.*")) {
                params.append(line).append('\n');
            }
        }
        params.append("fastcgi_param  REQUEST_SCHEME     https;\nfastcgi_param  HTTPS              on;\n");
        Path file = Files.writeString(Files.createDirectories(dir).resolve("fastcgi_params_tls"), params);
        String tls = nginxConfig.replace("include /etc/nginx/fastcgi_params;", "include " + file + ";");
        if (tls.equals(nginxConfig)) {
            throw new AssertionError("no include of /etc/nginx/fastcgi_params in: " + nginxConfig);
        }
        return tls;
    }
}
