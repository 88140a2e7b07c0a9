package org.fcgibridge.servlet.cli;

/** The launcher could not serve: the application failed to deploy, or an address could not be listened on. */
public final class LaunchException extends Exception {
    private static final long serialVersionUID = 1L;

    LaunchException(String message, Throwable cause) {
        super(message, cause);
    }
}
