package org.fcgibridge.core.cgi;

import static org.fcgibridge.core.testing.Scripts.script;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.fcgibridge.core.client.ClientRequest;
import org.fcgibridge.core.client.FcgiClient;
import org.fcgibridge.core.client.FcgiResponse;
import org.fcgibridge.core.net.ListenAddress;
import org.fcgibridge.core.protocol.Role;
import org.fcgibridge.core.runner.PrefixRouter;
import org.fcgibridge.core.runner.RunnerFactory;
import org.fcgibridge.core.server.FcgiServer;
import org.fcgibridge.core.server.ServerParams;
import org.fcgibridge.core.testing.Processes;
import org.fcgibridge.core.testing.Scripts;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Every case twice: scripts started by the spawn helper, and by the JDK's ProcessBuilder. */
@Timeout(60)
@ParameterizedClass(name = "spawn helper: {0}")
@ValueSource(booleans = {true, false})
class ProcessRunnerTest {
    @Parameter
    boolean spawnHelper;
    @TempDir
    Path dir;
    Path root;
    private FcgiServer server;
    private CgiRunnerFactory factory;

    @BeforeEach
    void scripts() throws IOException {
        root = dir.resolve("cgi-bin");
        Files.createDirectories(root);
        script(root, "hello.sh", Scripts.HELLO_SH);
        script(root, "env.pl", Scripts.ENV_PL);
        script(root, "echo.py", Scripts.ECHO_PY);
        script(root, "exit3.sh", "#!/bin/sh\nprintf 'Status: 201 Created\\n\\ncreated'\necho oops >&2\nexit 3\n");
        script(root, "noheader.sh", "#!/bin/sh\necho 'just some text'\n");
        script(root, "silent.sh", "#!/bin/sh\nexit 0\n");
        script(root, "redirect.sh", "#!/bin/sh\nprintf 'Location: https://example.com/there\\n\\n'\n");
        script(root, "split.sh",
                "#!/bin/sh\nprintf 'Content-Type: text/plain\\nX-Echo: a\\rSet-Cookie: evil=1\\n\\nbody'\n");
        script(root, "hang.sh", "#!/bin/sh\necho $$ > \"$PID_FILE\"\nsleep 300 &\necho $! >> \"$PID_FILE\"\nwait\n");
        Path plain = root.resolve("plain.sh");
        Files.writeString(plain, "#!/bin/sh\necho no\n");
        Files.setPosixFilePermissions(plain, PosixFilePermissions.fromString("rw-r--r--"));
        Files.createDirectories(dir.resolve("outside"));
        script(dir.resolve("outside"), "evil.sh", Scripts.HELLO_SH);
        Files.createSymbolicLink(root.resolve("link.sh"), dir.resolve("outside/evil.sh"));
        Files.createDirectories(root.resolve("sub"));
        script(root, "signals.sh", "#!/bin/sh\nprintf 'Content-Type: text/plain\\n\\n'\ngrep SigIgn /proc/$$/status\n");
        script(root, "nointerpreter.sh", "#!/no/such/interpreter\necho never\n");
        script(root, "session.sh", "#!/bin/sh\nprintf 'Content-Type: text/plain\\n\\n'\ncat /proc/$$/stat\n");
        script(root, "progress.sh", "#!/bin/sh\nprintf 'Content-Type: text/plain\\n\\nfirst;'\n"
                + "while [ ! -e \"$PID_FILE.go\" ]; do sleep 0.05; done\nprintf second\n");
        script(root, "wait.sh", "#!/bin/sh\necho $$ > \"$PID_FILE\"\n"
                + "while [ ! -e \"$PID_FILE.go\" ]; do sleep 0.05; done\nprintf 'Content-Type: text/plain\\n\\ndone'\n");
        script(root, "cat.sh", "#!/bin/sh\nprintf 'Content-Type: text/plain\\n\\n'\ncat\n");
        script(root, "noisy.sh", "#!/bin/sh\nhead -c 900000 /dev/zero | tr '\\0' x >&2\n"
                + "printf 'Content-Type: text/plain\\n\\nafter'\n");
        script(root, "parent.sh", "#!/bin/sh\nprintf 'Content-Type: text/plain\\n\\n%s' \"$PPID\"\n");
    }

