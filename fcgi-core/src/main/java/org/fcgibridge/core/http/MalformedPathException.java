package org.fcgibridge.core.http;

/** A request path that cannot be mapped: none at all, or one that {@link RequestPath#canonicalize} refuses. */
public final class MalformedPathException extends Exception {
    private static final long serialVersionUID = 1L;

    public MalformedPathException(String message) {
        super(message, null, false, false);
    }
}
