package org.fcgibridge.servlet.security;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The checks of {@code --realm FILE}, as the launcher reads it before anything starts. */
class RealmFileTest {
    @TempDir
    Path dir;

    @Test
    void usersWithPlainAndHashedPasswordsAndTheirRolesLogIn() throws Exception {
        Path file = Files.writeString(dir.resolve("realm.properties"), "# users\n"
                + "alice: wonderland,admin,user\n"
                + "bob: MD5:5ebe2294ecd0e0f08eab7690d2a6ee69\n"
                + "carol=OBF:1wgi1wu81u301u9j1vn61vnw1u9z1u2a1wu61wfg, user\n");
        RealmFile realm = RealmFile.load(file);
        assertEquals(Set.of("admin", "user"), realm.authenticate("alice", "wonderland"));
        assertEquals(Set.of(), realm.authenticate("bob", "secret"));
        assertEquals(Set.of("user"), realm.authenticate("carol", "wonderland"));
        assertNull(realm.authenticate("alice", "wrong"));
        assertNull(realm.authenticate("dave", "wonderland"));
        assertNull(realm.authenticate("alice", null));
        assertEquals(Set.of("admin", "user"), realm.roles("alice"));
        assertEquals(Set.of(), realm.roles("dave"));
    }

    @Test
    void aFileThatDoesNotParseIsOneLineNamingTheFileAndTheUser() throws Exception {
        assertEquals("--realm " + dir.resolve("none") + ": cannot read: java.nio.file.NoSuchFileException: "
                + dir.resolve("none"), refusal(dir.resolve("none")));
        assertTrue(refusal(Files.writeString(dir.resolve("empty"), "# nobody\n")).endsWith(": no user (lines like "
                + "\"alice: secret,admin\")"));
        assertTrue(refusal(Files.writeString(dir.resolve("nopass"), "alice: ,admin\n"))
                .endsWith(": user alice has no password (lines like \"alice: secret,role\")"));
        assertTrue(refusal(Files.writeString(dir.resolve("md5"), "alice: MD5:secret\n"))
                .endsWith(": user alice: an MD5: password is 32 hexadecimal digits"));
    }

    @Test
    void md5IsCheckedAsJettyChecksIt() throws Exception {
        for (String password : List.of("secret", "wonderland", "\u00e9t\u00e9", "")) {
            String stored = org.eclipse.jetty.util.security.Credential.MD5.digest(password);
            Path file = Files.writeString(dir.resolve("md5-realm"), "alice: " + stored + ",user\n",
                    StandardCharsets.ISO_8859_1);
            assertEquals(Set.of("user"), RealmFile.load(file).authenticate("alice", password), stored);
            assertNull(RealmFile.load(file).authenticate("alice", password + "x"), stored);
        }
    }

    private static String refusal(Path file) {
        return assertThrows(IllegalArgumentException.class, () -> RealmFile.load(file)).getMessage();
    }
}
