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
}
