package org.fcgibridge.servlet.war;

import io.github.classgraph.ClassGraph;
import io.github.classgraph.ClassInfo;
import io.github.classgraph.ClassInfoList;
import io.github.classgraph.ScanResult;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.Filter;
import jakarta.servlet.FilterRegistration;
import jakarta.servlet.MultipartConfigElement;
import jakarta.servlet.Servlet;
import jakarta.servlet.ServletContainerInitializer;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRegistration;
import jakarta.servlet.SessionCookieConfig;
import jakarta.servlet.SessionTrackingMode;
import jakarta.servlet.annotation.HandlesTypes;
import jakarta.servlet.annotation.WebFilter;
import jakarta.servlet.annotation.WebInitParam;
import jakarta.servlet.annotation.WebListener;
import jakarta.servlet.annotation.WebServlet;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.EventListener;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.ServiceConfigurationError;
import java.util.Set;
import java.util.function.Consumer;
import java.util.jar.JarFile;
import java.util.zip.ZipEntry;
import java.util.stream.Stream;
import org.fcgibridge.servlet.container.BridgeServletContext;
import org.fcgibridge.servlet.container.NoJspServlet;
import org.fcgibridge.servlet.container.ServletHolder;
import org.fcgibridge.servlet.container.WebResources;
import org.fcgibridge.servlet.security.SecurityConstraint;

/**
 * Deploys a web application from a packed WAR or an exploded directory into a {@link BridgeServletContext}:
 * WEB-INF/classes and WEB-INF/lib in the application's own class loader, web.xml and the web-fragment.xml of its jars,
 * the {@code @WebServlet}, {@code @WebFilter}, {@code @WebListener} and {@code @MultipartConfig} annotations (unless
 * metadata-complete), and the ServletContainerInitializers of its jars with their {@code @HandlesTypes} classes
 * (scanned with ClassGraph); JSP pages through the launcher's Jasper where it is on the class path.
 */
public final class WebAppDeployer {
    private static final System.Logger LOG = System.getLogger(WebAppDeployer.class.getName());
    /** Whether the launcher carries Jasper, the standalone engine's JSP engine. */
    private static final boolean JSP = Jasper.available();

    private WebAppDeployer() {
    }

    /** A deployed application: its context and where its files are. */
    public record Deployment(BridgeServletContext context, Path root, Path workDirectory,
                             WebAppClassLoader classLoader) {
        /**
         * Stops the application, closes its class loader (and so its jars) and deletes its work directory (the
         * unpacked WAR, the temporary files). Idempotent; failures to delete are logged, not thrown.
         */
        public void undeploy() {
            context.stop();
            context.resources().close();
            release(workDirectory, classLoader);
        }
    }

    /**
     * Deploys and starts the application.
     *
     * @param war         a .war file or an exploded web application directory
     * @param contextPath "" or "/name"
     * @param parent      the class loader the servlet API and the bridge come from
     * @throws DeploymentException naming the file and the cause, if anything fails (the application is stopped)
     */
    public static Deployment deploy(Path war, String contextPath, ClassLoader parent) throws DeploymentException {
        return deploy(war, contextPath, parent, null, context -> { });
    }

