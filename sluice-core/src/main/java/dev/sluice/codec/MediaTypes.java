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
