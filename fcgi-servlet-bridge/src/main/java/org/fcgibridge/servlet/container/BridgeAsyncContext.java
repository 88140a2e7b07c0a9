package org.fcgibridge.servlet.container;

import jakarta.servlet.AsyncContext;
import jakarta.servlet.AsyncEvent;
import jakarta.servlet.AsyncListener;
import jakarta.servlet.ServletContext;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServletRequest;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Asynchronous processing of one request (Servlet 6.0 section 2.3.3.3), one object for all the asynchronous cycles
 * of the request. The FastCGI request stays open while the application works on other threads; the request's own
 * thread runs every container dispatch and callback (the REQUEST dispatch, ASYNC dispatches, listeners' onTimeout,
 * ReadListener and WriteListener calls), one at a time, and between them waits for what the application asks.
 *
 * <p>The state machine is Jetty's ServletChannelState's: while the request's thread runs a dispatch or callback
 * ("handling"), the request is in asynchronous mode from startAsync on, even once dispatch or complete has been
 * called (that takes effect when the dispatch returns); while it waits, the request is in asynchronous mode until
 * dispatch or complete is called. An ASYNC dispatch starts outside asynchronous mode: startAsync may be called again
 * in it, and only there.
 */
final class BridgeAsyncContext implements AsyncContext {
    private static final System.Logger LOG = System.getLogger(BridgeAsyncContext.class.getName());

    /** What the request's thread does next, once the dispatch or callback that it ran has returned. */
    enum Action {
        /** An ASYNC dispatch to {@link #takeDispatchPath()}. */
        DISPATCH,
        /** The end: complete the response ({@link #finish()}). */
        COMPLETE,
        /** Tell the listeners of the timeout ({@link #notifyTimeout()}). */
        TIMEOUT,
        /** The listeners did nothing about the timeout: an error response, then the end. */
        EXPIRED,
        /** The request body's stream wants a turn (its ReadListener, or a wait for data). */
        READ,
        /** The response's stream wants a turn (its WriteListener). */
        WRITE
    }

    private enum State {
        /** An ASYNC dispatch runs in which startAsync has not been called (again): not in asynchronous mode. */
        IDLE,
        /** startAsync was called; neither dispatch nor complete yet. */
        ASYNC,
        /** dispatch was called. */
        DISPATCH,
        /** complete was called. */
        COMPLETE,
        /** The listeners are being told of a timeout. */
        EXPIRING,
        /** The request is over. */
        DONE
    }

    private final BridgeRequest base;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    private ServletRequest request;
    private ServletResponse response;
    private boolean original;
    /** startAsync(request, response), not startAsync(): dispatch() goes to the supplied request's URI. */
    private boolean supplied;
    private final List<Registration> listeners = new ArrayList<>();
    private long timeout;
    private ScheduledFuture<?> timer;

    private State state = State.ASYNC;
    /** The request's thread runs a dispatch or callback (it does when startAsync creates this). */
    private boolean handling = true;
    private boolean timedOut;
    private boolean readWanted;
    private boolean writeWanted;
    private String dispatchPath;
    /** The listeners have heard of the completion: getRequest and getResponse are refused from now on. */
    private volatile boolean released;

    private record Registration(AsyncListener listener, ServletRequest request, ServletResponse response) {
    }

    BridgeAsyncContext(BridgeRequest base, ServletRequest request, ServletResponse response, boolean original,
                       boolean supplied) {
        this.base = base;
        this.request = request;
        this.response = response;
        this.original = original;
        this.supplied = supplied;
        this.timeout = base.context().asyncTimeout();
    }

    /**
     * startAsync called again, in an ASYNC dispatch: the listeners of the last cycle are told and cleared (they may
     * add themselves again).
     *
     * @throws IllegalStateException outside an ASYNC dispatch, or if startAsync was called in this one already
     */
    void restart(ServletRequest newRequest, ServletResponse newResponse, boolean isOriginal, boolean isSupplied) {
        List<Registration> current;
        lock.lock();
        try {
            if (state != State.IDLE || !handling) {
                throw new IllegalStateException(state == State.DONE ? "the request is over"
                        : "startAsync was already called, and no ASYNC dispatch followed");
            }
            request = newRequest;
            response = newResponse;
            original = isOriginal;
            supplied = isSupplied;
            state = State.ASYNC;
            dispatchPath = null;
            timedOut = false;
            current = new ArrayList<>(listeners);
            listeners.clear();
        } finally {
            lock.unlock();
        }
        for (Registration registration : current) {
            try {
                registration.listener().onStartAsync(new AsyncEvent(this, registration.request(),
                        registration.response()));
            } catch (IOException | RuntimeException e) {
                LOG.log(System.Logger.Level.WARNING, "async listener onStartAsync failed", e);
            }
        }
    }

