package org.fcgibridge.sample.e2e;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** The configuration files of docs/examples, which the end-to-end tests run as the documentation shows them. */
final class Examples {
    private Examples() {
    }

    /** The text of {@code docs/examples/name}. */
    static String read(String name) throws IOException {
        return Files.readString(path(name));
    }

    /** The file {@code docs/examples/name}. */
    static Path path(String name) {
        return Path.of(System.getProperty("docs.examples", "../docs/examples")).resolve(name);
    }

    /** The example with the documented bridge address, 127.0.0.1:9000, replaced by {@code bridgePort}'s. */
    static String pointedAt(String name, int bridgePort) throws IOException {
        String text = read(name);
        if (!text.contains("127.0.0.1:9000") && !text.contains("\"port\" => 9000") && !text.contains("port: 9000")) {
            throw new AssertionError(name + " no longer names the bridge at 127.0.0.1:9000");
        }
        return text.replace("127.0.0.1:9000", "127.0.0.1:" + bridgePort)
                .replace("\"port\" => 9000", "\"port\" => " + bridgePort)
                .replace("port: 9000", "port: " + bridgePort);
    }
}
