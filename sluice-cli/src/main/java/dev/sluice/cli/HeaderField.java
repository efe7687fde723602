package dev.sluice.cli;

/**
 * A {@code -H 'Name: value'} argument, split at its first colon: the name as written (a name
 * with a space the library then refuses, as RFC 9112 does), the value stripped.
 */
record HeaderField(String name, String value) {

    /** @throws IllegalArgumentException naming the argument when it has no name before a colon */
    static HeaderField parse(String argument) {
        int colon = argument.indexOf(':');
        if (colon <= 0) {
            throw new IllegalArgumentException("invalid header '" + argument + "': expected 'Name: value'");
        }
        return new HeaderField(argument.substring(0, colon), argument.substring(colon + 1).strip());
    }
}
