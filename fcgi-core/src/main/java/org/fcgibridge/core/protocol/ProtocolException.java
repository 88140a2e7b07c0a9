package org.fcgibridge.core.protocol;

import java.io.IOException;

/**
 * The peer sent bytes that are not valid FastCGI: a bad version, a malformed name-value pair, a record out of place,
 * or a limit exceeded. The connection that carried them cannot be trusted any more and is closed; nothing else is.
 */
public class ProtocolException extends IOException {
    /**
     * @param message what was wrong, in words fit for a log line
     */
    public ProtocolException(String message) {
        super(message);
    }
}
