package org.fcgibridge.servlet.container;

import jakarta.servlet.AsyncContext;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.MultipartConfigElement;
import jakarta.servlet.RequestDispatcher;
import jakarta.servlet.ServletConnection;
import jakarta.servlet.ServletContext;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletInputStream;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletRequestAttributeEvent;
import jakarta.servlet.ServletRequestAttributeListener;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.SessionTrackingMode;
import jakarta.servlet.http.Cookie;
import jakarta.servlet.http.HttpServletMapping;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpSession;
import jakarta.servlet.http.HttpUpgradeHandler;
import jakarta.servlet.http.Part;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UnsupportedEncodingException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.Charset;
import java.nio.charset.IllegalCharsetNameException;
import java.nio.charset.StandardCharsets;
import java.nio.charset.UnsupportedCharsetException;
import java.nio.file.Path;
import java.security.Principal;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.Deque;
import java.util.Enumeration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.fcgibridge.servlet.http.AcceptLanguage;
import org.fcgibridge.servlet.http.BridgeResponse;
import org.fcgibridge.servlet.http.CgiRequest;
import org.fcgibridge.servlet.security.WebUser;
import org.fcgibridge.servlet.http.ContentTypes;
import org.fcgibridge.servlet.http.Cookies;
import org.fcgibridge.servlet.http.FormDecoder;
import org.fcgibridge.servlet.http.HttpDates;
import org.fcgibridge.servlet.http.MultipartParser;
import org.fcgibridge.servlet.http.MultipartPart;
import org.fcgibridge.servlet.http.SessionUrls;
import org.fcgibridge.servlet.http.UriPath;

/**
 * The request a servlet sees, made from a FastCGI request's params and STDIN. Its path methods follow the current
 * dispatch (request, forward, include, error, async): getRequestURI, getContextPath, getServletPath, getPathInfo and
 * getHttpServletMapping always agree with each other and with getRequestURL.
 */
public final class BridgeRequest implements HttpServletRequest {
    private static final AtomicLong IDS = new AtomicLong();
    private static final Object NULL = new Object();

    private final BridgeServletContext context;
    private final CgiRequest cgi;
    private final InputStream body;
    private final BridgeResponse response;
    private final String requestId = Long.toString(IDS.incrementAndGet());
    private final Map<String, Object> attributes = new ConcurrentHashMap<>();
    private String characterEncoding;

    private Dispatch dispatch;
    private final Deque<Map<String, List<String>>> parameterOverlays = new ArrayDeque<>();
    private Map<String, List<String>> baseParameters;
    private List<MultipartPart> parts;

    private enum InputMode { NONE, STREAM, READER }

    private InputMode inputMode = InputMode.NONE;
    private BodyInput input;
    private BufferedReader reader;

    private String requestedSessionId;
    private boolean sessionIdFromCookie;
    private boolean sessionIdFromUrl;
    private BridgeSession session;
    private boolean sessionAccessed;
    private WebUser user;
    /** The method of the request a FORM login interrupted, replayed; null otherwise. */
    private String replayedMethod;

    private BridgeAsyncContext asyncContext;
    /** Set on the request's thread, read by AsyncContext.dispatch() on any. */
    private volatile Dispatch containerDispatch;
    boolean asyncSupported = true;

    /** Where the request is in its dispatches: what the path methods report. */
    record Dispatch(DispatcherType type, String requestUri, String servletPath, String pathInfo, String queryString,
                    PathMatch mapping) {
    }

    BridgeRequest(BridgeServletContext context, CgiRequest cgi, Map<String, Object> initialAttributes,
                  InputStream body, BridgeResponse response, PathMatch match) {
        this.context = context;
        this.attributes.putAll(initialAttributes);
        this.cgi = cgi;
        this.body = body;
        this.response = response;
        this.user = context.webServerUser(cgi);
        this.dispatch = new Dispatch(DispatcherType.REQUEST, cgi.rawPath(),
                match == null ? "" : match.servletPath(), match == null ? null : match.pathInfo(),
                cgi.queryString(), match);
        this.containerDispatch = dispatch;
        response.setWriteListenerHost(new StreamHost(false));
        findRequestedSessionId();
        response.setSessionUrlEncoder(this::encodeSessionUrl);
    }

    // ---- dispatch state, for the container

