package org.fcgibridge.core.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.fcgibridge.core.client.ClientRequest;
import org.fcgibridge.core.client.FcgiClient;
import org.fcgibridge.core.client.FcgiResponse;
import org.fcgibridge.core.net.ListenAddress;
import org.fcgibridge.core.protocol.Role;
import org.fcgibridge.core.testing.JavaProcess;
import org.fcgibridge.core.testing.Peers;
import org.fcgibridge.core.testing.Processes;
import org.fcgibridge.core.testing.Scripts;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The runnable echo responder, as a user runs it: a separate JVM, stopped with SIGTERM. */
@Timeout(120)
class MainTest {
    @TempDir
    Path dir;

    private JavaProcess echo(String... listen) throws Exception {
        List<String> args = new ArrayList<>(List.of("echo"));
        args.addAll(List.of(listen));
        return JavaProcess.start(JavaProcess.command(List.of(), Main.class.getName(), args.toArray(String[]::new)),
                dir.resolve("stderr.txt"));
    }

    private static int portOf(String line) {
        return Integer.parseInt(line.substring(line.lastIndexOf(':') + 1).trim());
    }

    @Test
    void aKilledCgiServerLeavesNeitherItsSpawnHelperNorItsDirectoryNorItsScripts() throws Exception {
        Path root = Files.createDirectories(dir.resolve("cgi-bin"));
        Path pids = dir.resolve("pids");
        Scripts.script(root, "hello.sh", Scripts.HELLO_SH);
        Scripts.script(root, "hang.sh", "#!/bin/sh\necho $$ > \"$PID_FILE\"\nsleep 300 &\necho $! >> \"$PID_FILE\"\n"
                + "wait\n");
        try (JavaProcess process = JavaProcess.start(JavaProcess.command(List.of(), Main.class.getName(), "cgi",
                "--root", root.toString(), "--env", "PID_FILE=" + pids, "--listen", "127.0.0.1:0"),
                dir.resolve("stderr.txt"));
                FcgiClient client = FcgiClient.connect(new InetSocketAddress("127.0.0.1",
                        portOf(process.awaitLine("listening on", 30))))) {
            assertEquals(200, client.execute(Map.of("SCRIPT_FILENAME", root.resolve("hello.sh").toString()),
                    new byte[0]).status());
            client.begin(Role.RESPONDER, Map.of("SCRIPT_FILENAME", root.resolve("hang.sh").toString()), true)
                    .stdin().close();
            List<ProcessHandle> helpers = process.process().children()
                    .filter(p -> p.info().command().orElse("").contains("spawn-helper")).collect(Collectors.toList());
            assumeTrue(!helpers.isEmpty(), "no C compiler built the spawn helper");
            String socket = helpers.get(0).info().arguments().orElseThrow()[0];
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (!(Files.exists(pids) && Files.readAllLines(pids).size() == 2)) {
                assertTrue(System.nanoTime() < deadline, "hang.sh never started");
                Thread.sleep(20);
            }
            process.process().destroyForcibly(); // SIGKILL: no shutdown hook runs
            for (ProcessHandle helper : helpers) {
                helper.onExit().get(10, TimeUnit.SECONDS);
            }
            assertFalse(Files.exists(Path.of(socket).getParent()), "the helper removed " + socket);
            Processes.assertAllGoneWithinASecond(pids); // the script and its child
        }
    }

    @Test
    void jdkSpawnStartsScriptsFromTheJvmItself() throws Exception {
        Path root = Files.createDirectories(dir.resolve("cgi-bin"));
        Scripts.script(root, "parent.sh", "#!/bin/sh\nprintf 'Content-Type: text/plain\\n\\n%s' \"$PPID\"\n");
        try (JavaProcess process = JavaProcess.start(JavaProcess.command(List.of(), Main.class.getName(), "cgi",
                "--root", root.toString(), "--listen", "127.0.0.1:0", "--jdk-spawn"), dir.resolve("stderr.txt"))) {
            int port = portOf(process.awaitLine("listening on", 30));
            try (FcgiClient client = FcgiClient.connect(new InetSocketAddress("127.0.0.1", port))) {
                FcgiResponse response = client.execute(Map.of("SCRIPT_FILENAME",
                        root.resolve("parent.sh").toString()), new byte[0]);
                assertEquals(String.valueOf(process.process().pid()), response.bodyText().trim(),
                        "the JDK's jspawnhelper execs the script, so the JVM is its parent");
            }
            assertTrue(process.process().children().noneMatch(p -> p.info().command().orElse("")
                    .contains("spawn-helper")), "no spawn helper was started");
        }
    }

    @Test
    void echoAnswersWithSortedParamsAnEmptyLineAndTheBodyThenStopsOnSigterm() throws Exception {
        try (JavaProcess process = echo("--listen", "127.0.0.1:0")) {
            String line = process.awaitLine("listening on", 30);
            assertTrue(line.startsWith("fcgi-core echo listening on 127.0.0.1:"), line);
            Map<String, String> params = new LinkedHashMap<>();
            params.put("SCRIPT_NAME", "/x");
            params.put("QUERY_STRING", "q=%C3%A9");
            params.put("HTTP_X_CAFE", "caf\u00e9");
            params.put("A_FIRST", "1");
            byte[] body = {0, 1, 2, (byte) 0xFF, '\n', 'b'};
            try (FcgiClient client = FcgiClient.connect(new InetSocketAddress("127.0.0.1", portOf(line)))) {
                FcgiResponse response = client.execute(params, body);
                assertEquals("200", response.header("Status"));
                assertEquals("text/plain; charset=utf-8", response.header("Content-Type"));
                ByteArrayOutputStream expected = new ByteArrayOutputStream();
                expected.writeBytes(("A_FIRST=1\nHTTP_X_CAFE=caf\u00e9\nQUERY_STRING=q=%C3%A9\nSCRIPT_NAME=/x\n\n")
                        .getBytes(StandardCharsets.UTF_8));
                expected.writeBytes(body);
                assertEquals(new String(expected.toByteArray(), StandardCharsets.ISO_8859_1),
                        new String(response.body(), StandardCharsets.ISO_8859_1));
            }
            assertEquals(0, process.terminate(30), "a clean exit on SIGTERM");
            assertTrue(process.stderrText().contains("closed"), process.stderrText());
        }
    }