    /**
     * Deploys and starts the application, its work directory (the unpacked WAR, the temporary files) under
     * {@code workRoot} (null: the JVM's temporary directory), {@code configure} setting up its context before it
     * starts (its realm, whether the web server authenticates the users). An application that needs users (a
     * login-config with an auth-method, or a constraint that only some users pass) is refused without a realm, unless
     * the web server authenticates: before it starts as far as its descriptors and annotations tell, and after it
     * started, its initializers having declared theirs (setServletSecurity).
     *
     * @throws DeploymentException naming the file and the cause, if anything fails (the application is stopped)
     */
    public static Deployment deploy(Path war, String contextPath, ClassLoader parent, Path workRoot,
                                    Consumer<BridgeServletContext> configure) throws DeploymentException {
        Deployment deployment = prepare(war, contextPath, parent, workRoot);
        try {
            configure.accept(deployment.context());
            checkUsers(war, deployment.context());
        } catch (DeploymentException | RuntimeException | Error e) {
            deployment.undeploy();
            throw e;
        }
        try {
            deployment.context().start();
        } catch (ServletException | RuntimeException e) {
            deployment.undeploy();
            Throwable cause = e instanceof ServletException && ((ServletException) e).getRootCause() != null
                    ? ((ServletException) e).getRootCause() : e;
            throw new DeploymentException(war + ": the web application failed to start: " + cause, e);
        }
        try {
            checkUsers(war, deployment.context());
        } catch (DeploymentException e) {
            deployment.undeploy();
            throw e;
        }
        // once started: a failed start is one line, the launcher's
        LOG.log(System.Logger.Level.INFO, "deployed {0} at context path \"{1}\" ({2} servlets)", war, contextPath,
                deployment.context().getServletRegistrations().size());
        return deployment;
    }

    /**
     * Refuses an application that needs users when no one can authenticate them: serving it would answer 401 or 403
     * to everyone, or, worse, tempt its operator to drop its constraints. The message matches the Jetty engine's.
     */
    private static void checkUsers(Path war, BridgeServletContext context) throws DeploymentException {
        if (context.realm() != null || context.trustsWebServer()) {
            return;
        }
        String needs = whatNeedsUsers(context);
        if (needs != null) {
            throw new DeploymentException(war + " declares security constraints (" + needs
                    + "), which need users and roles: add --realm FILE");
        }
    }

    /**
     * What needs users to authenticate, or null: a login-config naming an auth-method, or a constraint that names
     * roles ("**" and "*" too). A constraint that only requires a secure connection, or denies everyone, does not.
     */
    static String whatNeedsUsers(BridgeServletContext context) {
        if (context.loginConfig().authMethod() != null) {
            return "<login-config> " + context.loginConfig().authMethod();
        }
        for (SecurityConstraint constraint : context.constraintList()) {
            if (constraint.roles() != null && !constraint.roles().isEmpty()) {
                return "a constraint on " + String.join(" ", constraint.urlPatterns());
            }
        }
        return null;
    }

    /**
     * Builds the context of the application without starting it.
     *
     * @throws DeploymentException naming the file and the cause
     */
    public static Deployment prepare(Path war, String contextPath, ClassLoader parent) throws DeploymentException {
        return prepare(war, contextPath, parent, null);
    }

    /**
     * Like {@link #prepare(Path, String, ClassLoader)}, with the work directory made under {@code workRoot} (null:
     * the JVM's temporary directory).
     */
    public static Deployment prepare(Path war, String contextPath, ClassLoader parent, Path workRoot)
            throws DeploymentException {
        if (!Files.exists(war)) {
            throw new DeploymentException(war + ": no such file or directory");
        }
        Path work;
        try {
            work = workRoot == null ? Files.createTempDirectory("fcgi-bridge-")
                    : Files.createTempDirectory(workRoot, "webapp-");
        } catch (IOException e) {
            throw new DeploymentException("cannot create a work directory: " + e.getMessage(), e);
        }
        Path root;
        WebAppClassLoader loader = null;
        boolean assembled = false;
        try { // whatever is thrown, an Error too (ServiceConfigurationError, LinkageError), releases what was made
            if (Files.isDirectory(war)) {
                root = war.toAbsolutePath().normalize();
            } else {
                root = work.resolve("webapp");
                WarUnpacker.unpack(war, root);
            }
            loader = new WebAppClassLoader(classpath(root), parent);
            Deployment deployment = assemble(war, contextPath, root, work, loader);
            assembled = true;
            return deployment;
        } finally {
            if (!assembled) {
                release(work, loader);
            }
        }
    }

