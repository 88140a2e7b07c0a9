package org.fcgibridge.servlet.container;

import jakarta.servlet.http.HttpServletMapping;
import jakarta.servlet.http.MappingMatch;

/**
 * The outcome of mapping a path to a servlet: which servlet, and the servlet path and path info the request reports,
 * agreeing with {@link HttpServletMapping}.
 *
 * @param holder      the servlet
 * @param servletPath the part of the path that selected the servlet ("" for "/*" and the context root)
 * @param pathInfo    the rest, or null
 * @param match       how the path matched
 * @param pattern     the pattern that matched
 * @param matchValue  the matched part, without its leading '/'
 */
public record PathMatch(ServletHolder holder, String servletPath, String pathInfo, MappingMatch match,
                        String pattern, String matchValue) implements HttpServletMapping {
    @Override
    public String getMatchValue() {
        return matchValue;
    }

    @Override
    public String getPattern() {
        return pattern;
    }

    @Override
    public String getServletName() {
        return holder.getName();
    }

    @Override
    public MappingMatch getMappingMatch() {
        return match;
    }

    @Override
    public String toString() {
        return "PathMatch[" + match + " " + pattern + " -> " + holder.getName() + ", servletPath=" + servletPath
                + ", pathInfo=" + pathInfo + "]";
    }
}
