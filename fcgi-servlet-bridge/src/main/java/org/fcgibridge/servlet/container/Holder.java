package org.fcgibridge.servlet.container;

import jakarta.servlet.Registration;
import java.util.Collections;
import java.util.Enumeration;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * What servlet and filter registrations share: a name, a class, init parameters, async support.
 */
abstract class Holder implements Registration.Dynamic {
    final BridgeServletContext context;
    private final String name;
    private final String className;
    private final Map<String, String> initParameters = new LinkedHashMap<>();
    volatile boolean asyncSupported;

    Holder(BridgeServletContext context, String name, String className) {
        this.context = context;
        this.name = name;
        this.className = className;
    }

    @Override
    public String getName() {
        return name;
    }

    @Override
    public String getClassName() {
        return className;
    }

    @Override
    public synchronized boolean setInitParameter(String key, String value) {
        if (key == null || value == null) {
            throw new IllegalArgumentException("init parameter name and value must not be null");
        }
        context.checkNotInitialized();
        if (initParameters.containsKey(key)) {
            return false;
        }
        initParameters.put(key, value);
        return true;
    }

    @Override
    public synchronized String getInitParameter(String key) {
        return initParameters.get(key);
    }

    @Override
    public synchronized Set<String> setInitParameters(Map<String, String> parameters) {
        context.checkNotInitialized();
        Set<String> conflicts = new HashSet<>();
        for (Map.Entry<String, String> entry : parameters.entrySet()) {
            if (entry.getKey() == null || entry.getValue() == null) {
                throw new IllegalArgumentException("init parameter name and value must not be null");
            }
            if (initParameters.containsKey(entry.getKey())) {
                conflicts.add(entry.getKey());
            }
        }
        if (conflicts.isEmpty()) {
            initParameters.putAll(parameters);
        }
        return conflicts;
    }

    @Override
    public synchronized Map<String, String> getInitParameters() {
        return Collections.unmodifiableMap(new LinkedHashMap<>(initParameters));
    }

    synchronized Enumeration<String> initParameterNames() {
        return Collections.enumeration(new java.util.ArrayList<>(initParameters.keySet()));
    }

    @Override
    public void setAsyncSupported(boolean isAsyncSupported) {
        context.checkNotInitialized();
        asyncSupported = isAsyncSupported;
    }

    boolean isAsyncSupported() {
        return asyncSupported;
    }
}
