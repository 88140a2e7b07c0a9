package org.fcgibridge.servlet.war;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What a web.xml (or a web-fragment.xml) declares, as plain mutable data: the parser fills it, fragments are merged
 * into it, and {@link WebAppDeployer} applies it to a context.
 */
public final class WebXml {
    /** A servlet declaration. */
    public static final class Servlet {
        public String name;
        public String className;
        public String jspFile;
        public final Map<String, String> initParams = new LinkedHashMap<>();
        public Integer loadOnStartup;
        public Boolean asyncSupported;
        public Multipart multipart;
        public Boolean enabled;
    }

    /** A filter declaration. */
    public static final class Filter {
        public String name;
        public String className;
        public final Map<String, String> initParams = new LinkedHashMap<>();
        public Boolean asyncSupported;
    }

    /** A filter mapping: url-patterns or servlet names, for dispatcher types. */
    public static final class FilterMapping {
        public String filterName;
        public final List<String> urlPatterns = new ArrayList<>();
        public final List<String> servletNames = new ArrayList<>();
        public final List<String> dispatchers = new ArrayList<>();
    }

    /** A multipart-config. */
    public static final class Multipart {
        public String location = "";
        public long maxFileSize = -1;
        public long maxRequestSize = -1;
        public int fileSizeThreshold;
    }

    /** An error-page: by code, by exception type, or the default (neither). */
    public static final class ErrorPage {
        public Integer code;
        public String exceptionType;
        public String location;
    }

    /** {@code <others/>} in an ordering: a name no fragment can have. */
    public static final String OTHERS = "\0others";

    public String version;
    public boolean metadataComplete;
    public String displayName;
    public String fragmentName;
    public final Map<String, String> contextParams = new LinkedHashMap<>();
    public final List<Servlet> servlets = new ArrayList<>();
    public final Map<String, List<String>> servletMappings = new LinkedHashMap<>();
    public final List<Filter> filters = new ArrayList<>();
    public final List<FilterMapping> filterMappings = new ArrayList<>();
    public final List<String> listeners = new ArrayList<>();
    public final List<ErrorPage> errorPages = new ArrayList<>();
    public List<String> welcomeFiles;
    public final Map<String, String> mimeMappings = new LinkedHashMap<>();
    public Integer sessionTimeout;
    public String cookieName;
    public String cookieDomain;
    public String cookiePath;
    public Boolean cookieHttpOnly;
    public Boolean cookieSecure;
    public Integer cookieMaxAge;
    public final List<String> trackingModes = new ArrayList<>();
    public String requestCharacterEncoding;
    public String responseCharacterEncoding;
    /** locale-encoding-mapping-list: locale ("ja", "zh_CN") to charset. */
    public final Map<String, String> localeEncodings = new LinkedHashMap<>();
    /** web.xml's absolute-ordering: fragment names and {@link #OTHERS}; null when it has none. */
    public List<String> absoluteOrdering;
    /** A fragment's relative ordering: the names (or {@link #OTHERS}) it comes before and after. */
    public List<String> before = List.of();
    public List<String> after = List.of();

    /** The servlet named {@code name}, or null. */
    public Servlet servlet(String name) {
        for (Servlet servlet : servlets) {
            if (servlet.name.equals(name)) {
                return servlet;
            }
        }
        return null;
    }

    /** The filter named {@code name}, or null. */
    public Filter filter(String name) {
        for (Filter filter : filters) {
            if (filter.name.equals(name)) {
                return filter;
            }
        }
        return null;
    }

    /**
     * Adds what a web-fragment.xml declares and this descriptor does not (Servlet 6.0 section 8.2.3: the main
     * descriptor wins on conflicts; mappings and listeners add up).
     */
    public void merge(WebXml fragment) {
        fragment.contextParams.forEach(contextParams::putIfAbsent);
        for (Servlet servlet : fragment.servlets) {
            Servlet declared = servlet(servlet.name);
            if (declared == null) {
                servlets.add(servlet);
            } else {
                // Servlet 6.0 section 8.2.3: init-params add up; those declared first (web.xml) keep their value
                servlet.initParams.forEach(declared.initParams::putIfAbsent);
            }
        }
        // a servlet's url-patterns in web.xml replace those of fragments for the same servlet
        fragment.servletMappings.forEach((name, patterns) -> servletMappings.putIfAbsent(name, patterns));
        for (Filter filter : fragment.filters) {
            Filter declared = filter(filter.name);
            if (declared == null) {
                filters.add(filter);
            } else {
                filter.initParams.forEach(declared.initParams::putIfAbsent);
            }
        }
        filterMappings.addAll(fragment.filterMappings);
        for (String listener : fragment.listeners) {
            if (!listeners.contains(listener)) {
                listeners.add(listener);
            }
        }
        errorPages.addAll(fragment.errorPages);
        fragment.mimeMappings.forEach(mimeMappings::putIfAbsent);
        fragment.localeEncodings.forEach(localeEncodings::putIfAbsent);
        if (welcomeFiles == null && fragment.welcomeFiles != null) {
            welcomeFiles = fragment.welcomeFiles;
        }
    }
}
