package org.fcgibridge.servlet.war;

import java.io.IOException;
import java.io.InputStream;
import java.io.StringReader;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilder;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.parsers.ParserConfigurationException;
import org.fcgibridge.servlet.container.JspConfig;
import org.fcgibridge.servlet.security.LoginConfig;
import org.fcgibridge.servlet.security.SecurityConstraint;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.w3c.dom.NodeList;
import org.xml.sax.InputSource;
import org.xml.sax.SAXException;
import org.xml.sax.SAXParseException;

/**
 * Reads web.xml and web-fragment.xml (any Servlet version's namespace, or none) with the JDK's XML parser, external
 * entities and DTDs switched off. Unknown elements are ignored; malformed XML and missing required elements are
 * errors that name the file, line and element.
 */
public final class WebXmlParser {
    /** The single-valued elements of a jsp-property-group. */
    private static final Set<String> JSP_SETTINGS = Set.of("el-ignored", "error-on-el-not-found", "page-encoding",
            "scripting-invalid", "is-xml", "deferred-syntax-allowed-as-literal", "trim-directive-whitespaces",
            "default-content-type", "buffer", "error-on-undeclared-namespace");

    private WebXmlParser() {
    }

    /**
     * @param source the file's name, for error messages
     * @throws DeploymentException if the XML is malformed or a required element is missing
     */
    public static WebXml parse(InputStream in, String source) throws DeploymentException {
        Document document;
        try {
            DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
            factory.setNamespaceAware(true);
            factory.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
            factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", false);
            factory.setFeature("http://xml.org/sax/features/external-general-entities", false);
            factory.setFeature("http://xml.org/sax/features/external-parameter-entities", false);
            factory.setFeature("http://apache.org/xml/features/nonvalidating/load-external-dtd", false);
            factory.setExpandEntityReferences(false);
            DocumentBuilder builder = factory.newDocumentBuilder();
            builder.setEntityResolver((publicId, systemId) -> new InputSource(new StringReader("")));
            builder.setErrorHandler(null);
            document = builder.parse(in);
        } catch (SAXParseException e) {
            throw new DeploymentException(source + ":" + e.getLineNumber() + ":" + e.getColumnNumber()
                    + ": malformed XML: " + e.getMessage(), e);
        } catch (SAXException | IOException | ParserConfigurationException e) {
            throw new DeploymentException(source + ": cannot read: " + e.getMessage(), e);
        }
        Element root = document.getDocumentElement();
        String rootName = root.getLocalName() != null ? root.getLocalName() : root.getNodeName();
        if (!rootName.equals("web-app") && !rootName.equals("web-fragment")) {
            throw new DeploymentException(source + ": the root element is <" + rootName
                    + ">, not <web-app> or <web-fragment>");
        }
        WebXml web = new WebXml();
        web.version = attribute(root, "version");
        web.metadataComplete = "true".equalsIgnoreCase(attribute(root, "metadata-complete"));
        for (Element element : children(root)) {
            switch (name(element)) {
                case "display-name":
                    web.displayName = text(element);
                    break;
                case "name":
                    web.fragmentName = text(element);
                    break;
                case "context-param":
                    web.contextParams.put(required(element, "param-name", source),
                            optional(element, "param-value", ""));
                    break;
                case "servlet":
                    web.servlets.add(servlet(element, source));
                    break;
                case "servlet-mapping":
                    web.servletMappings.computeIfAbsent(required(element, "servlet-name", source),
                            k -> new ArrayList<>()).addAll(urlPatterns(element));
                    break;
                case "filter":
                    web.filters.add(filter(element, source));
                    break;
                case "filter-mapping":
                    WebXml.FilterMapping mapping = new WebXml.FilterMapping();
                    mapping.filterName = required(element, "filter-name", source);
                    mapping.urlPatterns.addAll(urlPatterns(element));
                    mapping.servletNames.addAll(all(element, "servlet-name"));
                    mapping.dispatchers.addAll(all(element, "dispatcher"));
                    web.filterMappings.add(mapping);
                    break;
                case "listener":
                    web.listeners.add(required(element, "listener-class", source));
                    break;
                case "error-page":
                    WebXml.ErrorPage page = new WebXml.ErrorPage();
                    String code = optional(element, "error-code", null);
                    if (code != null) {
                        page.code = integer(code, source, "error-code");
                    }
                    page.exceptionType = optional(element, "exception-type", null);
                    page.location = required(element, "location", source);
                    web.errorPages.add(page);
                    break;
                case "welcome-file-list":
                    web.welcomeFiles = all(element, "welcome-file");
                    break;
                case "mime-mapping":
                    web.mimeMappings.put(required(element, "extension", source),
                            required(element, "mime-type", source));
                    break;
                case "session-config":
                    sessionConfig(web, element, source);
                    break;
                case "request-character-encoding":
                    web.requestCharacterEncoding = text(element);
                    break;
                case "response-character-encoding":
                    web.responseCharacterEncoding = text(element);
                    break;
                case "locale-encoding-mapping-list":
                    for (Element entry : children(element)) {
                        if (name(entry).equals("locale-encoding-mapping")) {
                            web.localeEncodings.put(required(entry, "locale", source),
                                    required(entry, "encoding", source));
                        }
                    }
                    break;
                case "absolute-ordering":
                    web.absoluteOrdering = names(element);
                    break;
                case "ordering":
                    Element before = child(element, "before");
                    Element after = child(element, "after");
                    web.before = before == null ? List.of() : names(before);
                    web.after = after == null ? List.of() : names(after);
                    break;
                case "security-constraint":
                    web.securityConstraints.addAll(securityConstraint(element, source));
                    break;
                case "login-config":
                    web.loginConfig = loginConfig(element);
                    web.loginConfigSource = source;
                    break;
                case "security-role":
                    web.securityRoles.add(required(element, "role-name", source));
                    break;
                case "deny-uncovered-http-methods":
                    web.denyUncoveredHttpMethods = true;
                    break;
                case "jsp-config":
                    web.jspConfig = web.jspConfig.plus(jspConfig(element, source));
                    break;
                default:
                    break; // JNDI...: not the standalone engine's business
            }
        }
        return web;
    }

