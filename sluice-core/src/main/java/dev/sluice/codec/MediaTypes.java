package dev.sluice.codec;

import java.nio.charset.Charset;
import java.nio.charset.IllegalCharsetNameException;
import java.nio.charset.StandardCharsets;
import java.nio.charset.UnsupportedCharsetException;
import java.util.Optional;

/** Parameters of a media type (RFC 9110 §8.3.1, §5.6.6), as Content-Type carries them. */
public final class MediaTypes {
    private MediaTypes() {
    }

    /**
     * The charset a Content-Type value names; UTF-8 when it names none or one this runtime
     * lacks (as Python's requests falls back).
     */
    public static Charset charset(String contentType) {
        String name = parameter(contentType, "charset").orElse(null);
        try {
            return name == null ? StandardCharsets.UTF_8 : Charset.forName(name);
        } catch (IllegalCharsetNameException | UnsupportedCharsetException e) {
            return StandardCharsets.UTF_8;
        }
    }

    /** A byte-order mark at the start of a text: the charset it stands for and its length in bytes. */
    public record ByteOrderMark(Charset charset, int length) {
    }

    /** The longest byte-order mark, in bytes: UTF-8's. */
    public static final int MAX_BYTE_ORDER_MARK_BYTES = 3;

    /**
     * The byte-order mark {@code text[0, length)} begins with: EF BB BF (UTF-8), FE FF
     * (UTF-16BE) or FF FE (UTF-16LE), the ones the WHATWG Encoding Standard's decode algorithm
     * sniffs. A mark chooses the charset whatever Content-Type says, and is not part of the text
     * (as browsers and OkHttp's {@code ResponseBody.string()} have it).
     *
     * <pre>{@code
     * MediaTypes.byteOrderMark(bytes, bytes.length)   // Optional[ByteOrderMark[UTF-16LE, 2]] for FF FE 68 00
     * }</pre>
     */
    public static Optional<ByteOrderMark> byteOrderMark(byte[] text, int length) {
        int b0 = length > 0 ? text[0] & 0xff : -1;
        int b1 = length > 1 ? text[1] & 0xff : -1;
        int b2 = length > 2 ? text[2] & 0xff : -1;
        if (b0 == 0xef && b1 == 0xbb && b2 == 0xbf) {
            return Optional.of(new ByteOrderMark(StandardCharsets.UTF_8, 3));
        }
        if (b0 == 0xfe && b1 == 0xff) {
            return Optional.of(new ByteOrderMark(StandardCharsets.UTF_16BE, 2));
        }
        if (b0 == 0xff && b1 == 0xfe) {
            return Optional.of(new ByteOrderMark(StandardCharsets.UTF_16LE, 2));
        }
        return Optional.empty();
    }

    /**
     * How many bytes from the start of a text {@link #byteOrderMark} needs to see, given the
     * first: a stream need not wait for more bytes than the one mark that byte could begin.
     */
    public static int byteOrderMarkBytes(int firstByte) {
        return switch (firstByte) {
            case 0xef -> 3;
            case 0xfe, 0xff -> 2;
            default -> 1;
        };
    }

    /**
     * The value of parameter {@code name} (case-insensitive) of a media type such as
     * {@code text/plain; format="a;b"; charset=utf-8}: quoted strings may hold {@code ;} and
     * backslash escapes, which are undone; the first parameter of that name wins.
     */
    public static Optional<String> parameter(String mediaType, String name) {
        int at = mediaType.indexOf(';');
        while (at >= 0 && at < mediaType.length()) {
            int start = at + 1;
            int i = start;
            while (i < mediaType.length() && mediaType.charAt(i) != '=' && mediaType.charAt(i) != ';') {
                i++;
            }
            String paramName = mediaType.substring(start, i).strip();
            String value = null;
            if (i < mediaType.length() && mediaType.charAt(i) == '=') {
                i++;
                while (i < mediaType.length() && (mediaType.charAt(i) == ' ' || mediaType.charAt(i) == '\t')) {
                    i++;
                }
                if (i < mediaType.length() && mediaType.charAt(i) == '"') {
                    StringBuilder quoted = new StringBuilder();
                    for (i++; i < mediaType.length() && mediaType.charAt(i) != '"'; i++) {
                        if (mediaType.charAt(i) == '\\' && i + 1 < mediaType.length()) {
                            i++;
                        }
                        quoted.append(mediaType.charAt(i));
                    }
                    value = quoted.toString();
                    while (i < mediaType.length() && mediaType.charAt(i) != ';') {
                        i++;
                    }
                } else {
                    int end = mediaType.indexOf(';', i);
                    end = end < 0 ? mediaType.length() : end;
                    value = mediaType.substring(i, end).strip();
                    i = end;
                }
            }
            if (value != null && paramName.equalsIgnoreCase(name)) {
                return Optional.of(value);
            }
            at = i;
        }
        return Optional.empty();
    }
}
