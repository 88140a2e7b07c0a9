package org.fcgibridge.servlet.container;

import jakarta.servlet.Filter;
import jakarta.servlet.FilterRegistration;
import jakarta.servlet.RequestDispatcher;
import jakarta.servlet.Servlet;
import jakarta.servlet.ServletContainerInitializer;
import jakarta.servlet.ServletContext;
import jakarta.servlet.ServletContextAttributeEvent;
import jakarta.servlet.ServletContextAttributeListener;
import jakarta.servlet.ServletContextEvent;
import jakarta.servlet.ServletContextListener;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRegistration;
import jakarta.servlet.ServletRequestAttributeListener;
import jakarta.servlet.ServletRequestListener;
import jakarta.servlet.SessionCookieConfig;
import jakarta.servlet.SessionTrackingMode;
import jakarta.servlet.descriptor.JspConfigDescriptor;
import jakarta.servlet.http.HttpServletMapping;
import jakarta.servlet.http.HttpSessionAttributeListener;
import jakarta.servlet.http.HttpSessionIdListener;
import jakarta.servlet.http.HttpSessionListener;
import jakarta.servlet.http.MappingMatch;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.reflect.InvocationTargetException;
import java.net.MalformedURLException;
import java.net.URL;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Collections;
import java.util.Comparator;
import java.util.Enumeration;
import java.util.EnumSet;
import java.util.EventListener;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.function.BiConsumer;
import org.fcgibridge.servlet.http.CgiRequest;
import org.fcgibridge.servlet.security.ConstraintMap;
import org.fcgibridge.servlet.security.LoginConfig;
import org.fcgibridge.servlet.security.Realm;
import org.fcgibridge.servlet.security.SecurityConstraint;
import org.fcgibridge.servlet.security.WebServerLogin;
import org.fcgibridge.servlet.security.WebUser;
import org.fcgibridge.servlet.http.FormDecoder;

/**
 * A web application: its servlets, filters, listeners, sessions and resources, with the whole ServletContext API,
 * and the entry point of its requests ({@link #service}).
 *
 * <p>Build it with the registration methods (or let a WAR deployment do it), then {@link #start()}: initializers
 * run ({@code ServletContainerInitializer}s with their {@code @HandlesTypes} classes), context listeners hear of the
 * start, filters are initialised, load-on-startup servlets in order. {@link #stop()} undoes it in reverse.
 */
public final class BridgeServletContext implements ServletContext {
    private static final System.Logger LOG = System.getLogger(BridgeServletContext.class.getName());
    static final HttpServletMapping NO_MAPPING = new HttpServletMapping() {
        @Override
        public String getMatchValue() {
            return "";
        }

        @Override
        public String getPattern() {
            return "";
        }

        @Override
        public String getServletName() {
            return "";
        }

        @Override
        public MappingMatch getMappingMatch() {
            return null;
        }
    };
    /** The listener types addListener takes; a ServletContextListener too, where {@link #contextListenersAllowed}. */
    private static final List<Class<? extends EventListener>> LISTENER_TYPES = List.of(
            ServletContextAttributeListener.class, ServletRequestListener.class, ServletRequestAttributeListener.class,
            HttpSessionListener.class, HttpSessionAttributeListener.class, HttpSessionIdListener.class);

    private enum State { NEW, INITIALIZING, STARTED, STOPPED }

    private final String contextPath;
    private final ClassLoader classLoader;
    private final WebResources resources;
    private volatile String displayName;
    private volatile State state = State.NEW;

