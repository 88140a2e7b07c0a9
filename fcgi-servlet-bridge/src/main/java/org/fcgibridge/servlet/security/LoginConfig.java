package org.fcgibridge.servlet.security;

/**
 * An application's {@code <login-config>}.
 *
 * @param authMethod BASIC, FORM, DIGEST or CLIENT-CERT (upper case), or null when it names none (then BASIC)
 * @param realmName  the realm's name, for the BASIC challenge; null when it names none
 * @param loginPage  the form-login-page (FORM), a path in the application starting with '/'
 * @param errorPage  the form-error-page (FORM)
 */
public record LoginConfig(String authMethod, String realmName, String loginPage, String errorPage) {
    /** What an application without a login-config gets. */
    public static final LoginConfig NONE = new LoginConfig(null, null, null, null);
}
