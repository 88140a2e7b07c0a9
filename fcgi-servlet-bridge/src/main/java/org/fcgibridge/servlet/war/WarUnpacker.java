package org.fcgibridge.servlet.war;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Enumeration;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

/**
 * Unpacks a packed WAR into a directory, refusing entries that would land outside it (zip slip).
 */
final class WarUnpacker {
    private WarUnpacker() {
    }

    /**
     * @throws DeploymentException if the file is not a zip archive, or an entry escapes the target directory
     */
    static void unpack(Path war, Path target) throws DeploymentException {
        Path root = target.toAbsolutePath().normalize();
        try (ZipFile zip = new ZipFile(war.toFile())) {
            Enumeration<? extends ZipEntry> entries = zip.entries();
            while (entries.hasMoreElements()) {
                ZipEntry entry = entries.nextElement();
                Path destination = root.resolve(entry.getName()).normalize();
                if (!destination.startsWith(root)) {
                    throw new DeploymentException(war + ": the entry " + entry.getName()
                            + " would be written outside the deployment directory");
                }
                if (entry.isDirectory()) {
                    Files.createDirectories(destination);
                } else {
                    Files.createDirectories(destination.getParent());
                    try (InputStream in = zip.getInputStream(entry)) {
                        Files.copy(in, destination, StandardCopyOption.REPLACE_EXISTING);
                    }
                    if (entry.getLastModifiedTime() != null) {
                        Files.setLastModifiedTime(destination, entry.getLastModifiedTime());
                    }
                }
            }
        } catch (IOException e) {
            throw new DeploymentException(war + ": cannot unpack: " + e.getMessage(), e);
        }
    }
}
