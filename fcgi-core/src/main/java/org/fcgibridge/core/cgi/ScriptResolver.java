package org.fcgibridge.core.cgi;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.fcgibridge.core.http.MalformedPathException;
import org.fcgibridge.core.http.RequestPath;
import org.fcgibridge.core.protocol.Params;

/**
 * Finds the script a request names and checks that it may run: SCRIPT_FILENAME (Apache's {@code proxy:fcgi://host/}
 * prefix removed), or DOCUMENT_ROOT + SCRIPT_NAME, or under a mount prefix the request's canonical path
 * ({@link RequestPath}, the one the servlet container beside it maps); then walks back to the first component that
 * exists, the rest becoming PATH_INFO (as fcgiwrap does). The script must lie inside a root both as written and
 * after every symlink is resolved, be a regular executable file, and be on the allow-list if there is one. Nothing
 * is decoded: nginx passes SCRIPT_NAME already decoded and normalised, and a literal {@code %2e%2e} is just a name.
 */
public final class ScriptResolver {
    private final CgiConfig config;
    /** The roots as configured and as they really are: a requested path may be written either way. */
    private final List<Path> namedRoots;
    private final List<Path> realRoots;

    /**
     * @throws IllegalArgumentException if a root no longer exists
     */
    public ScriptResolver(CgiConfig config) {
        this.config = config;
        this.realRoots = new ArrayList<>();
        for (Path root : config.roots()) {
            try {
                realRoots.add(root.toRealPath());
            } catch (IOException e) {
                throw new IllegalArgumentException("script root " + root + " is not there: " + e.getMessage(), e);
            }
        }
        this.namedRoots = new ArrayList<>(config.roots());
        namedRoots.addAll(realRoots);
    }

    /**
     * The script to run, with SCRIPT_NAME and PATH_INFO as the script should see them.
     *
     * @param script     the script, every symlink resolved
     * @param scriptName SCRIPT_NAME without any PATH_INFO found by walking back
     * @param pathInfo   the request's PATH_INFO, or what walking back found
     */
    public record Resolution(Path script, String scriptName, String pathInfo) {
    }

    /**
     * @throws CgiRejection 404 if no script is named or none exists; 403 if it lies outside the roots (as written or
     *                      through a link), is not a regular executable file, or is not on the allow-list
     */
    public Resolution resolve(Params params) throws CgiRejection {
        Path requested = config.mountPrefix() != null ? mountedPath(params) : requestedPath(params);
        if (!insideRoot(requested, namedRoots)) {
            throw new CgiRejection(403, "the script is outside the script roots");
        }
        Path found = requested;
        while (found != null && !Files.exists(found) && insideRoot(found, namedRoots)) {
            found = found.getParent();
        }
        if (found == null || !insideRoot(found, namedRoots) || namedRoots.contains(found)) {
            throw new CgiRejection(404, "no such script");
        }
        Path real;
        try {
            real = found.toRealPath();
        } catch (IOException e) {
            throw new CgiRejection(404, "no such script");
        }
        if (!insideRoot(real, realRoots)) {
            throw new CgiRejection(403, "the script links outside the script roots");
        }
        if (!Files.isRegularFile(real)) {
            throw new CgiRejection(found.equals(requested) ? 403 : 404,
                    found.equals(requested) ? "not a script" : "no such script");
        }
        if (!Files.isExecutable(real)) {
            throw new CgiRejection(403, "the script is not executable");
        }
        if (!config.allowed().isEmpty() && !config.allowed().contains(real)) {
            throw new CgiRejection(403, "the script is not on the allow-list");
        }
        String walkedPathInfo = found.equals(requested) ? "" : "/" + found.relativize(requested).toString();
        String pathInfo = params.get("PATH_INFO", "");
        if (config.mountPrefix() != null) {
            // the web server knows nothing of the mount: the path after the script is the PATH_INFO
            String scriptName = config.mountPrefix() + "/" + config.roots().get(0).relativize(found);
            return new Resolution(real, scriptName, walkedPathInfo);
        }
        String scriptName = params.get("SCRIPT_NAME", "");
        if (!walkedPathInfo.isEmpty()) {
            if (scriptName.endsWith(walkedPathInfo)) {
                scriptName = scriptName.substring(0, scriptName.length() - walkedPathInfo.length());
            }
            if (pathInfo.isEmpty()) {
                pathInfo = walkedPathInfo;
            }
        }
        return new Resolution(real, scriptName, pathInfo);
    }

    private static Path requestedPath(Params params) throws CgiRejection {
        String filename = params.get("SCRIPT_FILENAME", "");
        if (filename.startsWith("proxy:")) {
            filename = stripProxyPrefix(filename);
        }
        if (filename.isEmpty()) {
            String root = params.get("DOCUMENT_ROOT", "");
            String name = params.get("SCRIPT_NAME", "");
            if (root.isEmpty() || name.isEmpty()) {
                throw new CgiRejection(404, "the request names no script (no SCRIPT_FILENAME, "
                        + "nor DOCUMENT_ROOT and SCRIPT_NAME)");
            }
            filename = root + (name.startsWith("/") ? "" : "/") + name;
        }
        if (filename.indexOf('\0') >= 0 || !filename.startsWith("/")) {
            throw new CgiRejection(404, "no such script");
        }
        try {
            return Path.of(filename).normalize();
        } catch (InvalidPathException e) {
            throw new CgiRejection(404, "no such script");
        }
    }

    /** Under a mount prefix: the first root plus the request path after the prefix. */
    private Path mountedPath(Params params) throws CgiRejection {
        String path;
        try {
            path = RequestPath.of(params);
        } catch (MalformedPathException e) {
            throw new CgiRejection(400, e.getMessage());
        }
        String prefix = config.mountPrefix();
        String rest = path.length() > prefix.length() ? path.substring(prefix.length()) : "";
        if (rest.isEmpty() || rest.equals("/") || rest.indexOf('\0') >= 0) {
            throw new CgiRejection(404, "no such script");
        }
        return config.roots().get(0).resolve(rest.substring(1)).normalize();
    }

    /** Apache mod_proxy_fcgi without ProxyFCGIBackendType GENERIC sends proxy:fcgi://host:port/path. */
    private static String stripProxyPrefix(String filename) {
        int scheme = filename.indexOf("://");
        if (scheme < 0) {
            return "";
        }
        int path = filename.indexOf('/', scheme + 3);
        return path < 0 ? "" : filename.substring(path);
    }

    private static boolean insideRoot(Path path, List<Path> roots) {
        for (Path root : roots) {
            if (path.startsWith(root)) {
                return true;
            }
        }
        return false;
    }
}
