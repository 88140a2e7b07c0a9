package org.fcgibridge.sample.e2e;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.fcgibridge.core.testing.NginxProcess;
import org.fcgibridge.core.testing.WebServer;
import org.junit.jupiter.params.provider.Arguments;

/**
 * One WAR served by the launcher on each engine, reached through the launcher's HTTP front or a real nginx in front
 * of it (docs/examples/nginx-fcgi-bridge.conf): one bridge, and one nginx, per engine, started at first use and
 * closed together.
 */
final class WarFronts implements AutoCloseable {
    private final Path dir;
    private final Path war;
    private final String contextPath;
    private final List<String> arguments;
    private final Map<String, RunningBridge> bridges = new HashMap<>();
    private final Map<String, WebServer> nginxes = new HashMap<>();

    /**
     * @param dir         where each engine's launcher and nginx keep their files
     * @param contextPath the WAR's context path ("/name")
     * @param arguments   more launcher arguments (a realm...)
     */
    WarFronts(Path dir, Path war, String contextPath, String... arguments) {
        this.dir = dir;
        this.war = war;
        this.contextPath = contextPath;
        this.arguments = List.of(arguments);
    }

    /** Each engine, through the launcher's HTTP front and behind nginx: the arguments of a parameterized test. */
    static Stream<Arguments> enginesAndFronts() {
        return Stream.of("standalone", "jetty")
                .flatMap(engine -> Stream.of(Arguments.of(engine, "launcher"), Arguments.of(engine, "nginx")));
    }

    /** The WAR's base URI (ending in '/') on {@code engine} through {@code front}: "launcher" or "nginx". */
    synchronized URI base(String engine, String front) throws Exception {
        RunningBridge bridge = bridge(engine);
        if (front.equals("launcher")) {
            return URI.create("http://127.0.0.1:" + bridge.httpPort() + contextPath + "/");
        }
        WebServer nginx = nginxes.get(engine);
        if (nginx == null) {
            nginx = NginxProcess.start(dir.resolve(engine).resolve("nginx"),
                    Configs.forNginx(Examples.pointedAt("nginx-fcgi-bridge.conf", bridge.port())));
            nginxes.put(engine, nginx);
        }
        return URI.create("http://127.0.0.1:" + nginx.port() + contextPath + "/");
    }

    private RunningBridge bridge(String engine) throws Exception {
        RunningBridge running = bridges.get(engine);
        if (running == null) {
            List<String> args = new ArrayList<>(List.of("--engine", engine, "--context-path", contextPath,
                    "--http", "0"));
            args.addAll(arguments);
            running = RunningBridge.startWar(Files.createDirectories(dir.resolve(engine)), war,
                    args.toArray(String[]::new));
            bridges.put(engine, running);
        }
        return running;
    }

    @Override
    public synchronized void close() throws InterruptedException {
        for (WebServer nginx : nginxes.values()) {
            nginx.close();
        }
        bridges.values().forEach(RunningBridge::close);
    }
}