    private void start(CgiConfig config, ServerParams params) throws IOException {
        factory = new CgiRunnerFactory(config.withSpawnHelper(spawnHelper));
        server = FcgiServer.start(ListenAddress.parse("127.0.0.1:0"), params, factory);
    }

    private void start() throws IOException {
        start(CgiConfig.of(root).withEnvironment(Map.of("PID_FILE", dir.resolve("pids").toString())),
                ServerParams.defaults());
    }

    @AfterEach
    void stop() {
        if (server != null) {
            server.close(Duration.ofSeconds(2));
        }
    }

    private FcgiResponse request(String scriptFilename, Map<String, String> extra, byte[] body) throws IOException {
        Map<String, String> params = new LinkedHashMap<>();
        params.put("REQUEST_METHOD", body.length > 0 ? "POST" : "GET");
        params.put("SCRIPT_FILENAME", scriptFilename);
        params.put("SCRIPT_NAME", scriptFilename.startsWith(root.toString())
                ? scriptFilename.substring(root.toString().length()) : scriptFilename);
        params.put("CONTENT_LENGTH", Integer.toString(body.length));
        params.putAll(extra);
        try (FcgiClient client = FcgiClient.connect(new InetSocketAddress("127.0.0.1", server.port()))) {
            return client.execute(params, body);
        }
    }

    private FcgiResponse request(String script) throws IOException {
        return request(root.resolve(script).toString(), Map.of(), new byte[0]);
    }

    private static Map<String, String> envOf(FcgiResponse response) {
        Map<String, String> env = new HashMap<>();
        for (String line : response.bodyText().split("\n")) {
            int eq = line.indexOf('=');
            if (eq > 0) {
                env.put(line.substring(0, eq), line.substring(eq + 1));
            }
        }
        return env;
    }

    @Test
    void theConfiguredStarterStartsTheScript() throws Exception {
        start();
        long parent = Long.parseLong(request("parent.sh").bodyText().trim());
        if (!spawnHelper) {
            assertEquals(ProcessHandle.current().pid(), parent, "the JDK's jspawnhelper execs the script");
            return;
        }
        assumeTrue(SpawnHelper.class.getResource("native/linux-" + System.getProperty("os.arch") + "/spawn-helper")
                != null, "no C compiler built the spawn helper: scripts start with the JDK");
        String command = ProcessHandle.of(parent).flatMap(p -> p.info().command()).orElse("");
        // "/tmp/fcgi-bridge-spawn-.../spawn-helper (deleted)": the file goes as soon as the helper runs
        assertTrue(command.contains("/spawn-helper"), "the script's parent is the spawn helper: " + command);
    }

    @Test
    void aScriptDiesOfSigpipeAsUsual() throws Exception {
        start();
        String ignored = request("signals.sh").bodyText().trim(); // "SigIgn:\t0000000000000000"
        long mask = Long.parseUnsignedLong(ignored.substring(ignored.indexOf(':') + 1).trim(), 16);
        assertEquals(0, mask & (1L << (13 - 1)), "SIGPIPE is not ignored: " + ignored);
    }

    @Test
    void aSpawnHelperThatDiesIsReplaced() throws Exception {
        assumeTrue(spawnHelper, "the JDK starts the scripts");
        start();
        assertEquals(200, request("hello.sh").status());
        List<ProcessHandle> helpers = ProcessHandle.current().children()
                .filter(p -> p.info().command().orElse("").contains("/spawn-helper")).collect(Collectors.toList());
        assumeTrue(!helpers.isEmpty(), "no C compiler built the spawn helper: scripts start with the JDK");
        for (ProcessHandle helper : helpers) {
            helper.destroyForcibly();
            helper.onExit().get(10, TimeUnit.SECONDS);
        }
        // the request that meets the dead helper may fail (500); none hangs, and the next ones start a new helper
        request("hello.sh");
        assertEquals(200, request("hello.sh").status());
        assertEquals(200, request("hello.sh").status());
    }

    @Test
    void scriptsLeaveNoDescriptorOpen() throws Exception {
        start();
        for (int i = 0; i < 5; i++) {
            assertEquals(200, request("hello.sh").status()); // pools and the helper settle
        }
        long before = openDescriptors();
        for (int i = 0; i < 60; i++) {
            assertEquals(200, request("hello.sh").status());
        }
        long after = openDescriptors(); // a little slack: the server closes its last connections as this counts
        assertTrue(after <= before + 3, "descriptors before " + before + ", after 60 scripts " + after);
    }

