package org.fcgibridge.core.cgi;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;

/** Starts a CGI script: with the JDK's {@link ProcessBuilder} ({@link JdkScript}), or through a {@link SpawnHelper}. */
interface ScriptStarter {
    /**
     * Starts {@code script} in {@code directory} with exactly {@code environment}.
     *
     * @param withStdin whether the script gets a stream to read its input from ({@link ScriptProcess#stdin()});
     *                  without, it reads end-of-file at once
     * @throws IOException if it cannot be started (not executable, no interpreter, no process left)
     */
    ScriptProcess start(Path script, Path directory, Map<String, String> environment, boolean withStdin)
            throws IOException;
}
