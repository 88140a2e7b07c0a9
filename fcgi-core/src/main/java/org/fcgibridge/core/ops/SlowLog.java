package org.fcgibridge.core.ops;

import java.nio.file.Path;
import java.time.Duration;

/** STUB until the slow log's own branch is merged: it logs nothing. */
public final class SlowLog implements AutoCloseable {
    public SlowLog(Path file, Duration timeout, ServerStatus status) {
    }

    public void start() {
    }

    @Override
    public void close() {
    }
}
