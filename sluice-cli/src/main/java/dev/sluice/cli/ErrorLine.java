package dev.sluice.cli;

import java.io.PrintStream;

/**
 * The one line an error gets on stderr: {@code sluice: URL: cause}. Messages can carry text a
 * server chose (a reason phrase, a Location), so control characters are escaped: a hostile
 * server must not be able to split the line or send terminal escape sequences.
 */
final class ErrorLine {
    private ErrorLine() {
    }

    /** Prints {@code sluice: message}, plus the stack trace when {@code SLUICE_DEBUG=1}. */
    static void print(PrintStream err, String message, Throwable cause) {
        err.println("sluice: " + oneLine(message));
        if (cause != null && debug()) {
            cause.printStackTrace(err);
        }
        err.flush();
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

    /** Whether stack traces are wanted ({@code SLUICE_DEBUG=1}). */
    static boolean debug() {
        return "1".equals(System.getenv("SLUICE_DEBUG"));
    }
}