    private static Deployment assemble(Path war, String contextPath, Path root, Path work, WebAppClassLoader loader)
            throws DeploymentException {
        WebXml web = descriptor(root, Files.isDirectory(war) ? root.resolve("WEB-INF/web.xml").toString()
                : war + "!/WEB-INF/web.xml");
        List<FragmentOrdering.Fragment> fragments;
        try {
            List<FragmentOrdering.Fragment> all = new ArrayList<>();
            for (Path jar : jars(loader)) {
                all.add(new FragmentOrdering.Fragment(jar, fragmentOf(jar)));
            }
            fragments = FragmentOrdering.order(web, all);
        } catch (IllegalArgumentException e) {
            throw new DeploymentException(war + ": " + e.getMessage(), e);
        }
        if (!web.metadataComplete) {
            try {
                for (FragmentOrdering.Fragment fragment : fragments) {
                    if (fragment.descriptor() != null) {
                        web.merge(fragment.descriptor());
                    }
                }
            } catch (IllegalArgumentException e) {
                throw new DeploymentException(war + ": " + e.getMessage(), e);
            }
        }
        WebResources resources;
        try {
            resources = WebResources.of(root, jars(loader));
        } catch (IOException e) {
            throw new DeploymentException(war + ": cannot read the jars of WEB-INF/lib: " + e.getMessage(), e);
        }
        boolean deployed = false;
        try {
            Deployment deployment = build(war, contextPath, root, work, loader, web, resources, fragments);
            deployed = true;
            return deployment;
        } finally {
            if (!deployed) { // whatever was thrown, an Error too (ServiceConfigurationError, LinkageError)
                resources.close();
            }
        }
    }

    private static Deployment build(Path war, String contextPath, Path root, Path work, WebAppClassLoader loader,
                                    WebXml web, WebResources resources, List<FragmentOrdering.Fragment> fragments)
            throws DeploymentException {
        BridgeServletContext context;
        try {
            context = new BridgeServletContext(contextPath, loader, resources);
        } catch (IllegalArgumentException e) {
            throw new DeploymentException(war + ": " + e.getMessage(), e);
        }
        Path tmp = work.resolve("tmp");
        try {
            Files.createDirectories(tmp);
        } catch (IOException e) {
            throw new DeploymentException("cannot create " + tmp + ": " + e.getMessage(), e);
        }
        context.setTempDirectory(tmp);
        // the container's servlets first, as Jetty's webdefault.xml: web.xml may map more patterns to "default", and
        // any "/" or "*.jsp" mapping of the application replaces theirs
        if (web.servlet("default") == null) {
            context.addDefaultServlet();
        }
        boolean jspServlet = web.servlet("jsp") == null;
        if (JSP) {
            Jasper.install(context, jspServlet);
        } else if (jspServlet) {
            context.addJspServlet(NoJspServlet.class, Map.of());
        }
        try {
            apply(web, context, loader, war.toString());
            List<Path> scanned = scanned(root, fragments);
            // a WAR of static files or a web.xml alone has no class of its own: nothing to scan, no initializer
            if (!scanned.isEmpty()) {
                try (ScanResult scan = scan(scanned)) {
                    if (!web.metadataComplete) {
                        annotations(scan, web, context, loader, war.toString(), unannotated(fragments));
                    }
                    initializers(scan, context, loader, scanned);
                }
            }
            if (!web.metadataComplete) {
                // @ServletSecurity, @RunAs, @DeclareRoles of the servlets the descriptors and @WebServlet declare
                // (those the initializers add as the application starts read theirs when added)
                for (ServletRegistration registration : context.getServletRegistrations().values()) {
                    ((ServletHolder) registration).readSecurityAnnotations();
                }
            }
        } catch (RuntimeException e) {
            throw new DeploymentException(war + ": " + e.getMessage(), e);
        }
        return new Deployment(context, root, work, loader);
    }

