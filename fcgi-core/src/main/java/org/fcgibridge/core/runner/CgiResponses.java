package org.fcgibridge.core.runner;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.fcgibridge.core.http.CgiResponseHead;

/**
 * Small, complete CGI responses the server and runners answer with when the application cannot.
 */
public final class CgiResponses {
    private static final byte[] INTERNAL_SERVER_ERROR = response(500,
            "The application failed to answer this request.");
    private static final byte[] GATEWAY_TIMEOUT = response(504,
            "The application did not answer within its time limit.");

    /** For an application that failed before writing anything. */
    public static byte[] internalServerError() {
        return INTERNAL_SERVER_ERROR.clone();
    }

    /** For a request that ran past its time limit before writing anything. */
    public static byte[] gatewayTimeout() {
        return GATEWAY_TIMEOUT.clone();
    }

    private CgiResponses() {
    }

    /** A CGI response with {@code Status} and its reason phrase, and a plain-text body of one line. */
    public static byte[] response(int status, String text) {
        byte[] body = (text + "\n").getBytes(StandardCharsets.UTF_8);
        byte[] head = new CgiResponseHead().status(status)
                .field("Content-Type", "text/plain; charset=utf-8")
                .field("Content-Length", body.length)
                .toByteArray();
        byte[] all = Arrays.copyOf(head, head.length + body.length);
        System.arraycopy(body, 0, all, head.length, body.length);
        return all;
    }
}
