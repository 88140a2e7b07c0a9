package org.fcgibridge.servlet.container;

import jakarta.servlet.descriptor.JspConfigDescriptor;
import jakarta.servlet.descriptor.JspPropertyGroupDescriptor;
import jakarta.servlet.descriptor.TaglibDescriptor;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;

/**
 * A web application's {@code <jsp-config>}, which its JSP engine reads through
 * {@link jakarta.servlet.ServletContext#getJspConfigDescriptor()}: tag library locations and JSP property groups.
 * Immutable; the collections it returns are copies the caller may change (the API's contract).
 *
 * @param taglibs        the {@code <taglib>} entries
 * @param propertyGroups the {@code <jsp-property-group>} entries, in declaration order
 */
public record JspConfig(List<Taglib> taglibs, List<PropertyGroup> propertyGroups) implements JspConfigDescriptor {
    /** No {@code <jsp-config>}. */
    public static final JspConfig NONE = new JspConfig(List.of(), List.of());

    public JspConfig {
        taglibs = List.copyOf(taglibs);
        propertyGroups = List.copyOf(propertyGroups);
    }

    /** Whether nothing is configured. */
    public boolean isEmpty() {
        return taglibs.isEmpty() && propertyGroups.isEmpty();
    }

    /** This configuration followed by {@code more}'s (a fragment's {@code <jsp-config>} merged into web.xml's). */
    public JspConfig plus(JspConfig more) {
        List<Taglib> allTaglibs = new ArrayList<>(taglibs);
        allTaglibs.addAll(more.taglibs);
        List<PropertyGroup> allGroups = new ArrayList<>(propertyGroups);
        allGroups.addAll(more.propertyGroups);
        return new JspConfig(allTaglibs, allGroups);
    }

    @Override
    public Collection<TaglibDescriptor> getTaglibs() {
        return new ArrayList<>(taglibs);
    }

    @Override
    public Collection<JspPropertyGroupDescriptor> getJspPropertyGroups() {
        return new ArrayList<>(propertyGroups);
    }

    /**
     * A {@code <taglib>}: where the TLD of a URI is.
     *
     * @param uri      taglib-uri
     * @param location taglib-location, a path in the application
     */
    public record Taglib(String uri, String location) implements TaglibDescriptor {
        @Override
        public String getTaglibURI() {
            return uri;
        }

        @Override
        public String getTaglibLocation() {
            return location;
        }
    }

    /**
     * A {@code <jsp-property-group>}.
     *
     * @param urlPatterns the pages it applies to
     * @param settings    its single-valued elements by element name ({@code el-ignored}, {@code page-encoding},
     *                    {@code is-xml}...), absent when not declared
     * @param preludes    include-prelude, in order
     * @param codas       include-coda, in order
     */
    public record PropertyGroup(List<String> urlPatterns, Map<String, String> settings, List<String> preludes,
                                List<String> codas) implements JspPropertyGroupDescriptor {
        public PropertyGroup {
            urlPatterns = List.copyOf(urlPatterns);
            settings = Map.copyOf(settings);
            preludes = List.copyOf(preludes);
            codas = List.copyOf(codas);
        }

        @Override
        public Collection<String> getUrlPatterns() {
            return new ArrayList<>(urlPatterns);
        }

        @Override
        public String getElIgnored() {
            return settings.get("el-ignored");
        }

        @Override
        public String getErrorOnELNotFound() {
            return settings.get("error-on-el-not-found");
        }

        @Override
        public String getPageEncoding() {
            return settings.get("page-encoding");
        }

        @Override
        public String getScriptingInvalid() {
            return settings.get("scripting-invalid");
        }

        @Override
        public String getIsXml() {
            return settings.get("is-xml");
        }

        @Override
        public Collection<String> getIncludePreludes() {
            return new ArrayList<>(preludes);
        }

        @Override
        public Collection<String> getIncludeCodas() {
            return new ArrayList<>(codas);
        }

        @Override
        public String getDeferredSyntaxAllowedAsLiteral() {
            return settings.get("deferred-syntax-allowed-as-literal");
        }

        @Override
        public String getTrimDirectiveWhitespaces() {
            return settings.get("trim-directive-whitespaces");
        }

        @Override
        public String getDefaultContentType() {
            return settings.get("default-content-type");
        }

        @Override
        public String getBuffer() {
            return settings.get("buffer");
        }

        @Override
        public String getErrorOnUndeclaredNamespace() {
            return settings.get("error-on-undeclared-namespace");
        }
    }
}
