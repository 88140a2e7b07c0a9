package org.fcgibridge.servlet.http;

import org.fcgibridge.core.http.MalformedPathException;
import org.fcgibridge.core.http.RequestPath;

/**
 * URI path handling for the servlet layer, in its terms (a malformed path is a {@link BadRequestException}); the
 * rules are fcgi-core's {@link RequestPath}, which every user of the request path shares.
 */
public final class UriPath {
    private UriPath() {
    }

    /**
     * The decoded, canonical form of a raw request path (see {@link RequestPath#canonicalize}).
     *
     * @throws BadRequestException for an encoded '/' or '\' or NUL, a control character, invalid percent-encoding or
     *                             UTF-8, an encoded or parameterised dot segment, or a ".." above the root
     */
    public static String canonicalize(String rawPath) throws BadRequestException {
        try {
            return RequestPath.canonicalize(rawPath);
        } catch (MalformedPathException e) {
            throw new BadRequestException(e.getMessage());
        }
    }

    /** Percent-encodes a decoded path for use as a raw URI path: '/' and unreserved characters stay. */
    public static String encodePath(String decoded) {
        return RequestPath.encode(decoded);
    }
}
