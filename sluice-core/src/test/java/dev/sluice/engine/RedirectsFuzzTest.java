package dev.sluice.engine;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.DictionaryEntries;
import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.sluice.net.Origin;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * A Location a server sends, resolved against the URL that sent it: the result is an absolute
 * http or https URL with a usable host, or the value is refused with an
 * {@link IllegalArgumentException}, the one exception the exchange turns into a protocol
 * error naming the URL. The value is the input read as ISO-8859-1, as the client reads fields.
 */
class RedirectsFuzzTest {

    private static final URI[] BASES = {
        URI.create("http://example.com/a/b/c?q=1"),
        URI.create("https://user:pw@example.com:8443/dir/file#frag"),
        URI.create("http://127.0.0.1/"),
        URI.create("http://[::1]:8080"),
    };

    /** Byte 0 picks the base URL; the rest is the Location value. */
    @FuzzTest(maxDuration = "4m")
    @DictionaryEntries({"http://", "https://", "//", "../", "./", "?", "#", "%", "%2e", "@", ":", "[::1]", "mailto:",
        "HTTP://", "/..", ":65536", "\\x80", "\\xff"})
    void locationsResolveToHttpUrlsOrAreRefused(byte[] input) {
        if (input.length < 1) {
            return;
        }
        URI base = BASES[(input[0] & 0xFF) % BASES.length];
        String location = new String(input, 1, input.length - 1, StandardCharsets.ISO_8859_1);
        URI next;
        try {
            next = Redirects.resolve(base, location);
        } catch (IllegalArgumentException e) {
            // The message may quote the whole Location (URI's own parse errors do); the client
            // shows it through excerpt, which caps it.
            assertThat(e.getMessage()).isNotBlank();
            assertThat(Redirects.excerpt(e.getMessage()).length()).isLessThanOrEqualTo(200 + 5 + 3);
            return;
        }
        assertThat(next.isAbsolute()).as("%s absolute", next).isTrue();
        assertThat(next.isOpaque()).isFalse();
        assertThat(next.getScheme().toLowerCase(Locale.ROOT)).isIn("http", "https");
        assertThat(Origin.of(next)).isNotNull();
        assertThat(URI.create(next.toString())).isEqualTo(next);
        String path = next.getRawPath();
        assertThat(path == null || !(path.contains("/../") || path.endsWith("/..") || path.contains("/./")))
                .as("dot segments left in %s", path).isTrue();
        // 200 characters, of which the last may be an escape that crosses the cap by up to 5, then "...".
        assertThat(Redirects.excerpt(location).length()).isLessThanOrEqualTo(200 + 5 + 3);
    }
}
