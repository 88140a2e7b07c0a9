package org.fcgibridge.servlet.container;

import java.io.Closeable;
import java.io.IOException;
import java.net.MalformedURLException;
import java.net.URL;
import java.nio.file.FileSystem;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;

/**
 * The static files of a web application: a directory (an exploded WAR, or a packed one unpacked), then the
 * {@code META-INF/resources} of the jars of WEB-INF/lib (Servlet 6.0 section 4.6: WebJars and the like), in the order
 * given; the directory's own file wins over a jar's of the same path. Paths are resolved inside the directory or a
 * jar's {@code META-INF/resources} only: nothing outside them is reachable, whatever the path or its symlinks.
 * {@link #close()} releases the jars.
 */
public final class WebResources implements Closeable {
    private static final System.Logger LOG = System.getLogger(WebResources.class.getName());
    private static final String JAR_RESOURCES = "/META-INF/resources";

    private final Path base;
    private final Path realBase;
    /** The META-INF/resources directory of each jar that has one, inside its zip file system. */
    private final List<Path> jarRoots;
    private final List<FileSystem> jars;

    private WebResources(Path base, List<Path> jarRoots, List<FileSystem> jars) {
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
        this.jarRoots = jarRoots;
        this.jars = jars;
    }

    /** The files under {@code directory}. */
    public static WebResources of(Path directory) {
        return new WebResources(directory.toAbsolutePath().normalize(), List.of(), List.of());
    }

    /**
     * The files under {@code directory}, then those under META-INF/resources in each of {@code jars} (the jars of
     * WEB-INF/lib, in their class path order; those without such a directory are not kept open).
     *
     * @throws IOException if a jar cannot be opened as a zip file
     */
    public static WebResources of(Path directory, List<Path> jars) throws IOException {
        List<Path> roots = new ArrayList<>();
        List<FileSystem> open = new ArrayList<>();
        try {
            for (Path jar : jars) {
                FileSystem zip = FileSystems.newFileSystem(jar);
                Path root = zip.getPath(JAR_RESOURCES);
                if (Files.isDirectory(root)) {
                    roots.add(root);
                    open.add(zip);
                } else {
                    zip.close();
                }
            }
        } catch (IOException | RuntimeException e) {
            closeAll(open);
            throw e instanceof IOException ? (IOException) e : new IOException(e.getMessage(), e);
        }
        return new WebResources(directory.toAbsolutePath().normalize(), List.copyOf(roots), List.copyOf(open));
    }

    /** No files at all. */
    public static WebResources none() {
        return new WebResources(null, List.of(), List.of());
    }

    /** The directory, or null. */
    public Path base() {
        return base;
    }

    /**
     * The file for a context-relative path (starting with '/'), or null when there is none or it lies outside. It may
     * be a path inside a jar's zip file system: read it with {@link Files}, not as a {@link java.io.File}.
     */
    public Path file(String path) {
        if (path == null || !path.startsWith("/") || path.indexOf('\0') >= 0) {
            return null;
        }
        Path own = inBase(path);
        if (own != null) {
            return own;
        }
        for (Path root : jarRoots) {
            Path file = inJar(root, path);
            if (file != null) {
                return file;
            }
        }
        return null;
    }

    /**
     * Whether a client may never request {@code path} (context-relative, decoded and canonical): WEB-INF, META-INF and
     * what is beneath them, in any case (Servlet 6.0 section 10.5). Jetty and Tomcat refuse such a request before
     * any servlet mapping, so that no servlet (a JSP page under WEB-INF, an application's "/*") ever runs for it;
     * forwards and includes may still reach them.
     */
    public static boolean isProtected(String path) {
        return isUnder(path, "/WEB-INF") || isUnder(path, "/META-INF");
    }

    private static boolean isUnder(String path, String directory) {
        return path.regionMatches(true, 0, directory, 0, directory.length())
                && (path.length() == directory.length() || path.charAt(directory.length()) == '/');
    }

    /**
     * The file the default servlet may send for a context-relative path: as {@link #file(String)}, but null when the
     * file is under WEB-INF or META-INF (Servlet 6.0 section 10.5) once the directory's symlinks are resolved, so that
     * a link elsewhere in the application (css/conf -&gt; ../WEB-INF) does not expose them. The caller still refuses
     * such a path as requested.
     */
    public Path servable(String path) {
        Path file = file(path);
        if (file == null || realBase == null || file.getFileSystem() != realBase.getFileSystem()) {
            return file; // none, or in a jar's zip file system, which has no symlinks
        }
        Path real;
        try {
            real = file.toRealPath();
        } catch (IOException e) {
            return null;
        }
        if (real.getNameCount() > realBase.getNameCount()) {
            String top = real.getName(realBase.getNameCount()).toString().toUpperCase(Locale.ROOT);
            if (top.equals("WEB-INF") || top.equals("META-INF")) {
                return null;
            }
        }
        return file;
    }

    private Path inBase(String path) {
        if (base == null) {
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

    private static Path inJar(Path root, String path) {
        Path file;
        try {
            file = root.resolve(path.substring(1)).normalize();
        } catch (InvalidPathException e) {
            return null;
        }
        // a zip has no symlinks: staying under META-INF/resources after normalisation is containment enough
        return file.startsWith(root) && Files.exists(file) ? file : null;
    }

    /** ServletContext.getResource. */
    public URL url(String path) throws MalformedURLException {
        if (path == null || !path.startsWith("/")) {
            throw new MalformedURLException("a resource path starts with '/': " + path);
        }
        Path file = file(path);
        return file == null ? null : file.toUri().toURL();
    }

    /**
     * ServletContext.getResourcePaths: the entries directly under a directory path, directories ending in '/', of
     * the directory and the jars together.
     */
    public Set<String> paths(String directory) {
        if (directory == null || !directory.startsWith("/")) {
            return null;
        }
        String prefix = directory.endsWith("/") ? directory : directory + "/";
        Set<String> paths = new TreeSet<>();
        boolean found = list(inBase(directory), prefix, paths);
        for (Path root : jarRoots) {
            found |= list(inJar(root, directory), prefix, paths);
        }
        return found ? paths : null;
    }

    private static boolean list(Path dir, String prefix, Set<String> into) {
        if (dir == null || !Files.isDirectory(dir)) {
            return false;
        }
        try (Stream<Path> entries = Files.list(dir)) {
            entries.forEach(entry -> {
                String name = entry.getFileName().toString();
                if (name.endsWith("/")) {
                    name = name.substring(0, name.length() - 1); // a zip file system names directories so
                }
                into.add(prefix + name + (Files.isDirectory(entry) ? "/" : ""));
            });
        } catch (IOException e) {
            return false;
        }
        return true;
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

    /** Closes the jars; their files are unreachable afterwards. Idempotent. */
    @Override
    public void close() {
        closeAll(jars);
    }

    private static void closeAll(List<FileSystem> systems) {
        for (FileSystem system : systems) {
            try {
                system.close();
            } catch (IOException | RuntimeException e) {
                LOG.log(System.Logger.Level.WARNING, "cannot close " + system + ": " + e);
            }
        }
    }
}
