package org.fcgibridge.servlet.container;

import jakarta.servlet.DispatcherType;
import jakarta.servlet.Filter;
import jakarta.servlet.FilterConfig;
import jakarta.servlet.FilterRegistration;
import jakarta.servlet.ServletContext;
import jakarta.servlet.ServletException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.EnumSet;
import java.util.Enumeration;
import java.util.List;

/**
 * One filter of the context: its registration and its single instance, initialised when the context starts.
 */
public final class FilterHolder extends Holder implements FilterRegistration.Dynamic, FilterConfig {
    private static final System.Logger LOG = System.getLogger(FilterHolder.class.getName());

    private final Class<? extends Filter> filterClass;
    private volatile Filter instance;
    private volatile boolean initialized;

    FilterHolder(BridgeServletContext context, String name, Class<? extends Filter> filterClass, Filter instance) {
        super(context, name, filterClass != null ? filterClass.getName() : instance.getClass().getName());
        this.filterClass = filterClass != null ? filterClass : instance.getClass();
        this.instance = instance;
        // @WebFilter's async-supported belongs to the filter the annotation declares: the deployer applies it
    }

    synchronized Filter filter() throws ServletException {
        if (!initialized) {
            Filter filter = instance != null ? instance : context.instantiate(filterClass);
            ClassLoader previous = Thread.currentThread().getContextClassLoader();
            Thread.currentThread().setContextClassLoader(context.getClassLoader());
            try {
                filter.init(this);
            } finally {
                Thread.currentThread().setContextClassLoader(previous);
            }
            instance = filter;
            initialized = true;
        }
        return instance;
    }

    synchronized void destroy() {
        if (initialized) {
            try {
                instance.destroy();
            } catch (RuntimeException e) {
                LOG.log(System.Logger.Level.WARNING, "filter " + getName() + " failed to destroy", e);
            }
            initialized = false;
        }
    }

    // ---- FilterRegistration

    @Override
    public void addMappingForServletNames(EnumSet<DispatcherType> dispatcherTypes, boolean isMatchAfter,
                                          String... servletNames) {
        if (servletNames == null || servletNames.length == 0) {
            throw new IllegalArgumentException("no servlet name");
        }
        context.checkNotInitialized();
        context.filterMappings().add(new FilterMapping(this, List.of(), List.of(servletNames),
                dispatcherTypes), isMatchAfter);
    }

    @Override
    public Collection<String> getServletNameMappings() {
        List<String> names = new ArrayList<>();
        for (FilterMapping mapping : context.filterMappings().of(this)) {
            names.addAll(mapping.servletNames());
        }
        return names;
    }

    @Override
    public void addMappingForUrlPatterns(EnumSet<DispatcherType> dispatcherTypes, boolean isMatchAfter,
                                         String... urlPatterns) {
        if (urlPatterns == null || urlPatterns.length == 0) {
            throw new IllegalArgumentException("no url-pattern");
        }
        for (String pattern : urlPatterns) {
            ServletMappings.validate(pattern);
        }
        context.checkNotInitialized();
        context.filterMappings().add(new FilterMapping(this, List.of(urlPatterns), List.of(), dispatcherTypes),
                isMatchAfter);
    }

    @Override
    public Collection<String> getUrlPatternMappings() {
        List<String> patterns = new ArrayList<>();
        for (FilterMapping mapping : context.filterMappings().of(this)) {
            patterns.addAll(mapping.urlPatterns());
        }
        return patterns;
    }

    // ---- FilterConfig

    @Override
    public String getFilterName() {
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
