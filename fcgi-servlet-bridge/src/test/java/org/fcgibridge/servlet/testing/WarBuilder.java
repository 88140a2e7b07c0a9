package org.fcgibridge.servlet.testing;

import java.io.IOException;
import java.io.OutputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import javax.tools.JavaCompiler;
import javax.tools.JavaFileObject;
import javax.tools.SimpleJavaFileObject;
import javax.tools.StandardJavaFileManager;
import javax.tools.StandardLocation;
import javax.tools.ToolProvider;

/**
 * Builds a web application for a deployment test from Java sources compiled here (javac of the running JDK),
 * resources, a web.xml and library jars: exploded in a directory, or packed into a .war.
 */
public final class WarBuilder {
    private final Path dir;
    private final Map<String, String> sources = new LinkedHashMap<>();
    private final Map<String, String> files = new LinkedHashMap<>();
    private final List<Path> libs = new ArrayList<>();

    public WarBuilder(Path dir) {
        this.dir = dir;
    }

    /** A class of WEB-INF/classes, by its fully qualified name and its source. */
    public WarBuilder source(String className, String source) {
        sources.put(className, source);
        return this;
    }

    /** A file of the application, by its path inside the WAR (WEB-INF/web.xml, index.html...). */
    public WarBuilder file(String path, String content) {
        files.put(path, content);
        return this;
    }

    public WarBuilder webXml(String content) {
        return file("WEB-INF/web.xml", content);
    }

    /** A jar of WEB-INF/lib, made of compiled sources and resources (META-INF/services/..., web-fragment.xml). */
    public WarBuilder lib(String name, Map<String, String> librarySources, Map<String, String> resources)
            throws IOException {
        Path classes = Files.createDirectories(dir.resolve("build-" + name));
        compile(librarySources, classes, List.of());
        for (Map.Entry<String, String> resource : resources.entrySet()) {
            Path file = classes.resolve(resource.getKey());
            Files.createDirectories(file.getParent());
            Files.writeString(file, resource.getValue());
        }
        Path jar = dir.resolve("jars").resolve(name);
        Files.createDirectories(jar.getParent());
        zip(classes, jar);
        libs.add(jar);
        return this;
    }

    /** A jar of WEB-INF/lib copied as it is under its own name (a library of the test's class path). */
    public WarBuilder lib(Path jar) {
        libs.add(jar);
        return this;
    }

    /** The application as a directory. */
    public Path exploded() throws IOException {
        Path root = dir.resolve("exploded");
        Path classes = Files.createDirectories(root.resolve("WEB-INF/classes"));
        compile(sources, classes, libs);
        for (Map.Entry<String, String> file : files.entrySet()) {
            Path target = root.resolve(file.getKey());
            Files.createDirectories(target.getParent());
            Files.writeString(target, file.getValue());
        }
        Path lib = Files.createDirectories(root.resolve("WEB-INF/lib"));
        for (Path jar : libs) {
            Files.copy(jar, lib.resolve(jar.getFileName()));
        }
        return root;
    }

    /** The application packed as {@code name}.war (built from {@link #exploded()}). */
    public Path packed(String name) throws IOException {
        Path root = Files.exists(dir.resolve("exploded")) ? dir.resolve("exploded") : exploded();
        Path war = dir.resolve(name + ".war");
        zip(root, war);
        return war;
    }

    private static void compile(Map<String, String> sources, Path output, List<Path> extraClasspath)
            throws IOException {
        if (sources.isEmpty()) {
            return;
        }
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        List<JavaFileObject> units = new ArrayList<>();
        for (Map.Entry<String, String> source : sources.entrySet()) {
            units.add(new SimpleJavaFileObject(URI.create("string:///" + source.getKey().replace('.', '/')
                    + ".java"), JavaFileObject.Kind.SOURCE) {
                @Override
                public CharSequence getCharContent(boolean ignoreEncodingErrors) {
                    return source.getValue();
                }
            });
        }
        List<String> classpath = new ArrayList<>(List.of(System.getProperty("java.class.path").split(
                java.io.File.pathSeparator)));
        extraClasspath.forEach(jar -> classpath.add(jar.toString()));
        try (StandardJavaFileManager manager = javac.getStandardFileManager(null, null, StandardCharsets.UTF_8)) {
            manager.setLocation(StandardLocation.CLASS_OUTPUT, List.of(output.toFile()));
            java.io.StringWriter errors = new java.io.StringWriter();
            boolean ok = javac.getTask(errors, manager, null, List.of("-classpath", String.join(java.io.File.pathSeparator,
                    classpath), "-proc:none"), null, units).call();
            if (!ok) {
                throw new IllegalStateException("the test application does not compile: " + errors);
            }
        }
    }

    private static void zip(Path root, Path target) throws IOException {
        try (OutputStream out = Files.newOutputStream(target); ZipOutputStream zip = new ZipOutputStream(out);
             Stream<Path> walk = Files.walk(root)) {
            for (Path file : (Iterable<Path>) walk.sorted()::iterator) {
                if (file.equals(root)) {
                    continue;
                }
                String name = root.relativize(file).toString().replace('\\', '/');
                if (Files.isDirectory(file)) {
                    zip.putNextEntry(new ZipEntry(name + "/"));
                } else {
                    zip.putNextEntry(new ZipEntry(name));
                    Files.copy(file, zip);
                }
                zip.closeEntry();
            }
        }
    }
}
