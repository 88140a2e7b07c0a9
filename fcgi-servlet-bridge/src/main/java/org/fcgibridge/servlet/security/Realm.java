package org.fcgibridge.servlet.security;

import java.util.Set;

/** Users, their passwords and their roles. Thread-safe. */
public interface Realm {
    /**
     * Checks a user's password.
     *
     * @return the user's roles, or null when the user is unknown or the password wrong
     */
    Set<String> authenticate(String user, String password);

    /** The roles of a user the realm knows (authenticated elsewhere: by the web server), or an empty set. */
    Set<String> roles(String user);
}
