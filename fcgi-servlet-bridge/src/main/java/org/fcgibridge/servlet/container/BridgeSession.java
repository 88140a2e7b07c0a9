package org.fcgibridge.servlet.container;

import jakarta.servlet.ServletContext;
import jakarta.servlet.http.HttpSession;
import jakarta.servlet.http.HttpSessionAttributeListener;
import jakarta.servlet.http.HttpSessionBindingEvent;
import jakarta.servlet.http.HttpSessionBindingListener;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Enumeration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * An in-memory session. Thread-safe; methods other than {@link #getId()} and the time getters throw
 * IllegalStateException once it is invalid, as the spec asks.
 */
final class BridgeSession implements HttpSession {
    private final SessionManager manager;
    private volatile String id;
    private final long creationTime = System.currentTimeMillis();
    private volatile long lastAccessedTime = creationTime;
    private volatile long thisAccessTime = creationTime;
    private volatile int maxInactiveInterval;
    private volatile boolean isNew = true;
    private volatile boolean valid = true;
    private final Map<String, Object> attributes = new ConcurrentHashMap<>();

    BridgeSession(SessionManager manager, String id, int maxInactiveInterval) {
        this.manager = manager;
        this.id = id;
        this.maxInactiveInterval = maxInactiveInterval;
    }

    /** A request with this session's id arrived. */
    void access() {
        lastAccessedTime = thisAccessTime;
        thisAccessTime = System.currentTimeMillis();
        isNew = false;
    }

    boolean isExpired(long now) {
        return maxInactiveInterval > 0 && now - thisAccessTime > maxInactiveInterval * 1000L;
    }

    boolean isValid() {
        return valid;
    }

    void changeId(String newId) {
        id = newId;
    }

    private void checkValid() {
        if (!valid) {
            throw new IllegalStateException("the session is invalid");
        }
    }

    @Override
    public long getCreationTime() {
        checkValid();
        return creationTime;
    }

    @Override
    public String getId() {
        return id;
    }

    @Override
    public long getLastAccessedTime() {
        checkValid();
        return lastAccessedTime;
    }

    @Override
    public ServletContext getServletContext() {
        return manager.context();
    }

    @Override
    public void setMaxInactiveInterval(int interval) {
        maxInactiveInterval = interval;
    }

    @Override
    public int getMaxInactiveInterval() {
        return maxInactiveInterval;
    }

    @Override
    public Object getAttribute(String name) {
        checkValid();
        return attributes.get(name);
    }

    @Override
    public Enumeration<String> getAttributeNames() {
        checkValid();
        return Collections.enumeration(new ArrayList<>(attributes.keySet()));
    }

    @Override
    public void setAttribute(String name, Object value) {
        checkValid();
        if (name == null) {
            throw new IllegalArgumentException("attribute name is null");
        }
        if (value == null) {
            removeAttribute(name);
            return;
        }
        Object old = attributes.put(name, value);
        if (old == value) {
            return;
        }
        if (value instanceof HttpSessionBindingListener) {
            ((HttpSessionBindingListener) value).valueBound(new HttpSessionBindingEvent(this, name, value));
        }
        if (old instanceof HttpSessionBindingListener) {
            ((HttpSessionBindingListener) old).valueUnbound(new HttpSessionBindingEvent(this, name, old));
        }
        for (HttpSessionAttributeListener listener : manager.context().listeners(HttpSessionAttributeListener.class)) {
            if (old == null) {
                listener.attributeAdded(new HttpSessionBindingEvent(this, name, value));
            } else {
                listener.attributeReplaced(new HttpSessionBindingEvent(this, name, old));
            }
        }
    }

    @Override
    public void removeAttribute(String name) {
        checkValid();
        Object old = name == null ? null : attributes.remove(name);
        if (old != null) {
            unbound(name, old);
        }
    }

    private void unbound(String name, Object old) {
        if (old instanceof HttpSessionBindingListener) {
            ((HttpSessionBindingListener) old).valueUnbound(new HttpSessionBindingEvent(this, name, old));
        }
        for (HttpSessionAttributeListener listener : manager.context().listeners(HttpSessionAttributeListener.class)) {
            listener.attributeRemoved(new HttpSessionBindingEvent(this, name, old));
        }
    }

    @Override
    public void invalidate() {
        checkValid();
        manager.invalidate(this);
    }

    /** Ends the session: the manager has already forgotten it and told the session listeners. */
    void unbindAll() {
        for (String name : new ArrayList<>(attributes.keySet())) {
            Object old = attributes.remove(name);
            if (old != null) {
                unbound(name, old);
            }
        }
        valid = false;
    }

    @Override
    public boolean isNew() {
        checkValid();
        return isNew;
    }
}
