package org.fcgibridge.core.protocol;

/**
 * What the web server asks of the application in a BEGIN_REQUEST.
 */
public enum Role {
    /** Generate a response from the params and STDIN (the CGI/1.1 role). */
    RESPONDER(1),
    /** Decide whether a request may proceed: status 200 allows, anything else is sent to the client. */
    AUTHORIZER(2),
    /** Like a responder, with a data file on the DATA stream to filter. */
    FILTER(3);

    private final int code;

    Role(int code) {
        this.code = code;
    }

    /** The role's number on the wire. */
    public int code() {
        return code;
    }

    /** Returns the role with this number, or {@code null} when FastCGI 1.0 defines none (answered UNKNOWN_ROLE). */
    public static Role fromCode(int code) {
        switch (code) {
            case 1: return RESPONDER;
            case 2: return AUTHORIZER;
            case 3: return FILTER;
            default: return null;
        }
    }
}
