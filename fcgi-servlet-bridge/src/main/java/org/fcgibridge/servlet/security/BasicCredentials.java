package org.fcgibridge.servlet.security;

import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * The user name and password of an {@code Authorization: Basic} header (RFC 7617), decoded as ISO-8859-1 as Jetty
 * decodes them, so that one realm file reads the same on both engines.
 *
 * @param user     the user name, before the first colon
 * @param password the password, after it
 */
public record BasicCredentials(String user, String password) {
    /** The credentials of an Authorization header's value, or null when it is absent or not well-formed Basic. */
    public static BasicCredentials parse(String authorization) {
        if (authorization == null) {
            return null;
        }
        String value = authorization.trim();
        int space = value.indexOf(' ');
        if (space < 0 || !value.substring(0, space).equalsIgnoreCase("Basic")) {
            return null;
        }
        String decoded;
        try {
            decoded = new String(Base64.getDecoder().decode(value.substring(space + 1).trim()),
                    StandardCharsets.ISO_8859_1);
        } catch (IllegalArgumentException notBase64) {
            return null;
        }
        int colon = decoded.indexOf(':');
        return colon < 0 ? null : new BasicCredentials(decoded.substring(0, colon), decoded.substring(colon + 1));
    }
}
