package dev.sluice.codec;

import java.util.Objects;

/**
 * One header or trailer field exactly as it was received.
 *
 * <p>The name keeps the sender's case (field names compare case-insensitively, so callers use
 * {@link String#equalsIgnoreCase}); the value has its leading and trailing whitespace (SP and
 * HTAB, RFC 9110 §5.5 "OWS") removed, and obsolete line folding replaced by one SP. Bytes are
 * decoded as ISO-8859-1, so every octet maps to one {@code char} and nothing is lost.
 *
 * <pre>{@code
 * Field f = new Field("Content-Type", "text/plain");
 * if (f.name().equalsIgnoreCase("content-type")) use(f.value());
 * }</pre>
 *
 * @param name  the field name, case preserved
 * @param value the field value, OWS trimmed
 */
public record Field(String name, String value) {

    /** Rejects nulls so that a field always has a name and a (possibly empty) value. */
    public Field {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(value, "value");
    }
}
