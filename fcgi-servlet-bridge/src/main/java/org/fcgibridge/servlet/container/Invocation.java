package org.fcgibridge.servlet.container;

import jakarta.servlet.DispatcherType;
import jakarta.servlet.RequestDispatcher;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequestEvent;
import jakarta.servlet.ServletRequestListener;
import jakarta.servlet.UnavailableException;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiConsumer;
import org.fcgibridge.core.runner.InputRefusedException;
import org.fcgibridge.servlet.http.BridgeResponse;
import org.fcgibridge.servlet.http.CgiRequest;

/**
 * One request through a context: the REQUEST dispatch through filters and servlet, asynchronous processing until it
 * completes, errors (an exception or sendError) rendered through the application's error pages or the default one,
 * and the completion of the response. Runs on the FastCGI request's thread, with the application's class loader.
 */
final class Invocation {
    private static final System.Logger LOG = System.getLogger(Invocation.class.getName());

    private final BridgeServletContext context;
    private final BridgeRequest request;
    private final BridgeResponse response;

    private Invocation(BridgeServletContext context, BridgeRequest request, BridgeResponse response) {
        this.context = context;
        this.request = request;
        this.response = response;
    }

    /** @param mapped told the name and class of the servlet the request is mapped to, before it runs */
    static BridgeServletContext.Outcome run(BridgeServletContext context, CgiRequest cgi,
                                            Map<String, Object> attributes, InputStream body, OutputStream out,
                                            BiConsumer<String, String> mapped) throws IOException {
        BridgeResponse response = new BridgeResponse(out, cgi.method().equals("HEAD"), redirectBase(cgi));
        response.setProtocol(cgi.protocol());
        if (context.getResponseCharacterEncoding() != null) {
            response.setDefaultCharacterEncoding(context.getResponseCharacterEncoding());
        }
        response.setLocaleEncodings(context::localeEncoding);
        String contextPath = context.getContextPath();
        String path = cgi.path();
        if (!contextPath.isEmpty() && !(path.equals(contextPath) || path.startsWith(contextPath + "/"))) {
            response.sendError(HttpServletResponse.SC_NOT_FOUND);
            DefaultErrorPage.write(response, cgi.rawPath(), HttpServletResponse.SC_NOT_FOUND, null);
            response.complete();
            return new BridgeServletContext.Outcome(response.getStatus(), null);
        }
        if (!contextPath.isEmpty() && path.equals(contextPath)) {
            response.sendRedirect(cgi.rawPath() + "/" + (cgi.queryString() == null ? "" : "?" + cgi.queryString()));
            response.complete();
            return new BridgeServletContext.Outcome(response.getStatus(), null);
        }
        String pathInContext = path.substring(contextPath.length());
        // a protected path has no servlet: 404, with the application's error page for 404 if it has one
        PathMatch match = WebResources.isProtected(pathInContext) ? null : context.mappings().match(pathInContext);
        if (match != null) {
            mapped.accept(match.holder().getName(), match.holder().getClassName());
        }
        BridgeRequest request = new BridgeRequest(context, cgi, attributes, body, response, match);
        new Invocation(context, request, response).run(match);
        return new BridgeServletContext.Outcome(response.getStatus(), request.getRemoteUser());
    }

    private static BridgeResponse.RedirectBase redirectBase(CgiRequest cgi) {
        return new BridgeResponse.RedirectBase() {
            @Override
            public String origin() {
                return cgi.origin();
            }

            @Override
            public String requestUri() {
                return cgi.rawPath();
            }
        };
    }

    private void run(PathMatch match) throws IOException {
        ClassLoader previous = Thread.currentThread().getContextClassLoader();
        Thread.currentThread().setContextClassLoader(context.getClassLoader());
        List<ServletRequestListener> listeners = context.listeners(ServletRequestListener.class);
        ServletRequestEvent event = new ServletRequestEvent(context, request);
        request.accessRequestedSession();
        try {
            for (ServletRequestListener listener : listeners) {
                listener.requestInitialized(event);
            }
            boolean admitted = SecurityGate.admit(context, request, response); // false: answered
            if (admitted && match == null) {
                response.sendError(HttpServletResponse.SC_NOT_FOUND);
            } else if (admitted) {
                guarded(() -> new FilterChainImpl(context.filterMappings().chain(DispatcherType.REQUEST,
                        request.pathInContext(), match.holder().getName()), match.holder(), request)
                        .doFilter(request, response.facade()));
            }
            asyncLoop();
            if (response.isErrorSent()) {
                renderError(response.getStatus(), response.getErrorMessage(), null);
            }
            request.endBody();
            response.complete();
        } finally {
            for (int i = listeners.size() - 1; i >= 0; i--) {
                try {
                    listeners.get(i).requestDestroyed(event);
                } catch (RuntimeException e) {
                    LOG.log(System.Logger.Level.WARNING, "request listener failed", e);
                }
            }
            request.deleteParts();
            Thread.currentThread().setContextClassLoader(previous);
        }
    }

