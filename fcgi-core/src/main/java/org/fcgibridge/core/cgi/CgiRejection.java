package org.fcgibridge.core.cgi;

/**
 * A request that cannot run a script, with the HTTP status to answer (404 missing, 403 not allowed, 500 cannot start)
 * and a sentence for the response and the log.
 */
public final class CgiRejection extends Exception {
    private final int status;

    /**
     * @param status  the HTTP status of the answer
     * @param message why, in words fit for the client and the log
     */
    public CgiRejection(int status, String message) {
        super(message);
        this.status = status;
    }

    /** The HTTP status of the answer. */
    public int status() {
        return status;
    }
}