    private static JspConfig jspConfig(Element element, String source) throws DeploymentException {
        List<JspConfig.Taglib> taglibs = new ArrayList<>();
        List<JspConfig.PropertyGroup> groups = new ArrayList<>();
        for (Element entry : children(element)) {
            if (name(entry).equals("taglib")) {
                taglibs.add(new JspConfig.Taglib(required(entry, "taglib-uri", source),
                        required(entry, "taglib-location", source)));
            } else if (name(entry).equals("jsp-property-group")) {
                Map<String, String> settings = new HashMap<>();
                for (Element setting : children(entry)) {
                    if (JSP_SETTINGS.contains(name(setting))) {
                        settings.put(name(setting), text(setting));
                    }
                }
                groups.add(new JspConfig.PropertyGroup(all(entry, "url-pattern"), settings,
                        all(entry, "include-prelude"), all(entry, "include-coda")));
            }
        }
        return new JspConfig(taglibs, groups);
    }

    private static WebXml.Servlet servlet(Element element, String source) throws DeploymentException {
        WebXml.Servlet servlet = new WebXml.Servlet();
        servlet.name = required(element, "servlet-name", source);
        servlet.className = optional(element, "servlet-class", null);
        servlet.jspFile = optional(element, "jsp-file", null);
        if (servlet.className == null && servlet.jspFile == null) {
            throw new DeploymentException(source + ": servlet " + servlet.name + " has no <servlet-class>");
        }
        initParams(element, servlet.initParams, source);
        String load = optional(element, "load-on-startup", null);
        if (load != null) {
            servlet.loadOnStartup = load.isEmpty() ? 0 : integer(load, source, "load-on-startup");
        }
        String async = optional(element, "async-supported", null);
        if (async != null) {
            servlet.asyncSupported = Boolean.parseBoolean(async);
        }
        String enabled = optional(element, "enabled", null);
        if (enabled != null) {
            servlet.enabled = Boolean.parseBoolean(enabled);
        }
        Element multipart = child(element, "multipart-config");
        if (multipart != null) {
            WebXml.Multipart config = new WebXml.Multipart();
            config.location = optional(multipart, "location", "");
            config.maxFileSize = longValue(optional(multipart, "max-file-size", "-1"), source, "max-file-size");
            config.maxRequestSize = longValue(optional(multipart, "max-request-size", "-1"), source,
                    "max-request-size");
            config.fileSizeThreshold = integer(optional(multipart, "file-size-threshold", "0"), source,
                    "file-size-threshold");
            servlet.multipart = config;
        }
        for (Element ref : children(element)) {
            if (name(ref).equals("security-role-ref")) {
                String role = required(ref, "role-name", source);
                servlet.roleRefs.put(role, optional(ref, "role-link", role));
            }
        }
        Element runAs = child(element, "run-as");
        if (runAs != null) {
            servlet.runAs = required(runAs, "role-name", source);
        }
        return servlet;
    }

