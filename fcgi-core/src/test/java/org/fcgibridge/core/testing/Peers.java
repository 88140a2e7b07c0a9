package org.fcgibridge.core.testing;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;

/** Where the real peers of the tests are installed (the test script installs them from Debian packages). */
public final class Peers {
    private Peers() {
    }

    /** The path of an executable on PATH or in the usual system directories, or null. */
    public static Path find(String name) {
        String path = System.getenv().getOrDefault("PATH", "") + File.pathSeparator + "/usr/sbin:/usr/bin:/sbin";
        for (String dir : path.split(File.pathSeparator)) {
            if (dir.isEmpty()) {
                continue;
            }
            Path candidate = Path.of(dir, name);
            if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
                return candidate;
            }
        }
        return null;
    }

    /** Why a test of {@code name} cannot run here, for an assumption message. */
    public static String missing(String name, String debianPackage) {
        return name + " is not installed (apt-get install -y " + debianPackage + "; the test script does this)";
    }
}
