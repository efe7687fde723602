package dev.sluice.codec;

import java.util.ArrayList;
import java.util.List;

/**
 * Reads list-based field values (RFC 9110 §5.6.1: {@code #element}) across every field line
 * with a given name, as {@code Connection}, {@code Transfer-Encoding} and, by the tolerance of
 * RFC 9110 §8.6, {@code Content-Length} need. Public for the engine, which reads a request's
 * {@code Connection} options as the decoder reads a response's.
 *
 * <pre>{@code
 * FieldLists.containsToken(List.of(new Field("Connection", "keep-alive, Close")), "Connection", "close") // true
 * }</pre>
 */
public final class FieldLists {

    private FieldLists() {
    }

    /** Returns whether any field is named {@code name}, ignoring case. */
    static boolean isPresent(List<Field> fields, String name) {
        for (Field field : fields) {
            if (field.name().equalsIgnoreCase(name)) {
                return true;
            }
        }
        return false;
    }

    /**
     * Returns the list elements of every field named {@code name} (case-insensitive), in order,
     * each trimmed of whitespace. Empty elements are dropped, as RFC 9110 §5.6.1.2 tells
     * recipients to do.
     */
    static List<String> elements(List<Field> fields, String name) {
        List<String> elements = new ArrayList<>(2);
        for (Field field : fields) {
            if (!field.name().equalsIgnoreCase(name)) {
                continue;
            }
            String value = field.value();
            int start = 0;
            while (start <= value.length()) {
                int comma = value.indexOf(',', start);
                int end = comma < 0 ? value.length() : comma;
                String element = value.substring(start, end).strip();
                if (!element.isEmpty()) {
                    elements.add(element);
                }
                start = end + 1;
            }
        }
        return elements;
    }

    /** Returns whether some element of the {@code name} fields equals {@code token}, ignoring case. */
    public static boolean containsToken(List<Field> fields, String name, String token) {
        for (String element : elements(fields, name)) {
            if (element.equalsIgnoreCase(token)) {
                return true;
            }
        }
        return false;
    }
}
