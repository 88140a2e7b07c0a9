package org.fcgibridge.servlet.container;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.Set;
import org.fcgibridge.servlet.http.BridgeResponse;
import org.fcgibridge.servlet.security.BasicCredentials;
import org.fcgibridge.servlet.security.Realm;
import org.fcgibridge.servlet.security.RealmFile;
import org.fcgibridge.servlet.security.WebUser;

/** BASIC authentication (RFC 7617): the credentials come with every request; the challenge is a 401. */
final class BasicAuthenticator extends Authenticator {
    private final String challenge;

    /** @param realmName the login-config's realm-name, or null */
    BasicAuthenticator(Realm realm, String realmName) {
        super(realm);
        String name = realmName == null ? RealmFile.DEFAULT_NAME : realmName;
        this.challenge = "Basic realm=\"" + name.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }

    @Override
    String authType() {
        return HttpServletRequest.BASIC_AUTH;
    }

    @Override
    WebUser validate(BridgeRequest request) {
        BasicCredentials credentials = BasicCredentials.parse(request.getHeader("Authorization"));
        if (credentials == null) {
            return null;
        }
        Set<String> roles = realm.authenticate(credentials.user(), credentials.password());
        return roles == null ? null : new WebUser(credentials.user(), HttpServletRequest.BASIC_AUTH, roles);
    }

    @Override
    void challenge(BridgeRequest request, BridgeResponse response) throws IOException {
        response.setHeader("WWW-Authenticate", challenge);
        response.sendError(HttpServletResponse.SC_UNAUTHORIZED);
    }
}
