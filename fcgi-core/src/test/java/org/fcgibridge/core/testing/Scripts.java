package org.fcgibridge.core.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

/** CGI scripts for tests, written into a directory with the mode asked for. */
public final class Scripts {
    private Scripts() {
    }

    /** Writes an executable script. */
    public static Path script(Path dir, String name, String text) throws IOException {
        Path file = dir.resolve(name);
        Files.createDirectories(file.getParent());
        Files.writeString(file, text);
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwxr-xr-x"));
        return file;
    }

    /** Prints a header block and "hello from sh" with the query. */
    public static final String HELLO_SH = "#!/bin/sh\nprintf 'Content-Type: text/plain\\r\\n\\r\\n'\n"
            + "echo \"hello from sh $QUERY_STRING\"\n";

    /** Prints its whole environment, sorted, one NAME=VALUE a line. */
    public static final String ENV_PL = "#!/usr/bin/perl\nprint \"Content-Type: text/plain\\n\\n\";\n"
            + "for my $k (sort keys %ENV) { print \"$k=$ENV{$k}\\n\"; }\n";

    /** Writes a header and a first line before it reads anything, then echoes its input back. */
    public static final String ECHO_PY = "#!/usr/bin/python3\nimport sys\n"
            + "out = sys.stdout.buffer\nout.write(b'Content-Type: application/octet-stream\\n\\n')\n"
            + "out.write(b'x' * 100000)\nout.flush()\n"
            + "while True:\n    chunk = sys.stdin.buffer.read(65536)\n    if not chunk:\n        break\n"
            + "    out.write(chunk)\nout.flush()\n";
}
