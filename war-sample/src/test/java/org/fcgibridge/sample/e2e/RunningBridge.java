package org.fcgibridge.sample.e2e;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.fcgibridge.core.testing.JavaProcess;

/**
 * The packed war-sample served by the real launcher jar, {@code java -jar fcgi-bridge.jar --war war-sample.war}, in
 * its own JVM, as a user runs it.
 */
final class RunningBridge implements AutoCloseable {
    private static final Pattern SERVING = Pattern.compile(" on 127\\.0\\.0\\.1:(\\d+)");
    private static final Pattern FRONT = Pattern.compile("HTTP front on http://127\\.0\\.0\\.1:(\\d+)/");

    private final JavaProcess process;
    private final String servingLine;

    private RunningBridge(JavaProcess process, String servingLine) {
        this.process = process;
        this.servingLine = servingLine;
    }

    static Path launcherJar() {
        return Path.of(System.getProperty("launcher.jar", "../fcgi-servlet-bridge/target/fcgi-bridge.jar"));
    }

    static Path sampleWar() {
        return Path.of(System.getProperty("sample.war", "target/war-sample.war"));
    }

    /** {@code java -jar fcgi-bridge.jar} with these arguments. */
    static List<String> command(String... args) {
        return command(List.of("-Xmx256m"), args);
    }

    /** {@code java OPTIONS -jar fcgi-bridge.jar ARGS}. */
    static List<String> command(List<String> jvmOptions, String... args) {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(jvmOptions);
        command.add("-jar");
        command.add(launcherJar().toString());
        command.addAll(List.of(args));
        return command;
    }

    /**
     * A directory of legacy CGI scripts for {@code --cgi-root}: {@code report.sh} answers
     * "script=SCRIPT_NAME info=PATH_INFO query=QUERY_STRING"; {@code post.sh} answers 201 with an {@code X-Script}
     * header and "length=CONTENT_LENGTH type=CONTENT_TYPE body=" followed by the request body it read;
     * {@code silent.sh} writes nothing and {@code headless.sh} a body without a header block (both 502).
     */
    static Path scripts(Path dir) throws IOException {
        Path scripts = Files.createDirectories(dir.resolve("cgi"));
        script(scripts, "report.sh", "printf 'Content-Type: text/plain\\n\\n'\n"
                + "echo \"script=$SCRIPT_NAME info=$PATH_INFO query=$QUERY_STRING\"\n");
        script(scripts, "post.sh", "printf 'Status: 201 Created\\r\\nX-Script: post\\r\\n"
                + "Content-Type: text/plain\\r\\n\\r\\n'\n"
                + "printf 'length=%s type=%s body=' \"$CONTENT_LENGTH\" \"$CONTENT_TYPE\"\n"
                + "cat\n");
        script(scripts, "silent.sh", "exit 0\n");
        script(scripts, "headless.sh", "echo 'a body without a header block'\n");
        return scripts;
    }

    private static void script(Path dir, String name, String body) throws IOException {
        Path script = Files.writeString(dir.resolve(name), "#!/bin/sh\n" + body);
        Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwxr-xr-x"));
    }

    /**
     * Starts the launcher on the war-sample with {@code extra} arguments, listening on a free loopback port unless
     * they say {@code --listen}.
     */
    static RunningBridge start(Path dir, String... extra) throws IOException, InterruptedException {
        return startWar(dir, sampleWar(), extra);
    }

    /**
     * Starts the launcher on {@code war} (a test's own, from WarBuilder) with {@code extra} arguments, listening on a
     * free loopback port unless they say {@code --listen}.
     */
    static RunningBridge startWar(Path dir, Path war, String... extra) throws IOException, InterruptedException {
        return startWar(dir, war, List.of("-Xmx256m"), extra);
    }

    /** {@link #startWar(Path, Path, String...)} in a JVM with these options (-Xmx...). */
    static RunningBridge startWar(Path dir, Path war, List<String> jvmOptions, String... extra)
            throws IOException, InterruptedException {
        List<String> args = new ArrayList<>(List.of("--war", war.toString()));
        if (!List.of(extra).contains("--listen")) {
            args.addAll(List.of("--listen", "127.0.0.1:0"));
        }
        args.addAll(List.of(extra));
        JavaProcess process = JavaProcess.start(command(jvmOptions, args.toArray(String[]::new)),
                dir.resolve("bridge.stderr"));
        try {
            return new RunningBridge(process, process.awaitLine("fcgi-bridge: serving", 30));
        } catch (AssertionError | IOException | InterruptedException e) {
            process.close();
            throw e;
        }
    }

    /** The line the launcher logs once it serves. */
    String servingLine() {
        return servingLine;
    }

    /** The FastCGI port. */
    int port() {
        return group(SERVING);
    }

    /** The port of the HTTP front (started with {@code --http 0}). */
    int httpPort() {
        return group(FRONT);
    }

    private int group(Pattern pattern) {
        Matcher matcher = pattern.matcher(servingLine);
        if (!matcher.find()) {
            throw new AssertionError("no " + pattern + " in: " + servingLine);
        }
        return Integer.parseInt(matcher.group(1));
    }

    JavaProcess process() {
        return process;
    }

    @Override
    public void close() {
        process.close();
    }
}