    /** The jars of WEB-INF/lib, in class path order. */
    private static List<Path> jars(WebAppClassLoader loader) {
        List<Path> jars = new ArrayList<>();
        for (URL url : loader.getURLs()) {
            if (url.getPath().endsWith(".jar")) {
                try {
                    jars.add(Path.of(url.toURI()));
                } catch (java.net.URISyntaxException | IllegalArgumentException e) {
                    LOG.log(System.Logger.Level.DEBUG, "skipping {0}: {1}", url, e);
                }
            }
        }
        return jars;
    }

    private static void release(Path work, WebAppClassLoader loader) {
        if (loader != null) {
            try {
                loader.close();
            } catch (IOException e) {
                LOG.log(System.Logger.Level.WARNING, "cannot close the class loader of " + work + ": " + e);
            }
        }
        if (!Files.exists(work)) {
            return;
        }
        try (Stream<Path> files = Files.walk(work)) {
            for (Path file : (Iterable<Path>) files.sorted(Comparator.reverseOrder())::iterator) {
                Files.deleteIfExists(file);
            }
        } catch (IOException e) {
            LOG.log(System.Logger.Level.WARNING, "cannot delete the work directory " + work + ": " + e);
        }
    }

    private static URL[] classpath(Path root) throws DeploymentException {
        List<URL> urls = new ArrayList<>();
        try {
            Path classes = root.resolve("WEB-INF/classes");
            if (Files.isDirectory(classes)) {
                urls.add(classes.toUri().toURL());
            }
            Path lib = root.resolve("WEB-INF/lib");
            if (Files.isDirectory(lib)) {
                try (Stream<Path> jars = Files.list(lib)) {
                    for (Path jar : (Iterable<Path>) jars.filter(p -> p.toString().toLowerCase(Locale.ROOT)
                            .endsWith(".jar")).sorted()::iterator) {
                        urls.add(jar.toUri().toURL());
                    }
                }
            }
        } catch (IOException e) {
            throw new DeploymentException(root + ": cannot list WEB-INF: " + e.getMessage(), e);
        }
        return urls.toArray(new URL[0]);
    }

    /** The application's web.xml; {@code label} names it in errors as the user knows it (inside the .war). */
    private static WebXml descriptor(Path root, String label) throws DeploymentException {
        Path file = root.resolve("WEB-INF/web.xml");
        if (!Files.exists(file)) {
            return new WebXml();
        }
        try (InputStream in = Files.newInputStream(file)) {
            return WebXmlParser.parse(in, label);
        } catch (IOException e) {
            throw new DeploymentException(label + ": cannot read: " + e.getMessage(), e);
        }
    }

    private static WebXml fragmentOf(Path path) throws DeploymentException {
        try (JarFile file = new JarFile(path.toFile())) {
            var entry = file.getEntry("META-INF/web-fragment.xml");
            if (entry == null) {
                return null;
            }
            try (InputStream in = file.getInputStream(entry)) {
                return WebXmlParser.parse(in, path + "!/META-INF/web-fragment.xml");
            }
        } catch (IOException e) {
            throw new DeploymentException(path + ": cannot read: " + e.getMessage(), e);
        }
    }

    /**
     * What is scanned for annotations and initializers, in order: WEB-INF/classes, then the jars of the fragments in
     * their order (those an absolute ordering leaves out are not).
     */
    private static List<Path> scanned(Path root, List<FragmentOrdering.Fragment> fragments) {
        List<Path> scanned = new ArrayList<>();
        Path classes = root.resolve("WEB-INF/classes");
        if (Files.isDirectory(classes)) {
            scanned.add(classes.toAbsolutePath().normalize());
        }
        for (FragmentOrdering.Fragment fragment : fragments) {
            scanned.add(fragment.jar().toAbsolutePath().normalize());
        }
        return scanned;
    }

    /** The jars whose web-fragment.xml is metadata-complete: their annotations are not read (section 8.2.3). */
    private static Set<Path> unannotated(List<FragmentOrdering.Fragment> fragments) {
        Set<Path> jars = new HashSet<>();
        for (FragmentOrdering.Fragment fragment : fragments) {
            if (fragment.descriptor() != null && fragment.descriptor().metadataComplete) {
                jars.add(fragment.jar().toAbsolutePath().normalize());
            }
        }
        return jars;
    }