    Dispatch dispatch() {
        return dispatch;
    }

    void setDispatch(Dispatch next) {
        this.dispatch = next;
    }

    /** The container's last dispatch of the request (REQUEST or ASYNC): where AsyncContext.dispatch() goes back. */
    Dispatch containerDispatch() {
        return containerDispatch;
    }

    void setContainerDispatch(Dispatch next) {
        this.containerDispatch = next;
    }

    void pushParameters(Map<String, List<String>> overlay) {
        parameterOverlays.push(overlay);
    }

    void popParameters() {
        parameterOverlays.pop();
    }

    BridgeResponse bridgeResponse() {
        return response;
    }

    CgiRequest cgi() {
        return cgi;
    }

    BridgeServletContext context() {
        return context;
    }

    // ---- attributes

    @Override
    public Object getAttribute(String name) {
        Object value = attributes.get(name);
        return value == NULL ? null : value;
    }

    @Override
    public Enumeration<String> getAttributeNames() {
        return Collections.enumeration(new ArrayList<>(attributes.keySet()));
    }

    @Override
    public void setAttribute(String name, Object o) {
        if (name == null) {
            throw new IllegalArgumentException("attribute name is null");
        }
        if (o == null) {
            removeAttribute(name);
            return;
        }
        Object old = attributes.put(name, o);
        for (ServletRequestAttributeListener listener : context.listeners(ServletRequestAttributeListener.class)) {
            if (old == null) {
                listener.attributeAdded(new ServletRequestAttributeEvent(context, this, name, o));
            } else {
                listener.attributeReplaced(new ServletRequestAttributeEvent(context, this, name, old));
            }
        }
    }

    @Override
    public void removeAttribute(String name) {
        Object old = name == null ? null : attributes.remove(name);
        if (old != null) {
            for (ServletRequestAttributeListener listener
                    : context.listeners(ServletRequestAttributeListener.class)) {
                listener.attributeRemoved(new ServletRequestAttributeEvent(context, this, name, old));
            }
        }
    }

    // ---- body

    @Override
    public String getCharacterEncoding() {
        if (characterEncoding != null) {
            return characterEncoding;
        }
        String declared = ContentTypes.charsetOf(cgi.contentType());
        if (declared != null) {
            return declared;
        }
        String contextDefault = context.getRequestCharacterEncoding();
        if (contextDefault != null) {
            return contextDefault;
        }
        // JSON is UTF-8 by definition (RFC 8259), and containers report it so
        return "application/json".equals(ContentTypes.mimeOf(cgi.contentType())) ? "UTF-8" : null;
    }

    @Override
    public void setCharacterEncoding(String env) throws UnsupportedEncodingException {
        if (inputMode == InputMode.READER || baseParameters != null) {
            return;
        }
        if (env != null) {
            try {
                Charset.forName(env);
            } catch (IllegalCharsetNameException | UnsupportedCharsetException e) {
                throw new UnsupportedEncodingException(env);
            }
        }
        characterEncoding = env;
    }

    private Charset bodyCharset() {
        String name = getCharacterEncoding();
        if (name == null) {
            return StandardCharsets.UTF_8;
        }
        try {
            return Charset.forName(name);
        } catch (IllegalCharsetNameException | UnsupportedCharsetException e) {
            return StandardCharsets.UTF_8;
        }
    }

    @Override
    public int getContentLength() {
        long length = cgi.contentLength();
        return length > Integer.MAX_VALUE ? -1 : (int) length;
    }

    @Override
    public long getContentLengthLong() {
        return cgi.contentLength();
    }

    /** The Content-Type, its charset parameter lower-cased as Jetty reports it. */
    @Override
    public String getContentType() {
        String type = cgi.contentType();
        String charset = ContentTypes.charsetOf(type);
        if (charset == null) {
            return type;
        }
        int at = type.toLowerCase(Locale.ROOT).indexOf("charset=");
        return type.substring(0, at + 8) + type.substring(at + 8).toLowerCase(Locale.ROOT);
    }

    @Override
    public ServletInputStream getInputStream() {
        if (inputMode == InputMode.READER) {
            throw new IllegalStateException("getReader() has been called");
        }
        inputMode = InputMode.STREAM;
        return input();
    }

