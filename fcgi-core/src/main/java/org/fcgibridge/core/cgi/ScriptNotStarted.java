package org.fcgibridge.core.cgi;

import java.io.IOException;

/** The script's exec failed (not executable after all, no interpreter): known only once its start has returned. */
final class ScriptNotStarted extends IOException {
    private static final long serialVersionUID = 1L;

    ScriptNotStarted(String message) {
        super(message);
    }
}
