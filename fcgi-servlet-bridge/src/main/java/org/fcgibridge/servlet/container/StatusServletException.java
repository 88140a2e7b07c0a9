package org.fcgibridge.servlet.container;

import jakarta.servlet.ServletException;

/**
 * A ServletException that the container answers with a given status (400 for a malformed multipart body, say)
 * rather than 500.
 */
public final class StatusServletException extends ServletException {
    private final int status;

    /**
     * @param status  the HTTP status to answer with
     * @param message what was wrong
     */
    public StatusServletException(int status, String message) {
        super(message);
        this.status = status;
    }

    /** The HTTP status to answer with. */
    public int status() {
        return status;
    }
}
