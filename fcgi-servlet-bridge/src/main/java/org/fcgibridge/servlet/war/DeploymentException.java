package org.fcgibridge.servlet.war;

/**
 * A web application that cannot be deployed: the message names the file and the cause (a malformed web.xml, a class
 * that is not there, a servlet that fails to start). The launcher prints it and exits with a non-zero status.
 */
public final class DeploymentException extends Exception {
    /**
     * @param message what failed and where, for the operator
     */
    public DeploymentException(String message) {
        super(message);
    }

    /**
     * @param message what failed and where, for the operator
     * @param cause   the underlying failure
     */
    public DeploymentException(String message, Throwable cause) {
        super(message, cause);
    }
}