    private final Map<String, String> initParameters = new ConcurrentHashMap<>();
    private final Map<String, Object> attributes = new ConcurrentHashMap<>();
    private final Map<String, ServletHolder> servlets = Collections.synchronizedMap(new LinkedHashMap<>());
    private final Map<String, FilterHolder> filters = Collections.synchronizedMap(new LinkedHashMap<>());
    private final ServletMappings mappings = new ServletMappings();
    private final FilterMappings filterMappings = new FilterMappings();
    private final List<EventListener> listeners = new CopyOnWriteArrayList<>();
    /**
     * Listeners added while the context starts (by an initializer or a listener), not declared (web.xml, fragment,
     * {@code @WebListener}, or the embedding code before {@link #start()}): Servlet 6.0 section 4.4 restricts what
     * they may do.
     */
    private final Set<EventListener> programmaticListeners = Collections.newSetFromMap(new IdentityHashMap<>());
    /** An initializer runs: it may add ServletContextListeners (ServletContext.addListener's Javadoc). */
    private volatile boolean initializerRunning;
    /** A programmatic listener's contextInitialized runs: the configuration methods throw. */
    private volatile boolean restricted;
    private final Map<ServletContainerInitializer, Set<Class<?>>> initializers = new LinkedHashMap<>();
    private final SessionManager sessions = new SessionManager(this);
    private final ErrorPages errorPages = new ErrorPages();
    private final MimeTypes mimeTypes = new MimeTypes();
    private final List<String> welcomeFiles = new CopyOnWriteArrayList<>(List.of("index.html", "index.htm",
            "index.jsp"));
    private final Set<String> declaredRoles = ConcurrentHashMap.newKeySet();
    private final List<SecurityConstraint> constraints = new CopyOnWriteArrayList<>();
    private volatile LoginConfig loginConfig = LoginConfig.NONE;
    private volatile boolean denyUncoveredHttpMethods;
    private volatile ConstraintMap constraintMap;
    private volatile Realm realm;
    private volatile Authenticator authenticator;
    /** Null: REMOTE_USER is ignored (the web server's word is not trusted). */
    private volatile WebServerLogin webServerLogin;
    private volatile Set<SessionTrackingMode> trackingModes = EnumSet.of(SessionTrackingMode.COOKIE,
            SessionTrackingMode.URL);
    private volatile String requestCharacterEncoding;
    private volatile String responseCharacterEncoding;
    /** locale-encoding-mapping-list, by {@link #localeKey}. */
    private final Map<String, String> localeEncodings = new ConcurrentHashMap<>();
    private volatile Charset queryCharset = StandardCharsets.UTF_8;
    private volatile long asyncTimeout = 30_000;
    private volatile Path tempDirectory;
    private volatile JspConfig jspConfig = JspConfig.NONE;
    private volatile int effectiveMajorVersion = 6;
    private volatile int effectiveMinorVersion = 0;
    private int servletOrder;
    /** Servlets in the order they were initialised: they are destroyed in the reverse. */
    private final List<ServletHolder> initOrder = new CopyOnWriteArrayList<>();
    private ScheduledExecutorService scheduler;
    private ExecutorService asyncExecutor;

    /**
     * @param contextPath "" for the root, else "/name" (no trailing slash)
     * @param classLoader the web application's class loader
     * @param resources   its static files
     * @throws IllegalArgumentException if the context path is malformed
     */
    public BridgeServletContext(String contextPath, ClassLoader classLoader, WebResources resources) {
        if (!contextPath.isEmpty() && (!contextPath.startsWith("/") || contextPath.endsWith("/"))) {
            throw new IllegalArgumentException("a context path is \"\" or starts with '/' and does not end with "
                    + "it: " + contextPath);
        }
        this.contextPath = contextPath;
        this.classLoader = classLoader;
        this.resources = resources;
    }

    // ---- lifecycle

    /**
     * Starts the application: initializers, context listeners, filters, load-on-startup servlets.
     *
     * @throws ServletException if any of them fails; what had started is stopped again
     */
    public void start() throws ServletException {
        if (state != State.NEW) {
            throw new IllegalStateException("the context was already started");
        }
        state = State.INITIALIZING;
        scheduler = Executors.newSingleThreadScheduledExecutor(daemon("async-timer"));
        asyncExecutor = Executors.newCachedThreadPool(daemon("async-"));
        ClassLoader previous = Thread.currentThread().getContextClassLoader();
        Thread.currentThread().setContextClassLoader(classLoader);
        try {
            for (Map.Entry<ServletContainerInitializer, Set<Class<?>>> initializer : initializers.entrySet()) {
                Set<Class<?>> classes = initializer.getValue();
                initializerRunning = true;
                try {
                    initializer.getKey().onStartup(classes == null || classes.isEmpty() ? null : classes, this);
                } finally {
                    initializerRunning = false;
                }
            }
            ServletContextEvent event = new ServletContextEvent(this);
            for (ServletContextListener listener : listeners(ServletContextListener.class)) {
                restricted = isProgrammatic(listener);
                try {
                    listener.contextInitialized(event);
                } finally {
                    restricted = false;
                }
            }
            sessions.start();
            for (FilterHolder filter : new ArrayList<>(filters.values())) {
                filter.filter();
            }
            List<ServletHolder> onStartup = new ArrayList<>();
            for (ServletHolder servlet : new ArrayList<>(servlets.values())) {
                if (servlet.getLoadOnStartup() >= 0) {
                    onStartup.add(servlet);
                }
            }
            authenticator = realm == null ? null : Authenticator.of(loginConfig, realm);
            onStartup.sort(Comparator.comparingInt(ServletHolder::getLoadOnStartup)
                    .thenComparingInt(ServletHolder::order));
            for (ServletHolder servlet : onStartup) {
                servlet.servlet();
            }
            constraints(); // compiled now that no one may change them: what they leave uncovered is logged at start
            state = State.STARTED;
        } catch (ServletException | RuntimeException | LinkageError e) {
            state = State.STARTED;
            stop();
            throw e instanceof ServletException ? (ServletException) e
                    : new ServletException("the web application failed to start: " + e, e);
        } finally {
            Thread.currentThread().setContextClassLoader(previous);
        }
    }

