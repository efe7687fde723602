package dev.sluice.cli;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The URL in front of a message: once, and never with its password. */
class ErrorLineTest {

    @Test
    void aMessageThatNamesTheUrlIsLeftAsItIs() {
        assertThat(ErrorLine.withUrl("http://h/f", "http://h/f: HTTP 404 Not Found"))
                .isEqualTo("http://h/f: HTTP 404 Not Found");
    }

    @Test
    void aMessageThatDoesNotNameTheUrlGetsItInFrontWithThePasswordHidden() {
        assertThat(ErrorLine.withUrl("http://user:secret@h/f", "disk full"))
                .isEqualTo("http://user:***@h/f: disk full");
    }

    @Test
    void aMessageNamingTheUrlWithItsPasswordHiddenCountsAsNamingIt() {
        assertThat(ErrorLine.withUrl("http://user:secret@h/f", "http://user:***@h/f: refused"))
                .isEqualTo("http://user:***@h/f: refused");
    }
}