    private static long openDescriptors() throws IOException {
        try (java.util.stream.Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
            return fds.count();
        }
    }

    @Test
    void aScriptThatCannotBeExecutedIs500() throws Exception { // one without output: outputWithoutAHeaderBlockIs502
        start();
        FcgiResponse missingInterpreter = request("nointerpreter.sh");
        assertEquals(500, missingInterpreter.status());
        assertTrue(missingInterpreter.bodyText().contains("could not be started"), missingInterpreter.bodyText());
    }

    /**
     * Where Linux schedules by session (autogroup), a script in a session of its own would get as much CPU as the
     * whole server and nginx together: under load, the server starved and its latency tail tripled.
     */
    @Test
    void aScriptStaysInTheServersSession() throws Exception {
        start();
        String[] script = statFields(request("session.sh").bodyText());
        String[] server = statFields(Files.readString(Path.of("/proc/self/stat")));
        assertEquals(server[5], script[5], "session id");
    }

    /** The fields of /proc/PID/stat; the command, in parentheses, may hold spaces. */
    private static String[] statFields(String stat) {
        String afterCommand = stat.substring(stat.lastIndexOf(')') + 2);
        String[] rest = afterCommand.trim().split(" ");
        String[] fields = new String[rest.length + 2];
        System.arraycopy(rest, 0, fields, 2, rest.length);
        return fields; // fields[2] is the state, as in proc(5)'s numbering from 0
    }

    @Test
    void outputIsSentWhenTheScriptPauses() throws Exception {
        start();
        Map<String, String> params = new LinkedHashMap<>();
        params.put("REQUEST_METHOD", "GET");
        params.put("SCRIPT_FILENAME", root.resolve("progress.sh").toString());
        try (FcgiClient client = FcgiClient.connect(new InetSocketAddress("127.0.0.1", server.port()))) {
            ClientRequest request = client.begin(Role.RESPONDER, params, false);
            request.stdin().close();
            java.io.InputStream stdout = request.stdout();
            StringBuilder seen = new StringBuilder();
            while (!seen.toString().endsWith("first;")) { // the script waits for what comes next: a hang here fails
                int b = stdout.read();
                assertTrue(b >= 0, "ended early: " + seen);
                seen.append((char) b);
            }
            Files.createFile(dir.resolve("pids.go"));
            assertEquals("second", new String(stdout.readAllBytes(), StandardCharsets.US_ASCII));
            assertEquals(0, request.awaitEnd().appStatus());
        }
    }