    BodyInput input() {
        if (input == null) {
            input = new BodyInput(body, cgi.contentLength(), new StreamHost(true));
        }
        return input;
    }

    /** What the body's input stream (read) or the response's output stream needs of the request. */
    private final class StreamHost implements BodyInput.Host, BridgeResponse.WriteListenerHost {
        private final boolean read;

        StreamHost(boolean read) {
            this.read = read;
        }

        @Override
        public boolean isAsyncStarted() {
            return BridgeRequest.this.isAsyncStarted();
        }

        @Override
        public void wantTurn() {
            BridgeAsyncContext async = asyncContext;
            if (async != null) {
                if (read) {
                    async.wantRead();
                } else {
                    async.wantWrite();
                }
            }
        }

        @Override
        public boolean acceptsCallbacks() {
            BridgeAsyncContext async = asyncContext;
            return async != null && async.acceptsCallbacks();
        }
    }

    @Override
    public BufferedReader getReader() throws UnsupportedEncodingException {
        if (inputMode == InputMode.STREAM) {
            throw new IllegalStateException("getInputStream() has been called");
        }
        if (reader == null) {
            String name = getCharacterEncoding();
            Charset charset;
            try {
                charset = name == null ? StandardCharsets.ISO_8859_1 : Charset.forName(name);
            } catch (IllegalCharsetNameException | UnsupportedCharsetException e) {
                throw new UnsupportedEncodingException(name);
            }
            reader = new BufferedReader(new InputStreamReader(input(), charset));
        }
        inputMode = InputMode.READER;
        return reader;
    }

    /**
     * The application is done with the request: what it left of the body is dropped, never stored (the connection
     * skips the rest of the stream as it arrives), so that a body nobody reads costs no disk and no memory.
     */
    void endBody() {
        try {
            body.close();
        } catch (IOException ignored) {
            // the web server is gone: nothing left to drop
        }
    }

    // ---- parameters

    private Map<String, List<String>> baseParameters() {
        if (baseParameters == null) {
            Map<String, List<String>> params = new LinkedHashMap<>();
            FormDecoder.decode(cgi.queryString(), context.queryCharset(), params);
            try {
                readBodyParameters(params);
            } catch (IOException | ServletException e) {
                throw new IllegalStateException("cannot read the request's form parameters: " + e.getMessage(), e);
            }
            baseParameters = params;
        }
        return baseParameters;
    }

    private void readBodyParameters(Map<String, List<String>> params) throws IOException, ServletException {
        String mime = ContentTypes.mimeOf(cgi.contentType());
        if (inputMode != InputMode.NONE && !(parts != null && "multipart/form-data".equals(mime))) {
            return;
        }
        if ("application/x-www-form-urlencoded".equals(mime)
                && ("POST".equals(cgi.method()) || "PUT".equals(cgi.method()))) {
            byte[] form = input().readAllBytes();
            inputMode = InputMode.STREAM;
            Charset charset = bodyCharset();
            FormDecoder.decode(new String(form, charset), charset, params);
        } else if ("multipart/form-data".equals(mime) && multipartConfig() != null) {
            for (Part part : getParts()) {
                MultipartPart p = (MultipartPart) part;
                if (p.isFormField() && p.getName() != null) {
                    params.computeIfAbsent(p.getName(), k -> new ArrayList<>()).add(p.value(bodyCharset()));
                }
            }
        }
    }

    private Map<String, List<String>> parameters() {
        if (parameterOverlays.isEmpty()) {
            return baseParameters();
        }
        Map<String, List<String>> merged = new LinkedHashMap<>();
        List<Map<String, List<String>>> layers = new ArrayList<>(parameterOverlays);
        layers.add(baseParameters());
        for (Map<String, List<String>> layer : layers) {
            layer.forEach((name, values) -> merged.computeIfAbsent(name, k -> new ArrayList<>()).addAll(values));
        }
        return merged;
    }

    @Override
    public String getParameter(String name) {
        List<String> values = parameters().get(name);
        return values == null || values.isEmpty() ? null : values.get(0);
    }

    @Override
    public Enumeration<String> getParameterNames() {
        return Collections.enumeration(new ArrayList<>(parameters().keySet()));
    }

    @Override
    public String[] getParameterValues(String name) {
        List<String> values = parameters().get(name);
        return values == null ? null : values.toArray(new String[0]);
    }

