package org.fcgibridge.servlet.container;

import jakarta.servlet.MultipartConfigElement;
import jakarta.servlet.Servlet;
import jakarta.servlet.ServletConfig;
import jakarta.servlet.ServletContext;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRegistration;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.ServletSecurityElement;
import jakarta.servlet.UnavailableException;
import jakarta.servlet.annotation.MultipartConfig;
import jakarta.servlet.annotation.ServletSecurity;
import java.io.IOException;
import java.lang.annotation.Annotation;
import java.util.Collection;
import java.util.Collections;
import java.util.Enumeration;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.fcgibridge.servlet.security.SecurityConstraint;
import org.fcgibridge.servlet.security.ServletSecurityConstraints;

/**
 * One servlet of the context: its registration, its mappings, and its single instance, created and initialised on
 * first use (or at start with load-on-startup).
 */
public final class ServletHolder extends Holder implements ServletRegistration.Dynamic, ServletConfig {
    private static final System.Logger LOG = System.getLogger(ServletHolder.class.getName());

    private final Class<? extends Servlet> servletClass;
    private volatile Servlet instance;
    private volatile boolean initialized;
    private volatile UnavailableException unavailable;
    /** System.nanoTime() when a temporary unavailability ends. */
    private volatile long unavailableUntil;
    /** The calls in the servlet's service method (or on their way to it). */
    private final AtomicInteger inService = new AtomicInteger();
    /** Set by a permanent UnavailableException: the last call to leave service destroys the servlet. */
    private volatile boolean destroyWhenIdle;
    private int loadOnStartup = -1;
    private MultipartConfigElement multipartConfig;
    private volatile String runAsRole;
    /** The servlet's {@code @ServletSecurity} or the last setServletSecurity, or null. */
    private volatile ServletSecurityElement security;
    /** security-role-ref: the role names of the servlet's code to the application's roles. */
    private final Map<String, String> roleLinks = new ConcurrentHashMap<>();
    private final int order;
    /** The JSP servlet's init-params, under a {@code <jsp-file>} servlet's own (Tomcat's precedence). */
    private volatile Map<String, String> inheritedParameters = Map.of();

    ServletHolder(BridgeServletContext context, String name, Class<? extends Servlet> servletClass,
                  Servlet instance, int order) {
        super(context, name, servletClass != null ? servletClass.getName() : instance.getClass().getName());
        this.servletClass = servletClass != null ? servletClass : instance.getClass();
        this.instance = instance;
        this.order = order;
        MultipartConfig annotation = this.servletClass.getAnnotation(MultipartConfig.class);
        if (annotation != null) {
            multipartConfig = new MultipartConfigElement(annotation);
        }
        // @WebServlet's async-supported is not read here: it belongs to the servlet the annotation declares (the
        // deployer applies it), not to one web.xml or addServlet declares with the same class under another name
    }

    /** The initialised servlet, creating it on first use. */
    public Servlet servlet() throws ServletException {
        if (initialized && unavailable == null) {
            return instance;
        }
        synchronized (this) {
            checkAvailable();
            if (!initialized) {
                Servlet servlet = instance != null ? instance : context.instantiate(servletClass);
                ClassLoader previous = Thread.currentThread().getContextClassLoader();
                Thread.currentThread().setContextClassLoader(context.getClassLoader());
                try {
                    servlet.init(this);
                } catch (UnavailableException e) {
                    markUnavailable(e);
                    LOG.log(System.Logger.Level.ERROR, "servlet " + getName() + " is unavailable", e);
                    throw e;
                } finally {
                    Thread.currentThread().setContextClassLoader(previous);
                }
                instance = servlet;
                initialized = true;
                context.initialized(this);
            }
            return instance;
        }
    }

