package org.fcgibridge.core.client;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import org.fcgibridge.core.protocol.ProtocolStatus;

/**
 * A whole answer to a FastCGI request: STDOUT and STDERR as received and END_REQUEST's statuses. For the RESPONDER
 * and AUTHORIZER roles STDOUT is a CGI response, which {@link #headers()}, {@link #status()} and {@link #body()} split.
 *
 * @param stdout         every STDOUT byte
 * @param stderr         every STDERR byte
 * @param appStatus      END_REQUEST's appStatus
 * @param protocolStatus END_REQUEST's protocolStatus
 */
public record FcgiResponse(byte[] stdout, byte[] stderr, long appStatus, ProtocolStatus protocolStatus) {

    /** STDOUT decoded as UTF-8. */
    public String stdoutText() {
        return new String(stdout, StandardCharsets.UTF_8);
    }

    /** STDERR decoded as UTF-8. */
    public String stderrText() {
        return new String(stderr, StandardCharsets.UTF_8);
    }

    /**
     * The CGI header lines of STDOUT, names lower-cased, in order (a repeated name keeps its last value). Lines may end
     * in CRLF or LF.
     *
     * @throws IllegalStateException if STDOUT has no blank line ending a header block
     */
    public Map<String, String> headers() {
        int end = headerEnd();
        Map<String, String> headers = new LinkedHashMap<>();
        String block = new String(stdout, 0, end, StandardCharsets.ISO_8859_1);
        for (String line : block.split("\r?\n")) {
            int colon = line.indexOf(':');
            if (colon > 0) {
                headers.put(line.substring(0, colon).trim().toLowerCase(Locale.ROOT), line.substring(colon + 1).trim());
            }
        }
        return headers;
    }

    /** The header {@code name} (case-insensitive), or null. */
    public String header(String name) {
        return headers().get(name.toLowerCase(Locale.ROOT));
    }

    /** The CGI status: the number in the Status header, 302 with only a Location header, else 200. */
    public int status() {
        String status = header("status");
        if (status != null) {
            return Integer.parseInt(status.split(" ", 2)[0].trim());
        }
        return header("location") != null ? 302 : 200;
    }

    /** STDOUT after the header block. */
    public byte[] body() {
        int end = headerEnd();
        int start = end + (stdout[end] == '\r' ? 4 : 2);
        return Arrays.copyOfRange(stdout, start, stdout.length);
    }

    /** {@link #body()} decoded as UTF-8. */
    public String bodyText() {
        return new String(body(), StandardCharsets.UTF_8);
    }

    /** The index of the blank line's line break (of "\r\n\r\n" or "\n\n"). */
    private int headerEnd() {
        for (int i = 0; i + 1 < stdout.length; i++) {
            if (stdout[i] == '\n' && stdout[i + 1] == '\n') {
                return i;
            }
            if (i + 3 < stdout.length && stdout[i] == '\r' && stdout[i + 1] == '\n' && stdout[i + 2] == '\r'
                    && stdout[i + 3] == '\n') {
                return i;
            }
        }
        throw new IllegalStateException("STDOUT has no CGI header block");
    }

    @Override
    public String toString() {
        return "FcgiResponse[stdout=" + stdout.length + " bytes, stderr=" + stderr.length + " bytes, appStatus="
                + appStatus + ", " + protocolStatus + "]";
    }
}
