package dev.sluice.testkit;

import java.nio.charset.StandardCharsets;

/**
 * Response text for {@link Script#send(String)}: well-formed by default, so a test spells out
 * only the part it breaks.
 * <pre>{@code
 * c.expectRequest().send(Responses.ok("hello"))
 *  .expectRequest().send(Responses.head(200, "Transfer-Encoding: chunked")).send("5\r\nhel")
 * }</pre>
 * Bodies are ISO-8859-1 strings, one byte per char, like every string a {@link Script} sends.
 */
public final class Responses {

    private Responses() {}

    /** {@code 200 OK} with {@code body} and its Content-Length. */
    public static String ok(String body) {
        return status(200, body);
    }

    /** A response with {@code status}, the given header lines, Content-Length and {@code body}. */
    public static String status(int status, String body, String... headerLines) {
        String[] lines = new String[headerLines.length + 1];
        System.arraycopy(headerLines, 0, lines, 0, headerLines.length);
        lines[headerLines.length] = "Content-Length: " + body.getBytes(StandardCharsets.ISO_8859_1).length;
        return head(status, lines) + body;
    }

    /**
     * Only the head: status line, the given header lines verbatim (no Content-Length is
     * added), and the empty line. Follow it with the body bytes, e.g. {@code sendPattern}.
     */
    public static String head(int status, String... headerLines) {
        StringBuilder head = new StringBuilder("HTTP/1.1 ").append(status).append(' ')
                .append(reason(status)).append("\r\n");
        for (String line : headerLines) {
            head.append(line).append("\r\n");
        }
        return head.append("\r\n").toString();
    }

    /** {@code 200 OK}, chunked, one chunk per argument, then the last chunk and no trailers. */
    public static String chunked(String... chunks) {
        StringBuilder response = new StringBuilder(head(200, "Transfer-Encoding: chunked"));
        for (String chunk : chunks) {
            if (chunk.isEmpty()) {
                throw new IllegalArgumentException("an empty chunk would end the body; leave it out");
            }
            response.append(Integer.toHexString(chunk.length())).append("\r\n").append(chunk).append("\r\n");
        }
        return response.append("0\r\n\r\n").toString();
    }

    /** The reason phrase for common codes, else {@code "Status"}. */
    public static String reason(int status) {
        return switch (status) {
            case 100 -> "Continue";
            case 101 -> "Switching Protocols";
            case 200 -> "OK";
            case 201 -> "Created";
            case 204 -> "No Content";
            case 206 -> "Partial Content";
            case 301 -> "Moved Permanently";
            case 302 -> "Found";
            case 303 -> "See Other";
            case 304 -> "Not Modified";
            case 307 -> "Temporary Redirect";
            case 308 -> "Permanent Redirect";
            case 400 -> "Bad Request";
            case 401 -> "Unauthorized";
            case 403 -> "Forbidden";
            case 404 -> "Not Found";
            case 408 -> "Request Timeout";
            case 416 -> "Range Not Satisfiable";
            case 429 -> "Too Many Requests";
            case 500 -> "Internal Server Error";
            case 502 -> "Bad Gateway";
            case 503 -> "Service Unavailable";
            case 504 -> "Gateway Timeout";
            default -> "Status";
        };
    }
}