    /**
     * A security-constraint: one {@link SecurityConstraint} per web-resource-collection (each names its own
     * methods), sharing the auth-constraint and the user-data-constraint.
     */
    private static List<SecurityConstraint> securityConstraint(Element element, String source)
            throws DeploymentException {
        Set<String> roles = null; // no auth-constraint: no user needed
        Element auth = child(element, "auth-constraint");
        if (auth != null) {
            roles = new LinkedHashSet<>(all(auth, "role-name")); // none: no one
        }
        boolean confidential = false;
        Element userData = child(element, "user-data-constraint");
        if (userData != null) {
            String guarantee = required(userData, "transport-guarantee", source).toUpperCase(Locale.ROOT);
            switch (guarantee) {
                case "NONE":
                    break;
                case "INTEGRAL":
                case "CONFIDENTIAL":
                    confidential = true;
                    break;
                default:
                    throw new DeploymentException(source + ": <transport-guarantee> is NONE, INTEGRAL or "
                            + "CONFIDENTIAL, not " + guarantee);
            }
        }
        List<SecurityConstraint> constraints = new ArrayList<>();
        for (Element collection : children(element)) {
            if (!name(collection).equals("web-resource-collection")) {
                continue;
            }
            List<String> patterns = urlPatterns(collection);
            if (patterns.isEmpty()) {
                throw new DeploymentException(source + ": <web-resource-collection> without <url-pattern>");
            }
            try {
                constraints.add(new SecurityConstraint(patterns, new LinkedHashSet<>(all(collection, "http-method")),
                        new LinkedHashSet<>(all(collection, "http-method-omission")), roles, confidential));
            } catch (IllegalArgumentException e) {
                throw new DeploymentException(source + ": <security-constraint>: " + e.getMessage(), e);
            }
        }
        if (constraints.isEmpty()) {
            throw new DeploymentException(source + ": <security-constraint> without <web-resource-collection>");
        }
        return constraints;
    }

    private static LoginConfig loginConfig(Element element) {
        String method = optional(element, "auth-method", null);
        Element form = child(element, "form-login-config");
        return new LoginConfig(method == null || method.isEmpty() ? null : method.toUpperCase(Locale.ROOT),
                optional(element, "realm-name", null),
                form == null ? null : optional(form, "form-login-page", null),
                form == null ? null : optional(form, "form-error-page", null));
    }

    private static WebXml.Filter filter(Element element, String source) throws DeploymentException {
        WebXml.Filter filter = new WebXml.Filter();
        filter.name = required(element, "filter-name", source);
        filter.className = required(element, "filter-class", source);
        initParams(element, filter.initParams, source);
        String async = optional(element, "async-supported", null);
        if (async != null) {
            filter.asyncSupported = Boolean.parseBoolean(async);
        }
        return filter;
    }

    private static void initParams(Element element, java.util.Map<String, String> into, String source)
            throws DeploymentException {
        for (Element param : children(element)) {
            if (name(param).equals("init-param")) {
                // a name given twice keeps its first value, as Jetty and Tomcat read it (the TCK's fragment tests)
                into.putIfAbsent(required(param, "param-name", source), optional(param, "param-value", ""));
            }
        }
    }