    @Override
    public Map<String, String[]> getParameterMap() {
        Map<String, String[]> map = new LinkedHashMap<>();
        parameters().forEach((name, values) -> map.put(name, values.toArray(new String[0])));
        return Collections.unmodifiableMap(map);
    }

    // ---- multipart

    private MultipartConfigElement multipartConfig() {
        PathMatch match = dispatch.mapping();
        return match == null ? null : match.holder().multipartConfig();
    }

    @Override
    public Collection<Part> getParts() throws IOException, ServletException {
        if (parts == null) {
            String mime = ContentTypes.mimeOf(cgi.contentType());
            if (!"multipart/form-data".equals(mime)) {
                throw new StatusServletException(400, "the request is not multipart/form-data");
            }
            MultipartConfigElement config = multipartConfig();
            if (config == null) {
                throw new IllegalStateException("the servlet has no multipart configuration (@MultipartConfig)");
            }
            String boundary = MultipartParser.boundaryOf(cgi.contentType());
            if (boundary == null) {
                throw new StatusServletException(400, "multipart/form-data without a boundary");
            }
            if (inputMode != InputMode.NONE) {
                throw new IllegalStateException("the request body has already been read");
            }
            inputMode = InputMode.STREAM;
            Path location = config.getLocation() == null || config.getLocation().isEmpty() ? context.tempDirectory()
                    : Path.of(config.getLocation()).isAbsolute() ? Path.of(config.getLocation())
                    : context.tempDirectory().resolve(config.getLocation());
            try {
                parts = new MultipartParser(input(), boundary, location, config.getMaxFileSize(),
                        config.getMaxRequestSize(), config.getFileSizeThreshold(), bodyCharset()).parse();
            } catch (IOException e) {
                throw new StatusServletException(400, "malformed multipart/form-data: " + e.getMessage());
            }
        }
        return Collections.unmodifiableList(new ArrayList<>(parts));
    }

    @Override
    public Part getPart(String name) throws IOException, ServletException {
        for (Part part : getParts()) {
            if (name.equals(part.getName())) {
                return part;
            }
        }
        return null;
    }

    /** Deletes the temporary files of the parts. */
    void deleteParts() {
        if (parts != null) {
            for (MultipartPart part : parts) {
                try {
                    part.delete();
                } catch (IOException ignored) {
                    // a temporary file that will not go: the JVM's temp directory cleanup takes it
                }
            }
        }
    }

    // ---- request line and paths

    @Override
    public String getMethod() {
        return replayedMethod != null ? replayedMethod : cgi.method();
    }

    @Override
    public String getProtocol() {
        return cgi.protocol();
    }

    @Override
    public String getScheme() {
        return cgi.scheme();
    }

    @Override
    public boolean isSecure() {
        return cgi.secure();
    }

    @Override
    public String getServerName() {
        return cgi.serverName();
    }

    @Override
    public int getServerPort() {
        return cgi.serverPort();
    }

    @Override
    public String getRemoteAddr() {
        return cgi.remoteAddr();
    }

    @Override
    public String getRemoteHost() {
        return cgi.remoteHost();
    }

    @Override
    public int getRemotePort() {
        return cgi.remotePort();
    }

    @Override
    public String getLocalName() {
        return cgi.localAddr() != null ? cgi.localAddr() : cgi.serverName();
    }

    @Override
    public String getLocalAddr() {
        return cgi.localAddr();
    }

    @Override
    public int getLocalPort() {
        return cgi.localPort();
    }

    @Override
    public String getContextPath() {
        return context.getContextPath();
    }

    @Override
    public String getRequestURI() {
        return dispatch.requestUri();
    }

    @Override
    public StringBuffer getRequestURL() {
        StringBuffer url = new StringBuffer(64);
        url.append(cgi.origin()).append(getRequestURI());
        return url;
    }

    @Override
    public String getServletPath() {
        return dispatch.servletPath();
    }

    @Override
    public String getPathInfo() {
        return dispatch.pathInfo();
    }

    @Override
    public String getPathTranslated() {
        String info = getPathInfo();
        return info == null ? null : context.getRealPath(info);
    }

    @Override
    public String getQueryString() {
        return dispatch.queryString();
    }

