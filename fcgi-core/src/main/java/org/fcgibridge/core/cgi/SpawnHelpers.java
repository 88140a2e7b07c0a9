package org.fcgibridge.core.cgi;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * The JVM's spawn helpers, one per core (at most {@value #MAX_HELPERS}). A helper waits while each script it starts
 * execs (a vfork); meanwhile the others start and relay theirs, and the cores do not idle. Scripts go to the helpers
 * in turn; a helper that has died is replaced at its next turn.
 */
final class SpawnHelpers implements ScriptStarter {
    private static final int MAX_HELPERS = 8;
    private static SpawnHelpers shared;

    private final AtomicReferenceArray<SpawnHelper> helpers;
    private final AtomicInteger turn = new AtomicInteger();

    private SpawnHelpers(int count) throws IOException {
        helpers = new AtomicReferenceArray<>(count);
        for (int i = 0; i < count; i++) {
            try {
                helpers.set(i, SpawnHelper.start());
            } catch (IOException e) {
                for (int started = 0; started < i; started++) {
                    helpers.get(started).stop();
                }
                throw e;
            }
        }
    }

    /**
     * The JVM's helpers, started at the first call.
     *
     * @throws IOException if there is no helper for this platform, or it cannot be started
     */
    static synchronized SpawnHelpers shared() throws IOException {
        if (shared == null) {
            shared = new SpawnHelpers(Math.min(MAX_HELPERS, Runtime.getRuntime().availableProcessors()));
        }
        return shared;
    }

    /** @throws IOException if the script's helper has died and cannot be replaced, or the order fails */
    @Override
    public ScriptProcess start(Path script, Path directory, Map<String, String> environment, boolean withStdin)
            throws IOException {
        int i = Math.floorMod(turn.getAndIncrement(), helpers.length());
        SpawnHelper helper = helpers.get(i);
        if (helper.isDead()) {
            helper = replace(i, helper);
        }
        return helper.start(script, directory, environment, withStdin);
    }

    private synchronized SpawnHelper replace(int i, SpawnHelper dead) throws IOException {
        SpawnHelper current = helpers.get(i);
        if (current == dead) {
            current = SpawnHelper.start();
            helpers.set(i, current);
        }
        return current;
    }
}