    /** Destroys servlets and filters, tells context listeners (in reverse order), ends the sessions. */
    public void stop() {
        if (state != State.STARTED && state != State.INITIALIZING) {
            return;
        }
        ClassLoader previous = Thread.currentThread().getContextClassLoader();
        Thread.currentThread().setContextClassLoader(classLoader);
        try {
            List<ServletHolder> all = new ArrayList<>(initOrder);
            Collections.reverse(all);
            for (ServletHolder servlet : all) {
                servlet.destroy();
            }
            initOrder.clear();
            List<FilterHolder> allFilters = new ArrayList<>(filters.values());
            Collections.reverse(allFilters);
            for (FilterHolder filter : allFilters) {
                filter.destroy();
            }
            sessions.stop();
            List<ServletContextListener> contextListeners = listeners(ServletContextListener.class);
            Collections.reverse(contextListeners);
            ServletContextEvent event = new ServletContextEvent(this);
            for (ServletContextListener listener : contextListeners) {
                try {
                    listener.contextDestroyed(event);
                } catch (RuntimeException e) {
                    LOG.log(System.Logger.Level.WARNING, "context listener failed on destroy", e);
                }
            }
        } finally {
            Thread.currentThread().setContextClassLoader(previous);
            state = State.STOPPED;
            if (scheduler != null) {
                scheduler.shutdownNow();
            }
            if (asyncExecutor != null) {
                asyncExecutor.shutdownNow();
            }
        }
    }

    /** Whether the context has started and not stopped. */
    public boolean isStarted() {
        return state == State.STARTED;
    }

    void initialized(ServletHolder holder) {
        initOrder.add(holder);
    }

    // ---- security: what the application declares, and the users who may pass it

    /**
     * Adds constraints of the deployment descriptors (web.xml, web-fragment.xml), in order: their url-patterns are
     * left alone by {@code @ServletSecurity} and setServletSecurity (Servlet 6.0 section 13.4.1).
     */
    public void addConstraints(List<SecurityConstraint> more) {
        constraints.addAll(more);
        constraintMap = null;
    }

    /**
     * Every constraint: the descriptors', then those of the servlets' {@code @ServletSecurity} or setServletSecurity
     * for their url-patterns (as they are now) that no descriptor constraint names.
     */
    public List<SecurityConstraint> constraintList() {
        List<SecurityConstraint> all = new ArrayList<>(constraints);
        Set<String> declared = descriptorTargets();
        List<ServletHolder> holders;
        synchronized (servlets) {
            holders = new ArrayList<>(servlets.values());
        }
        for (ServletHolder servlet : holders) {
            all.addAll(servlet.securityConstraints(declared));
        }
        return List.copyOf(all);
    }

    /** The url-patterns that are the exact target of a descriptor's constraint. */
    Set<String> descriptorTargets() {
        Set<String> patterns = new HashSet<>();
        for (SecurityConstraint constraint : constraints) {
            patterns.addAll(constraint.urlPatterns());
        }
        return patterns;
    }

    /** A servlet's security element or mappings changed: the constraints are compiled again. */
    void securityChanged() {
        constraintMap = null;
    }

    /** Roles declared by the container for the application ({@code @DeclareRoles} of its servlets). */
    void addDeclaredRoles(Collection<String> roles) {
        declaredRoles.addAll(roles);
        constraintMap = null;
    }

    /** The application's login-config. */
    public void setLoginConfig(LoginConfig config) {
        loginConfig = config;
    }

    public LoginConfig loginConfig() {
        return loginConfig;
    }

    /** deny-uncovered-http-methods. */
    public void setDenyUncoveredHttpMethods(boolean deny) {
        denyUncoveredHttpMethods = deny;
        constraintMap = null;
    }

    /** The users of the application's constraints and logins, or null when it has none. */
    public void setRealm(Realm users) {
        realm = users;
    }

    public Realm realm() {
        return realm;
    }

    /** How the application's users log in (its login-config, with the realm), or null when it has no realm. */
    Authenticator authenticator() {
        return authenticator;
    }

    /** Whether the application declares the security-role {@code role} (without copying the set, per request). */
    boolean declaresRole(String role) {
        return declaredRoles.contains(role);
    }

    /** The security-roles the application declares (web.xml, {@code @DeclareRoles}, declareRoles). */
    public Set<String> declaredRoles() {
        return Set.copyOf(declaredRoles);
    }

    /** The constraints, compiled: what each request requires. */
    ConstraintMap constraints() {
        ConstraintMap map = constraintMap;
        if (map == null) {
            map = ConstraintMap.of(constraintList(), declaredRoles(), denyUncoveredHttpMethods);
            constraintMap = map;
        }
        return map;
    }

    void checkNotInitialized() {
        if (state == State.STARTED || state == State.STOPPED) {
            throw new IllegalStateException("the context has already been initialized");
        }
    }

