package net.dl4jnets.web;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Function;

/**
 * The last few things the pages used, by key (loaded models, their test predictions): a model is a few MB to a few
 * tens and a class uses one or two at a time, so a page's server keeps two and reloads the rest. Safe from any
 * thread; a value is made outside the lock, so a slow load never holds another key's lookup.
 */
public final class Recent<K, V> {
    private final int capacity;
    private final Map<K, V> values;

    public Recent(int capacity) {
        this.capacity = capacity;
        this.values = new LinkedHashMap<>(capacity * 2, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<K, V> eldest) {
                return size() > Recent.this.capacity;
            }
        };
    }

    /** The value kept for {@code key}, or a new one from {@code make}, kept (the least recently used one goes). */
    public V get(K key, Function<K, V> make) {
        synchronized (values) {
            V v = values.get(key);
            if (v != null) {
                return v;
            }
        }
        V made = make.apply(key);
        synchronized (values) {
            V raced = values.putIfAbsent(key, made);
            return raced != null ? raced : made;
        }
    }
}