    /** What a dispatch runs. */
    private interface Dispatch {
        void run() throws ServletException, IOException;
    }

    /** Runs a dispatch; an exception from it is rendered as an error. */
    private void guarded(Dispatch dispatch) throws IOException {
        try {
            dispatch.run();
        } catch (ServletException | IOException | RuntimeException | LinkageError | AssertionError e) {
            if (clientGone(e)) {
                throw e instanceof IOException ? (IOException) e : new IOException(e);
            }
            BridgeAsyncContext async = request.asyncContext();
            if (async != null && request.isAsyncStarted() && async.notifyError(e)) {
                return; // a listener completed or dispatched: the application answers
            }
            handleException(e);
        }
    }

    private static boolean clientGone(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof java.nio.channels.ClosedChannelException
                    || t instanceof java.io.InterruptedIOException
                    || t instanceof org.fcgibridge.servlet.http.ClientAbortException) {
                return true;
            }
        }
        return false;
    }

    /**
     * Asynchronous processing, on the request's thread: runs what the application asks for (ASYNC dispatches,
     * listeners' timeouts, the streams' ReadListener and WriteListener) one at a time until the request completes.
     */
    private void asyncLoop() throws IOException {
        BridgeAsyncContext async = request.asyncContext();
        if (async == null) {
            return;
        }
        while (true) {
            BridgeAsyncContext.Action next;
            try {
                next = async.unhandle();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                async.finish();
                throw new java.io.InterruptedIOException("the request was terminated during asynchronous work");
            }
            switch (next) {
                case DISPATCH:
                    asyncDispatch(async);
                    break;
                case TIMEOUT:
                    async.notifyTimeout();
                    break;
                case EXPIRED:
                    if (!response.isHeadSent()) {
                        renderError(HttpServletResponse.SC_INTERNAL_SERVER_ERROR, "Async timeout", null);
                    }
                    async.expired();
                    break;
                case READ:
                    request.input().onTurn();
                    break;
                case WRITE:
                    response.onWriteTurn();
                    break;
                default:
                    async.finish();
                    return;
            }
        }
    }

    private void asyncDispatch(BridgeAsyncContext async) throws IOException {
        RequestDispatcher dispatcher = async.takeDispatcher();
        if (!(dispatcher instanceof BridgeDispatcher)) {
            response.sendError(HttpServletResponse.SC_NOT_FOUND);
            return;
        }
        BridgeRequest.Dispatch original = request.dispatch();
        Map<String, Object> attributes = new HashMap<>();
        attributes.put(jakarta.servlet.AsyncContext.ASYNC_REQUEST_URI, original.requestUri());
        attributes.put(jakarta.servlet.AsyncContext.ASYNC_CONTEXT_PATH, context.getContextPath());
        attributes.put(jakarta.servlet.AsyncContext.ASYNC_SERVLET_PATH, original.servletPath());
        if (original.pathInfo() != null) {
            attributes.put(jakarta.servlet.AsyncContext.ASYNC_PATH_INFO, original.pathInfo());
        }
        if (original.queryString() != null) {
            attributes.put(jakarta.servlet.AsyncContext.ASYNC_QUERY_STRING, original.queryString());
        }
        if (original.mapping() != null) {
            attributes.put(jakarta.servlet.AsyncContext.ASYNC_MAPPING, original.mapping());
        }
        guarded(() -> ((BridgeDispatcher) dispatcher).dispatch(request, async.request(), async.response(),
                DispatcherType.ASYNC, attributes));
        if (response.isErrorSent() && !request.isAsyncStarted()) {
            renderError(response.getStatus(), response.getErrorMessage(), null);
        }
    }

    private void handleException(Throwable error) throws IOException {
        Throwable cause = error;
        if (error instanceof ServletException && ((ServletException) error).getRootCause() != null) {
            cause = ((ServletException) error).getRootCause();
        }
        UnavailableException unavailable = error instanceof UnavailableException ? (UnavailableException) error
                : cause instanceof UnavailableException ? (UnavailableException) cause : null;
        InputRefusedException refused = InputRefusedException.in(error);
        int status = error instanceof StatusServletException ? ((StatusServletException) error).status()
                : unavailable != null ? unavailableStatus(unavailable)
                : refused != null ? refused.status() : HttpServletResponse.SC_INTERNAL_SERVER_ERROR;
        if (response.isHeadSent()) {
            context.log("exception after the response was committed, on " + request.getRequestURI(), error);
            return;
        }
        if (refused != null) {
            // the client's doing, within the server's limits: one line, not a stack trace
            context.log("request body refused on " + request.getRequestURI() + ": " + refused.getMessage());
        } else if (unavailable == null) {
            context.log("exception on " + request.getRequestURI(), error);
        } else {
            // the servlet's holder logged the cause once; each refused request is one line, not a stack trace
            context.log("unavailable servlet on " + request.getRequestURI() + ": " + unavailable.getMessage());
            if (!unavailable.isPermanent() && unavailable.getUnavailableSeconds() > 0) {
                response.setIntHeader("Retry-After", unavailable.getUnavailableSeconds());
            }
        }
        renderError(status, null, error);
    }

    /**
     * Servlet 6.0 section 2.3.3.2: a servlet that is permanently unavailable is as if it were not there (404); one
     * that is temporarily unavailable answers 503.
     */
    private static int unavailableStatus(UnavailableException e) {
        return e.isPermanent() ? HttpServletResponse.SC_NOT_FOUND : HttpServletResponse.SC_SERVICE_UNAVAILABLE;
    }

    /** Renders an error: the application's error page for the exception or status, else the default page. */
    private void renderError(int status, String message, Throwable error) throws IOException {
        String location = error != null ? context.errorPages().forException(error) : null;
        if (location == null) {
            location = context.errorPages().forStatus(status);
        }
        response.prepareErrorPage();
        response.setStatus(status);
        response.setHeader("Cache-Control", "must-revalidate,no-cache,no-store");
        if (location != null) {
            RequestDispatcher dispatcher = context.getRequestDispatcher(location);
            if (dispatcher instanceof BridgeDispatcher) {
                Map<String, Object> attributes = new HashMap<>();
                attributes.put(RequestDispatcher.ERROR_STATUS_CODE, status);
                attributes.put(RequestDispatcher.ERROR_REQUEST_URI, request.getRequestURI());
                PathMatch mapping = request.dispatch().mapping();
                if (mapping != null) {
                    attributes.put(RequestDispatcher.ERROR_SERVLET_NAME, mapping.holder().getName());
                }
                attributes.put(RequestDispatcher.ERROR_MESSAGE, message != null ? message
                        : error != null ? error.toString() : "");
                if (error != null) {
                    Throwable cause = error instanceof ServletException
                            && ((ServletException) error).getRootCause() != null
                            ? ((ServletException) error).getRootCause() : error;
                    attributes.put(RequestDispatcher.ERROR_EXCEPTION, cause);
                    attributes.put(RequestDispatcher.ERROR_EXCEPTION_TYPE, cause.getClass());
                }
                if (request.getQueryString() != null) {
                    attributes.put("jakarta.servlet.error.query_string", request.getQueryString());
                }
                try {
                    ((BridgeDispatcher) dispatcher).dispatch(request, request, response.facade(),
                            DispatcherType.ERROR, attributes);
                    return;
                } catch (ServletException | IOException | RuntimeException e) {
                    context.log("the error page " + location + " failed", e);
                    if (response.isHeadSent()) {
                        return;
                    }
                    response.prepareErrorPage();
                    response.setStatus(HttpServletResponse.SC_INTERNAL_SERVER_ERROR);
                    status = HttpServletResponse.SC_INTERNAL_SERVER_ERROR;
                    message = null;
                }
            }
        }
        String query = request.getQueryString();
        DefaultErrorPage.write(response, request.getRequestURL() + (query == null ? "" : "?" + query), status,
                message);
    }

}
