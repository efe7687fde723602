package dev.sluice.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Location resolution is RFC 3986 §5.2, checked against the examples of its §5.4. */
class RedirectsTest {
    private static final URI BASE = URI.create("http://a/b/c/d;p?q");

    @ParameterizedTest(name = "\"{0}\" -> {1}")
    @CsvSource(delimiter = '|', emptyValue = "", value = {
        // §5.4.1, normal examples (those with a scheme other than http are left out: not followed)
        "g            | http://a/b/c/g",
        "./g          | http://a/b/c/g",
        "g/           | http://a/b/c/g/",
        "/g           | http://a/g",
        "//g          | http://g",
        "?y           | http://a/b/c/d;p?y",
        "g?y          | http://a/b/c/g?y",
        "#s           | http://a/b/c/d;p?q#s",
        "g#s          | http://a/b/c/g#s",
        "g?y#s        | http://a/b/c/g?y#s",
        ";x           | http://a/b/c/;x",
        "g;x          | http://a/b/c/g;x",
        "g;x?y#s      | http://a/b/c/g;x?y#s",
        "''           | http://a/b/c/d;p?q",
        ".            | http://a/b/c/",
        "./           | http://a/b/c/",
        "..           | http://a/b/",
        "../          | http://a/b/",
        "../g         | http://a/b/g",
        "../..        | http://a/",
        "../../       | http://a/",
        "../../g      | http://a/g",
        // §5.4.2, abnormal examples
        "../../../g   | http://a/g",
        "../../../../g | http://a/g",
        "/./g         | http://a/g",
        "/../g        | http://a/g",
        "g.           | http://a/b/c/g.",
        ".g           | http://a/b/c/.g",
        "g..          | http://a/b/c/g..",
        "..g          | http://a/b/c/..g",
        "./../g       | http://a/b/g",
        "./g/.        | http://a/b/c/g/",
        "g/./h        | http://a/b/c/g/h",
        "g/../h       | http://a/b/c/h",
        "g;x=1/./y    | http://a/b/c/g;x=1/y",
        "g;x=1/../y   | http://a/b/c/y",
        "g?y/./x      | http://a/b/c/g?y/./x",
        "g?y/../x     | http://a/b/c/g?y/../x",
        "g#s/./x      | http://a/b/c/g#s/./x",
        "g#s/../x     | http://a/b/c/g#s/../x",
        "http:g       | http:g",
    })
    void referencesResolveAsRfc3986Says(String reference, String expected) {
        String ref = reference.equals("''") ? "" : reference;
        assertThat(Redirects.resolveReference(BASE, URI.create(ref))).hasToString(expected);
    }

    @ParameterizedTest(name = "\"{0}\" -> {1}")
    @CsvSource(delimiter = '|', value = {
        "?page=2          | http://h/list/items?page=2",
        "/x/./y/../z      | http://h/x/z",
        "../../../../etc  | http://h/etc",
        "http://o/a/../b  | http://o/b",
        "https://o:8443   | https://o:8443",
    })
    void aLocationResolvesToAUsableUrl(String location, String expected) {
        assertThat(Redirects.resolve(URI.create("http://h/list/items?page=1"), location)).hasToString(expected);
    }

    @ParameterizedTest
    @CsvSource({
        "http://alice:pw@example.org/a, /b,                        http://alice:pw@example.org/b",
        "http://alice:pw@example.org/a, http://example.org/c,      http://alice:pw@example.org/c",
        // A host java.net.URI leaves unparsed keeps its user information once, not twice.
        "http://alice:pw@my_host:8080/a, /b,                       http://alice:pw@my_host:8080/b",
        "http://alice:pw@my_host:8080/a, http://my_host:8080/c,    http://alice:pw@my_host:8080/c",
        "http://alice:pw@my_host:8080/a, http://other_host:8080/c, http://other_host:8080/c"
    })
    void userInformationStaysWithItsOriginOnce(String base, String location, String expected) {
        assertThat(Redirects.resolve(URI.create(base), location)).hasToString(expected);
    }
}
