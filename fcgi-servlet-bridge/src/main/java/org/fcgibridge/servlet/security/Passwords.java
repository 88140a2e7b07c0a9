package org.fcgibridge.servlet.security;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.function.Predicate;

/**
 * The passwords of a realm file, in the forms Jetty's {@code Credential.getCredential} reads. Plain and {@code MD5:}
 * are checked here with the JDK alone; {@code CRYPT:}, {@code MD:} and {@code OBF:} go to Jetty's own code, which is
 * loaded only then: a standalone container whose users have plain or MD5 passwords needs no Jetty jar.
 */
final class Passwords {
    private static final String MD5 = "MD5:";

    private Passwords() {
    }

    /**
     * The check of one stored password.
     *
     * @throws IllegalArgumentException if an MD5: password is not 32 hexadecimal digits
     * @throws LinkageError             if the password needs jetty-util and it is not on the class path
     */
    static Predicate<String> parse(String stored) {
        if (stored.startsWith(MD5)) {
            byte[] digest = HexFormat.of().parseHex(stored.substring(MD5.length()));
            return password -> MessageDigest.isEqual(digest, md5(password));
        }
        if (stored.startsWith("CRYPT:") || stored.startsWith("MD:") || stored.startsWith("OBF:")) {
            return JettyCredential.parse(stored);
        }
        byte[] plain = stored.getBytes(StandardCharsets.UTF_8);
        return password -> MessageDigest.isEqual(plain, password.getBytes(StandardCharsets.UTF_8));
    }

    /** As Jetty digests it: the password's ISO-8859-1 bytes. */
    private static byte[] md5(String password) {
        try {
            return MessageDigest.getInstance("MD5").digest(password.getBytes(StandardCharsets.ISO_8859_1));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK has no MD5", e);
        }
    }
}
