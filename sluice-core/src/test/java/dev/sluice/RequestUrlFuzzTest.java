package dev.sluice;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.DictionaryEntries;
import com.code_intelligence.jazzer.junit.FuzzTest;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.util.Objects;

/**
 * Any string given as a URL: refused with an {@link IllegalArgumentException}, or a request
 * whose URL is the one given with only the dot segments of its path resolved (RFC 3986
 * §5.2.4): scheme, user information, host, port, query and fragment as written, no {@code .}
 * or {@code ..} segment left, and the same URL again when it is given once more.
 */
class RequestUrlFuzzTest {

    @FuzzTest(maxDuration = "2m")
    @DictionaryEntries({"http://", "https://", "/../", "/./", "/..", "/.", "..", "%2e", "?", "#", "@", ":", "[::1]", "_"})
    void urlsKeepAllButTheirDotSegments(byte[] input) throws URISyntaxException {
        String url = new String(input, StandardCharsets.ISO_8859_1);
        Request request;
        try {
            request = Request.newBuilder(url).build();
        } catch (IllegalArgumentException e) {
            assertThat(e.getMessage()).isNotBlank();
            return;
        }
        URI given = new URI(url);
        URI sent = request.uri();
        assertThat(sent.getScheme()).isEqualTo(given.getScheme());
        assertThat(sent.getRawAuthority()).isEqualTo(given.getRawAuthority());
        assertThat(sent.getRawQuery()).isEqualTo(given.getRawQuery());
        assertThat(sent.getRawFragment()).isEqualTo(given.getRawFragment());
        String path = Objects.requireNonNullElse(sent.getRawPath(), "");
        assertThat(("/" + path + "/").contains("/./") || ("/" + path + "/").contains("/../"))
                .as("dot segments left in %s (from %s)", path, url).isFalse();
        if (!Objects.requireNonNullElse(given.getRawPath(), "").isEmpty()) {
            assertThat(path).as("from %s", url).startsWith("/");
        }
        assertThat(Request.newBuilder(sent).build().uri()).isEqualTo(sent);
    }
}
