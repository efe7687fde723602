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
    /**
     * The library names the URL as requested, its dot segments resolved: the URL as typed was
     * put in front of that as if the message named another (where a redirect led), so the line
     * named two URLs.
     */
    @Test
    void aUrlWithDotSegmentsIsNamedOnceAsRequested() {
        assertThat(ErrorLine.withUrl("http://h/c/../nope", "http://h/nope: HTTP 404 Not Found"))
                .isEqualTo("http://h/nope: HTTP 404 Not Found");
        assertThat(ErrorLine.withUrl("http://u:pw@h/a/./b", "cannot write out.bin: disk full"))
                .isEqualTo("http://u:***@h/a/b: cannot write out.bin: disk full");
        assertThat(ErrorLine.withUrl("http://h/../x", "http://h/y: refused"))
                .isEqualTo("http://h/x: http://h/y: refused");
        assertThat(ErrorLine.withUrl("not a url/../x", "bad")).isEqualTo("not a url/../x: bad");
    }
}