    /**
     * The checks of a method that configures the context, in Jetty's order: IllegalStateException once the context
     * is initialized, UnsupportedOperationException from a programmatic listener's contextInitialized.
     */
    private void checkConfigurable() {
        checkNotInitialized();
        checkNotRestricted();
    }

    /** Servlet 6.0 section 4.4: a listener neither declared nor annotated may not configure the context. */
    private void checkNotRestricted() {
        if (restricted) {
            throw new UnsupportedOperationException("a ServletContextListener that was added programmatically (or "
                    + "declared in a TLD) may not configure the context");
        }
    }

    private boolean isProgrammatic(EventListener listener) {
        synchronized (programmaticListeners) {
            return programmaticListeners.contains(listener);
        }
    }

    // ---- requests

    /**
     * Runs one request through the application: the REQUEST dispatch, any asynchronous processing, error pages, and
     * the completion of the response.
     *
     * @param body  the request body (STDIN)
     * @param out   where the CGI response goes (STDOUT)
     * @return the response's status
     * @throws IOException if the web server went away
     */
    public int service(CgiRequest request, InputStream body, OutputStream out) throws IOException {
        return service(request, Map.of(), body, out);
    }

    /**
     * Runs one request, which starts with these request attributes (non-null values).
     *
     * @return the response's status
     * @throws IOException if the web server went away
     */
    public int service(CgiRequest request, Map<String, Object> attributes, InputStream body, OutputStream out)
            throws IOException {
        return service(request, attributes, body, out, (name, className) -> { }).status();
    }

    /**
     * Runs one request, which starts with these request attributes (non-null values), and tells {@code mapped} the
     * name and class of the servlet it is mapped to, before it runs (not at all if none is).
     *
     * @return the response's status and the user the request was authenticated as
     * @throws IOException if the web server went away
     */
    public Outcome service(CgiRequest request, Map<String, Object> attributes, InputStream body, OutputStream out,
                           BiConsumer<String, String> mapped) throws IOException {
        return Invocation.run(this, request, attributes, body, out, mapped);
    }

    /**
     * How a request ended, for the access log.
     *
     * @param status     the response's status
     * @param remoteUser the user it was authenticated as (a login of the application's realm, or the web server's
     *                   trusted REMOTE_USER), or null
     */
    public record Outcome(int status, String remoteUser) {
    }

    // ---- registration (also from initializers and listeners)

    /** Adds a ServletContainerInitializer with the classes its @HandlesTypes found (run at start). */
    public void addServletContainerInitializer(ServletContainerInitializer initializer, Set<Class<?>> classes) {
        checkNotInitialized();
        initializers.put(initializer, classes);
    }

    /**
     * The default servlet for the application's static files at "/", a fallback: the application's own mapping of
     * "/" (web.xml, an annotation or a dynamic registration, before or after this call) replaces it (Servlet 6.0
     * section 12.2). Nothing is added if a servlet is named "default" already.
     */
    public void addDefaultServlet() {
        ServletHolder holder = register("default", DefaultServlet.class, null);
        if (holder != null) {
            mappings.addFallback("/", holder);
        }
    }

    /**
     * The JSP servlet, named "jsp", at {@code *.jsp} and its kin ({@link NoJspServlet#PATTERNS}) as fallbacks the
     * application's own mappings replace, started with the application (load-on-startup 0), as Jetty's
     * webdefault-ee10.xml declares it. {@link NoJspServlet} stands in where there is no JSP engine: JSP requests then
     * answer 500, never the page's source. A {@code <jsp-file>} servlet or {@link #addJspFile} registration is an
     * instance of the same class with the same init-params and {@code jspFile} (as in Tomcat). Nothing is added if a
     * servlet is named "jsp" already.
     *
     * @param type           the JSP engine's servlet, or {@code NoJspServlet}
     * @param initParameters its init-params
     */
    public void addJspServlet(Class<? extends Servlet> type, Map<String, String> initParameters) {
        ServletHolder holder = register("jsp", type, null);
        if (holder != null) {
            holder.setInitParameters(initParameters);
            if (type != NoJspServlet.class) {
                holder.setLoadOnStartup(0);
            }
            for (String pattern : NoJspServlet.PATTERNS) {
                mappings.addFallback(pattern, holder);
            }
        }
    }

    private ServletHolder register(String name, Class<? extends Servlet> type, Servlet instance) {
        synchronized (servlets) {
            if (servlets.containsKey(name)) {
                return null;
            }
            ServletHolder holder = new ServletHolder(this, name, type, instance, servletOrder++);
            servlets.put(name, holder);
            if (state == State.INITIALIZING) {
                // added by an initializer or a listener: its class's security annotations apply (the deployer reads
                // those of the servlets it declares, unless the descriptor is metadata-complete)
                holder.readSecurityAnnotations();
            }
            return holder;
        }
    }

