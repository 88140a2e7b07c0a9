package org.fcgibridge.servlet.cli;

import java.io.PrintStream;

/** Runs the launcher in the test's JVM, for tests in other packages. */
public final class LauncherAccess {
    private LauncherAccess() {
    }

    public static int run(String[] args, PrintStream out, PrintStream err) {
        return Launcher.run(args, out, err);
    }
}
