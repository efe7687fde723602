package dev.sluice.cli;

/**
 * How many terminal columns text takes, as {@code wcwidth} counts them: East Asian wide and
 * full-width characters (CJK, Hangul, most emoji) take two, combining marks and format
 * characters none, others one. The live progress view cuts its lines by this, for a line one
 * column too wide wraps and breaks the redraw, and never cuts inside a surrogate pair.
 *
 * <pre>{@code
 * DisplayWidth.of("文件.bin");   // 8
 * DisplayWidth.cut("文件.bin", 3); // "文" (a second wide character would not fit)
 * }</pre>
 */
final class DisplayWidth {
    private DisplayWidth() {
    }

    /** The columns {@code text} takes. */
    static int of(String text) {
        int width = 0;
        for (int i = 0; i < text.length(); ) {
            int cp = text.codePointAt(i);
            width += of(cp);
            i += Character.charCount(cp);
        }
        return width;
    }

    /** The longest start of {@code text} that takes at most {@code columns}, cut between code points. */
    static String cut(String text, int columns) {
        int width = 0;
        for (int i = 0; i < text.length(); ) {
            int cp = text.codePointAt(i);
            int w = of(cp);
            if (width + w > columns) {
                return text.substring(0, i);
            }
            width += w;
            i += Character.charCount(cp);
        }
        return text;
    }

    static int of(int cp) {
        int type = Character.getType(cp);
        if (type == Character.NON_SPACING_MARK || type == Character.ENCLOSING_MARK || type == Character.FORMAT
                || cp == 0x200B) {
            return 0;
        }
        return isWide(cp) ? 2 : 1;
    }

    /** The East Asian Wide and Fullwidth ranges (Unicode's EastAsianWidth W and F), as wcwidth has them. */
    private static boolean isWide(int cp) {
        return cp >= 0x1100 && (cp <= 0x115F
                || cp == 0x2329 || cp == 0x232A
                || (cp >= 0x231A && cp <= 0x231B)
                || (cp >= 0x23E9 && cp <= 0x23EC)
                || (cp >= 0x25FD && cp <= 0x25FE)
                || (cp >= 0x2614 && cp <= 0x2615)
                || (cp >= 0x2648 && cp <= 0x2653)
                || (cp >= 0x26AA && cp <= 0x26AB)
                || (cp >= 0x26BD && cp <= 0x26BE)
                || (cp >= 0x2705 && cp <= 0x2705)
                || (cp >= 0x2E80 && cp <= 0x303E)
                || (cp >= 0x3041 && cp <= 0x33FF)
                || (cp >= 0x3400 && cp <= 0x4DBF)
                || (cp >= 0x4E00 && cp <= 0x9FFF)
                || (cp >= 0xA000 && cp <= 0xA4CF)
                || (cp >= 0xA960 && cp <= 0xA97F)
                || (cp >= 0xAC00 && cp <= 0xD7A3)
                || (cp >= 0xF900 && cp <= 0xFAFF)
                || (cp >= 0xFE10 && cp <= 0xFE19)
                || (cp >= 0xFE30 && cp <= 0xFE6F)
                || (cp >= 0xFF00 && cp <= 0xFF60)
                || (cp >= 0xFFE0 && cp <= 0xFFE6)
                || (cp >= 0x16FE0 && cp <= 0x18CFF)
                || (cp >= 0x1B000 && cp <= 0x1B2FF)
                || (cp >= 0x1F004 && cp <= 0x1F004)
                || (cp >= 0x1F0CF && cp <= 0x1F0CF)
                || (cp >= 0x1F18E && cp <= 0x1F18E)
                || (cp >= 0x1F191 && cp <= 0x1F19A)
                || (cp >= 0x1F200 && cp <= 0x1F251)
                || (cp >= 0x1F300 && cp <= 0x1F64F)
                || (cp >= 0x1F680 && cp <= 0x1F6FF)
                || (cp >= 0x1F7E0 && cp <= 0x1F7EB)
                || (cp >= 0x1F90C && cp <= 0x1F9FF)
                || (cp >= 0x1FA70 && cp <= 0x1FAFF)
                || (cp >= 0x20000 && cp <= 0x2FFFD)
                || (cp >= 0x30000 && cp <= 0x3FFFD));
    }
}