    private static ScanResult scan(List<Path> scanned) {
        return new ClassGraph().overrideClasspath(scanned).enableClassInfo().enableAnnotationInfo()
                .enableExternalClasses().ignoreClassVisibility().scan();
    }

    // ---- web.xml

    private static void apply(WebXml web, BridgeServletContext context, ClassLoader loader, String source) {
        if (web.displayName != null) {
            context.setDisplayName(web.displayName);
        }
        if (web.version != null) {
            String[] parts = web.version.split("\\.");
            try {
                context.setEffectiveVersion(Integer.parseInt(parts[0]), parts.length > 1
                        ? Integer.parseInt(parts[1]) : 0);
            } catch (NumberFormatException ignored) {
                // an odd version attribute: the default (6.0) stands
            }
        }
        web.contextParams.forEach(context::setInitParameter);
        for (WebXml.Servlet servlet : web.servlets) {
            if (Boolean.FALSE.equals(servlet.enabled)) {
                continue;
            }
            // a <jsp-file> servlet: the JSP engine's servlet for that page
            ServletRegistration.Dynamic registration = servlet.className == null
                    ? context.addJspFile(servlet.name, servlet.jspFile)
                    : context.addServlet(servlet.name, load(loader, servlet.className, Servlet.class, source));
            if (registration == null) {
                throw new IllegalArgumentException("the servlet name " + servlet.name + " is declared twice");
            }
            servlet.initParams.forEach(registration::setInitParameter);
            if (servlet.loadOnStartup != null) {
                registration.setLoadOnStartup(servlet.loadOnStartup);
            }
            if (servlet.asyncSupported != null) {
                registration.setAsyncSupported(servlet.asyncSupported);
            }
            if (servlet.multipart != null) {
                registration.setMultipartConfig(new MultipartConfigElement(servlet.multipart.location,
                        servlet.multipart.maxFileSize, servlet.multipart.maxRequestSize,
                        servlet.multipart.fileSizeThreshold));
            }
            servlet.roleRefs.forEach(((ServletHolder) registration)::addRoleRef);
            if (servlet.runAs != null) {
                registration.setRunAsRole(servlet.runAs);
            }
        }
        web.servletMappings.forEach((name, patterns) -> {
            ServletRegistration registration = context.getServletRegistration(name);
            if (registration == null) {
                throw new IllegalArgumentException("<servlet-mapping> for servlet " + name + ", which is not declared");
            }
            Set<String> conflicts = registration.addMapping(patterns.toArray(new String[0]));
            if (!conflicts.isEmpty()) {
                throw new IllegalArgumentException("the url-pattern " + conflicts + " of servlet " + name
                        + " is mapped to another servlet already");
            }
        });
        for (WebXml.Filter filter : web.filters) {
            FilterRegistration.Dynamic registration = context.addFilter(filter.name,
                    load(loader, filter.className, Filter.class, source));
            if (registration == null) {
                throw new IllegalArgumentException("the filter name " + filter.name + " is declared twice");
            }
            filter.initParams.forEach(registration::setInitParameter);
            if (filter.asyncSupported != null) {
                registration.setAsyncSupported(filter.asyncSupported);
            }
        }
        for (WebXml.FilterMapping mapping : web.filterMappings) {
            FilterRegistration registration = context.getFilterRegistration(mapping.filterName);
            if (registration == null) {
                throw new IllegalArgumentException("<filter-mapping> for filter " + mapping.filterName
                        + ", which is not declared");
            }
            EnumSet<DispatcherType> types = EnumSet.noneOf(DispatcherType.class);
            for (String dispatcher : mapping.dispatchers) {
                types.add(DispatcherType.valueOf(dispatcher.trim().toUpperCase(Locale.ROOT)));
            }
            if (!mapping.urlPatterns.isEmpty()) {
                registration.addMappingForUrlPatterns(types, true, mapping.urlPatterns.toArray(new String[0]));
            }
            if (!mapping.servletNames.isEmpty()) {
                registration.addMappingForServletNames(types, true, mapping.servletNames.toArray(new String[0]));
            }
        }
        for (String listener : web.listeners) {
            context.addListener(load(loader, listener, EventListener.class, source));
        }
        for (WebXml.ErrorPage page : web.errorPages) {
            if (page.code != null) {
                context.errorPages().add(page.code, page.location);
            } else if (page.exceptionType != null) {
                context.errorPages().add(page.exceptionType, page.location);
            } else {
                context.errorPages().setDefault(page.location);
            }
        }
        if (web.welcomeFiles != null) {
            context.setWelcomeFiles(web.welcomeFiles);
        }
        web.mimeMappings.forEach(context.mimeTypes()::add);
        context.setJspConfig(web.jspConfig);
        WebDefaults.LOCALE_ENCODINGS.forEach(context::addLocaleEncoding);
        web.localeEncodings.forEach(context::addLocaleEncoding); // the application's own replace the defaults
        if (web.sessionTimeout != null) {
            context.setSessionTimeout(web.sessionTimeout);
        }
        SessionCookieConfig cookie = context.getSessionCookieConfig();
        if (web.cookieName != null) {
            cookie.setName(web.cookieName);
        }
        if (web.cookieDomain != null) {
            cookie.setDomain(web.cookieDomain);
        }
        if (web.cookiePath != null) {
            cookie.setPath(web.cookiePath);
        }
        if (web.cookieHttpOnly != null) {
            cookie.setHttpOnly(web.cookieHttpOnly);
        }
        if (web.cookieSecure != null) {
            cookie.setSecure(web.cookieSecure);
        }
        if (web.cookieMaxAge != null) {
            cookie.setMaxAge(web.cookieMaxAge);
        }
        if (!web.trackingModes.isEmpty()) {
            Set<SessionTrackingMode> modes = EnumSet.noneOf(SessionTrackingMode.class);
            for (String mode : web.trackingModes) {
                modes.add(SessionTrackingMode.valueOf(mode.trim().toUpperCase(Locale.ROOT)));
            }
            context.setSessionTrackingModes(modes);
        }
        if (web.requestCharacterEncoding != null) {
            context.setRequestCharacterEncoding(web.requestCharacterEncoding);
        }
        context.addConstraints(web.securityConstraints);
        if (web.loginConfig != null) {
            context.setLoginConfig(web.loginConfig);
        }
        if (!web.securityRoles.isEmpty()) {
            context.declareRoles(web.securityRoles.toArray(new String[0]));
        }
        context.setDenyUncoveredHttpMethods(web.denyUncoveredHttpMethods);
        if (web.responseCharacterEncoding != null) {
            context.setResponseCharacterEncoding(web.responseCharacterEncoding);
        }
    }