    @Override
    public ServletRegistration.Dynamic addServlet(String servletName, String className) {
        checkConfigurable();
        checkName(servletName);
        return register(servletName, loadClass(className, Servlet.class), null);
    }

    @Override
    public ServletRegistration.Dynamic addServlet(String servletName, Servlet servlet) {
        checkConfigurable();
        checkName(servletName);
        return register(servletName, null, servlet);
    }

    @Override
    public ServletRegistration.Dynamic addServlet(String servletName, Class<? extends Servlet> servletClass) {
        checkConfigurable();
        checkName(servletName);
        return register(servletName, servletClass, null);
    }

    @Override
    public ServletRegistration.Dynamic addJspFile(String servletName, String jspFile) {
        checkConfigurable();
        checkName(servletName);
        ServletHolder jsp = servlets.get("jsp");
        if (jsp == null || jsp.servletClass() == NoJspServlet.class) {
            // no JSP engine: the servlet is registered (so the application deploys) and answers as NoJspServlet
            return register(servletName, null, new NoJspServlet());
        }
        ServletHolder holder = register(servletName, jsp.servletClass(), null);
        if (holder != null) {
            holder.inheritInitParameters(jsp.getInitParameters());
            holder.setInitParameter("jspFile", jspFile);
        }
        return holder;
    }

    @Override
    public <T extends Servlet> T createServlet(Class<T> clazz) throws ServletException {
        checkNotRestricted();
        return instantiate(clazz);
    }

    @Override
    public ServletRegistration getServletRegistration(String servletName) {
        checkNotRestricted();
        return servlets.get(servletName);
    }

    @Override
    public Map<String, ? extends ServletRegistration> getServletRegistrations() {
        checkNotRestricted();
        synchronized (servlets) {
            return Collections.unmodifiableMap(new LinkedHashMap<>(servlets));
        }
    }

    @Override
    public FilterRegistration.Dynamic addFilter(String filterName, String className) {
        checkConfigurable();
        checkName(filterName);
        return registerFilter(filterName, loadClass(className, Filter.class), null);
    }

    @Override
    public FilterRegistration.Dynamic addFilter(String filterName, Filter filter) {
        checkConfigurable();
        checkName(filterName);
        return registerFilter(filterName, null, filter);
    }

    @Override
    public FilterRegistration.Dynamic addFilter(String filterName, Class<? extends Filter> filterClass) {
        checkConfigurable();
        checkName(filterName);
        return registerFilter(filterName, filterClass, null);
    }

    private FilterHolder registerFilter(String name, Class<? extends Filter> type, Filter instance) {
        synchronized (filters) {
            if (filters.containsKey(name)) {
                return null;
            }
            FilterHolder holder = new FilterHolder(this, name, type, instance);
            filters.put(name, holder);
            return holder;
        }
    }

    @Override
    public <T extends Filter> T createFilter(Class<T> clazz) throws ServletException {
        checkNotRestricted();
        return instantiate(clazz);
    }

    @Override
    public FilterRegistration getFilterRegistration(String filterName) {
        checkNotRestricted();
        return filters.get(filterName);
    }

    @Override
    public Map<String, ? extends FilterRegistration> getFilterRegistrations() {
        checkNotRestricted();
        synchronized (filters) {
            return Collections.unmodifiableMap(new LinkedHashMap<>(filters));
        }
    }

    @Override
    public void addListener(String className) {
        checkConfigurable();
        addListenerOf(loadClass(className, EventListener.class));
    }

    @Override
    public <T extends EventListener> void addListener(T listener) {
        checkConfigurable();
        addListenerInstance(listener);
    }

    @Override
    public void addListener(Class<? extends EventListener> listenerClass) {
        checkConfigurable();
        addListenerOf(listenerClass);
    }

    private void addListenerOf(Class<? extends EventListener> listenerClass) {
        try {
            addListenerInstance(newListener(listenerClass));
        } catch (ServletException e) {
            throw new IllegalArgumentException("cannot create listener " + listenerClass.getName(), e);
        }
    }

    private void addListenerInstance(EventListener listener) {
        checkListenerType(listener.getClass());
        if (state == State.INITIALIZING) {
            synchronized (programmaticListeners) {
                programmaticListeners.add(listener);
            }
        }
        listeners.add(listener);
    }

    @Override
    public <T extends EventListener> T createListener(Class<T> clazz) throws ServletException {
        checkNotRestricted();
        return newListener(clazz);
    }

    private <T extends EventListener> T newListener(Class<T> clazz) throws ServletException {
        checkListenerType(clazz);
        return instantiate(clazz);
    }

