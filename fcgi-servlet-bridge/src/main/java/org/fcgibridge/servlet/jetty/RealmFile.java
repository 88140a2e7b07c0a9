package org.fcgibridge.servlet.jetty;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;
import org.eclipse.jetty.security.HashLoginService;
import org.eclipse.jetty.util.resource.ResourceFactory;
import org.eclipse.jetty.util.security.Credential;

/**
 * The launcher's {@code --realm FILE}: users, passwords and roles in the format of Jetty's HashLoginService,
 * {@code user: password[,role...]}, the password plain or as Jetty reads it ({@code MD5:}, {@code CRYPT:},
 * {@code OBF:}). Read once here, so that a file that is missing or does not parse stops the launcher with one line
 * instead of leaving an application with no users.
 */
public final class RealmFile {
    /** The realm's name when the application's login-config names none. */
    static final String DEFAULT_NAME = "fcgi-bridge";

    private RealmFile() {
    }

    /**
     * Checks the file and returns the login service that reads it (named after the application's realm-name when
     * it starts: by the security handler).
     *
     * @throws IllegalArgumentException naming the file and what is wrong: unreadable, no user, a user without a
     *                                  password, a password Jetty cannot read
     */
    public static HashLoginService load(Path file) {
        Properties users = new Properties();
        try (Reader in = Files.newBufferedReader(file, StandardCharsets.ISO_8859_1)) {
            users.load(in);
        } catch (IOException | IllegalArgumentException e) {
            throw new IllegalArgumentException("--realm " + file + ": cannot read: " + e, e);
        }
        if (users.isEmpty()) {
            throw new IllegalArgumentException("--realm " + file + ": no user (lines like \"alice: secret,admin\")");
        }
        for (Map.Entry<Object, Object> entry : users.entrySet()) {
            check(file, ((String) entry.getKey()).trim(), ((String) entry.getValue()).trim());
        }
        return new HashLoginService(DEFAULT_NAME, ResourceFactory.root().newResource(file.toAbsolutePath()));
    }

    /** The checks of one line, as Jetty's PropertyUserStore splits it: the credential, then roles after a comma. */
    private static void check(Path file, String user, String value) {
        int comma = value.indexOf(',');
        String credential = (comma < 0 ? value : value.substring(0, comma)).trim();
        if (user.isEmpty()) {
            throw new IllegalArgumentException("--realm " + file + ": a line has no user name");
        }
        if (credential.isEmpty()) {
            throw new IllegalArgumentException("--realm " + file + ": user " + user
                    + " has no password (lines like \"" + user + ": secret,role\")");
        }
        if (credential.startsWith("MD5:") && !credential.substring(4).matches("[0-9a-fA-F]{32}")) {
            throw new IllegalArgumentException("--realm " + file + ": user " + user
                    + ": an MD5: password is 32 hexadecimal digits");
        }
        try {
            Credential.getCredential(credential);
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("--realm " + file + ": user " + user + ": unreadable password ("
                    + e.getClass().getSimpleName() + ")", e);
        }
    }
}
