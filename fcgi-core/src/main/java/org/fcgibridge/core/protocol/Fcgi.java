package org.fcgibridge.core.protocol;

/**
 * Numbers fixed by the FastCGI 1.0 specification.
 */
public final class Fcgi {
    /** The only protocol version there is. */
    public static final int VERSION_1 = 1;
    /** Every record starts with a header of this many bytes. */
    public static final int HEADER_LENGTH = 8;
    /** The largest content a single record can carry (the length field is 16 bits). */
    public static final int MAX_CONTENT_LENGTH = 0xFFFF;
    /** Senders pad content to a multiple of this. */
    public static final int ALIGNMENT = 8;
    /** Management records use this request id. */
    public static final int NULL_REQUEST_ID = 0;
    /** BEGIN_REQUEST flag: the web server keeps the connection open after the request. */
    public static final int FLAG_KEEP_CONN = 1;
    /** A web server may start the application with a listening socket as this file descriptor. */
    public static final int LISTENSOCK_FILENO = 0;
    /** Name-value lengths are 31-bit: the 4-byte form has its top bit set as a marker. */
    public static final int MAX_NAME_VALUE_LENGTH = 0x7FFF_FFFF;

    /** GET_VALUES name: the most concurrent transport connections the application accepts. */
    public static final String MAX_CONNS = "FCGI_MAX_CONNS";
    /** GET_VALUES name: the most concurrent requests the application accepts. */
    public static final String MAX_REQS = "FCGI_MAX_REQS";
    /** GET_VALUES name: "1" if the application multiplexes connections, else "0". */
    public static final String MPXS_CONNS = "FCGI_MPXS_CONNS";

    private Fcgi() {
    }

    /** Returns the padding that brings {@code contentLength} to a multiple of {@link #ALIGNMENT}. */
    public static int paddingFor(int contentLength) {
        return -contentLength & (ALIGNMENT - 1);
    }
}
