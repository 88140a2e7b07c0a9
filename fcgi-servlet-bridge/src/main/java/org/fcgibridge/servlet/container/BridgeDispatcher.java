package org.fcgibridge.servlet.container;

import jakarta.servlet.DispatcherType;
import jakarta.servlet.RequestDispatcher;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletRequestWrapper;
import jakarta.servlet.ServletResponse;
import java.io.IOException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.fcgibridge.servlet.http.BridgeResponse;
import org.fcgibridge.servlet.http.FormDecoder;

/**
 * Forward, include and named dispatch (Servlet 6.0 chapter 9), and the container's own error and async dispatches.
 * The target sees path methods for its own path (forward, error, async) or the caller's (include), the
 * {@code jakarta.servlet.forward.*}, {@code include.*}, {@code error.*} and {@code async.*} attributes, and the
 * dispatcher's query parameters ahead of the request's.
 */
final class BridgeDispatcher implements RequestDispatcher {
    private static final String[] FORWARD_ATTRIBUTES = {FORWARD_REQUEST_URI, FORWARD_CONTEXT_PATH,
        FORWARD_SERVLET_PATH, FORWARD_PATH_INFO, FORWARD_QUERY_STRING, FORWARD_MAPPING};
    private static final String[] INCLUDE_ATTRIBUTES = {INCLUDE_REQUEST_URI, INCLUDE_CONTEXT_PATH,
        INCLUDE_SERVLET_PATH, INCLUDE_PATH_INFO, INCLUDE_QUERY_STRING, INCLUDE_MAPPING};

    private final BridgeServletContext context;
    private final String path;
    private final String query;
    private final PathMatch match;
    private final ServletHolder named;

    /** A dispatcher to a context-relative (decoded) path, with an optional raw query. */
    BridgeDispatcher(BridgeServletContext context, String path, String query, PathMatch match) {
        this.context = context;
        this.path = path;
        this.query = query;
        this.match = match;
        this.named = null;
    }

    /** A dispatcher to a servlet by name. */
    BridgeDispatcher(BridgeServletContext context, ServletHolder named) {
        this.context = context;
        this.path = null;
        this.query = null;
        this.match = null;
        this.named = named;
    }

    static BridgeRequest unwrap(ServletRequest request) {
        ServletRequest current = request;
        while (current instanceof ServletRequestWrapper) {
            current = ((ServletRequestWrapper) current).getRequest();
        }
        if (current instanceof BridgeRequest) {
            return (BridgeRequest) current;
        }
        throw new IllegalArgumentException("not a request of this container: " + request.getClass().getName());
    }

    @Override
    public void forward(ServletRequest request, ServletResponse response) throws ServletException, IOException {
        BridgeRequest base = unwrap(request);
        BridgeResponse bridgeResponse = base.bridgeResponse();
        if (bridgeResponse.isCommitted()) {
            throw new IllegalStateException("forward after the response was committed");
        }
        bridgeResponse.resetBuffer();
        dispatch(base, request, response, DispatcherType.FORWARD, Map.of());
        if (!base.isAsyncStarted() && !bridgeResponse.isErrorSent()) {
            bridgeResponse.complete();
        }
    }

    @Override
    public void include(ServletRequest request, ServletResponse response) throws ServletException, IOException {
        BridgeRequest base = unwrap(request);
        BridgeRequest.Dispatch previous = base.dispatch();
        Map<String, Object> saved = save(base, INCLUDE_ATTRIBUTES);
        if (named == null) {
            base.setAttribute(INCLUDE_REQUEST_URI, BridgeRequest.encodeUri(context.getContextPath(), path));
            base.setAttribute(INCLUDE_CONTEXT_PATH, context.getContextPath());
            base.setAttribute(INCLUDE_SERVLET_PATH, match.servletPath());
            setOrRemove(base, INCLUDE_PATH_INFO, match.pathInfo());
            setOrRemove(base, INCLUDE_QUERY_STRING, query);
            base.setAttribute(INCLUDE_MAPPING, match);
        }
        boolean overlay = pushQuery(base);
        base.setDispatch(new BridgeRequest.Dispatch(DispatcherType.INCLUDE, previous.requestUri(),
                previous.servletPath(), previous.pathInfo(), previous.queryString(), previous.mapping()));
        base.bridgeResponse().beginInclude();
        try {
            ServletHolder target = named != null ? named : match.holder();
            String targetPath = named != null ? null : path;
            new FilterChainImpl(context.filterMappings().chain(DispatcherType.INCLUDE, targetPath, target.getName()),
                    target, base).doFilter(request, response);
        } finally {
            base.bridgeResponse().endInclude();
            base.setDispatch(previous);
            if (overlay) {
                base.popParameters();
            }
            restore(base, saved);
        }
    }

