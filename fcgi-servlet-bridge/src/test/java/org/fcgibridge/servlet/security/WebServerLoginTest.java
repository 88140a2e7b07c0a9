package org.fcgibridge.servlet.security;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class WebServerLoginTest {
    /** alice is an admin, everyone else has no role. */
    private static final Realm REALM = new Realm() {
        @Override
        public Set<String> authenticate(String user, String password) {
            throw new AssertionError("the web server checked the password");
        }

        @Override
        public Set<String> roles(String user) {
            return user.equals("alice") ? Set.of("admin", "user") : Set.of();
        }
    };

    @Test
    void aRolesNameIsAParamOrAHeaderTheWebServerSets() {
        assertEquals("REMOTE_USER_ROLES", WebServerLogin.paramName("REMOTE_USER_ROLES"));
        assertEquals("HTTP_X_ROLES", WebServerLogin.paramName("HTTP_X_ROLES"));
        assertEquals("HTTP_X_ROLES", WebServerLogin.paramName("X-Roles"));
        assertEquals("HTTP_X_AUTH_ROLES", WebServerLogin.paramName("x-auth-roles"));
        assertEquals("HTTP_ROLES", WebServerLogin.paramName("roles"));
        for (String bad : new String[] {"", "X Roles", "X-Roles:", "rôles", "$remote_user"}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> WebServerLogin.paramName(bad), bad);
            assertEquals("--web-server-roles wants a FastCGI param name (REMOTE_USER_ROLES) or an HTTP header name "
                    + "(X-Roles): " + bad, e.getMessage());
        }
    }

    @Test
    void rolesComeFromTheNamedParamOnly() {
        WebServerLogin login = WebServerLogin.of("X-Roles", REALM);
        assertEquals("HTTP_X_ROLES", login.rolesParam());
        Map<String, String> params = Map.of("HTTP_X_ROLES", " editor, ,viewer ", "REMOTE_USER_ROLES", "admin");
        assertEquals(new WebUser("bob", "BASIC", Set.of("editor", "viewer")),
                login.user("bob", "Basic", params::get));
        assertEquals(Set.of(), login.user("alice", null, Map.<String, String>of()::get).roles(),
                "no roles param: no role, though the realm knows alice");
    }

    @Test
    void withoutARolesParamRolesComeFromTheRealm() {
        WebServerLogin login = WebServerLogin.of(null, REALM);
        assertEquals(Set.of("admin", "user"), login.user("alice", null, name -> "admin2").roles());
        assertEquals(Set.of(), login.user("mallory", null, name -> "admin").roles());
        assertEquals(Set.of(), WebServerLogin.of(null, null).user("alice", null, name -> "admin").roles(),
                "neither: no role");
    }

    @Test
    void noRemoteUserIsNoUser() {
        WebServerLogin login = WebServerLogin.of("REMOTE_USER_ROLES", REALM);
        assertNull(login.user(null, "Basic", name -> "admin"));
        assertNull(login.user("", "Basic", name -> "admin"), "nginx's $remote_user without credentials");
    }

    @Test
    void theAuthTypeIsTheServletApisName() {
        WebServerLogin login = WebServerLogin.of(null, null);
        assertEquals("BASIC", login.user("a", "Basic", n -> null).authType());
        assertEquals("DIGEST", login.user("a", "digest", n -> null).authType());
        assertEquals("FORM", login.user("a", "FORM", n -> null).authType());
        assertEquals("CLIENT_CERT", login.user("a", "Client-Cert", n -> null).authType());
        assertEquals("Negotiate", login.user("a", "Negotiate", n -> null).authType());
        assertNull(login.user("a", null, n -> null).authType());
        assertNull(login.user("a", "", n -> null).authType());
    }
}