    @Override
    public HttpServletMapping getHttpServletMapping() {
        PathMatch mapping = dispatch.mapping();
        return mapping != null ? mapping : BridgeServletContext.NO_MAPPING;
    }

    @Override
    public DispatcherType getDispatcherType() {
        return dispatch.type();
    }

    // ---- headers

    @Override
    public String getHeader(String name) {
        return cgi.headers().get(name);
    }

    @Override
    public Enumeration<String> getHeaders(String name) {
        return Collections.enumeration(cgi.headers().all(name));
    }

    @Override
    public Enumeration<String> getHeaderNames() {
        return Collections.enumeration(cgi.headers().names());
    }

    @Override
    public long getDateHeader(String name) {
        String value = getHeader(name);
        if (value == null) {
            return -1;
        }
        long date = HttpDates.parse(value);
        if (date < 0) {
            throw new IllegalArgumentException("not an HTTP date in " + name + ": " + value);
        }
        return date;
    }

    @Override
    public int getIntHeader(String name) {
        String value = getHeader(name);
        return value == null ? -1 : Integer.parseInt(value.trim());
    }

    @Override
    public Cookie[] getCookies() {
        List<Cookie> cookies = requestCookies();
        return cookies.isEmpty() ? null : cookies.toArray(new Cookie[0]);
    }

    /** The cookies of every Cookie header: HTTP/2 clients send each cookie in its own. */
    private List<Cookie> requestCookies() {
        List<String> headers = cgi.headers().all("Cookie");
        if (headers.size() <= 1) {
            return Cookies.parse(headers.isEmpty() ? null : headers.get(0));
        }
        return Cookies.parse(String.join("; ", headers));
    }

    @Override
    public Locale getLocale() {
        return getLocales().nextElement();
    }

    @Override
    public Enumeration<Locale> getLocales() {
        List<Locale> locales = AcceptLanguage.locales(cgi.headers().all("Accept-Language"));
        return Collections.enumeration(locales.isEmpty() ? List.of(Locale.getDefault()) : locales);
    }

    // ---- dispatchers

    @Override
    public RequestDispatcher getRequestDispatcher(String path) {
        if (path == null) {
            return null;
        }
        if (path.startsWith("/")) {
            return context.getRequestDispatcher(path);
        }
        String current = dispatch.type() == DispatcherType.INCLUDE
                ? (String) getAttribute(RequestDispatcher.INCLUDE_SERVLET_PATH)
                        + nullToEmpty((String) getAttribute(RequestDispatcher.INCLUDE_PATH_INFO))
                : getServletPath() + nullToEmpty(getPathInfo());
        int slash = current.lastIndexOf('/');
        String base = slash >= 0 ? current.substring(0, slash + 1) : "/";
        return context.getRequestDispatcher(base + path);
    }

    private static String nullToEmpty(String s) {
        return s == null ? "" : s;
    }

    @Override
    public ServletContext getServletContext() {
        return context;
    }

    // ---- async

    @Override
    public AsyncContext startAsync() {
        return startAsync(this, response.facade(), false);
    }

    @Override
    public AsyncContext startAsync(ServletRequest servletRequest, ServletResponse servletResponse) {
        return startAsync(servletRequest, servletResponse, true);
    }

    private AsyncContext startAsync(ServletRequest servletRequest, ServletResponse servletResponse, boolean supplied) {
        if (!asyncSupported) {
            throw new IllegalStateException("a filter or the servlet in this chain does not support async");
        }
        if (response.isCompleted()) {
            throw new IllegalStateException("the response is complete");
        }
        boolean original = servletRequest == this && servletResponse == response.facade();
        if (asyncContext == null) {
            asyncContext = new BridgeAsyncContext(this, servletRequest, servletResponse, original, supplied);
        } else {
            asyncContext.restart(servletRequest, servletResponse, original, supplied);
        }
        return asyncContext;
    }

    @Override
    public boolean isAsyncStarted() {
        return asyncContext != null && asyncContext.isStarted();
    }

    @Override
    public boolean isAsyncSupported() {
        return asyncSupported;
    }

    @Override
    public AsyncContext getAsyncContext() {
        if (asyncContext == null || !asyncContext.isStarted()) {
            throw new IllegalStateException("startAsync has not been called");
        }
        return asyncContext;
    }

    BridgeAsyncContext asyncContext() {
        return asyncContext;
    }

