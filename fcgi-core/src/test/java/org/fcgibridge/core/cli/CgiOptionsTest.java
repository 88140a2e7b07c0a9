package org.fcgibridge.core.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import org.fcgibridge.core.cgi.CgiConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CgiOptionsTest {
    @TempDir
    Path root;

    private CgiConfig config(String... options) throws CommandLine.UsageException {
        String[] args = new String[options.length + 3];
        args[0] = "cgi";
        args[1] = "--root";
        args[2] = root.toString();
        System.arraycopy(options, 0, args, 3, options.length);
        return CgiOptions.config(new CommandLine(args, 1, CgiOptions.WITH_VALUE, CgiOptions.FLAGS));
    }

    @Test
    void limitsAndGraceAreTheOperatorsOrTheDefaults() throws Exception {
        CgiConfig given = config("--max-processes", "5", "--max-running", "3", "--kill-grace", "7");
        assertEquals(5, given.maxProcesses());
        assertEquals(3, given.maxRunning());
        assertEquals(Duration.ofSeconds(7), given.killGrace());
        CgiConfig defaults = config();
        assertEquals(64, defaults.maxProcesses());
        assertEquals(CgiConfig.RUNNING_PER_CORE * Runtime.getRuntime().availableProcessors(), defaults.maxRunning());
        assertTrue(defaults.spawnHelper());
    }

    @Test
    void aLimitMustBePositive() {
        CommandLine.UsageException e = assertThrows(CommandLine.UsageException.class,
                () -> config("--max-running", "0"));
        assertTrue(e.getMessage().contains("--max-running"), e.getMessage());
        assertThrows(CommandLine.UsageException.class, () -> config("--max-processes", "-1"));
    }
}
