package dev.sluice.cli;

/**
 * A {@code -H 'Name: value'} argument, split at its first colon: the name as written (a name
 * with a space the library then refuses, as RFC 9112 does), the value stripped and given as
 * the octets typed: a field value is octets (RFC 9110 §5.5), and the library sends each char of
 * a value as one ISO-8859-1 byte, so a value typed in UTF-8 goes out as those UTF-8 bytes, as
 * curl sends it (not re-encoded as ISO-8859-1, nor refused beyond U+00FF).
 */
record HeaderField(String name, String value) {

    /** @throws IllegalArgumentException naming the argument when it has no name before a colon */
    static HeaderField parse(String argument) {
        int colon = argument.indexOf(':');
        if (colon <= 0) {
            throw new IllegalArgumentException("invalid header '" + argument + "': expected 'Name: value'");
        }
        String value = argument.substring(colon + 1).strip();
        return new HeaderField(argument.substring(0, colon), new String(
                value.getBytes(java.nio.charset.StandardCharsets.UTF_8), java.nio.charset.StandardCharsets.ISO_8859_1));
    }
}
