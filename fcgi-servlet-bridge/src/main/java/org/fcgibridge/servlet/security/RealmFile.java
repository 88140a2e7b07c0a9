package org.fcgibridge.servlet.security;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.function.Predicate;

/**
 * The launcher's {@code --realm FILE}: users, passwords and roles in the format of Jetty's HashLoginService,
 * {@code user: password[,role...]}, the password plain or as Jetty reads it ({@code MD5:}, {@code CRYPT:},
 * {@code OBF:}, {@code MD:SHA-256:}), so that one file serves both engines. Plain and {@code MD5:} passwords are
 * checked here; the other forms by Jetty's jetty-util, loaded only when the file has one, so that the standalone
 * container runs with no Jetty class on its class path. Read once, when the launcher starts:
 * a file that is missing or does not parse stops it with one line instead of leaving an application with no users.
 * Immutable.
 */
public final class RealmFile implements Realm {
    /** The realm's name when the application's login-config names none. */
    public static final String DEFAULT_NAME = "fcgi-bridge";

    private record Entry(Predicate<String> credential, Set<String> roles) {
    }

    private final Path file;
    private final Map<String, Entry> users;

    private RealmFile(Path file, Map<String, Entry> users) {
        this.file = file;
        this.users = Map.copyOf(users);
    }

    /**
     * Reads and checks the file.
     *
     * @throws IllegalArgumentException naming the file and what is wrong: unreadable, no user, a user without a
     *                                  password, a password that cannot be read
     */
    public static RealmFile load(Path file) {
        Properties lines = new Properties();
        try (Reader in = Files.newBufferedReader(file, StandardCharsets.ISO_8859_1)) {
            lines.load(in);
        } catch (IOException | IllegalArgumentException e) {
            throw new IllegalArgumentException("--realm " + file + ": cannot read: " + e, e);
        }
        if (lines.isEmpty()) {
            throw new IllegalArgumentException("--realm " + file + ": no user (lines like \"alice: secret,admin\")");
        }
        Map<String, Entry> users = new HashMap<>();
        for (Map.Entry<Object, Object> line : lines.entrySet()) {
            String user = ((String) line.getKey()).trim();
            users.put(user, entry(file, user, ((String) line.getValue()).trim()));
        }
        return new RealmFile(file.toAbsolutePath(), users);
    }

    /** One line, split as Jetty's PropertyUserStore splits it: the credential, then roles after commas. */
    private static Entry entry(Path file, String user, String value) {
        String[] fields = value.split(",");
        String credential = fields[0].trim();
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
        Predicate<String> parsed;
        try {
            parsed = Passwords.parse(credential);
        } catch (LinkageError e) {
            throw new IllegalArgumentException("--realm " + file + ": user " + user + ": a password in the form "
                    + credential.substring(0, credential.indexOf(':') + 1) + " needs Jetty's jetty-util on the class "
                    + "path (the launcher jar has it); write it plain or as MD5:", e);
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("--realm " + file + ": user " + user + ": unreadable password ("
                    + e.getClass().getSimpleName() + ")", e);
        }
        Set<String> roles = new LinkedHashSet<>();
        for (int i = 1; i < fields.length; i++) {
            if (!fields[i].isBlank()) {
                roles.add(fields[i].trim());
            }
        }
        return new Entry(parsed, Set.copyOf(roles));
    }

    /** Where the users are (absolute), for a container that reads the file itself (Jetty's HashLoginService). */
    public Path file() {
        return file;
    }

    @Override
    public Set<String> authenticate(String user, String password) {
        Entry entry = user == null || password == null ? null : users.get(user);
        return entry != null && entry.credential().test(password) ? entry.roles() : null;
    }

    @Override
    public Set<String> roles(String user) {
        Entry entry = users.get(user);
        return entry == null ? Set.of() : entry.roles();
    }
}