    // ---- sessions

    private void findRequestedSessionId() {
        String cookieName = context.sessionManager().getName();
        List<Cookie> cookies = requestCookies();
        for (Cookie cookie : cookies) {
            if (cookie.getName().equals(cookieName)) {
                if (requestedSessionId == null || context.sessionManager().find(cookie.getValue()) != null) {
                    requestedSessionId = cookie.getValue();
                    sessionIdFromCookie = true;
                }
            }
        }
        if (requestedSessionId == null
                && context.getEffectiveSessionTrackingModes().contains(SessionTrackingMode.URL)) {
            requestedSessionId = SessionUrls.requestedId(cgi.rawPath(), urlParameterName());
            sessionIdFromUrl = requestedSessionId != null;
        }
    }

    /** The path parameter that carries a session id: the session cookie's name in lower case ("jsessionid"). */
    private String urlParameterName() {
        return context.sessionManager().getName().toLowerCase(Locale.ROOT);
    }

    /**
     * {@code url} with the session id, for {@link BridgeResponse#encodeURL}: as Tomcat, only while there is a session
     * whose id did not come in a cookie (the client may not take cookies), URL tracking is enabled, and the URL points
     * into this application.
     */
    private String encodeSessionUrl(String url) {
        if (url == null || sessionIdFromCookie
                || !context.getEffectiveSessionTrackingModes().contains(SessionTrackingMode.URL)) {
            return url;
        }
        HttpSession current = getSession(false);
        if (current == null) {
            return url;
        }
        URI here;
        try {
            here = new URI(cgi.origin() + cgi.rawPath());
        } catch (URISyntaxException unparsable) {
            return url;
        }
        return SessionUrls.encode(url, urlParameterName(), current.getId(), here, context.getContextPath());
    }

    /**
     * The request is part of the session it names, if that one is valid: the session is accessed when the container
     * first handles the request (Servlet 6.0 section 7.6), whether or not the application asks for it, so that
     * getLastAccessedTime and the session's expiry count every request of the session.
     */
    void accessRequestedSession() {
        if (sessionAccessed || requestedSessionId == null) {
            return;
        }
        sessionAccessed = true;
        BridgeSession found = context.sessionManager().find(requestedSessionId);
        if (found != null) {
            found.access();
            session = found;
        }
    }

    @Override
    public HttpSession getSession(boolean create) {
        if (session != null && session.isValid()) {
            return session;
        }
        session = null;
        if (!sessionAccessed) {
            accessRequestedSession();
            if (session != null) {
                return session;
            }
        }
        if (!create) {
            return null;
        }
        if (response.isHeadSent()) {
            throw new IllegalStateException("cannot create a session after the response was committed");
        }
        session = context.sessionManager().create();
        if (context.getEffectiveSessionTrackingModes().contains(SessionTrackingMode.COOKIE)) {
            response.addContainerCookie(context.sessionManager().cookie(session.getId(), isSecure()));
        }
        return session;
    }

    @Override
    public HttpSession getSession() {
        return getSession(true);
    }

    @Override
    public String changeSessionId() {
        HttpSession current = getSession(false);
        if (current == null) {
            throw new IllegalStateException("the request has no session");
        }
        String id = context.sessionManager().changeId((BridgeSession) current);
        if (context.getEffectiveSessionTrackingModes().contains(SessionTrackingMode.COOKIE)) {
            response.addContainerCookie(context.sessionManager().cookie(id, isSecure()));
        }
        return id;
    }

    @Override
    public String getRequestedSessionId() {
        return requestedSessionId;
    }

    @Override
    public boolean isRequestedSessionIdValid() {
        return requestedSessionId != null && context.sessionManager().find(requestedSessionId) != null;
    }

    @Override
    public boolean isRequestedSessionIdFromCookie() {
        return sessionIdFromCookie;
    }

    @Override
    public boolean isRequestedSessionIdFromURL() {
        return sessionIdFromUrl;
    }

    // ---- security: who the user is, as the web server or the application's login-config established it

    /** The authenticated user, or null. */
    WebUser user() {
        return user;
    }

    /** The user the container authenticated for this request (null: none). */
    void authenticated(WebUser authenticated) {
        this.user = authenticated;
    }

