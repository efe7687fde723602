package dev.sluice;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * Header fields in the order received: names compare case-insensitively, a name may repeat.
 * Immutable.
 *
 * <pre>{@code
 * Headers h = response.headers();
 * Optional<String> type = h.first("content-type");
 * List<String> cookies = h.all("Set-Cookie");
 * }</pre>
 */
public final class Headers {
    private static final Headers EMPTY = new Headers(new String[0]);
    /** Names at even indexes, values at odd ones. */
    private final String[] namesAndValues;

    private Headers(String[] namesAndValues) {
        this.namesAndValues = namesAndValues;
    }

    /** No fields. */
    public static Headers empty() {
        return EMPTY;
    }

    /** Headers from alternating names and values: {@code Headers.of("Accept", "text/plain")}. */
    public static Headers of(String... namesAndValues) {
        if (namesAndValues.length % 2 != 0) {
            throw new IllegalArgumentException("names and values must come in pairs");
        }
        for (String s : namesAndValues) {
            if (s == null) {
                throw new NullPointerException("header name or value");
            }
        }
        return namesAndValues.length == 0 ? EMPTY : new Headers(namesAndValues.clone());
    }

    static Headers ofTrusted(String[] namesAndValues) {
        return namesAndValues.length == 0 ? EMPTY : new Headers(namesAndValues);
    }

    /** The number of fields. */
    public int size() {
        return namesAndValues.length / 2;
    }

    /** The name of the field at {@code index} (0 to {@link #size()} - 1), as sent or received. */
    public String name(int index) {
        return namesAndValues[index * 2];
    }

    /** The value of the field at {@code index} (0 to {@link #size()} - 1). */
    public String value(int index) {
        return namesAndValues[index * 2 + 1];
    }

    /** The first value of {@code name}, if present. */
    public Optional<String> first(String name) {
        for (int i = 0; i < namesAndValues.length; i += 2) {
            if (namesAndValues[i].equalsIgnoreCase(name)) {
                return Optional.of(namesAndValues[i + 1]);
            }
        }
        return Optional.empty();
    }

    /** Every value of {@code name}, in order; empty when absent. */
    public List<String> all(String name) {
        List<String> values = null;
        for (int i = 0; i < namesAndValues.length; i += 2) {
            if (namesAndValues[i].equalsIgnoreCase(name)) {
                if (values == null) {
                    values = new ArrayList<>(2);
                }
                values.add(namesAndValues[i + 1]);
            }
        }
        return values == null ? List.of() : Collections.unmodifiableList(values);
    }

    /** Whether a field called {@code name} is present (names compare ignoring case). */
    public boolean contains(String name) {
        return first(name).isPresent();
    }

    /** The distinct names, lower-cased, in first-seen order. */
    public Set<String> names() {
        Set<String> names = new LinkedHashSet<>();
        for (int i = 0; i < namesAndValues.length; i += 2) {
            names.add(namesAndValues[i].toLowerCase(Locale.ROOT));
        }
        return Collections.unmodifiableSet(names);
    }

    /** A copy with {@code name} set to {@code value}, replacing earlier values of it. */
    public Headers with(String name, String value) {
        return without(name).plus(name, value);
    }

    /** A copy with one more field. */
    public Headers plus(String name, String value) {
        String[] copy = java.util.Arrays.copyOf(namesAndValues, namesAndValues.length + 2);
        copy[copy.length - 2] = name;
        copy[copy.length - 1] = value;
        return new Headers(copy);
    }

    /** A copy without any field called {@code name}. */
    public Headers without(String name) {
        List<String> kept = new ArrayList<>(namesAndValues.length);
        for (int i = 0; i < namesAndValues.length; i += 2) {
            if (!namesAndValues[i].equalsIgnoreCase(name)) {
                kept.add(namesAndValues[i]);
                kept.add(namesAndValues[i + 1]);
            }
        }
        return kept.size() == namesAndValues.length ? this : ofTrusted(kept.toArray(new String[0]));
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Headers h && java.util.Arrays.equals(namesAndValues, h.namesAndValues);
    }

    @Override
    public int hashCode() {
        return java.util.Arrays.hashCode(namesAndValues);
    }

    @Override
    public String toString() {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < namesAndValues.length; i += 2) {
            b.append(namesAndValues[i]).append(": ").append(namesAndValues[i + 1]).append('\n');
        }
        return b.toString();
    }
}