    /**
     * IllegalArgumentException unless the class is a listener type the container calls; a ServletContextListener
     * only where it will still be told of the start: from the deployment (before {@link #start()}) or an
     * initializer, not from a listener.
     */
    private void checkListenerType(Class<?> type) {
        boolean known = LISTENER_TYPES.stream().anyMatch(listenerType -> listenerType.isAssignableFrom(type))
                || contextListenersAllowed() && ServletContextListener.class.isAssignableFrom(type);
        if (!known) {
            throw new IllegalArgumentException("not a listener type that may be added here: " + type.getName());
        }
    }

    private boolean contextListenersAllowed() {
        return state == State.NEW || initializerRunning;
    }

    /** The registered listeners of a type, in registration order. */
    <T extends EventListener> List<T> listeners(Class<T> type) {
        List<T> matching = new ArrayList<>();
        for (EventListener listener : listeners) {
            if (type.isInstance(listener)) {
                matching.add(type.cast(listener));
            }
        }
        return matching;
    }

    <T> T instantiate(Class<T> type) throws ServletException {
        try {
            return type.getDeclaredConstructor().newInstance();
        } catch (InvocationTargetException e) {
            throw new ServletException("cannot create " + type.getName() + ": " + e.getCause(), e.getCause());
        } catch (ReflectiveOperationException | RuntimeException e) {
            throw new ServletException("cannot create " + type.getName() + ": " + e, e);
        }
    }

    private <T> Class<? extends T> loadClass(String className, Class<T> type) {
        try {
            return Class.forName(className, false, classLoader).asSubclass(type);
        } catch (ClassNotFoundException | ClassCastException | LinkageError e) {
            throw new IllegalArgumentException("cannot load " + className + " as a " + type.getSimpleName(), e);
        }
    }

    private static void checkName(String name) {
        if (name == null || name.isEmpty()) {
            throw new IllegalArgumentException("a name must not be null or empty");
        }
    }

    // ---- configuration of what web.xml sets

    /** Adds an error page for a status code. */
    public ErrorPages errorPages() {
        return errorPages;
    }

    /**
     * The application's {@code <jsp-config>}. The url-patterns of its property groups are the JSP servlet's too
     * (where the application maps no servlet of its own), as in Tomcat and Jetty: a group may make JSP pages of
     * other extensions.
     */
    public void setJspConfig(JspConfig config) {
        checkNotInitialized();
        jspConfig = config;
        ServletHolder jsp = servlets.get("jsp");
        if (jsp != null) {
            for (JspConfig.PropertyGroup group : config.propertyGroups()) {
                for (String pattern : group.urlPatterns()) {
                    mappings.addFallback(pattern, jsp);
                }
            }
        }
    }

    /** The welcome files, replacing the defaults (index.html, index.htm, index.jsp). */
    public void setWelcomeFiles(List<String> files) {
        welcomeFiles.clear();
        welcomeFiles.addAll(files);
    }

    List<String> welcomeFiles() {
        return welcomeFiles;
    }

    /** MIME mappings of the application. */
    public MimeTypes mimeTypes() {
        return mimeTypes;
    }

    /**
     * Maps a locale ("ja", "zh_CN" or "zh-CN") to the charset that ServletResponse.setLocale sets (web.xml's
     * locale-encoding-mapping-list).
     */
    public void addLocaleEncoding(String locale, String encoding) {
        localeEncodings.put(localeKey(locale), encoding);
    }

    /** The charset mapped to the locale, else to its language, or null. */
    public String localeEncoding(Locale locale) {
        if (localeEncodings.isEmpty()) {
            return null;
        }
        String encoding = localeEncodings.get(localeKey(locale.toString()));
        return encoding != null ? encoding : localeEncodings.get(localeKey(locale.getLanguage()));
    }

    private static String localeKey(String locale) {
        return locale.replace('-', '_').toLowerCase(Locale.ROOT);
    }

    /** The display name (web.xml display-name). */
    public void setDisplayName(String name) {
        displayName = name;
    }

    /** The default async timeout in milliseconds (30 s). */
    public void setAsyncTimeout(long millis) {
        asyncTimeout = millis;
    }

    long asyncTimeout() {
        return asyncTimeout;
    }

    /** The directory for temporary files (multipart spools); the JVM's temp directory unless set. */
    public void setTempDirectory(Path directory) {
        tempDirectory = directory;
        setAttribute(TEMPDIR, directory.toFile());
    }

    Path tempDirectory() {
        Path dir = tempDirectory;
        if (dir == null) {
            try {
                dir = Files.createTempDirectory("fcgi-bridge-");
                dir.toFile().deleteOnExit();
            } catch (IOException e) {
                dir = Path.of(System.getProperty("java.io.tmpdir"));
            }
            setTempDirectory(dir);
        }
        return dir;
    }

    /** The servlet version web.xml declares (6.0 unless set). */
    public void setEffectiveVersion(int major, int minor) {
        effectiveMajorVersion = major;
        effectiveMinorVersion = minor;
    }