    // ---- annotations

    private static void annotations(ScanResult scan, WebXml web, BridgeServletContext context, ClassLoader loader,
                                    String source, Set<Path> unannotated) {
        for (ClassInfo info : annotated(scan, WebServlet.class, unannotated)) {
            Class<? extends Servlet> type = load(loader, info.getName(), Servlet.class, source);
            WebServlet annotation = type.getAnnotation(WebServlet.class);
            String name = annotation.name().isEmpty() ? type.getName() : annotation.name();
            String[] patterns = annotation.urlPatterns().length > 0 ? annotation.urlPatterns() : annotation.value();
            WebXml.Servlet declared = web.servlet(name);
            ServletRegistration.Dynamic registration;
            if (declared != null) {
                // the descriptor declares it (section 8.2.3): the annotation adds only the init-params and the
                // url-patterns it leaves out (load-on-startup and async-supported stay web.xml's, as in Jetty and
                // Tomcat)
                registration = (ServletRegistration.Dynamic) context.getServletRegistration(name);
                if (registration == null) {
                    continue; // <enabled>false</enabled>
                }
            } else {
                registration = context.addServlet(name, type);
                if (registration == null) {
                    throw new IllegalArgumentException("@WebServlet " + type.getName() + ": the servlet name " + name
                            + " is taken");
                }
                if (annotation.loadOnStartup() >= 0) {
                    registration.setLoadOnStartup(annotation.loadOnStartup());
                }
                registration.setAsyncSupported(annotation.asyncSupported());
            }
            for (WebInitParam param : annotation.initParams()) {
                registration.setInitParameter(param.name(), param.value()); // keeps a value the descriptor gave
            }
            if (patterns.length > 0 && !web.servletMappings.containsKey(name)) {
                Set<String> conflicts = registration.addMapping(patterns);
                if (!conflicts.isEmpty()) {
                    throw new IllegalArgumentException("@WebServlet " + type.getName() + ": the url-pattern "
                            + conflicts + " is mapped to another servlet already");
                }
            }
        }
        for (ClassInfo info : annotated(scan, WebFilter.class, unannotated)) {
            Class<? extends Filter> type = load(loader, info.getName(), Filter.class, source);
            WebFilter annotation = type.getAnnotation(WebFilter.class);
            String name = annotation.filterName().isEmpty() ? type.getName() : annotation.filterName();
            WebXml.Filter declared = web.filter(name);
            FilterRegistration.Dynamic registration;
            if (declared != null) {
                registration = (FilterRegistration.Dynamic) context.getFilterRegistration(name);
            } else {
                registration = context.addFilter(name, type);
                if (registration == null) {
                    throw new IllegalArgumentException("@WebFilter " + type.getName() + ": the filter name " + name
                            + " is taken");
                }
                registration.setAsyncSupported(annotation.asyncSupported());
            }
            for (WebInitParam param : annotation.initParams()) {
                registration.setInitParameter(param.name(), param.value());
            }
            if (declared != null && web.filterMappings.stream().anyMatch(m -> m.filterName.equals(name))) {
                continue; // the descriptor's filter-mappings replace the annotation's
            }
            EnumSet<DispatcherType> types = annotation.dispatcherTypes().length == 0
                    ? EnumSet.of(DispatcherType.REQUEST) : EnumSet.copyOf(List.of(annotation.dispatcherTypes()));
            String[] patterns = annotation.urlPatterns().length > 0 ? annotation.urlPatterns() : annotation.value();
            if (patterns.length > 0) {
                registration.addMappingForUrlPatterns(types, true, patterns);
            }
            if (annotation.servletNames().length > 0) {
                registration.addMappingForServletNames(types, true, annotation.servletNames());
            }
        }
        for (ClassInfo info : annotated(scan, WebListener.class, unannotated)) {
            String name = info.getName();
            if (!web.listeners.contains(name)) {
                context.addListener(load(loader, name, EventListener.class, source));
            }
        }
    }

