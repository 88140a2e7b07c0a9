package org.fcgibridge.core.runner;

import java.io.IOException;

/**
 * A request's input that the server will not deliver past a limit: a body over {@code --max-body-bytes} (413), or
 * the server's budget for bodies kept in temporary files spent (503). A runner that meets it before answering
 * answers with {@link #status()}; what is left of the input is skipped, never stored.
 */
public final class InputRefusedException extends IOException {
    private static final long serialVersionUID = 1L;

    private final int status;

    /**
     * @param status  the HTTP status that answers the request (413, 503)
     * @param message what was refused and why
     */
    public InputRefusedException(int status, String message) {
        super(message);
        this.status = status;
    }

    /** The HTTP status that answers the request. */
    public int status() {
        return status;
    }

    /** The refusal among {@code failure} and its causes, or null. */
    public static InputRefusedException in(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof InputRefusedException) {
                return (InputRefusedException) t;
            }
        }
        return null;
    }
}
