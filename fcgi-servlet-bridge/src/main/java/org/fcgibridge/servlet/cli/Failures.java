package org.fcgibridge.servlet.cli;

import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;

/** The launcher's failures in one line each, for an operator: what failed and why. */
final class Failures {
    private Failures() {
    }

    /**
     * The cause in a few words. The JDK's message is sometimes the file's name alone (a missing file) or nothing at
     * all (an unresolved address): those get the reason spelled out.
     */
    static String reason(Throwable failure) {
        if (failure instanceof FileSystemException) {
            FileSystemException file = (FileSystemException) failure;
            if (file.getReason() == null) {
                return file.getFile() + ": " + kind(file);
            }
        }
        String message = failure.getMessage();
        return oneLine(message == null || message.isBlank() ? failure.getClass().getSimpleName() : message);
    }

    private static String kind(FileSystemException failure) {
        if (failure instanceof NoSuchFileException) {
            return "no such file or directory";
        }
        if (failure instanceof AccessDeniedException) {
            return "permission denied";
        }
        if (failure instanceof NotDirectoryException) {
            return "not a directory";
        }
        if (failure instanceof FileAlreadyExistsException) {
            return "already exists";
        }
        return failure.getClass().getSimpleName();
    }

    /** The text on one line: a message with line breaks (a parser's, a nested exception's) joined. */
    static String oneLine(String text) {
        return text.strip().replaceAll("\\s*\\R\\s*", " ");
    }
}
