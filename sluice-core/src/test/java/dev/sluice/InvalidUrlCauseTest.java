package dev.sluice;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URISyntaxException;
import org.junit.jupiter.api.Test;

/**
 * A URL java.net.URI cannot parse is refused with its URISyntaxException as the cause (it was
 * dropped, for its message quotes the URL): the cause quotes it with the password hidden, its
 * index moved to match.
 */
class InvalidUrlCauseTest {
    @Test
    void aBrokenEscapeKeepsTheSyntaxErrorAsTheCauseWithoutThePassword() {
        String url = "http://user:s3cret@127.0.0.1:45200/%zz";
        assertThatThrownBy(() -> Request.get(url))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageNotContaining("s3cret")
                .cause().isInstanceOfSatisfying(URISyntaxException.class, e -> {
                    assertThat(e.getInput()).isEqualTo("http://user:***@127.0.0.1:45200/%zz");
                    assertThat(e.getInput().charAt(e.getIndex())).isEqualTo('%');
                    assertThat(e.getMessage()).doesNotContain("s3cret");
                });
    }

    @Test
    void aSyntaxErrorInsideThePasswordHasNoIndexThatWouldPointIntoIt() {
        assertThatThrownBy(() -> Request.get("http://user:s3%zzcret@127.0.0.1:45200/"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageNotContaining("s3")
                .cause().isInstanceOfSatisfying(URISyntaxException.class, e -> {
                    assertThat(e.getInput()).isEqualTo("http://user:***@127.0.0.1:45200/");
                    assertThat(e.getIndex()).isEqualTo(-1);
                    assertThat(e.getMessage()).doesNotContain("s3");
                });
    }

    @Test
    void withoutAPasswordTheCauseIsUrisOwn() {
        assertThatThrownBy(() -> Request.get("http://127.0.0.1/a b"))
                .isInstanceOf(IllegalArgumentException.class)
                .cause().isInstanceOfSatisfying(URISyntaxException.class, e -> assertThat(e.getIndex()).isEqualTo(18));
    }
}
