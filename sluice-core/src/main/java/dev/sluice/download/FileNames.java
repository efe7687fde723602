package dev.sluice.download;

import java.io.IOException;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Optional;

/**
 * Output names for downloads: from Content-Disposition ({@code filename*} of RFC 8187 first,
 * then {@code filename}) or the last segment of the URL path, percent-decoded; sanitised so a
 * name never leaves the target directory: no separators, no {@code ..}, no control
 * characters, no leading dots, at most {@link #MAX_CHOSEN_NAME_BYTES} bytes.
 */
public final class FileNames {
    /** The longest name most file systems accept, in UTF-8 bytes. */
    public static final int MAX_NAME_BYTES = 255;
    /**
     * The longest name sluice chooses, in UTF-8 bytes: room is left for the {@code .part} of
     * the file it streams to and for a {@code .N} that numbers a duplicate (up to five digits),
     * so that neither makes the name too long for the file system.
     */
    public static final int MAX_CHOSEN_NAME_BYTES = MAX_NAME_BYTES - ".part".length() - ".99999".length();
    /** A longer "extension" is more likely part of the name than a type, and is cut with it. */
    static final int MAX_KEPT_EXTENSION_BYTES = 32;
    static final String FALLBACK = "index.html";

    private FileNames() {
    }

    /** The name for a download of {@code uri} with this Content-Disposition value (may be null). */
    public static String choose(URI uri, String contentDisposition) {
        return fromContentDisposition(contentDisposition).or(() -> fromPath(uri)).orElse(FALLBACK);
    }

    /**
     * The name for a download of {@code original} that was answered at {@code uri} (after
     * redirects): the Content-Disposition name, else the last segment of the path of
     * {@code uri}, else that of {@code original}, else {@value #FALLBACK}. A redirect to a
     * directory-like URL ({@code /files/}) does not turn {@code orig.txt} into {@value #FALLBACK}.
     */
    public static String choose(URI uri, URI original, String contentDisposition) {
        return fromContentDisposition(contentDisposition).or(() -> fromPath(uri)).or(() -> fromPath(original))
                .orElse(FALLBACK);
    }

