package org.fcgibridge.sample;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.atomic.AtomicInteger;

/** The items, in memory; one per application (a ServletContext attribute set by {@link AppListener}). */
public final class ItemStore {
    /** The ServletContext attribute that holds the store. */
    public static final String ATTRIBUTE = ItemStore.class.getName();

    private final Map<Integer, Item> items = new ConcurrentSkipListMap<>();
    private final AtomicInteger ids = new AtomicInteger();

    public List<Item> all() {
        return new ArrayList<>(items.values());
    }

    public Item get(int id) {
        return items.get(id);
    }

    public Item add(String name, int quantity) {
        Item item = new Item(ids.incrementAndGet(), name, quantity);
        items.put(item.id(), item);
        return item;
    }

    /** Replaces an item; null if there is none with that id. */
    public Item replace(int id, String name, int quantity) {
        Item item = new Item(id, name, quantity);
        return items.replace(id, item) == null ? null : item;
    }

    public boolean remove(int id) {
        return items.remove(id) != null;
    }
}