    /** The classes with the annotation, less those of jars whose web-fragment.xml is metadata-complete. */
    private static List<ClassInfo> annotated(ScanResult scan, Class<?> annotation, Set<Path> unannotated) {
        List<ClassInfo> classes = new ArrayList<>();
        for (ClassInfo info : scan.getClassesWithAnnotation(annotation.getName())) {
            java.io.File element = info.getClasspathElementFile();
            if (element == null || !unannotated.contains(element.toPath().toAbsolutePath().normalize())) {
                classes.add(info);
            }
        }
        return classes;
    }

    // ---- initializers

    /**
     * Adds the application's initializers, those of the scanned class path elements only (an absolute ordering may
     * leave jars out: section 8.2.4), in the fragments' order.
     */
    private static void initializers(ScanResult scan, BridgeServletContext context, ClassLoader loader,
                                     List<Path> scanned) {
        // only the application's own initializers, those its classes and jars declare: not ServiceLoader's view,
        // which also lists the launcher's (Jetty's JSP initializer, for its Jetty engine), whose classes are hidden
        for (Path origin : scanned) {
            for (String name : declaredInitializers(origin)) {
                Class<? extends ServletContainerInitializer> type;
                try {
                    type = Class.forName(name, false, loader).asSubclass(ServletContainerInitializer.class);
                } catch (ClassNotFoundException | ClassCastException | LinkageError e) {
                    throw new ServiceConfigurationError(ServletContainerInitializer.class.getName() + ": Provider "
                            + name + " of " + origin.getFileName() + " cannot be loaded: " + e, e);
                }
                if (JSP && Jasper.isJaspers(type)) {
                    LOG.log(System.Logger.Level.DEBUG, "{0} of {1} is left out: the container runs its own JSP "
                            + "engine", name, origin.getFileName());
                    continue;
                }
                addInitializer(scan, context, loader, type);
            }
        }
    }

