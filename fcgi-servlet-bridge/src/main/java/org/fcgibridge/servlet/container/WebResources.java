package org.fcgibridge.servlet.container;

import java.io.IOException;
import java.net.MalformedURLException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;

/**
 * The static files of a web application: a directory (an exploded WAR, or a packed one unpacked). Paths are
 * resolved inside the directory only: nothing outside it is reachable, whatever the path or its symlinks.
 */
public final class WebResources {
    private final Path base;
    private final Path realBase;

    private WebResources(Path base) {
        this.base = base;
        Path real = null;
        if (base != null) {
            try {
                real = base.toRealPath();
            } catch (IOException e) {
                real = base.toAbsolutePath().normalize();
            }
        }
        this.realBase = real;
    }

    /** The files under {@code directory}. */
    public static WebResources of(Path directory) {
        return new WebResources(directory.toAbsolutePath().normalize());
    }

    /** No files at all. */
    public static WebResources none() {
        return new WebResources(null);
    }

    /** The directory, or null. */
    public Path base() {
        return base;
    }

    /**
     * The file for a context-relative path (starting with '/'), or null when there is none or it lies outside.
     */
    public Path file(String path) {
        if (base == null || path == null || !path.startsWith("/") || path.indexOf('\0') >= 0) {
            return null;
        }
        Path file;
        try {
            file = base.resolve(path.substring(1)).normalize();
        } catch (InvalidPathException e) {
            return null;
        }
        if (!file.startsWith(base) || !Files.exists(file)) {
            return null;
        }
        try {
            if (!file.toRealPath().startsWith(realBase)) {
                return null;
            }
        } catch (IOException e) {
            return null;
        }
        return file;
    }

    /** ServletContext.getResource. */
    public URL url(String path) throws MalformedURLException {
        if (path == null || !path.startsWith("/")) {
            throw new MalformedURLException("a resource path starts with '/': " + path);
        }
        Path file = file(path);
        return file == null ? null : file.toUri().toURL();
    }

    /** ServletContext.getResourcePaths: the entries directly under a directory path, directories ending in '/'. */
    public Set<String> paths(String directory) {
        Path dir = file(directory);
        if (dir == null || !Files.isDirectory(dir)) {
            return null;
        }
        String prefix = directory.endsWith("/") ? directory : directory + "/";
        Set<String> paths = new TreeSet<>();
        try (Stream<Path> entries = Files.list(dir)) {
            entries.forEach(entry -> paths.add(prefix + entry.getFileName()
                    + (Files.isDirectory(entry) ? "/" : "")));
        } catch (IOException e) {
            return null;
        }
        return paths;
    }

    /** ServletContext.getRealPath: the file system path, existing or not, inside the directory. */
    public String realPath(String path) {
        if (base == null || path == null) {
            return null;
        }
        String relative = path.startsWith("/") ? path.substring(1) : path;
        try {
            Path file = base.resolve(relative).normalize();
            return file.startsWith(base) ? file.toString() : null;
        } catch (InvalidPathException e) {
            return null;
        }
    }
}
