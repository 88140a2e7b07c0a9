package org.fcgibridge.core.protocol;

/**
 * The eleven record types of FastCGI 1.0.
 */
public enum RecordType {
    BEGIN_REQUEST(1),
    ABORT_REQUEST(2),
    END_REQUEST(3),
    PARAMS(4),
    STDIN(5),
    STDOUT(6),
    STDERR(7),
    DATA(8),
    GET_VALUES(9),
    GET_VALUES_RESULT(10),
    UNKNOWN_TYPE(11);

    private static final RecordType[] BY_CODE = new RecordType[12];

    static {
        for (RecordType type : values()) {
            BY_CODE[type.code] = type;
        }
    }

    private final int code;

    RecordType(int code) {
        this.code = code;
    }

    /** The type's number on the wire. */
    public int code() {
        return code;
    }

    /** Management records concern the connection, not a request, and travel on request id 0. */
    public boolean isManagement() {
        return this == GET_VALUES || this == GET_VALUES_RESULT || this == UNKNOWN_TYPE;
    }

    /**
     * Returns the type with this number, or {@code null} for a number FastCGI 1.0 does not define (the receiver then
     * answers a management record with UNKNOWN_TYPE and ignores anything else).
     */
    public static RecordType fromCode(int code) {
        return code > 0 && code < BY_CODE.length ? BY_CODE[code] : null;
    }
}