    /**
     * Runs a request through the servlet. An UnavailableException takes the servlet out of service (Servlet 6.0
     * section 2.3.3.2): the requests after it are refused like this one, a temporary one's for its seconds, as Jetty
     * does. A permanent one destroys the servlet once the calls already in its service method have returned
     * (section 2.3.4), not under them.
     */
    void service(ServletRequest request, ServletResponse response) throws ServletException, IOException {
        inService.incrementAndGet();
        try {
            Servlet servlet = servlet();
            servlet.service(request, response);
        } catch (UnavailableException e) {
            synchronized (this) {
                if (unavailable == null) {
                    markUnavailable(e);
                    if (e.isPermanent()) {
                        LOG.log(System.Logger.Level.ERROR, "servlet " + getName() + " is permanently unavailable",
                                e);
                        destroyWhenIdle = true;
                    }
                }
            }
            throw e;
        } finally {
            if (inService.decrementAndGet() == 0 && destroyWhenIdle) {
                synchronized (this) {
                    // a call that came in since is refused (unavailable) and destroys on its way out, if last
                    if (destroyWhenIdle && inService.get() == 0) {
                        destroyWhenIdle = false;
                        destroy();
                    }
                }
            }
        }
    }

    /** Refuses a request while the servlet is out of service; a temporary unavailability ends with its time. */
    private void checkAvailable() throws UnavailableException {
        UnavailableException refused = unavailable;
        if (refused == null) {
            return;
        }
        if (!refused.isPermanent() && System.nanoTime() - unavailableUntil >= 0) {
            unavailable = null; // init is tried again
            return;
        }
        throw refused;
    }

    private void markUnavailable(UnavailableException e) {
        unavailable = e;
        unavailableUntil = System.nanoTime() + Math.max(0, e.getUnavailableSeconds()) * 1_000_000_000L;
    }

    /** Whether the servlet has been initialised. */
    public boolean isInitialized() {
        return initialized;
    }

    synchronized void destroy() {
        if (initialized) {
            try {
                instance.destroy();
            } catch (RuntimeException e) {
                LOG.log(System.Logger.Level.WARNING, "servlet " + getName() + " failed to destroy", e);
            }
            initialized = false;
        }
    }

    Class<? extends Servlet> servletClass() {
        return servletClass;
    }

    int order() {
        return order;
    }

    // ---- ServletRegistration

    /** Maps the patterns; a {@code @ServletSecurity} or setServletSecurity of the servlet applies to them too. */
    @Override
    public Set<String> addMapping(String... urlPatterns) {
        if (urlPatterns == null || urlPatterns.length == 0) {
            throw new IllegalArgumentException("no url-pattern");
        }
        context.checkNotInitialized();
        Set<String> conflicts = new LinkedHashSet<>();
        for (String pattern : urlPatterns) {
            ServletHolder other = context.mappings().holderOf(pattern);
            if (other != null && other != this) {
                conflicts.add(pattern);
            }
        }
        if (!conflicts.isEmpty()) {
            return conflicts;
        }
        for (String pattern : urlPatterns) {
            context.mappings().add(pattern, this);
        }
        if (security != null) {
            context.securityChanged();
        }
        return conflicts;
    }

    @Override
    public Collection<String> getMappings() {
        return context.mappings().patternsOf(this);
    }

    @Override
    public String getRunAsRole() {
        return runAsRole;
    }

    @Override
    public void setLoadOnStartup(int loadOnStartup) {
        context.checkNotInitialized();
        this.loadOnStartup = loadOnStartup;
    }

    public int getLoadOnStartup() {
        return loadOnStartup;
    }

    /**
     * Sets the constraints of the servlet's url-patterns, those it has and those it is given until the context is
     * initialized, replacing those of its {@code @ServletSecurity} or of a previous call; a pattern that a descriptor's
     * security-constraint names is left alone.
     *
     * @return the servlet's url-patterns that a descriptor's security-constraint names, which this leaves alone
     */
    @Override
    public Set<String> setServletSecurity(ServletSecurityElement constraint) {
        if (constraint == null) {
            throw new IllegalArgumentException("null ServletSecurityElement");
        }
        context.checkNotInitialized();
        Set<String> declared = context.descriptorTargets();
        Set<String> leftAlone = new LinkedHashSet<>();
        for (String pattern : getMappings()) {
            if (declared.contains(pattern)) {
                leftAlone.add(pattern);
            }
        }
        security = constraint;
        context.securityChanged();
        return leftAlone;
    }

