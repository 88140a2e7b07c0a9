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
import java.io.IOException;
import java.util.Collection;
import java.util.Enumeration;
import java.util.LinkedHashSet;
import java.util.Set;

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
    private int loadOnStartup = -1;
    private MultipartConfigElement multipartConfig;
    private String runAsRole;
    private final int order;

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
     * section 2.3.3.2): a permanent one destroys it and the requests after it are refused like this one; a temporary
     * one refuses them for its seconds, as Jetty does.
     */
    void service(ServletRequest request, ServletResponse response) throws ServletException, IOException {
        Servlet servlet = servlet();
        try {
            servlet.service(request, response);
        } catch (UnavailableException e) {
            synchronized (this) {
                if (unavailable == null) {
                    markUnavailable(e);
                    if (e.isPermanent()) {
                        LOG.log(System.Logger.Level.ERROR, "servlet " + getName() + " is permanently unavailable",
                                e);
                        destroy();
                    }
                }
            }
            throw e;
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

    @Override
    public Set<String> setServletSecurity(ServletSecurityElement constraint) {
        if (constraint == null) {
            throw new IllegalArgumentException("null ServletSecurityElement");
        }
        context.checkNotInitialized();
        return Set.of(); // the web server authenticates; constraints are the Jetty engine's business
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
        return initParameterNames();
    }
}
