package dev.sluice.cli;

import dev.sluice.Request;
import dev.sluice.SluiceException;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.util.regex.Pattern;

/**
 * The one line an error gets on stderr: {@code sluice: URL: cause}. Messages can carry text a
 * server chose (a reason phrase, a Location), so control characters are escaped: a hostile
 * server must not be able to split the line or send terminal escape sequences.
 */
public final class ErrorLine {
    private ErrorLine() {
    }

    /** Prints {@code sluice: message}, plus the stack trace when {@code SLUICE_DEBUG=1}. */
    static void print(PrintStream err, String message, Throwable cause) {
        // The line may name a URL with a password in it: the library's messages hide it, ours too.
        err.println("sluice: " + oneLine(message == null ? null : Request.hidePasswords(message)));
        if (cause != null && debug()) {
            cause.printStackTrace(err);
        }
        err.flush();
    }

    /** Most characters of a URL, name or server text a message quotes: an input line may be 64 KiB, a Location as long. */
    static final int MAX_QUOTED_CHARS = 200;

    /** Most characters of a field's value a message quotes, as the library quotes one. */
    static final int MAX_QUOTED_FIELD_CHARS = 80;

    /** At most {@link #MAX_QUOTED_CHARS} of {@code text}, marked where it was cut. */
    static String excerpt(String text) {
        return excerpt(text, MAX_QUOTED_CHARS);
    }

    /** At most {@code maxChars} of {@code text}, marked where it was cut. */
    static String excerpt(String text, int maxChars) {
        return text.length() <= maxChars ? text : text.substring(0, maxChars) + "...";
    }

    /** {@code text} with CR, LF, TAB and every other control character written as {@code \xNN}. */
    static String oneLine(String text) {
        if (text == null) {
            return "";
        }
        StringBuilder b = null;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            boolean control = c < 0x20 || (c >= 0x7f && c < 0xa0);
            if (control && b == null) {
                b = new StringBuilder(text.length() + 8).append(text, 0, i);
            }
            if (b != null) {
                if (control) {
                    b.append("\\x").append(Character.forDigit(c >> 4, 16)).append(Character.forDigit(c & 15, 16));
                } else {
                    b.append(c);
                }
            }
        }
        return b == null ? text : b.toString();
    }

    /**
     * The message for a failure of the work on {@code url}: the library's messages already name
     * the URL (the final one, after redirects); others get it in front. A local file error says
     * which file and why, in words rather than an exception's class.
     */
    static String about(String url, Throwable cause) {
        Throwable c = cause instanceof UncheckedIOException u ? u.getCause() : cause;
        String message = c instanceof IOException io && !(c instanceof SluiceException)
                ? localReason(io)
                : String.valueOf(c.getMessage());
        return withUrl(url, message);
    }

    /** The longest URL the library's messages quote whole; a longer one is cut there. */
    private static final int LIBRARY_URL_CHARS = 2048;

    /**
     * {@code message}, with {@code url} in front unless the message names it already: starts
     * with it (in full, its password hidden, or shortened, as the library's messages quote a
     * URL longer than a couple of thousand characters), or names it elsewhere without starting
     * with another URL ({@code invalid URL http://...: ...}). A message that starts with another
     * URL (where a redirect led) gets this one in front, even when that one begins like it
     * ({@code /d} redirected to {@code /d/}). The URL is named as requested: with the dot
     * segments of its path resolved, as the library's messages name it.
     */
    static String withUrl(String url, String message) {
        String shown = Request.hidePasswords(asRequested(url));
        boolean named = message.startsWith(shown + ": ")
                || (shown.length() > LIBRARY_URL_CHARS && message.startsWith(shown.substring(0, LIBRARY_URL_CHARS)))
                || (!startsWithUrl(message) && message.contains(shown));
        return named ? message : shown + ": " + message;
    }

    /** {@code url} as a request goes out to it (see {@link Request#newBuilder(String)}); as given when it is none. */
    private static String asRequested(String url) {
        try {
            return Request.newBuilder(url).build().uri().toString();
        } catch (IllegalArgumentException e) {
            return url;
        }
    }

    private static final Pattern STARTS_WITH_URL = Pattern.compile("[A-Za-z][A-Za-z0-9+.-]*://");

    /** Whether {@code text} starts with a URL: a scheme and "://". */
    static boolean startsWithUrl(String text) {
        return STARTS_WITH_URL.matcher(text).lookingAt();
    }

    /**
     * {@code cannot ACTION FILE: reason}, naming the file once: a {@link FileSystemException}
     * names its own (which may be a different one, such as a missing parent directory).
     */
    static String cannot(String action, Object file, IOException e) {
        boolean namesFile = e instanceof FileSystemException fs && fs.getFile() != null;
        return "cannot " + action + " " + (namesFile ? localReason(e) : file + ": " + localReason(e));
    }

    /** A local I/O error in words: {@code out/a.bin: permission denied}. */
    static String localReason(IOException e) {
        String fallback = fallbackReason(e);
        if (e instanceof FileSystemException fs) {
            // Its message is "file[ -> other][: reason]"; the JDK often leaves the reason out.
            return fs.getReason() == null && fallback != null ? fs.getMessage() + ": " + fallback : fs.getMessage();
        }
        return e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName();
    }

    /**
     * Only the cause of a local I/O error, for a message that names the file itself:
     * {@code permission denied}, where {@link #localReason} would name the file the error
     * happened to (a temporary one, say).
     */
    public static String reason(IOException e) {
        String fallback = fallbackReason(e);
        if (e instanceof FileSystemException fs && (fs.getReason() != null || fallback != null)) {
            return fs.getReason() != null ? fs.getReason() : fallback;
        }
        return e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName();
    }

    /** The words for the exceptions the JDK often throws without a reason. */
    private static String fallbackReason(IOException e) {
        return switch (e) {
            case AccessDeniedException denied -> "permission denied";
            case NoSuchFileException missing -> "no such file or directory";
            case FileAlreadyExistsException exists -> "file exists";
            case DirectoryNotEmptyException notEmpty -> "is a directory that is not empty";
            default -> null;
        };
    }

    /** Whether stack traces are wanted ({@code SLUICE_DEBUG=1}). */
    static boolean debug() {
        return "1".equals(System.getenv("SLUICE_DEBUG"));
    }
}
