package org.fcgibridge.core.cgi;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import org.fcgibridge.core.protocol.Params;

/**
 * A script's environment, built from an allow-list: the CGI/1.1 variables (RFC 3875) and the common extensions web
 * servers send, the request headers as HTTP_* (except HTTP_PROXY: httpoxy), then what the operator configured. Never
 * the server's own environment, and never a param that would set PATH, LD_PRELOAD or anything else.
 */
public final class CgiEnvironment {
    private static final Set<String> CGI_VARIABLES = Set.of(
            "AUTH_TYPE", "CONTENT_LENGTH", "CONTENT_TYPE", "GATEWAY_INTERFACE", "PATH_INFO", "PATH_TRANSLATED",
            "QUERY_STRING", "REMOTE_ADDR", "REMOTE_HOST", "REMOTE_IDENT", "REMOTE_USER", "REQUEST_METHOD",
            "SCRIPT_NAME", "SERVER_NAME", "SERVER_PORT", "SERVER_PROTOCOL", "SERVER_SOFTWARE",
            // what web servers add, and scripts rely on
            "REQUEST_URI", "DOCUMENT_URI", "DOCUMENT_ROOT", "REMOTE_PORT", "SERVER_ADDR", "HTTPS",
            "REQUEST_SCHEME", "REDIRECT_STATUS", "CONTEXT_PREFIX", "CONTEXT_DOCUMENT_ROOT", "SERVER_ADMIN");

    private CgiEnvironment() {
    }

    /** The environment of the script of {@code resolution} for a request with {@code params}. */
    public static Map<String, String> build(Params params, ScriptResolver.Resolution resolution,
                                            Map<String, String> operator) {
        Map<String, String> env = new LinkedHashMap<>();
        for (int i = 0; i < params.size(); i++) {
            String name = params.nameAt(i);
            if (allowed(name)) {
                env.put(name, params.valueAt(i));
            }
        }
        env.put("GATEWAY_INTERFACE", "CGI/1.1");
        env.put("SCRIPT_FILENAME", resolution.script().toString());
        env.put("SCRIPT_NAME", resolution.scriptName());
        if (resolution.pathInfo().isEmpty()) {
            env.remove("PATH_INFO");
        } else {
            env.put("PATH_INFO", resolution.pathInfo());
        }
        env.putAll(operator);
        return env;
    }

    /** Whether a param may reach a script. */
    static boolean allowed(String name) {
        if (name.startsWith("HTTP_")) {
            return !name.equals("HTTP_PROXY") && name.length() > 5 && isVariableName(name);
        }
        return CGI_VARIABLES.contains(name);
    }

    private static boolean isVariableName(String name) {
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (!(c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_' || c >= 'a' && c <= 'z')) {
                return false;
            }
        }
        return true;
    }
}
