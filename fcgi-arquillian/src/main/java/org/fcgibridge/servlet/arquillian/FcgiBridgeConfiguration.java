package org.fcgibridge.servlet.arquillian;

import java.util.ArrayList;
import java.util.List;
import org.jboss.arquillian.container.spi.ConfigurationException;
import org.jboss.arquillian.container.spi.client.container.ContainerConfiguration;

/**
 * The adapter's settings, from {@code arquillian.xml}'s {@code <configuration>} properties: {@code engine}
 * ({@code standalone}, the default, or {@code jetty}) and {@code launcherArguments}, more options of the launcher
 * separated by spaces (limits, {@code --request-timeout}...). The adapter sets {@code --war}, {@code --context-path},
 * {@code --listen} and {@code --engine} itself, and refuses {@code --http}: its own HTTP front serves every
 * deployment.
 */
public final class FcgiBridgeConfiguration implements ContainerConfiguration {
    private static final List<String> OWN_OPTIONS =
            List.of("--war", "--context-path", "--listen", "--http", "--engine");

    private String engine = "standalone";
    private String launcherArguments = "";

    public String getEngine() {
        return engine;
    }

    public void setEngine(String engine) {
        this.engine = engine;
    }

    public String getLauncherArguments() {
        return launcherArguments;
    }

    public void setLauncherArguments(String launcherArguments) {
        this.launcherArguments = launcherArguments == null ? "" : launcherArguments;
    }

    /** {@link #getLauncherArguments()} split into words. */
    List<String> extraArguments() {
        List<String> words = new ArrayList<>();
        for (String word : launcherArguments.trim().split("\\s+")) {
            if (!word.isEmpty()) {
                words.add(word);
            }
        }
        return words;
    }

    /** @throws ConfigurationException for an unknown engine, or arguments the adapter sets itself */
    @Override
    public void validate() throws ConfigurationException {
        if (!engine.equals("standalone") && !engine.equals("jetty")) {
            throw new ConfigurationException("fcgi-bridge: engine must be standalone or jetty, not " + engine);
        }
        for (String word : extraArguments()) {
            String option = word.contains("=") ? word.substring(0, word.indexOf('=')) : word;
            if (OWN_OPTIONS.contains(option)) {
                throw new ConfigurationException("fcgi-bridge: launcherArguments cannot set " + option
                        + ", the adapter sets it for each deployment");
            }
        }
    }
}
