package dev.sluice.download;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.DictionaryEntries;
import com.code_intelligence.jazzer.junit.FuzzTest;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/**
 * Names a server chooses, through its URL path or Content-Disposition ({@code filename},
 * {@code filename*} of RFC 6266 and RFC 8187), and the numbered names of duplicates. Whatever
 * the server sends, the name is usable and harmless: not empty, not {@code .} or {@code ..},
 * no {@code /}, NUL or control character, at most {@link FileNames#MAX_CHOSEN_NAME_BYTES}
 * UTF-8 bytes (so its {@code .part} and a number still fit the file system's 255), and
 * {@code DIR.resolve(name)} stays inside DIR. No exception escapes.
 */
class FileNamesFuzzTest {

    private static final Path DIR = Path.of("/srv/downloads").toAbsolutePath();

    /**
     * The input up to the first NUL is the Content-Disposition value (ISO-8859-1, as fields are
     * read); the rest is a URL path, read as UTF-8 (a redirect's URL may hold any character).
     */
    @FuzzTest(maxDuration = "4m")
    @DictionaryEntries({"attachment; filename=\"", "filename*=UTF-8''", "filename*=ISO-8859-1'en'", "%2F", "%00",
        "%C3%A9", "%E2%80%AE", "..", "\\\\\"", ".part", "%FF", "%F0%9F%98%80"})
    void chosenNamesAreSafe(byte[] input) {
        int nul = 0;
        while (nul < input.length && input[nul] != 0) {
            nul++;
        }
        String disposition = new String(input, 0, nul, StandardCharsets.ISO_8859_1);
        String path = nul < input.length ? new String(input, nul + 1, input.length - nul - 1, StandardCharsets.UTF_8) : "";
        URI uri;
        try {
            uri = new URI("http", "example.com", "/" + path, null);
        } catch (URISyntaxException e) {
            uri = URI.create("http://example.com/x");
        }
        checkSafe(FileNames.choose(uri, disposition));
        checkSafe(FileNames.choose(uri, null));
        FileNames.fromContentDisposition(disposition).ifPresent(FileNamesFuzzTest::checkSafe);
        FileNames.fromPath(uri).ifPresent(FileNamesFuzzTest::checkSafe);
        FileNames.sanitise(disposition).ifPresent(FileNamesFuzzTest::checkSafe);
        FileNames.sanitise(path).ifPresent(FileNamesFuzzTest::checkSafe);
        // A raw path as a server's redirect may give it, not re-encoded: any parseable URI.
        try {
            FileNames.fromPath(new URI("http://example.com/" + path)).ifPresent(FileNamesFuzzTest::checkSafe);
        } catch (URISyntaxException e) {
            // Not a URL the client would have requested.
        }
    }

    /** Byte 0 is the duplicate's number (1..256); the rest, read as UTF-8, is a name to sanitise. */
    @FuzzTest(maxDuration = "2m")
    void numberedDuplicatesStaySafe(byte[] input) {
        if (input.length < 1) {
            return;
        }
        int n = 1 + (input[0] & 0xFF);
        String proposed = new String(input, 1, input.length - 1, StandardCharsets.UTF_8);
        FileNames.sanitise(proposed).ifPresent(name -> {
            String numbered = OutputNames.numbered(name, n);
            checkSafe(numbered, FileNames.MAX_NAME_BYTES - ".part".length());
            assertThat((numbered + ".part").getBytes(StandardCharsets.UTF_8).length)
                    .isLessThanOrEqualTo(FileNames.MAX_NAME_BYTES);
            assertThat(numbered).isNotEqualTo(name);
        });
    }

    private static void checkSafe(String name) {
        checkSafe(name, FileNames.MAX_CHOSEN_NAME_BYTES);
    }

    private static void checkSafe(String name, int maxBytes) {
        assertThat(name).isNotEmpty().isNotEqualTo(".").isNotEqualTo("..");
        assertThat(name).doesNotContain("/").doesNotContain("\0");
        assertThat(name.codePoints()).as("control characters in %s", name)
                .noneMatch(cp -> Character.getType(cp) == Character.CONTROL);
        // No lone surrogate, which a file system call would write as '?': the name survives UTF-8.
        assertThat(new String(name.getBytes(StandardCharsets.UTF_8), StandardCharsets.UTF_8)).isEqualTo(name);
        assertThat(name.getBytes(StandardCharsets.UTF_8).length).as("UTF-8 bytes of %s", name)
                .isLessThanOrEqualTo(maxBytes);
        Path resolved = DIR.resolve(name).normalize();
        assertThat(resolved.getParent()).as("%s resolved", name).isEqualTo(DIR);
        assertThat(FileNames.inside(DIR, name)).isEqualTo(resolved);
    }
}