    @Test
    void sigtermLetsARequestInFlightFinish() throws Exception {
        try (JavaProcess process = echo("--listen", "127.0.0.1:0")) {
            int port = portOf(process.awaitLine("listening on", 30));
            try (FcgiClient client = FcgiClient.connect(new InetSocketAddress("127.0.0.1", port))) {
                ClientRequest request = client.begin(Role.RESPONDER, Map.of("A", "b"), true);
                request.stdin().write("part one;".getBytes(StandardCharsets.UTF_8));
                request.stdin().flush();
                // answered by the connection while the handler waits for the rest of its body: the request is in flight
                assertEquals("0", client.getValues("FCGI_MPXS_CONNS").get("FCGI_MPXS_CONNS"));
                process.process().destroy(); // SIGTERM while the request is in flight
                Thread.sleep(300);
                request.stdin().write("part two".getBytes(StandardCharsets.UTF_8));
                request.stdin().close();
                FcgiResponse response;
                try {
                    response = request.readResponse();
                } catch (java.io.IOException e) {
                    throw new AssertionError(process.stderrText(), e);
                }
                assertTrue(response.bodyText().endsWith("A=b\n\npart one;part two"), response.bodyText());
            }
            assertTrue(process.process().waitFor(30, TimeUnit.SECONDS));
            assertEquals(0, process.process().exitValue());
        }
    }

    @Test
    void echoOverAUnixSocket() throws Exception {
        Path socket = dir.resolve("echo.sock");
        try (JavaProcess process = echo("--listen", "unix:" + socket, "--socket-mode", "660")) {
            assertTrue(process.awaitLine("listening on", 30).endsWith("unix:" + socket));
            try (FcgiClient client = FcgiClient.connect(ListenAddress.unix(socket))) {
                assertTrue(client.execute(Map.of("K", "v"), "body".getBytes()).bodyText().equals("K=v\n\nbody"));
            }
            assertEquals("rw-rw----", java.nio.file.attribute.PosixFilePermissions.toString(
                    Files.getPosixFilePermissions(socket)));
            assertEquals(0, process.terminate(30));
            assertTrue(!Files.exists(socket));
        }
    }

    @Test
    void servesTheSocketInheritedAsFdZeroFromSpawnFcgi() throws Exception {
        Path spawn = Peers.find("spawn-fcgi");
        assumeTrue(spawn != null, Peers.missing("spawn-fcgi", "spawn-fcgi"));
        int port;
        try (java.net.ServerSocket probe = new java.net.ServerSocket(0)) {
            port = probe.getLocalPort();
        }
        List<String> command = new ArrayList<>(List.of(spawn.toString(), "-n", "-a", "127.0.0.1", "-p",
                Integer.toString(port), "--"));
        command.addAll(JavaProcess.command(List.of(), Main.class.getName(), "echo", "--listen", "fd:0"));
        try (JavaProcess process = JavaProcess.start(command, dir.resolve("spawn.txt"))) {
            process.awaitLine("listening on fd:0", 30);
            try (FcgiClient client = FcgiClient.connect(new InetSocketAddress("127.0.0.1", port))) {
                assertEquals("X=y\n\nfrom spawn-fcgi",
                        client.execute(Map.of("X", "y"), "from spawn-fcgi".getBytes()).bodyText());
            }
            assertEquals(0, process.terminate(30));
        }
    }

    @Test
    void usageErrorsExitWithTwo() {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        PrintStream errStream = new PrintStream(err, true, StandardCharsets.UTF_8);
        PrintStream out = new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8);
        assertEquals(2, Main.run(new String[] {"echo", "--listen"}, out, errStream));
        assertEquals(2, Main.run(new String[] {"echo", "--nonsense", "1"}, out, errStream));
        assertEquals(2, Main.run(new String[] {"fly"}, out, errStream));
        assertEquals(2, Main.run(new String[] {"echo", "--listen", "nowhere"}, out, errStream));
        assertEquals(2, Main.run(new String[] {"echo", "--socket-mode", "999"}, out, errStream));
        assertEquals(0, Main.run(new String[] {"--help"}, out, errStream));
        assertTrue(err.toString(StandardCharsets.UTF_8).contains("unknown option: --nonsense"));
    }

    @Test
    void cannotStartExitsWithOne() throws Exception {
        try (java.net.ServerSocket taken = new java.net.ServerSocket(0, 1,
                java.net.InetAddress.getByName("127.0.0.1"))) {
            ByteArrayOutputStream err = new ByteArrayOutputStream();
            assertEquals(1, Main.run(new String[] {"echo", "--listen", "127.0.0.1:" + taken.getLocalPort()},
                    new PrintStream(new ByteArrayOutputStream()), new PrintStream(err, true, StandardCharsets.UTF_8)));
            assertTrue(err.toString(StandardCharsets.UTF_8).contains("cannot start"));
        }
    }

    @Test
    void socketModes() throws Exception {
        assertEquals("rw-rw----", ServerOptions.parseMode("660"));
        assertEquals("rw-rw-rw-", ServerOptions.parseMode("0666"));
        assertEquals("rwxr-x---", ServerOptions.parseMode("rwxr-x---"));
    }
}
