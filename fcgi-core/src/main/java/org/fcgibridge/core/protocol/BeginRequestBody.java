package org.fcgibridge.core.protocol;

/**
 * The 8-byte content of BEGIN_REQUEST: the role asked for and the flags.
 *
 * @param roleCode the role's number, possibly one FastCGI 1.0 does not define (answered UNKNOWN_ROLE)
 * @param flags    bit 0 is {@link Fcgi#FLAG_KEEP_CONN}; other bits are reserved
 */
public record BeginRequestBody(int roleCode, int flags) {
    /** The content length of every BEGIN_REQUEST. */
    public static final int LENGTH = 8;

    /** A body for a known role. */
    public static BeginRequestBody of(Role role, boolean keepConn) {
        return new BeginRequestBody(role.code(), keepConn ? Fcgi.FLAG_KEEP_CONN : 0);
    }

    /** The role, or {@code null} if FastCGI 1.0 defines none with this number. */
    public Role role() {
        return Role.fromCode(roleCode);
    }

    /** Whether the web server keeps the connection open after this request (else the application closes it). */
    public boolean keepConn() {
        return (flags & Fcgi.FLAG_KEEP_CONN) != 0;
    }

    /**
     * Decodes the content of a BEGIN_REQUEST record.
     *
     * @throws ProtocolException if the content is not 8 bytes long
     */
    public static BeginRequestBody decode(byte[] src, int off, int len) throws ProtocolException {
        if (len != LENGTH) {
            throw new ProtocolException("BEGIN_REQUEST content is " + len + " bytes, not 8");
        }
        return new BeginRequestBody(((src[off] & 0xFF) << 8) | (src[off + 1] & 0xFF), src[off + 2] & 0xFF);
    }

    /** The 8 content bytes. */
    public byte[] encode() {
        return new byte[] {(byte) (roleCode >>> 8), (byte) roleCode, (byte) flags, 0, 0, 0, 0, 0};
    }
}