    /** Whether the request is in asynchronous mode ({@link ServletRequest#isAsyncStarted()}). */
    boolean isStarted() {
        lock.lock();
        try {
            if (handling) {
                return state != State.IDLE && state != State.DONE;
            }
            return state == State.ASYNC || state == State.EXPIRING;
        } finally {
            lock.unlock();
        }
    }

    /** Whether the streams' listeners may be called: startAsync, and neither dispatch nor complete since. */
    boolean acceptsCallbacks() {
        lock.lock();
        try {
            return state == State.ASYNC;
        } finally {
            lock.unlock();
        }
    }

    /** Whether the request is not over. */
    boolean isActive() {
        lock.lock();
        try {
            return state != State.DONE;
        } finally {
            lock.unlock();
        }
    }

    /** The body's stream wants a turn on the request's thread. */
    void wantRead() {
        lock.lock();
        try {
            readWanted = true;
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** The response's stream wants a turn on the request's thread. */
    void wantWrite() {
        lock.lock();
        try {
            writeWanted = true;
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /**
     * The dispatch or callback that the request's thread ran has returned: waits, if the request is in asynchronous
     * mode with nothing to do, until the application asks for something or the timeout, and says what to do next.
     * The request's thread is handling again when this returns.
     */
    Action unhandle() throws InterruptedException {
        lock.lock();
        try {
            handling = false;
            while (true) {
                switch (state) {
                    case IDLE:
                    case COMPLETE:
                    case DONE:
                        handling = true;
                        return Action.COMPLETE;
                    case DISPATCH:
                        state = State.IDLE;
                        handling = true;
                        return Action.DISPATCH;
                    case EXPIRING:
                        handling = true;
                        return Action.EXPIRED;
                    default:
                        break;
                }
                if (timedOut) {
                    timedOut = false;
                    state = State.EXPIRING;
                    handling = true;
                    return Action.TIMEOUT;
                }
                if (readWanted) {
                    readWanted = false;
                    cancelTimer();
                    handling = true;
                    return Action.READ;
                }
                if (writeWanted) {
                    writeWanted = false;
                    cancelTimer();
                    handling = true;
                    return Action.WRITE;
                }
                if (timer == null && timeout > 0) {
                    timer = base.context().scheduler().schedule(this::onTimer, timeout, TimeUnit.MILLISECONDS);
                }
                try {
                    changed.await();
                } catch (InterruptedException e) {
                    handling = true;
                    throw e;
                }
            }
        } finally {
            if (handling) {
                cancelTimer();
            }
            lock.unlock();
        }
    }

    private void onTimer() {
        lock.lock();
        try {
            if (state == State.ASYNC && !handling) {
                timedOut = true;
                changed.signalAll();
            }
        } finally {
            lock.unlock();
        }
    }

    private void cancelTimer() {
        if (timer != null) {
            timer.cancel(false);
            timer = null;
        }
    }

    /** The path of a requested dispatch (context-relative, with its query), taken once. */
    String takeDispatchPath() {
        lock.lock();
        try {
            String path = dispatchPath;
            dispatchPath = null;
            return path;
        } finally {
            lock.unlock();
        }
    }

    ServletRequest request() {
        return request;
    }

    ServletResponse response() {
        return response;
    }

    /** The request is over: the listeners of the last cycle hear of its completion, once. */
    void finish() {
        List<Registration> current;
        lock.lock();
        try {
            if (state == State.DONE) {
                return;
            }
            state = State.DONE;
            cancelTimer();
            current = new ArrayList<>(listeners);
        } finally {
            lock.unlock();
        }
        for (Registration registration : current) {
            try {
                registration.listener().onComplete(new AsyncEvent(this, registration.request(),
                        registration.response()));
            } catch (IOException | RuntimeException e) {
                LOG.log(System.Logger.Level.WARNING, "async listener onComplete failed", e);
            }
        }
        released = true;
    }

    /** Tells the listeners of the timeout (the state is EXPIRING: they may complete or dispatch). */
    void notifyTimeout() {
        for (Registration registration : snapshot()) {
            try {
                registration.listener().onTimeout(new AsyncEvent(this, registration.request(),
                        registration.response()));
            } catch (IOException | RuntimeException e) {
                LOG.log(System.Logger.Level.WARNING, "async listener onTimeout failed", e);
            }
        }
    }

    /**
     * Tells the listeners of an error in a dispatch or callback; if none of them completed or dispatched, the
     * request is to complete (after the container's error response).
     *
     * @return whether a listener completed or dispatched
     */
    boolean notifyError(Throwable error) {
        for (Registration registration : snapshot()) {
            try {
                registration.listener().onError(new AsyncEvent(this, registration.request(), registration.response(),
                        error));
            } catch (IOException | RuntimeException e) {
                LOG.log(System.Logger.Level.WARNING, "async listener onError failed", e);
            }
        }
        lock.lock();
        try {
            if (state == State.ASYNC || state == State.EXPIRING) {
                state = State.COMPLETE;
                return false;
            }
            return true;
        } finally {
            lock.unlock();
        }
    }

    /** The timeout's error response has been written: the request completes. */
    void expired() {
        lock.lock();
        try {
            if (state == State.EXPIRING) {
                state = State.COMPLETE;
            }
        } finally {
            lock.unlock();
        }
    }

    private List<Registration> snapshot() {
        lock.lock();
        try {
            return new ArrayList<>(listeners);
        } finally {
            lock.unlock();
        }
    }

    // ---- AsyncContext

    /** @throws IllegalStateException once the request is over (its listeners' onComplete may still call it) */
    @Override
    public ServletRequest getRequest() {
        checkNotReleased();
        return request;
    }

    /** @throws IllegalStateException once the request is over (its listeners' onComplete may still call it) */
    @Override
    public ServletResponse getResponse() {
        checkNotReleased();
        return response;
    }

    private void checkNotReleased() {
        if (released) {
            throw new IllegalStateException("the asynchronous request is over");
        }
    }

    @Override
    public boolean hasOriginalRequestAndResponse() {
        return original;
    }

    /**
     * To the supplied request's URI when the cycle began with startAsync(request, response) and it is an HTTP
     * request (a forward's target, say, with the forward's query), else to the path of the container's last
     * dispatch.
     */
    @Override
    public void dispatch() {
        ServletRequest target = request;
        BridgeRequest.Dispatch last = base.containerDispatch();
        String path;
        String query = null;
        if (supplied && target instanceof HttpServletRequest) {
            HttpServletRequest http = (HttpServletRequest) target;
            String info = http.getPathInfo();
            path = http.getServletPath() + (info == null ? "" : info);
            // a forward's own query, say; the request's own is there anyway (and would count its parameters twice)
            if (http.getQueryString() != null && !http.getQueryString().equals(last.queryString())) {
                query = http.getQueryString();
            }
        } else {
            path = last.servletPath() + (last.pathInfo() == null ? "" : last.pathInfo());
        }
        if (path.isEmpty()) {
            path = "/";
        }
        dispatch(query == null ? path : path + "?" + query);
    }

    @Override
    public void dispatch(String path) {
        lock.lock();
        try {
            if (state != State.ASYNC && state != State.EXPIRING) {
                throw new IllegalStateException(state == State.DONE ? "the asynchronous request is over"
                        : state == State.IDLE ? "startAsync has not been called in this dispatch"
                        : "dispatch or complete was already called");
            }
            dispatchPath = path;
            state = State.DISPATCH;
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void dispatch(ServletContext context, String path) {
        if (context != null && context != base.context()) {
            throw new UnsupportedOperationException("dispatch to another context");
        }
        dispatch(path);
    }

    /** Completes the cycle; a second call is a no-op, a call after dispatch or after the end is refused. */
    @Override
    public void complete() {
        lock.lock();
        try {
            switch (state) {
                case ASYNC:
                case EXPIRING:
                    state = State.COMPLETE;
                    changed.signalAll();
                    return;
                case COMPLETE:
                    return;
                default:
                    throw new IllegalStateException(state == State.DONE ? "the asynchronous request is over"
                            : state == State.IDLE ? "startAsync has not been called in this dispatch"
                            : "dispatch was already called");
            }
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void start(Runnable run) {
        checkActive();
        base.context().asyncExecutor().execute(() -> {
            ClassLoader previous = Thread.currentThread().getContextClassLoader();
            Thread.currentThread().setContextClassLoader(base.context().getClassLoader());
            try {
                run.run();
            } finally {
                Thread.currentThread().setContextClassLoader(previous);
            }
        });
    }

    @Override
    public void addListener(AsyncListener listener) {
        addListener(listener, request, response);
    }

    @Override
    public void addListener(AsyncListener listener, ServletRequest servletRequest,
                            ServletResponse servletResponse) {
        lock.lock();
        try {
            if (state == State.DONE) {
                throw new IllegalStateException("the asynchronous request is over");
            }
            listeners.add(new Registration(listener, servletRequest, servletResponse));
        } finally {
            lock.unlock();
        }
    }

    @Override
    public <T extends AsyncListener> T createListener(Class<T> type) throws ServletException {
        return base.context().instantiate(type);
    }

    /** @throws IllegalStateException once the dispatch in which startAsync was called has returned */
    @Override
    public void setTimeout(long timeoutMillis) {
        lock.lock();
        try {
            if (!handling || state == State.IDLE || state == State.DONE) {
                throw new IllegalStateException("setTimeout after the dispatch that started async returned");
            }
            timeout = timeoutMillis;
        } finally {
            lock.unlock();
        }
    }

    @Override
    public long getTimeout() {
        return timeout;
    }

    private void checkActive() {
        if (!isActive()) {
            throw new IllegalStateException("the asynchronous request is over");
        }
    }
}
