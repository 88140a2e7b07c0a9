package com.example.conflict;

/**
 * A library class on the launcher's class path; the deployment tests put another version of it in a WAR's WEB-INF/lib
 * and check that the application sees its own.
 */
public final class Greeting {
    private Greeting() {
    }

    public static String text() {
        return "from the launcher's class path";
    }
}
