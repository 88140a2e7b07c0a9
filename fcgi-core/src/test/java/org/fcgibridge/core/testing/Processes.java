package org.fcgibridge.core.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/** What tests need to know about processes by PID. */
public final class Processes {
    private Processes() {
    }

    /** Alive and not a zombie (a dead orphan waits for PID 1 to reap it, which can take a while). */
    public static boolean isRunning(long pid) throws IOException {
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
            char state = stat.charAt(stat.lastIndexOf(')') + 2);
            return state != 'Z' && state != 'X';
        } catch (NoSuchFileException gone) {
            return false;
        } catch (IOException vanishing) {
            // a process that exits between open and read makes the read fail with ESRCH ("No such process")
            if (Files.exists(Path.of("/proc", Long.toString(pid)))) {
                throw vanishing;
            }
            return false;
        }
    }

    /** Fails unless every PID listed in {@code pidFile} (one a line) has stopped running within a second. */
    public static void assertAllGoneWithinASecond(Path pidFile) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(1);
        for (String line : Files.readAllLines(pidFile)) {
            long pid = Long.parseLong(line.trim());
            while (isRunning(pid)) {
                if (System.nanoTime() > deadline) {
                    throw new AssertionError("process " + pid + " outlived its request by a second");
                }
                Thread.sleep(10);
            }
        }
    }
}
