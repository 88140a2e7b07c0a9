package org.fcgibridge.core.runner;

import java.nio.charset.StandardCharsets;

/**
 * Small, complete CGI responses the server and runners answer with when the application cannot.
 */
public final class CgiResponses {
    private static final byte[] INTERNAL_SERVER_ERROR = response(500, "Internal Server Error",
            "The application failed to answer this request.");
    private static final byte[] GATEWAY_TIMEOUT = response(504, "Gateway Timeout",
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

    /** A CGI response with {@code Status} and the standard reason phrase, and a plain-text body of one line. */
    public static byte[] response(int status, String text) {
        return response(status, reason(status), text);
    }

    /** The standard reason phrase of the statuses the server itself answers with. */
    public static String reason(int status) {
        switch (status) {
            case 400: return "Bad Request";
            case 403: return "Forbidden";
            case 404: return "Not Found";
            case 413: return "Content Too Large";
            case 500: return "Internal Server Error";
            case 502: return "Bad Gateway";
            case 503: return "Service Unavailable";
            case 504: return "Gateway Timeout";
            default: return "Status " + status;
        }
    }

    /** A CGI response with {@code Status}, a plain-text body of one line, and its Content-Length. */
    public static byte[] response(int status, String reason, String text) {
        byte[] body = (text + "\n").getBytes(StandardCharsets.UTF_8);
        String head = "Status: " + status + " " + reason + "\r\n"
                + "Content-Type: text/plain; charset=utf-8\r\n"
                + "Content-Length: " + body.length + "\r\n\r\n";
        byte[] headBytes = head.getBytes(StandardCharsets.US_ASCII);
        byte[] all = new byte[headBytes.length + body.length];
        System.arraycopy(headBytes, 0, all, 0, headBytes.length);
        System.arraycopy(body, 0, all, headBytes.length, body.length);
        return all;
    }
}