    /**
     * A dispatch that replaces the path: forward, error or async.
     *
     * @param attributes request attributes set for the dispatch and removed after it
     */
    void dispatch(BridgeRequest base, ServletRequest request, ServletResponse response, DispatcherType type,
                  Map<String, Object> attributes) throws ServletException, IOException {
        BridgeRequest.Dispatch previous = base.dispatch();
        Map<String, Object> saved = save(base, FORWARD_ATTRIBUTES);
        Map<String, Object> savedExtra = save(base, attributes.keySet().toArray(new String[0]));
        if (named == null) {
            if (type == DispatcherType.FORWARD && base.getAttribute(FORWARD_REQUEST_URI) == null) {
                base.setAttribute(FORWARD_REQUEST_URI, previous.requestUri());
                base.setAttribute(FORWARD_CONTEXT_PATH, context.getContextPath());
                base.setAttribute(FORWARD_SERVLET_PATH, previous.servletPath());
                setOrRemove(base, FORWARD_PATH_INFO, previous.pathInfo());
                setOrRemove(base, FORWARD_QUERY_STRING, previous.queryString());
                if (previous.mapping() != null) {
                    base.setAttribute(FORWARD_MAPPING, previous.mapping());
                }
            }
            base.setDispatch(new BridgeRequest.Dispatch(type, BridgeRequest.encodeUri(context.getContextPath(), path),
                    match.servletPath(), match.pathInfo(), query != null ? query : previous.queryString(), match));
            if (type == DispatcherType.ASYNC) {
                base.setContainerDispatch(base.dispatch());
            }
        } else {
            base.setDispatch(new BridgeRequest.Dispatch(type, previous.requestUri(), previous.servletPath(),
                    previous.pathInfo(), previous.queryString(), previous.mapping()));
        }
        attributes.forEach(base::setAttribute);
        boolean overlay = pushQuery(base);
        try {
            ServletHolder target = named != null ? named : match.holder();
            new FilterChainImpl(context.filterMappings().chain(type, named != null ? null : path, target.getName()),
                    target, base).doFilter(request, response);
        } finally {
            if (overlay) {
                base.popParameters();
            }
            base.setDispatch(previous);
            restore(base, saved);
            restore(base, savedExtra);
        }
    }

    private boolean pushQuery(BridgeRequest base) {
        if (query == null || query.isEmpty()) {
            return false;
        }
        Map<String, List<String>> overlay = FormDecoder.decode(query, context.queryCharset());
        base.pushParameters(overlay);
        return true;
    }

    private static Map<String, Object> save(BridgeRequest base, String[] names) {
        Map<String, Object> saved = new HashMap<>();
        for (String name : names) {
            saved.put(name, base.getAttribute(name));
        }
        return saved;
    }

    private static void restore(BridgeRequest base, Map<String, Object> saved) {
        saved.forEach((name, value) -> {
            if (value == null) {
                base.removeAttribute(name);
            } else {
                base.setAttribute(name, value);
            }
        });
    }

    private static void setOrRemove(BridgeRequest base, String name, Object value) {
        if (value == null) {
            base.removeAttribute(name);
        } else {
            base.setAttribute(name, value);
        }
    }
}