    private static void addInitializer(ScanResult scan, BridgeServletContext context, ClassLoader loader,
                                       Class<? extends ServletContainerInitializer> type) {
        ServletContainerInitializer initializer;
        try {
            initializer = type.getDeclaredConstructor().newInstance();
        } catch (ReflectiveOperationException e) {
            throw new ServiceConfigurationError(ServletContainerInitializer.class.getName() + ": Provider "
                    + type.getName() + " cannot be instantiated: " + e, e);
        }
        HandlesTypes handles = type.getAnnotation(HandlesTypes.class);
        Set<Class<?>> classes = new LinkedHashSet<>();
        if (handles != null) {
            for (Class<?> handled : handles.value()) {
                ClassInfoList found = handled.isAnnotation()
                        ? scan.getClassesWithAnnotation(handled.getName())
                        : handled.isInterface() ? scan.getClassesImplementing(handled.getName())
                        : scan.getSubclasses(handled.getName());
                for (ClassInfo info : found) {
                    try {
                        classes.add(Class.forName(info.getName(), false, loader));
                    } catch (ClassNotFoundException | LinkageError unloadable) {
                        LOG.log(System.Logger.Level.DEBUG, "skipping {0}: {1}", info.getName(), unloadable);
                    }
                }
            }
        }
        context.addServletContainerInitializer(initializer, classes);
    }

    /**
     * The initializers that a directory or jar of the application declares in its own
     * META-INF/services/jakarta.servlet.ServletContainerInitializer, in the file's order ('#' comments as
     * ServiceLoader reads them).
     */
    private static List<String> declaredInitializers(Path origin) {
        String entry = "META-INF/services/" + ServletContainerInitializer.class.getName();
        String text;
        try {
            if (Files.isDirectory(origin)) {
                Path file = origin.resolve(entry);
                if (!Files.isRegularFile(file)) {
                    return List.of();
                }
                text = Files.readString(file, StandardCharsets.UTF_8);
            } else {
                try (JarFile jar = new JarFile(origin.toFile())) {
                    ZipEntry found = jar.getEntry(entry);
                    if (found == null) {
                        return List.of();
                    }
                    try (InputStream in = jar.getInputStream(found)) {
                        text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + entry + " of " + origin, e);
        }
        return text.lines().map(line -> line.replaceFirst("#.*", "").strip()).filter(line -> !line.isEmpty())
                .distinct().toList();
    }

    private static <T> Class<? extends T> load(ClassLoader loader, String name, Class<T> type, String source) {
        try {
            return Class.forName(name, false, loader).asSubclass(type);
        } catch (ClassNotFoundException e) {
            throw new IllegalArgumentException("class " + name + " is not in the web application", e);
        } catch (ClassCastException e) {
            throw new IllegalArgumentException("class " + name + " is not a " + type.getSimpleName(), e);
        } catch (LinkageError e) {
            throw new IllegalArgumentException("class " + name + " cannot be loaded: " + e, e);
        }
    }
}
