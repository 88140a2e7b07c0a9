package org.fcgibridge.servlet.http;

import java.util.AbstractMap;
import java.util.Map;
import java.util.Set;
import org.fcgibridge.core.protocol.Params;

/**
 * A request's FastCGI params as an unmodifiable {@code Map<String, String>} (each name with its last value), made
 * per request at no cost: lookups go to the params, the entries are built only if someone iterates.
 */
public final class ParamsView extends AbstractMap<String, String> {
    private final Params params;
    private Map<String, String> copy;

    public ParamsView(Params params) {
        this.params = params;
    }

    @Override
    public String get(Object name) {
        return name instanceof String ? params.get((String) name) : null;
    }

    @Override
    public boolean containsKey(Object name) {
        return name instanceof String && params.contains((String) name);
    }

    @Override
    public Set<Entry<String, String>> entrySet() {
        if (copy == null) {
            copy = params.asMap();
        }
        return copy.entrySet();
    }
}
