package org.fcgibridge.servlet.container;

import jakarta.servlet.SessionCookieConfig;
import jakarta.servlet.http.Cookie;
import jakarta.servlet.http.HttpSessionEvent;
import jakarta.servlet.http.HttpSessionIdListener;
import jakarta.servlet.http.HttpSessionListener;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The context's sessions, in memory: 128-bit SecureRandom ids, a JSESSIONID cookie (HttpOnly; Secure on HTTPS
 * requests unless configured otherwise), expiry by a sweeper once a minute and on access.
 */
final class SessionManager implements SessionCookieConfig {
    private static final SecureRandom RANDOM = new SecureRandom();

    private final BridgeServletContext context;
    private final Map<String, BridgeSession> sessions = new ConcurrentHashMap<>();
    private volatile int timeoutMinutes = 30;
    private ScheduledExecutorService sweeper;

    private String cookieName = "JSESSIONID";
    private String cookieDomain;
    private String cookiePath;
    private boolean cookieHttpOnly = true;
    private Boolean cookieSecure;
    private int cookieMaxAge = -1;
    private final Map<String, String> cookieAttributes = new LinkedHashMap<>();

    SessionManager(BridgeServletContext context) {
        this.context = context;
    }

    BridgeServletContext context() {
        return context;
    }

    synchronized void start() {
        sweeper = Executors.newSingleThreadScheduledExecutor(task -> {
            Thread thread = new Thread(task, "session-sweeper");
            thread.setDaemon(true);
            return thread;
        });
        sweeper.scheduleWithFixedDelay(this::sweep, 60, 60, TimeUnit.SECONDS);
    }

    synchronized void stop() {
        if (sweeper != null) {
            sweeper.shutdownNow();
        }
        for (BridgeSession session : sessions.values()) {
            invalidate(session);
        }
    }

    void sweep() {
        long now = System.currentTimeMillis();
        for (BridgeSession session : sessions.values()) {
            if (session.isExpired(now)) {
                invalidate(session);
            }
        }
    }

    /** The valid, unexpired session with this id (marked accessed), or null. */
    BridgeSession find(String id) {
        if (id == null) {
            return null;
        }
        BridgeSession session = sessions.get(id);
        if (session == null) {
            return null;
        }
        if (session.isExpired(System.currentTimeMillis())) {
            invalidate(session);
            return null;
        }
        return session;
    }

    BridgeSession create() {
        String id = newId();
        BridgeSession session = new BridgeSession(this, id, timeoutMinutes * 60);
        sessions.put(id, session);
        for (HttpSessionListener listener : context.listeners(HttpSessionListener.class)) {
            listener.sessionCreated(new HttpSessionEvent(session));
        }
        return session;
    }

    String changeId(BridgeSession session) {
        String old = session.getId();
        String id = newId();
        sessions.remove(old);
        session.changeId(id);
        sessions.put(id, session);
        for (HttpSessionIdListener listener : context.listeners(HttpSessionIdListener.class)) {
            listener.sessionIdChanged(new HttpSessionEvent(session), old);
        }
        return id;
    }

    void invalidate(BridgeSession session) {
        if (sessions.remove(session.getId(), session)) {
            java.util.List<HttpSessionListener> listeners = context.listeners(HttpSessionListener.class);
            for (int i = listeners.size() - 1; i >= 0; i--) {
                listeners.get(i).sessionDestroyed(new HttpSessionEvent(session));
            }
            session.unbindAll();
        }
    }

    int count() {
        return sessions.size();
    }

    private static String newId() {
        byte[] bytes = new byte[16];
        RANDOM.nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    /** The cookie that carries {@code id} for a request that is (or is not) over HTTPS. */
    Cookie cookie(String id, boolean secureRequest) {
        Cookie cookie = new Cookie(cookieName, id);
        cookie.setPath(cookiePath != null ? cookiePath
                : context.getContextPath().isEmpty() ? "/" : context.getContextPath());
        if (cookieDomain != null) {
            cookie.setDomain(cookieDomain);
        }
        cookie.setHttpOnly(cookieHttpOnly);
        cookie.setSecure(cookieSecure != null ? cookieSecure : secureRequest);
        if (cookieMaxAge >= 0) {
            cookie.setMaxAge(cookieMaxAge);
        }
        cookieAttributes.forEach(cookie::setAttribute);
        return cookie;
    }

    int timeoutMinutes() {
        return timeoutMinutes;
    }

    void setTimeoutMinutes(int minutes) {
        timeoutMinutes = minutes;
    }

    // ---- SessionCookieConfig

    @Override
    public void setName(String name) {
        context.checkNotInitialized();
        cookieName = name;
    }

    @Override
    public String getName() {
        return cookieName;
    }

    @Override
    public void setDomain(String domain) {
        context.checkNotInitialized();
        cookieDomain = domain;
    }

    @Override
    public String getDomain() {
        return cookieDomain;
    }

    @Override
    public void setPath(String path) {
        context.checkNotInitialized();
        cookiePath = path;
    }

    @Override
    public String getPath() {
        return cookiePath;
    }

    @Override
    @SuppressWarnings("deprecation")
    public void setComment(String comment) {
        context.checkNotInitialized();
    }

    @Override
    @SuppressWarnings("deprecation")
    public String getComment() {
        return null;
    }

    @Override
    public void setHttpOnly(boolean httpOnly) {
        context.checkNotInitialized();
        cookieHttpOnly = httpOnly;
    }

    @Override
    public boolean isHttpOnly() {
        return cookieHttpOnly;
    }

    @Override
    public void setSecure(boolean secure) {
        context.checkNotInitialized();
        cookieSecure = secure;
    }

    @Override
    public boolean isSecure() {
        return cookieSecure != null && cookieSecure;
    }

    @Override
    public void setMaxAge(int maxAge) {
        context.checkNotInitialized();
        cookieMaxAge = maxAge;
    }

    @Override
    public int getMaxAge() {
        return cookieMaxAge;
    }

    @Override
    public void setAttribute(String name, String value) {
        context.checkNotInitialized();
        cookieAttributes.put(name, value);
    }

    @Override
    public String getAttribute(String name) {
        return cookieAttributes.get(name);
    }

    @Override
    public Map<String, String> getAttributes() {
        return Collections.unmodifiableMap(cookieAttributes);
    }
}