    /**
     * Makes this request the one a FORM login interrupted: its method and form parameters come back (the body was
     * read before the login page was shown), over the query string of this request.
     */
    void replay(String method, Map<String, List<String>> form) {
        Map<String, List<String>> params = new LinkedHashMap<>();
        FormDecoder.decode(cgi.queryString(), context.queryCharset(), params);
        form.forEach((name, values) -> params.computeIfAbsent(name, k -> new ArrayList<>()).addAll(values));
        baseParameters = params;
        replayedMethod = method;
    }

    /** The form parameters of the body alone (those of the query string left out), read if not yet. */
    Map<String, List<String>> bodyParameters() {
        Map<String, List<String>> query = new LinkedHashMap<>();
        FormDecoder.decode(cgi.queryString(), context.queryCharset(), query);
        Map<String, List<String>> body = new LinkedHashMap<>();
        baseParameters().forEach((name, values) -> {
            int fromQuery = query.getOrDefault(name, List.of()).size();
            if (values.size() > fromQuery) {
                body.put(name, List.copyOf(values.subList(fromQuery, values.size())));
            }
        });
        return body;
    }

    @Override
    public String getAuthType() {
        WebUser current = user;
        return current == null ? null : current.authType();
    }

    @Override
    public String getRemoteUser() {
        WebUser current = user;
        return current == null ? null : current.getName();
    }

    @Override
    public Principal getUserPrincipal() {
        return user;
    }

    /**
     * Servlet 6.0 section 13.3 and the method's contract: "*" is never a role; "**" is any authenticated user unless
     * the application declares such a role; otherwise the role, through the servlet's security-role-ref, among the
     * user's roles.
     */
    @Override
    public boolean isUserInRole(String role) {
        WebUser current = user;
        if (current == null || role == null || role.equals("*")) {
            return false;
        }
        if (role.equals("**") && !context.declaresRole("**")) {
            return true;
        }
        PathMatch mapping = dispatch.mapping();
        return current.roles().contains(mapping == null ? role : mapping.holder().roleLink(role));
    }

    @Override
    public boolean authenticate(HttpServletResponse res) throws IOException, ServletException {
        if (user != null) {
            return true;
        }
        Authenticator authenticator = context.authenticator();
        if (authenticator == null) {
            res.setStatus(HttpServletResponse.SC_UNAUTHORIZED); // only the web server could have authenticated
        } else {
            authenticator.challenge(this, response);
        }
        return false;
    }

    @Override
    public void login(String username, String password) throws ServletException {
        Authenticator authenticator = context.authenticator();
        if (authenticator == null) {
            throw new ServletException("no login mechanism: the application has no users (--realm)");
        }
        if (user != null) {
            throw new ServletException("a user is already authenticated: " + user.getName());
        }
        Set<String> roles = context.realm().authenticate(username, password);
        if (roles == null) {
            throw new ServletException("login failed");
        }
        user = new WebUser(username, authenticator.authType(), roles);
        authenticator.remember(this, user);
    }

    @Override
    public void logout() {
        Authenticator authenticator = context.authenticator();
        if (authenticator != null) {
            authenticator.forget(this);
        }
        user = null;
    }

    // ---- the rest

    @Override
    public String getRequestId() {
        return requestId;
    }

    @Override
    public String getProtocolRequestId() {
        return "";
    }

    @Override
    public ServletConnection getServletConnection() {
        return new ServletConnection() {
            @Override
            public String getConnectionId() {
                return requestId;
            }

            @Override
            public String getProtocol() {
                return cgi.protocol();
            }

            @Override
            public String getProtocolConnectionId() {
                return "";
            }

            @Override
            public boolean isSecure() {
                return cgi.secure();
            }
        };
    }

    @Override
    public <T extends HttpUpgradeHandler> T upgrade(Class<T> handlerClass) throws ServletException {
        throw new ServletException("HTTP upgrade cannot pass through FastCGI");
    }

    /** A context-relative request path, decoded: what the servlet mappings see. */
    String pathInContext() {
        String path = cgi.path();
        String contextPath = context.getContextPath();
        return path.length() > contextPath.length() ? path.substring(contextPath.length()) : "/";
    }

    static String encodeUri(String contextPath, String decodedPath) {
        return UriPath.encodePath(contextPath + decodedPath);
    }
}
