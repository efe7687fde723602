package dev.sluice.testkit;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;

/**
 * One request as a {@link ScriptedServer} read it off the wire.
 *
 * <p>{@code index} counts requests across all connections in arrival order (from 0);
 * {@code connectionIndex} says which connection carried it, so reuse is asserted without
 * timing:
 * <pre>{@code
 * var requests = server.awaitRequests(2, Duration.ofSeconds(5));
 * assertThat(requests).extracting(RecordedRequest::connectionIndex).containsExactly(0, 0);
 * }</pre>
 *
 * @param index           position among all requests the server read, from 0
 * @param connectionIndex position of the connection among all accepted ones, from 0
 * @param method          the method token, e.g. {@code GET}
 * @param target          the request target as sent, e.g. {@code /a?b=c}
 * @param headers         header fields in the order sent, names as sent
 * @param body            the body bytes (chunked bodies decoded); empty when there was none
 *                        or only the head was read
 * @param rawHead         the head exactly as received (ISO-8859-1), ending with CRLFCRLF
 */
public record RecordedRequest(
        int index,
        int connectionIndex,
        String method,
        String target,
        List<Header> headers,
        byte[] body,
        String rawHead) {

    /** One header field line. */
    public record Header(String name, String value) {}

    public RecordedRequest {
        headers = List.copyOf(headers);
    }

    /** The first value of the header named {@code name} (case-insensitive), or null. */
    public String header(String name) {
        for (Header header : headers) {
            if (header.name().equalsIgnoreCase(name)) {
                return header.value();
            }
        }
        return null;
    }

    /** All values of the header named {@code name} (case-insensitive), in order. */
    public List<String> headerValues(String name) {
        String wanted = name.toLowerCase(Locale.ROOT);
        return headers.stream()
                .filter(h -> h.name().toLowerCase(Locale.ROOT).equals(wanted))
                .map(Header::value)
                .toList();
    }

    /** The body decoded as UTF-8. */
    public String bodyText() {
        return new String(body, StandardCharsets.UTF_8);
    }

    @Override
    public String toString() {
        return "RecordedRequest[#" + index + " conn=" + connectionIndex + " " + method + " " + target
                + " headers=" + headers.size() + " body=" + body.length + "B]";
    }
}