    /**
     * Reads the security annotations of the servlet's class: {@code @ServletSecurity} (unless setServletSecurity
     * gave the servlet its constraints), {@code @RunAs} (unless the descriptor's run-as) and {@code @DeclareRoles}
     * (roles of the application). The deployer calls it for the servlets of an application whose descriptor is not
     * metadata-complete; a servlet added while the context initializes reads them when added.
     */
    public void readSecurityAnnotations() {
        ServletSecurity annotation = servletClass.getAnnotation(ServletSecurity.class);
        if (annotation != null && security == null) {
            security = new ServletSecurityElement(annotation);
            context.securityChanged();
        }
        // Jakarta Annotations by name: the application may bring its own copy of them (WEB-INF/lib)
        Object runAs = annotationValue(servletClass, "jakarta.annotation.security.RunAs");
        if (runAs instanceof String && runAsRole == null) {
            runAsRole = (String) runAs;
        }
        Object roles = annotationValue(servletClass, "jakarta.annotation.security.DeclareRoles");
        if (roles instanceof String[]) {
            context.addDeclaredRoles(List.of((String[]) roles));
        }
    }

    /** The value() of the class's annotation named {@code annotationName}, whichever loader defined it, or null. */
    private static Object annotationValue(Class<?> type, String annotationName) {
        for (Annotation annotation : type.getAnnotations()) {
            if (annotation.annotationType().getName().equals(annotationName)) {
                try {
                    return annotation.annotationType().getMethod("value").invoke(annotation);
                } catch (ReflectiveOperationException | RuntimeException e) {
                    LOG.log(System.Logger.Level.WARNING, "cannot read @" + annotationName + " of " + type.getName(),
                            e);
                    return null;
                }
            }
        }
        return null;
    }

    /**
     * The constraints of the servlet's {@code @ServletSecurity} or setServletSecurity for its url-patterns but
     * {@code leftAlone}; none without either.
     */
    List<SecurityConstraint> securityConstraints(Set<String> leftAlone) {
        ServletSecurityElement element = security;
        if (element == null) {
            return List.of();
        }
        List<String> patterns = new java.util.ArrayList<>();
        for (String pattern : getMappings()) {
            if (!leftAlone.contains(pattern)) {
                patterns.add(pattern);
            }
        }
        return ServletSecurityConstraints.of(element, patterns);
    }

    /**
     * Maps a role name the servlet's code uses (isUserInRole) to the application's role: its security-role-ref's
     * role-link, or the name itself when it has none.
     */
    public String roleLink(String roleName) {
        String link = roleName == null ? null : roleLinks.get(roleName);
        return link != null ? link : roleName;
    }

    /** Adds a security-role-ref: {@code roleName} in the servlet's code stands for the role {@code roleLink}. */
    public void addRoleRef(String roleName, String roleLink) {
        context.checkNotInitialized();
        roleLinks.put(roleName, roleLink);
    }

    /** The role the servlet runs as (run-as, {@code @RunAs}, setRunAsRole), or null. */
    public String runAsRole() {
        return runAsRole;
    }

    @Override
    public void setMultipartConfig(MultipartConfigElement config) {
        if (config == null) {
            throw new IllegalArgumentException("null MultipartConfigElement");
        }
        context.checkNotInitialized();
        this.multipartConfig = config;
    }

    /** The servlet's multipart configuration, or null when it takes no multipart requests. */
    public MultipartConfigElement multipartConfig() {
        return multipartConfig;
    }

    @Override
    public void setRunAsRole(String roleName) {
        context.checkNotInitialized();
        this.runAsRole = roleName;
    }

    // ---- ServletConfig

    @Override
    public String getServletName() {
        return getName();
    }

    @Override
    public ServletContext getServletContext() {
        return context;
    }

    @Override
    public Enumeration<String> getInitParameterNames() {
        return Collections.enumeration(getInitParameters().keySet());
    }

    @Override
    public String getInitParameter(String key) {
        String own = super.getInitParameter(key);
        return own != null ? own : inheritedParameters.get(key);
    }

    @Override
    public Map<String, String> getInitParameters() {
        Map<String, String> all = new LinkedHashMap<>(inheritedParameters);
        all.putAll(super.getInitParameters());
        return Collections.unmodifiableMap(all);
    }

    /** Init-params this servlet has unless it sets its own of the same name. */
    void inheritInitParameters(Map<String, String> parameters) {
        inheritedParameters = Map.copyOf(parameters);
    }
}
