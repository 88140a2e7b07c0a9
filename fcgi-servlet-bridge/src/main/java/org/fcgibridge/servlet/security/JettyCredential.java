package org.fcgibridge.servlet.security;

import java.util.function.Predicate;
import org.eclipse.jetty.util.security.Credential;

/**
 * The password forms that Jetty's jetty-util reads (CRYPT:, MD:, OBF:). The only class of the standalone container
 * that names a Jetty class: nothing loads it unless a realm file holds such a password.
 */
final class JettyCredential {
    private JettyCredential() {
    }

    /** Jetty's check of {@code stored}. */
    static Predicate<String> parse(String stored) {
        Credential credential = Credential.getCredential(stored);
        return credential::check;
    }
}