    static Optional<String> fromPath(URI uri) {
        String raw = uri.getRawPath();
        if (raw == null || raw.isEmpty() || raw.endsWith("/")) {
            return Optional.empty();
        }
        String last = raw.substring(raw.lastIndexOf('/') + 1);
        String decoded;
        try {
            decoded = URLDecoder.decode(last.replace("+", "%2B"), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            decoded = last;
        }
        return sanitise(decoded);
    }

    static Optional<String> fromContentDisposition(String value) {
        if (value == null) {
            return Optional.empty();
        }
        String plain = null;
        String extended = null;
        for (String part : splitParams(value)) {
            int eq = part.indexOf('=');
            if (eq < 0) {
                continue;
            }
            String key = part.substring(0, eq).trim().toLowerCase(Locale.ROOT);
            String v = part.substring(eq + 1).trim();
            if (key.equals("filename*")) {
                extended = decodeExtended(v);
            } else if (key.equals("filename")) {
                plain = unquote(v);
            }
        }
        Optional<String> best = extended != null ? sanitise(extended) : Optional.empty();
        return best.isPresent() ? best : plain != null ? sanitise(plain) : Optional.empty();
    }

    /** RFC 8187: {@code charset'language'percent-encoded}. */
    private static String decodeExtended(String v) {
        int a = v.indexOf('\'');
        int b = a < 0 ? -1 : v.indexOf('\'', a + 1);
        if (b < 0) {
            return null;
        }
        Charset cs;
        try {
            cs = Charset.forName(v.substring(0, a).trim());
        } catch (RuntimeException e) {
            return null;
        }
        try {
            return URLDecoder.decode(v.substring(b + 1).replace("+", "%2B"), cs);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    private static java.util.List<String> splitParams(String value) {
        java.util.List<String> parts = new java.util.ArrayList<>();
        StringBuilder cur = new StringBuilder();
        boolean quoted = false;
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c == '"') {
                quoted = !quoted;
            } else if (c == '\\' && quoted && i + 1 < value.length()) {
                cur.append(c).append(value.charAt(++i));
                continue;
            }
            if (c == ';' && !quoted) {
                parts.add(cur.toString());
                cur.setLength(0);
            } else {
                cur.append(c);
            }
        }
        parts.add(cur.toString());
        return parts;
    }

    private static String unquote(String v) {
        if (v.length() >= 2 && v.startsWith("\"") && v.endsWith("\"")) {
            return v.substring(1, v.length() - 1).replaceAll("\\\\(.)", "$1");
        }
        return v;
    }

    /**
     * The safe form of a proposed name, or empty when nothing usable is left. Path separators
     * (both kinds) and control characters become '_'; leading dots and spaces are dropped (no
     * hidden files, no {@code ..}); the name is cut to {@link #MAX_CHOSEN_NAME_BYTES} UTF-8
     * bytes between characters, keeping its extension.
     */
    public static Optional<String> sanitise(String proposed) {
        StringBuilder b = new StringBuilder(proposed.length());
        proposed.codePoints().forEach(cp -> {
            boolean bad = cp < 0x20 || cp == 0x7f || cp == '/' || cp == '\\' || (cp >= 0x80 && cp < 0xa0)
                    || Character.getType(cp) == Character.SURROGATE
                    || cp == ':' || cp == '*' || cp == '?' || cp == '"' || cp == '<' || cp == '>' || cp == '|';
            b.appendCodePoint(bad ? '_' : cp);
        });
        String s = b.toString().strip();
        int i = 0;
        while (i < s.length() && (s.charAt(i) == '.' || s.charAt(i) == ' ')) {
            i++;
        }
        s = cut(s.substring(i), MAX_CHOSEN_NAME_BYTES);
        if (s.isEmpty() || s.chars().allMatch(ch -> ch == '_')) {
            return Optional.empty();
        }
        return Optional.of(s);
    }

    /**
     * {@code name} in at most {@code maxBytes} UTF-8 bytes: the part before the extension is
     * cut at a character boundary, so that the extension, which says what the file is, stays.
     */
    static String cut(String name, int maxBytes) {
        if (utf8Length(name) <= maxBytes) {
            return name;
        }
        int dot = name.lastIndexOf('.');
        String extension = dot > 0 && utf8Length(name.substring(dot)) <= MAX_KEPT_EXTENSION_BYTES ? name.substring(dot) : "";
        String stem = name.substring(0, name.length() - extension.length());
        int budget = maxBytes - utf8Length(extension);
        int bytes = 0;
        int end = 0;
        while (end < stem.length()) {
            int cp = stem.codePointAt(end);
            int n = utf8Length(Character.toString(cp));
            if (bytes + n > budget) {
                break;
            }
            bytes += n;
            end += Character.charCount(cp);
        }
        return stem.substring(0, end) + extension;
    }

    private static int utf8Length(String s) {
        return s.getBytes(StandardCharsets.UTF_8).length;
    }

    /**
     * {@code dir.resolve(name)}, checked to stay inside {@code dir} (relative names from an
     * input list may hold sub-directories, never {@code ..} or an absolute path).
     */
    public static Path inside(Path dir, String relative) {
        Path base = dir.toAbsolutePath().normalize();
        Path p = base.resolve(relative).normalize();
        if (Path.of(relative).isAbsolute() || !p.startsWith(base) || p.equals(base)) {
            throw new IllegalArgumentException("output name leaves the target directory: " + relative);
        }
        return p;
    }

    /**
     * Whether {@code p} stays inside {@code dir} on disk, not only in its text: its normalised
     * absolute path lies under {@code dir}'s, and, when {@code dir} exists, the deepest existing
     * entry among {@code p}'s parents (a symbolic link counts as existing even when it dangles)
     * resolves, through every symbolic link, to a place under {@code dir}'s real path. A name
     * such as {@code link/evil.bin}, where {@code link} points out of {@code dir}, passes
     * {@link #inside} but not this. {@code p} itself may be a symbolic link: a file renamed
     * onto it replaces the link, and deleting it deletes the link.
     *
     * <pre>{@code
     * if (!FileNames.staysInside(dir, dir.resolve("sub/a.bin"))) {
     *     throw new IOException("sub/a.bin leaves " + dir + " through a symbolic link");
     * }
     * }</pre>
     *
     * <p>It is a check at one moment: whoever can change {@code dir} while a download runs can
     * still redirect it.
     */
    public static boolean staysInside(Path dir, Path p) {
        Path base = dir.toAbsolutePath().normalize();
        Path absolute = p.toAbsolutePath();
        Path normal = absolute.normalize();
        if (!normal.startsWith(base) || normal.equals(base)) {
            return false;
        }
        if (!Files.isDirectory(base)) {
            return true; // nothing inside it yet, so no link to leave through
        }
        try {
            Path realBase = base.toRealPath();
            // The path as given, not its normalised text: the file system resolves "link/.."
            // through the link, and so must this check.
            for (Path a = absolute.getParent(); a != null; a = a.getParent()) {
                if (Files.exists(a, LinkOption.NOFOLLOW_LINKS)) {
                    return a.toRealPath().startsWith(realBase);
                }
            }
            return false;
        } catch (IOException e) {
            return false; // a dangling link, or one that loops: it leads nowhere inside
        }
    }
}
