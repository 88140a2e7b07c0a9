package org.fcgibridge.sample;

import java.util.LinkedHashMap;
import java.util.Map;

/** An item of the sample's JSON API. */
public record Item(int id, String name, int quantity) {
    Map<String, Object> toMap() {
        Map<String, Object> map = new LinkedHashMap<>();
        map.put("id", id);
        map.put("name", name);
        map.put("quantity", quantity);
        return map;
    }
}