    private static void sessionConfig(WebXml web, Element element, String source) throws DeploymentException {
        String timeout = optional(element, "session-timeout", null);
        if (timeout != null) {
            web.sessionTimeout = integer(timeout, source, "session-timeout");
        }
        Element cookie = child(element, "cookie-config");
        if (cookie != null) {
            web.cookieName = optional(cookie, "name", null);
            web.cookieDomain = optional(cookie, "domain", null);
            web.cookiePath = optional(cookie, "path", null);
            String httpOnly = optional(cookie, "http-only", null);
            web.cookieHttpOnly = httpOnly == null ? null : Boolean.parseBoolean(httpOnly);
            String secure = optional(cookie, "secure", null);
            web.cookieSecure = secure == null ? null : Boolean.parseBoolean(secure);
            String maxAge = optional(cookie, "max-age", null);
            web.cookieMaxAge = maxAge == null ? null : integer(maxAge, source, "max-age");
        }
        web.trackingModes.addAll(all(element, "tracking-mode"));
    }

    /**
     * The url-patterns of a mapping, one without a leading '/' (Servlet 2.2 allowed "name") made "/name", as Jetty
     * and Tomcat do: the TCK's compat tests deploy such a descriptor.
     */
    private static List<String> urlPatterns(Element mapping) {
        List<String> patterns = new ArrayList<>();
        for (String pattern : all(mapping, "url-pattern")) {
            patterns.add(pattern.isEmpty() || pattern.startsWith("/") || pattern.startsWith("*") ? pattern
                    : "/" + pattern);
        }
        return patterns;
    }

    /** The {@code <name>}s of an ordering element, {@link WebXml#OTHERS} for {@code <others/>}, in order. */
    private static List<String> names(Element ordering) {
        List<String> names = new ArrayList<>();
        for (Element child : children(ordering)) {
            if (name(child).equals("others")) {
                names.add(WebXml.OTHERS);
            } else if (name(child).equals("name")) {
                names.add(text(child));
            }
        }
        return names;
    }

    // ---- DOM helpers

    private static String name(Node node) {
        return node.getLocalName() != null ? node.getLocalName() : node.getNodeName();
    }

    private static String attribute(Element element, String name) {
        String value = element.getAttribute(name);
        return value.isEmpty() ? null : value;
    }

    private static List<Element> children(Element parent) {
        List<Element> children = new ArrayList<>();
        NodeList nodes = parent.getChildNodes();
        for (int i = 0; i < nodes.getLength(); i++) {
            if (nodes.item(i) instanceof Element) {
                children.add((Element) nodes.item(i));
            }
        }
        return children;
    }

    private static Element child(Element parent, String name) {
        for (Element child : children(parent)) {
            if (name(child).equals(name)) {
                return child;
            }
        }
        return null;
    }

    private static String text(Element element) {
        return element.getTextContent().trim();
    }

    private static String optional(Element parent, String name, String fallback) {
        Element child = child(parent, name);
        return child == null ? fallback : text(child);
    }

    private static String required(Element parent, String name, String source) throws DeploymentException {
        Element child = child(parent, name);
        if (child == null || text(child).isEmpty()) {
            throw new DeploymentException(source + ": <" + name(parent) + "> without <" + name + ">");
        }
        return text(child);
    }

    private static List<String> all(Element parent, String name) {
        List<String> values = new ArrayList<>();
        for (Element child : children(parent)) {
            if (name(child).equals(name)) {
                values.add(text(child));
            }
        }
        return values;
    }

    private static int integer(String text, String source, String element) throws DeploymentException {
        try {
            return Integer.parseInt(text.trim());
        } catch (NumberFormatException e) {
            throw new DeploymentException(source + ": <" + element + "> is not a number: " + text);
        }
    }

    private static long longValue(String text, String source, String element) throws DeploymentException {
        try {
            return Long.parseLong(text.trim());
        } catch (NumberFormatException e) {
            throw new DeploymentException(source + ": <" + element + "> is not a number: " + text);
        }
    }
}
