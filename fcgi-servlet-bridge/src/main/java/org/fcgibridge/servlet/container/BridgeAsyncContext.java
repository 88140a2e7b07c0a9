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
 * Asynchronous processing of one request (Servlet 6.0 section 2.3.3.3). The FastCGI request stays open while the
 * application works on other threads; the request's own thread waits for the application to complete, to dispatch
 * (it then runs the dispatch), or for the timeout (listeners are told; without an answer from them, a 500).
 */
final class BridgeAsyncContext implements AsyncContext {
    private static final System.Logger LOG = System.getLogger(BridgeAsyncContext.class.getName());

    /** What the request's thread does next. */
    enum Next { DISPATCH, COMPLETE, TIMEOUT }

    private final BridgeRequest base;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    private ServletRequest request;
    private ServletResponse response;
    private boolean original;
    private final List<Registration> listeners = new ArrayList<>();
    private long timeout;
    private ScheduledFuture<?> timer;

    private boolean active = true;
    private boolean startedInThisDispatch = true;
    private boolean completeRequested;
    private boolean timedOut;
    private String dispatchPath;
    private boolean dispatchRequested;

    private record Registration(AsyncListener listener, ServletRequest request, ServletResponse response) {
    }

    BridgeAsyncContext(BridgeRequest base, ServletRequest request, ServletResponse response, boolean original) {
        this.base = base;
        this.request = request;
        this.response = response;
        this.original = original;
        this.timeout = base.context().asyncTimeout();
    }

    /** startAsync called again, in an async dispatch: listeners are told and cleared (they may add themselves). */
    void restart(ServletRequest newRequest, ServletResponse newResponse, boolean isOriginal) {
        List<Registration> current;
        lock.lock();
        try {
            request = newRequest;
            response = newResponse;
            original = isOriginal;
            startedInThisDispatch = true;
            dispatchRequested = false;
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
            } catch (IOException e) {
                LOG.log(System.Logger.Level.WARNING, "async listener failed", e);
            }
        }
    }

    boolean isActive() {
        lock.lock();
        try {
            return active;
        } finally {
            lock.unlock();
        }
    }

    boolean isStartedInThisDispatch() {
        lock.lock();
        try {
            return active && startedInThisDispatch && !dispatchRequested && !completeRequested;
        } finally {
            lock.unlock();
        }
    }

    /** The dispatch that called startAsync has returned: the timer starts. */
    void dispatchReturned() {
        lock.lock();
        try {
            startedInThisDispatch = false;
            if (timeout > 0 && !completeRequested && !dispatchRequested) {
                timer = base.context().scheduler().schedule(this::onTimer, timeout, TimeUnit.MILLISECONDS);
            }
        } finally {
            lock.unlock();
        }
    }

    private void onTimer() {
        lock.lock();
        try {
            if (active && !completeRequested && !dispatchRequested) {
                timedOut = true;
                changed.signalAll();
            }
        } finally {
            lock.unlock();
        }
    }

    /** Blocks the request's thread until the application asks for something, or the timeout. */
    Next awaitNext() throws InterruptedException {
        lock.lock();
        try {
            while (!completeRequested && !dispatchRequested && !timedOut) {
                changed.await();
            }
            cancelTimer();
            if (dispatchRequested) {
                dispatchRequested = false;
                return Next.DISPATCH;
            }
            if (completeRequested) {
                return Next.COMPLETE;
            }
            timedOut = false;
            return Next.TIMEOUT;
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

    /** The path of a requested dispatch (context-relative), taken once. */
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

    /** The request's thread has finished with this context: listeners hear of completion. */
    void finish() {
        List<Registration> current;
        lock.lock();
        try {
            active = false;
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
    }

    /** Tells the listeners of the timeout; returns whether one of them completed or dispatched. */
    boolean notifyTimeout() {
        for (Registration registration : snapshot()) {
            try {
                registration.listener().onTimeout(new AsyncEvent(this, registration.request(),
                        registration.response()));
            } catch (IOException | RuntimeException e) {
                LOG.log(System.Logger.Level.WARNING, "async listener onTimeout failed", e);
            }
        }
        lock.lock();
        try {
            return completeRequested || dispatchRequested;
        } finally {
            lock.unlock();
        }
    }

    /** Tells the listeners of an error in asynchronous processing. */
    void notifyError(Throwable error) {
        for (Registration registration : snapshot()) {
            try {
                registration.listener().onError(new AsyncEvent(this, registration.request(), registration.response(),
                        error));
            } catch (IOException | RuntimeException e) {
                LOG.log(System.Logger.Level.WARNING, "async listener onError failed", e);
            }
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

    @Override
    public ServletRequest getRequest() {
        checkActive();
        return request;
    }

    @Override
    public ServletResponse getResponse() {
        checkActive();
        return response;
    }

    @Override
    public boolean hasOriginalRequestAndResponse() {
        return original;
    }

    @Override
    public void dispatch() {
        String path;
        if (original || !(request instanceof HttpServletRequest)) {
            path = base.pathInContext();
        } else {
            HttpServletRequest http = (HttpServletRequest) request;
            String info = http.getPathInfo();
            path = http.getServletPath() + (info == null ? "" : info);
        }
        dispatch(path);
    }

    @Override
    public void dispatch(String path) {
        lock.lock();
        try {
            checkActive();
            if (dispatchRequested || completeRequested) {
                throw new IllegalStateException("dispatch or complete was already called");
            }
            dispatchPath = path;
            dispatchRequested = true;
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

    @Override
    public void complete() {
        lock.lock();
        try {
            if (!active) {
                throw new IllegalStateException("the asynchronous request is over");
            }
            completeRequested = true;
            changed.signalAll();
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
            listeners.add(new Registration(listener, servletRequest, servletResponse));
        } finally {
            lock.unlock();
        }
    }

    @Override
    public <T extends AsyncListener> T createListener(Class<T> type) throws ServletException {
        return base.context().instantiate(type);
    }

    @Override
    public void setTimeout(long timeoutMillis) {
        lock.lock();
        try {
            if (!startedInThisDispatch) {
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
        if (!active) {
            throw new IllegalStateException("the asynchronous request is over");
        }
    }
}