    @Test
    void aRunningScriptIsFoundByItsThreadWithItsPidAndCommandLine() throws Exception {
        start();
        CompletableFuture<FcgiResponse> response = CompletableFuture.supplyAsync(() -> {
            try {
                return request("wait.sh");
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
        Path pids = dir.resolve("pids");
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        Optional<RunningScript> found = Optional.empty();
        while (found.isEmpty() || found.get().pid().isEmpty() || !Files.exists(pids) || Files.size(pids) == 0) {
            assertTrue(System.nanoTime() < deadline, "no running script with a pid found");
            Thread.sleep(20);
            found = Thread.getAllStackTraces().keySet().stream().map(RunningScript::servedBy)
                    .flatMap(Optional::stream).findFirst();
        }
        RunningScript running = found.get();
        assertEquals(Long.parseLong(Files.readString(pids).trim()), running.pid().getAsLong());
        assertEquals(root.resolve("wait.sh").toRealPath(), running.script().toRealPath());
        // the kernel ran the #! line: the interpreter, then the script
        assertTrue(running.commandLine().matches(".*sh " + java.util.regex.Pattern.quote(running.script().toString())),
                running.commandLine());
        Files.createFile(dir.resolve("pids.go"));
        assertEquals("done", response.get(10, TimeUnit.SECONDS).bodyText());
        assertTrue(Thread.getAllStackTraces().keySet().stream().map(RunningScript::servedBy)
                .noneMatch(Optional::isPresent), "a script is still registered after its request ended");
    }

    @Test
    void withoutABodyTheScriptReadsEndOfFileAndWithOneTheBody() throws Exception {
        start();
        assertEquals("", request("cat.sh").bodyText());
        byte[] body = "the body".getBytes(StandardCharsets.US_ASCII);
        assertEquals("the body", request(root.resolve("cat.sh").toString(), Map.of(), body).bodyText());
    }

    @Test
    void muchStderrBeforeAnyOutputDoesNotBlockTheScript() throws Exception {
        start();
        FcgiResponse response = request("noisy.sh");
        assertEquals("after", response.bodyText());
        assertEquals(900_000, response.stderr().length); // past every socket buffer; the client keeps 1 MiB
    }

    @Test
    void interleavedStdoutAndStderrArriveWhole() throws Exception {
        script(root, "both.sh", "#!/bin/sh\nprintf 'Content-Type: text/plain\\n\\n'\n"
                + "i=0\nwhile [ $i -lt 2000 ]; do\n"
                + "  printf '%01000d\\n' $i\n  printf '%0500d\\n' $i >&2\n  i=$((i + 1))\ndone\n");
        start();
        FcgiResponse response = request("both.sh");
        assertEquals(200, response.status());
        String body = response.bodyText();
        assertEquals(2000 * 1001, body.length());
        assertTrue(body.endsWith(String.format("%01000d%n", 1999)), "the last line came last");
        assertEquals(2000 * 501, response.stderr().length);
        assertEquals(0, response.appStatus());
    }

    @Test
    void aScriptWhoseStreamsAreClosedBeforeItsExitIsKilledByTheHelper() throws Exception {
        assumeTrue(spawnHelper, "the JDK starts the scripts");
        assumeTrue(SpawnHelper.class.getResource("native/linux-" + System.getProperty("os.arch") + "/spawn-helper")
                != null, "no C compiler built the spawn helper: scripts start with the JDK");
        Path hang = root.resolve("hang.sh");
        Path pids = dir.resolve("pids");
        ScriptProcess process = SpawnHelpers.shared().start(hang, root, Map.of("PID_FILE", pids.toString()), false);
        List<ProcessHandle> tree = awaitPids(pids, 2); // the script and its sleep
        process.closeStreams(); // a request given up without waiting for its script
        for (ProcessHandle member : tree) {
            member.onExit().get(5, TimeUnit.SECONDS);
        }
    }

    @Test
    void runsAShellScript() throws Exception {
        start();
        FcgiResponse response = request(root.resolve("hello.sh").toString(), Map.of("QUERY_STRING", "a=1"),
                new byte[0]);
        assertEquals(200, response.status());
        assertEquals("text/plain", response.header("Content-Type"));
        assertEquals("hello from sh a=1\n", response.bodyText());
        assertEquals(0, response.appStatus());
    }

    @Test
    void exitStatusStatusHeaderAndStderr() throws Exception {
        start();
        FcgiResponse response = request("exit3.sh");
        assertEquals(201, response.status());
        assertEquals("created", response.bodyText());
        assertEquals(3, response.appStatus());
        assertEquals("oops\n", response.stderrText());
    }

    @Test
    void missingIs404AndNotAllowedIs403() throws Exception {
        start();
        assertEquals(404, request("nope.sh").status());
        assertEquals(404, request(root + "/sub/nope.sh", Map.of(), new byte[0]).status());
        assertEquals(403, request("plain.sh").status(), "not executable");
        assertEquals(403, request("sub").status(), "a directory");
        FcgiResponse outside = request("link.sh");
        assertEquals(403, outside.status(), "a link out of the root");
        assertTrue(outside.bodyText().contains("outside"), outside.bodyText());
        assertEquals(403, request(root + "/../outside/evil.sh", Map.of(), new byte[0]).status(), "..");
        assertEquals(404, request(root + "/%2e%2e/outside/evil.sh", Map.of(), new byte[0]).status(),
                "an encoded .. is only a name");
        assertEquals(403, request("/etc/passwd", Map.of(), new byte[0]).status());
        assertEquals(404, request("", Map.of("SCRIPT_NAME", ""), new byte[0]).status(), "no script named");
    }

    @Test
    void theAllowListLimitsScripts() throws Exception {
        start(CgiConfig.of(root).withAllowed(root.resolve("hello.sh")), ServerParams.defaults());
        assertEquals(200, request("hello.sh").status());
        assertEquals(403, request("env.pl").status());
    }

    @Test
    void documentRootAndScriptNameWithPathInfoWalkedBack() throws Exception {
        start();
        Map<String, String> params = new LinkedHashMap<>();
        params.put("DOCUMENT_ROOT", dir.toString());
        params.put("SCRIPT_NAME", "/cgi-bin/env.pl/extra/path");
        params.put("REQUEST_METHOD", "GET");
        try (FcgiClient client = FcgiClient.connect(new InetSocketAddress("127.0.0.1", server.port()))) {
            Map<String, String> env = envOf(client.execute(params, new byte[0]));
            assertEquals("/cgi-bin/env.pl", env.get("SCRIPT_NAME"));
            assertEquals("/extra/path", env.get("PATH_INFO"));
            assertEquals(root.toRealPath().resolve("env.pl").toString(), env.get("SCRIPT_FILENAME"));
        }
    }

    @Test
    void mountedUnderAPrefixBesideAnotherRunner() throws Exception {
        factory = new CgiRunnerFactory(CgiConfig.of(root).mountedAt("/legacy/"));
        RunnerFactory app = RunnerFactory.of(exchange -> {
            exchange.stdout().write("Status: 200\r\n\r\nthe application".getBytes(StandardCharsets.US_ASCII));
            return 0;
        });
        server = FcgiServer.start(ListenAddress.parse("127.0.0.1:0"), ServerParams.defaults(),
                new PrefixRouter("/legacy", factory, app));
        try (FcgiClient client = FcgiClient.connect(new InetSocketAddress("127.0.0.1", server.port()))) {
            // as nginx's fastcgi_params sends it: no SCRIPT_FILENAME, DOCUMENT_URI decoded, SCRIPT_NAME the whole path
            Map<String, String> env = envOf(client.execute(Map.of("REQUEST_METHOD", "GET", "DOCUMENT_URI",
                    "/legacy/env.pl/a b", "SCRIPT_NAME", "/legacy/env.pl/a b", "REQUEST_URI", "/legacy/env.pl/a%20b?x=1",
                    "QUERY_STRING", "x=1"), new byte[0]));
            assertEquals("/legacy/env.pl", env.get("SCRIPT_NAME"));
            assertEquals("/a b", env.get("PATH_INFO"));
            assertEquals("x=1", env.get("QUERY_STRING"));
        }
        assertEquals("the application", requestPath("/legacyish/env.pl").bodyText());
        assertEquals("the application", requestPath("/index.html").bodyText());
        assertEquals(404, requestPath("/legacy/").status());
        assertEquals(404, requestPath("/legacy/missing.sh").status());
        assertEquals("the application", requestPath("/legacy/../outside/evil.sh").bodyText(),
                "the canonical path, /outside/evil.sh, is not under the prefix");
        assertEquals(403, requestPath("/legacy/link.sh").status(), "a link out of the root");
    }

    private FcgiResponse requestPath(String documentUri) throws IOException {
        try (FcgiClient client = FcgiClient.connect(new InetSocketAddress("127.0.0.1", server.port()))) {
            return client.execute(Map.of("REQUEST_METHOD", "GET", "DOCUMENT_URI", documentUri), new byte[0]);
        }
    }

    @Test
    void apacheProxyPrefixIsUnderstood() throws Exception {
        start();
        FcgiResponse response = request("proxy:fcgi://127.0.0.1:9000" + root.resolve("hello.sh"), Map.of(),
                new byte[0]);
        assertEquals(200, response.status());
    }

    @Test
    void theEnvironmentIsBuiltFromAnAllowList() throws Exception {
        start();
        Map<String, String> hostile = new LinkedHashMap<>();
        hostile.put("HTTP_PROXY", "http://attacker:8080");
        hostile.put("LD_PRELOAD", "/tmp/evil.so");
        hostile.put("PATH", "/tmp/evil");
        hostile.put("HTTP_X_FORWARDED_FOR", "10.0.0.1");
        hostile.put("REMOTE_ADDR", "127.0.0.1");
        hostile.put("HTTPS", "on");
        Map<String, String> env = envOf(request(root.resolve("env.pl").toString(), hostile, new byte[0]));
        assertFalse(env.containsKey("HTTP_PROXY"), "httpoxy");
        assertFalse(env.containsKey("LD_PRELOAD"));
        assertEquals(CgiConfig.DEFAULT_PATH, env.get("PATH"));
        assertEquals("10.0.0.1", env.get("HTTP_X_FORWARDED_FOR"));
        assertEquals("127.0.0.1", env.get("REMOTE_ADDR"));
        assertEquals("on", env.get("HTTPS"));
        assertEquals("CGI/1.1", env.get("GATEWAY_INTERFACE"));
        assertFalse(env.containsKey("HOME"), "nothing of the server's own environment");
        assertFalse(env.containsKey("JAVA_HOME"));
        assertEquals(dir.resolve("pids").toString(), env.get("PID_FILE"), "what the operator configured");
    }

    @Test
    void theWorkingDirectoryIsTheScripts() throws Exception {
        script(root, "sub/cwd.sh", "#!/bin/sh\nprintf 'Content-Type: text/plain\\n\\n'\npwd -P\n");
        start();
        assertEquals(root.toRealPath().resolve("sub") + "\n", request("sub/cwd.sh").bodyText());
    }

    @Test
    void aScriptThatWritesBeforeItReadsEchoesABigBody() throws Exception {
        start();
        byte[] body = new byte[8 * 1024 * 1024];
        new java.util.Random(5).nextBytes(body);
        FcgiResponse response = request(root.resolve("echo.py").toString(), Map.of(), body);
        byte[] out = response.body();
        assertEquals(100_000 + body.length, out.length);
        assertEquals(java.nio.ByteBuffer.wrap(body), java.nio.ByteBuffer.wrap(out, 100_000, body.length));
    }

    @Test
    void outputWithoutAHeaderBlockIs502() throws Exception {
        start();
        FcgiResponse response = request("noheader.sh");
        assertEquals(502, response.status());
        assertTrue(response.bodyText().contains("header block"), response.bodyText());
        assertEquals(502, request("silent.sh").status());
        FcgiResponse split = request("split.sh");
        assertEquals(502, split.status(), "a bare CR would split the head for some web servers");
        assertEquals(null, split.header("Set-Cookie"));
    }

    @Test
    void anAbsoluteLocationWithoutStatusIsARedirect() throws Exception {
        start();
        FcgiResponse response = request("redirect.sh");
        assertEquals(302, response.status());
        assertEquals("https://example.com/there", response.header("Location"));
    }

    @Test
    void aHangingScriptIsKilledWithItsChildrenAtTheTimeout() throws Exception {
        start(CgiConfig.of(root).withEnvironment(Map.of("PID_FILE", dir.resolve("pids").toString()))
                .withKillGrace(Duration.ofMillis(500)), ServerParams.defaults().withRequestTimeout(Duration.ofSeconds(1)));
        long t0 = System.nanoTime();
        FcgiResponse response = request("hang.sh");
        assertEquals(504, response.status());
        assertTrue(System.nanoTime() - t0 < TimeUnit.SECONDS.toNanos(10));
        Processes.assertAllGoneWithinASecond(dir.resolve("pids"));
        assertEquals(0, factory.admittedScripts());
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"GET", "POST"}) // with the spawn helper, a GET runs on the connection's thread
    void aClientThatDisconnectsTakesTheScriptWithIt(String method) throws Exception {
        start();
        Path pids = dir.resolve("pids");
        try (FcgiClient client = FcgiClient.connect(new InetSocketAddress("127.0.0.1", server.port()))) {
            ClientRequest request = client.begin(Role.RESPONDER, Map.of("SCRIPT_FILENAME",
                    root.resolve("hang.sh").toString(), "REQUEST_METHOD", method), true);
            request.stdin().close();
            awaitPids(pids, 2);
        }
        long closed = System.nanoTime();
        Processes.assertAllGoneWithinASecond(pids);
        assertTrue(System.nanoTime() - closed < TimeUnit.SECONDS.toNanos(1) + TimeUnit.MILLISECONDS.toNanos(200),
                "gone within a second");
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"GET", "POST"})
    void anAbortTakesTheScriptWithItAndKeepsTheConnection(String method) throws Exception {
        start();
        Path pids = dir.resolve("pids");
        try (FcgiClient client = FcgiClient.connect(new InetSocketAddress("127.0.0.1", server.port()))) {
            ClientRequest hanging = client.begin(Role.RESPONDER, Map.of("SCRIPT_FILENAME",
                    root.resolve("hang.sh").toString(), "REQUEST_METHOD", method), true);
            hanging.stdin().close();
            awaitPids(pids, 2);
            hanging.abort();
            hanging.awaitEnd(Duration.ofSeconds(5));
            Processes.assertAllGoneWithinASecond(pids);
            FcgiResponse next = client.execute(Map.of("SCRIPT_FILENAME", root.resolve("hello.sh").toString(),
                    "REQUEST_METHOD", "GET", "QUERY_STRING", ""), new byte[0]);
            assertEquals(200, next.status(), "the kept connection serves the next request");
        }
    }

    /** The processes that hang.sh wrote down: itself and its child, once both are there. */
    private static List<ProcessHandle> awaitPids(Path pids, int count) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!(Files.exists(pids) && Files.readAllLines(pids).size() == count)) {
            assertTrue(System.nanoTime() < deadline, "the script never started");
            Thread.sleep(20);
        }
        return Files.readAllLines(pids).stream().map(pid -> ProcessHandle.of(Long.parseLong(pid.trim())))
                .flatMap(Optional::stream).collect(Collectors.toList());
    }

    @Test
    void tooManyProcessesAre503() throws Exception {
        start(CgiConfig.of(root).withMaxProcesses(1).withEnvironment(Map.of("PID_FILE",
                dir.resolve("pids").toString())), ServerParams.defaults());
        try (FcgiClient client = FcgiClient.connect(new InetSocketAddress("127.0.0.1", server.port()))) {
            ClientRequest hanging = client.begin(Role.RESPONDER, Map.of("SCRIPT_FILENAME",
                    root.resolve("hang.sh").toString()), true);
            hanging.stdin().close();
            // started, not only admitted: with the JDK's starter, a kill in a script's first instant can miss the
            // child it is forking (the spawn helper kills the script's process group, which has no such gap)
            awaitPids(dir.resolve("pids"), 2);
            assertEquals(503, request("hello.sh").status());
            hanging.abort();
            hanging.awaitEnd(Duration.ofSeconds(10));
        }
        assertEquals(200, request("hello.sh").status());
    }

    @Test
    void scriptsPastMaxRunningWaitTheirTurnNot503() throws Exception {
        Path pids = dir.resolve("pids");
        start(CgiConfig.of(root).withMaxRunning(1).withEnvironment(Map.of("PID_FILE", pids.toString())),
                ServerParams.defaults());
        try (FcgiClient client = FcgiClient.connect(new InetSocketAddress("127.0.0.1", server.port()))) {
            ClientRequest hanging = client.begin(Role.RESPONDER, Map.of("SCRIPT_FILENAME",
                    root.resolve("hang.sh").toString()), true);
            hanging.stdin().close();
            awaitPids(pids, 2);
            CompletableFuture<FcgiResponse> waiting = CompletableFuture.supplyAsync(() -> {
                try {
                    return request("hello.sh");
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
            Thread.sleep(300);
            assertFalse(waiting.isDone(), "the second script waits for the first one's turn to end");
            assertEquals(2, factory.admittedScripts());
            hanging.abort();
            hanging.awaitEnd(Duration.ofSeconds(10));
            assertEquals(200, waiting.get(10, TimeUnit.SECONDS).status());
        }
    }

    @Test
    void aScriptThatTimesOutWaitingForItsTurnNeverRuns() throws Exception {
        Path pids = dir.resolve("pids");
        start(CgiConfig.of(root).withMaxRunning(1).withEnvironment(Map.of("PID_FILE", pids.toString())),
                ServerParams.defaults().withRequestTimeout(Duration.ofSeconds(1)));
        factory.awaitTurn(); // the only turn, held past the request's timeout
        try {
            assertEquals(504, request("hang.sh").status());
            assertFalse(Files.exists(pids), "hang.sh writes its pid down as it starts: it never did");
        } finally {
            factory.endTurn();
        }
        assertEquals(0, factory.admittedScripts());
        assertEquals(200, request("hello.sh").status(), "the turn given up by the late request is free");
    }

    @Test
    void utf8InTheEnvironment() throws Exception {
        // the JVM encodes a child's environment in its default charset: UTF-8 from Java 18, the locale's before
        org.junit.jupiter.api.Assumptions.assumeTrue(java.nio.charset.Charset.defaultCharset()
                .equals(StandardCharsets.UTF_8), "the JVM's default charset is not UTF-8");
        start();
        Map<String, String> env = envOf(request(root.resolve("env.pl").toString(),
                Map.of("HTTP_X_NAME", "caf\u00e9 \u65e5"), new byte[0]));
        assertEquals("caf\u00e9 \u65e5", env.get("HTTP_X_NAME"));
    }
}
