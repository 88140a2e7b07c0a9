package org.fcgibridge.servlet.container;

import jakarta.servlet.ServletException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Error pages by status code and by exception type (web.xml {@code error-page}), and a default page (an error-page
 * with neither).
 */
public final class ErrorPages {
    private final Map<Integer, String> byStatus = new ConcurrentHashMap<>();
    private final Map<String, String> byException = new ConcurrentHashMap<>();
    private volatile String defaultLocation;

    /** An error page for a status code. */
    public void add(int status, String location) {
        byStatus.put(status, location);
    }

    /** An error page for an exception type (and its subclasses), by class name. */
    public void add(String exceptionType, String location) {
        byException.put(exceptionType, location);
    }

    /** The error page for everything not mapped otherwise. */
    public void setDefault(String location) {
        defaultLocation = location;
    }

    /**
     * The page for an exception: the closest mapped superclass of the exception, then of its root cause (unwrapping
     * ServletException), else null.
     */
    public String forException(Throwable error) {
        Throwable current = error;
        while (current != null) {
            for (Class<?> type = current.getClass(); type != null; type = type.getSuperclass()) {
                String location = byException.get(type.getName());
                if (location != null) {
                    return location;
                }
            }
            current = current instanceof ServletException ? ((ServletException) current).getRootCause() : null;
        }
        return null;
    }

    /** The page for a status, else the default page, else null. */
    public String forStatus(int status) {
        String location = byStatus.get(status);
        return location != null ? location : defaultLocation;
    }

    public boolean isEmpty() {
        return byStatus.isEmpty() && byException.isEmpty() && defaultLocation == null;
    }
}
