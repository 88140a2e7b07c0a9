package org.fcgibridge.servlet.war;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.fcgibridge.servlet.container.JspConfig;
import org.fcgibridge.servlet.security.LoginConfig;
import org.fcgibridge.servlet.security.SecurityConstraint;

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
        /** security-role-ref: the role name the servlet's code uses to the application's role (role-link). */
        public final Map<String, String> roleRefs = new LinkedHashMap<>();
        /** run-as's role-name, or null. */
        public String runAs;
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
    /** The security-constraints, one per web-resource-collection, in order. */
    public final List<SecurityConstraint> securityConstraints = new ArrayList<>();
    /** The login-config, or null when the descriptor has none. */
    public LoginConfig loginConfig;
    /** Where the login-config comes from ("web.xml", a fragment's file), for the conflict between fragments. */
    public String loginConfigSource;
    /** The security-roles' role-names. */
    public final Set<String> securityRoles = new LinkedHashSet<>();
    public boolean denyUncoveredHttpMethods;
    /** jsp-config: taglib locations and JSP property groups. */
    public JspConfig jspConfig = JspConfig.NONE;
    private boolean loginConfigFromFragment;

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
     * descriptor wins on conflicts; mappings, listeners, security constraints and roles add up).
     *
     * @throws IllegalArgumentException if the fragment conflicts with another fragment where web.xml does not decide
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
                servlet.roleRefs.forEach(declared.roleRefs::putIfAbsent);
                if (declared.runAs == null) {
                    declared.runAs = servlet.runAs;
                }
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
        jspConfig = jspConfig.plus(fragment.jspConfig);
        // section 8.2.3: security-constraints and security-roles add up; a login-config of web.xml wins, and two
        // fragments that declare different ones without web.xml deciding are an error
        securityConstraints.addAll(fragment.securityConstraints);
        securityRoles.addAll(fragment.securityRoles);
        denyUncoveredHttpMethods |= fragment.denyUncoveredHttpMethods;
        if (fragment.loginConfig != null) {
            if (loginConfig == null) {
                loginConfig = fragment.loginConfig;
                loginConfigSource = fragment.loginConfigSource;
                loginConfigFromFragment = true;
            } else if (loginConfigFromFragment && !loginConfig.equals(fragment.loginConfig)) {
                throw new IllegalArgumentException(loginConfigSource + " and " + fragment.loginConfigSource
                        + " declare different <login-config>s, and web.xml none (Servlet 6.0 section 8.2.3)");
            }
        }
        fragment.mimeMappings.forEach(mimeMappings::putIfAbsent);
        fragment.localeEncodings.forEach(localeEncodings::putIfAbsent);
        if (welcomeFiles == null && fragment.welcomeFiles != null) {
            welcomeFiles = fragment.welcomeFiles;
        }
    }
}