    ServletMappings mappings() {
        return mappings;
    }

    FilterMappings filterMappings() {
        return filterMappings;
    }

    SessionManager sessionManager() {
        return sessions;
    }

    /** The application's sessions in memory now (for the status page). */
    public int activeSessions() {
        return sessions.count();
    }

    /** The web application's files. */
    public WebResources resources() {
        return resources;
    }

    Charset queryCharset() {
        return queryCharset;
    }

    ScheduledExecutorService scheduler() {
        return scheduler;
    }

    ExecutorService asyncExecutor() {
        return asyncExecutor;
    }

    // ---- the web server authenticates (--trust-web-server-auth)

    /**
     * Trusts the web server's REMOTE_USER as the request's authenticated user, with the roles {@code login} finds;
     * null (the default) to ignore REMOTE_USER and AUTH_TYPE. Only for a web server that authenticates every request
     * it forwards: nginx's stock fastcgi_params pass the client's own, unverified, Basic user name otherwise.
     */
    public void setWebServerLogin(WebServerLogin login) {
        webServerLogin = login;
    }

    /** How the web server's users are taken, or null when REMOTE_USER is ignored. */
    public WebServerLogin webServerLogin() {
        return webServerLogin;
    }

    /**
     * Trusts the web server's REMOTE_USER, with the role lines of this context's realm (whenever it is set) as the
     * roles, or not (the default). {@link #setWebServerLogin} says where else roles may come from.
     */
    public void setTrustsWebServer(boolean trust) {
        webServerLogin = !trust ? null : webServerLogin != null ? webServerLogin : WebServerLogin.of(null,
                new Realm() {
                    @Override
                    public Set<String> authenticate(String user, String password) {
                        Realm users = realm;
                        return users == null ? null : users.authenticate(user, password);
                    }

                    @Override
                    public Set<String> roles(String user) {
                        Realm users = realm;
                        return users == null ? Set.of() : users.roles(user);
                    }
                });
    }

    /** Whether the web server's REMOTE_USER is the request's user: then the web server provides the users. */
    public boolean trustsWebServer() {
        return webServerLogin != null;
    }

    /**
     * The user the web server authenticated for {@code cgi}: null unless the context trusts the web server and the
     * request has a REMOTE_USER.
     */
    public WebUser webServerUser(CgiRequest cgi) {
        WebServerLogin login = webServerLogin;
        return login == null ? null : login.user(cgi.remoteUser(), cgi.authType(), cgi.params()::get);
    }

