package org.fcgibridge.servlet.http;

/**
 * A request that cannot be turned into a servlet request (no method, a malformed path or length): answered 400.
 */
public final class BadRequestException extends Exception {
    /**
     * @param message what was wrong, fit for the response body and the log
     */
    public BadRequestException(String message) {
        super(message);
    }
}
