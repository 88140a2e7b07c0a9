package org.fcgibridge.core.cli;

/**
 * The process's last line of defence: an error that no thread caught (an OutOfMemoryError where nothing expected it)
 * may have killed a thread the server needs, and a server that stays up without it can be alive but deaf. So the
 * process exits at once with {@link #EXIT_STATUS}, for a supervisor (systemd's {@code Restart=on-failure}) to start
 * it again. Installed by the commands' {@code main}, never by a library call.
 */
public final class FatalErrors {
    /** The exit status after an uncaught error. */
    public static final int EXIT_STATUS = 3;

    private FatalErrors() {
    }

    /** Makes an error (not an exception) that no thread caught end the process. */
    public static void install() {
        Thread.UncaughtExceptionHandler previous = Thread.getDefaultUncaughtExceptionHandler();
        Thread.setDefaultUncaughtExceptionHandler((thread, failure) -> {
            if (!(failure instanceof Error)) {
                if (previous != null) {
                    previous.uncaughtException(thread, failure);
                } else {
                    failure.printStackTrace();
                }
                return;
            }
            try {
                // no logging framework: it may need memory that is not there
                System.err.println("fatal: " + failure + " in thread " + thread.getName() + "; exiting");
            } finally {
                Runtime.getRuntime().halt(EXIT_STATUS);
            }
        });
    }
}