    private static java.util.concurrent.ThreadFactory daemon(String prefix) {
        java.util.concurrent.atomic.AtomicInteger count = new java.util.concurrent.atomic.AtomicInteger();
        return task -> {
            Thread thread = new Thread(task, prefix + count.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        };
    }

    // ---- ServletContext: paths, resources, dispatchers

    @Override
    public String getContextPath() {
        return contextPath;
    }

    @Override
    public ServletContext getContext(String uripath) {
        return uripath != null && (uripath.equals(contextPath) || uripath.startsWith(contextPath + "/")
                || contextPath.isEmpty()) ? this : null;
    }

    @Override
    public int getMajorVersion() {
        return 6;
    }

    @Override
    public int getMinorVersion() {
        return 0;
    }

    @Override
    public int getEffectiveMajorVersion() {
        return effectiveMajorVersion;
    }

    @Override
    public int getEffectiveMinorVersion() {
        return effectiveMinorVersion;
    }

    @Override
    public String getMimeType(String file) {
        return mimeTypes.of(file);
    }

    @Override
    public Set<String> getResourcePaths(String path) {
        return resources.paths(path);
    }

    @Override
    public URL getResource(String path) throws MalformedURLException {
        return resources.url(path); // the WAR's own files, then META-INF/resources of its WEB-INF/lib jars
    }

    @Override
    public InputStream getResourceAsStream(String path) {
        try {
            URL url = getResource(path);
            return url == null ? null : url.openStream();
        } catch (IOException e) {
            return null;
        }
    }

    @Override
    public RequestDispatcher getRequestDispatcher(String path) {
        if (path == null || !path.startsWith("/")) {
            return null;
        }
        int q = path.indexOf('?');
        String pathPart = q < 0 ? path : path.substring(0, q);
        String query = q < 0 ? null : path.substring(q + 1);
        String decoded = FormDecoder.unescape(pathPart.replace("+", "%2B"), StandardCharsets.UTF_8);
        return dispatcher(decoded, query);
    }

    /** A dispatcher to a decoded context-relative path (a request's servlet path and path info), or null. */
    RequestDispatcher dispatcher(String decodedPath, String query) {
        PathMatch match = mappings.match(decodedPath);
        if (match == null) {
            return null;
        }
        return new BridgeDispatcher(this, decodedPath, query, match);
    }

    @Override
    public RequestDispatcher getNamedDispatcher(String name) {
        ServletHolder holder = servlets.get(name);
        return holder == null ? null : new BridgeDispatcher(this, holder);
    }

    @Override
    public void log(String msg) {
        LOG.log(System.Logger.Level.INFO, "{0}: {1}", contextName(), msg);
    }

    @Override
    public void log(String message, Throwable throwable) {
        LOG.log(System.Logger.Level.ERROR, contextName() + ": " + message, throwable);
    }

    private String contextName() {
        return contextPath.isEmpty() ? "/" : contextPath;
    }

    @Override
    public String getRealPath(String path) {
        return resources.realPath(path);
    }

    @Override
    public String getServerInfo() {
        return "fcgi-bridge/0.1";
    }

    @Override
    public String getInitParameter(String name) {
        if (name == null) {
            throw new NullPointerException("init parameter name is null");
        }
        return initParameters.get(name);
    }

    @Override
    public Enumeration<String> getInitParameterNames() {
        return Collections.enumeration(new ArrayList<>(initParameters.keySet()));
    }

    @Override
    public boolean setInitParameter(String name, String value) {
        if (name == null) {
            throw new NullPointerException("init parameter name is null");
        }
        checkConfigurable();
        return initParameters.putIfAbsent(name, value) == null;
    }

    @Override
    public Object getAttribute(String name) {
        if (name == null) {
            throw new NullPointerException("attribute name is null");
        }
        return attributes.get(name);
    }

    @Override
    public Enumeration<String> getAttributeNames() {
        return Collections.enumeration(new ArrayList<>(attributes.keySet()));
    }

    @Override
    public void setAttribute(String name, Object object) {
        if (name == null) {
            throw new NullPointerException("attribute name is null");
        }
        if (object == null) {
            removeAttribute(name);
            return;
        }
        Object old = attributes.put(name, object);
        for (ServletContextAttributeListener listener : listeners(ServletContextAttributeListener.class)) {
            if (old == null) {
                listener.attributeAdded(new ServletContextAttributeEvent(this, name, object));
            } else {
                listener.attributeReplaced(new ServletContextAttributeEvent(this, name, old));
            }
        }
    }

    @Override
    public void removeAttribute(String name) {
        Object old = attributes.remove(name);
        if (old != null) {
            for (ServletContextAttributeListener listener : listeners(ServletContextAttributeListener.class)) {
                listener.attributeRemoved(new ServletContextAttributeEvent(this, name, old));
            }
        }
    }

    @Override
    public String getServletContextName() {
        return displayName;
    }

    @Override
    public SessionCookieConfig getSessionCookieConfig() {
        checkNotRestricted();
        return sessions;
    }

    @Override
    public void setSessionTrackingModes(Set<SessionTrackingMode> modes) {
        checkConfigurable();
        if (modes.contains(SessionTrackingMode.SSL)) {
            throw new IllegalArgumentException("SSL session tracking is not available");
        }
        trackingModes = modes.isEmpty() ? EnumSet.noneOf(SessionTrackingMode.class) : EnumSet.copyOf(modes);
    }

    @Override
    public Set<SessionTrackingMode> getDefaultSessionTrackingModes() {
        return EnumSet.of(SessionTrackingMode.COOKIE, SessionTrackingMode.URL);
    }

    @Override
    public Set<SessionTrackingMode> getEffectiveSessionTrackingModes() {
        return Collections.unmodifiableSet(trackingModes);
    }

    @Override
    public JspConfigDescriptor getJspConfigDescriptor() {
        checkNotRestricted();
        return jspConfig.isEmpty() ? null : jspConfig;
    }

    @Override
    public ClassLoader getClassLoader() {
        return classLoader;
    }

    @Override
    public void declareRoles(String... roleNames) {
        checkConfigurable();
        for (String role : roleNames) {
            if (role == null || role.isEmpty()) {
                throw new IllegalArgumentException("a role name is neither null nor empty");
            }
        }
        declaredRoles.addAll(Arrays.asList(roleNames));
        constraintMap = null;
    }

    @Override
    public String getVirtualServerName() {
        return "fcgi-bridge";
    }

    @Override
    public int getSessionTimeout() {
        return sessions.timeoutMinutes();
    }

    @Override
    public void setSessionTimeout(int sessionTimeout) {
        checkConfigurable();
        sessions.setTimeoutMinutes(sessionTimeout);
    }

    @Override
    public String getRequestCharacterEncoding() {
        return requestCharacterEncoding;
    }

    @Override
    public void setRequestCharacterEncoding(String encoding) {
        checkConfigurable();
        requestCharacterEncoding = encoding;
    }

    @Override
    public String getResponseCharacterEncoding() {
        return responseCharacterEncoding;
    }

    @Override
    public void setResponseCharacterEncoding(String encoding) {
        checkConfigurable();
        responseCharacterEncoding = encoding;
    }
}
