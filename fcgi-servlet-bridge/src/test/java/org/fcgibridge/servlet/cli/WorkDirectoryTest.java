package org.fcgibridge.servlet.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What a launcher's start deletes under --work-dir, and what it leaves. */
class WorkDirectoryTest {
    @TempDir
    Path parent;

    @Test
    void aDeadProcesssDirectoryIsDeletedWithWhatIsInIt() throws Exception {
        Path left = Files.createDirectories(parent.resolve("fcgi-bridge-" + deadPid() + "-123"));
        Files.createDirectories(left.resolve("webapp/WEB-INF"));
        Files.writeString(left.resolve("webapp/WEB-INF/web.xml"), "<web-app/>");
        Path outside = Files.writeString(parent.resolve("outside.txt"), "kept");
        Files.createSymbolicLink(left.resolve("link"), outside);

        WorkDirectory.removeLeftovers(parent);

        assertFalse(Files.exists(left));
        assertEquals("kept", Files.readString(outside), "a link is deleted, not followed");
    }

    @Test
    void aLiveProcesssDirectoryStays() throws Exception {
        Path live = Files.createDirectories(parent.resolve("fcgi-bridge-" + ProcessHandle.current().pid() + "-1"));
        WorkDirectory.removeLeftovers(parent);
        assertTrue(Files.isDirectory(live));
    }

    @Test
    void aDirectoryWhoseLockIsHeldStaysThoughItsPidLooksDead() throws Exception {
        // a launcher in another PID namespace (a container sharing the directory): its PID is not ours to see, its
        // lock is (a POSIX record lock, as the JDK's FileLock takes, held by another process)
        Path other = Files.createDirectories(parent.resolve("fcgi-bridge-" + deadPid() + "-7"));
        Process holder = new ProcessBuilder("python3", "-c", "import fcntl, sys, time\n"
                + "f = open(sys.argv[1], 'w')\nfcntl.lockf(f, fcntl.LOCK_EX)\nprint('locked', flush=True)\n"
                + "time.sleep(60)", other.resolve(".lock").toString()).start();
        try {
            assertEquals("locked", new BufferedReader(new InputStreamReader(holder.getInputStream(),
                    StandardCharsets.UTF_8)).readLine());
            WorkDirectory.removeLeftovers(parent);
            assertTrue(Files.isDirectory(other));
        } finally {
            holder.destroyForcibly();
            holder.waitFor();
        }
        WorkDirectory.removeLeftovers(parent);
        assertFalse(Files.exists(other), "the lock went with its process");
    }

    @Test
    void otherNamesAreNotTouched() throws Exception {
        Path older = Files.createDirectories(parent.resolve("fcgi-bridge-4823749823749823")); // no PID in the name
        Path spawn = Files.createDirectories(parent.resolve("fcgi-bridge-spawn-123"));
        Path file = Files.writeString(parent.resolve("fcgi-bridge-" + deadPid() + "-9"), "a file");
        WorkDirectory.removeLeftovers(parent);
        assertTrue(Files.exists(older) && Files.exists(spawn) && Files.exists(file));
    }

    @Test
    void aLauncherMakesItsOwnDirectoryAndDeletesItAtClose() throws Exception {
        Path made;
        try (WorkDirectory work = WorkDirectory.create(parent.resolve("not-yet"))) {
            made = work.path();
            assertTrue(made.getFileName().toString().startsWith("fcgi-bridge-" + ProcessHandle.current().pid() + "-"));
            Files.writeString(work.resolve("jetty").resolve("page.class"), "compiled");
            WorkDirectory.removeLeftovers(made.getParent());
            assertTrue(Files.isDirectory(made), "its own, live, directory stays");
        }
        assertFalse(Files.exists(made));
    }

    /** The PID of a process that has ended (reused only after the kernel's whole PID range has gone round). */
    private static long deadPid() throws IOException, InterruptedException {
        Process process = new ProcessBuilder("true").start();
        process.waitFor();
        return process.pid();
    }
}
