package org.fcgibridge.core.protocol;

/**
 * The protocol-level outcome in END_REQUEST. Every status but {@link #REQUEST_COMPLETE} rejects a new request.
 */
public enum ProtocolStatus {
    REQUEST_COMPLETE(0),
    /** The application runs one request at a time per connection and one is already running. */
    CANT_MPX_CONN(1),
    /** The application is out of a resource (connections, concurrent requests). */
    OVERLOADED(2),
    /** The application does not know the role asked for. */
    UNKNOWN_ROLE(3);

    private final int code;

    ProtocolStatus(int code) {
        this.code = code;
    }

    /** The status's number on the wire. */
    public int code() {
        return code;
    }

    /**
     * Returns the status with this number.
     *
     * @throws ProtocolException if FastCGI 1.0 defines no such status
     */
    public static ProtocolStatus fromCode(int code) throws ProtocolException {
        for (ProtocolStatus status : values()) {
            if (status.code == code) {
                return status;
            }
        }
        throw new ProtocolException("unknown protocol status " + code);
    }
}
