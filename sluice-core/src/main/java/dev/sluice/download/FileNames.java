package dev.sluice.download;

import java.io.IOException;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.Charset;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Output names for downloads: from Content-Disposition ({@code filename*} of RFC 8187 first,
 * then {@code filename}) or the last segment of the URL path, percent-decoded (kept encoded
 * when its bytes are not UTF-8); sanitised so a
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
        // A segment whose bytes are no UTF-8 text (%FF.bin) keeps its percent-encoded form, as
        // curl does: U+FFFD in its place would lose which bytes were sent. It is not a unique
        // name (/%25FF.bin decodes to %FF.bin too), no more than /a/x.bin and /b/x.bin are:
        // within a run the second is numbered (x.1.bin), as any duplicate is.
        return sanitise(percentDecode(last, StandardCharsets.UTF_8).orElse(last));
    }

    /**
     * The name a Content-Disposition value gives, or empty when it gives none or is invalid.
     * {@code filename*} (RFC 8187) wins over {@code filename}, but only when it is valid and
     * decodes: a value outside the grammar of RFC 8187 §3.2.1 (a space, {@code (}, {@code ,} or
     * {@code /} not percent-encoded, a bad escape, no language quotes), a charset other than
     * UTF-8 or ISO-8859-1, or bytes that are not text in its charset, make it fall back to
     * {@code filename} (RFC 6266 §4.3). A quoted {@code filename} holding raw
     * bytes is read as UTF-8 when they are UTF-8, else as ISO-8859-1 (RFC 9110 §5.5 leaves
     * them opaque; curl and wget keep the bytes, which are UTF-8 nearly always). A value with a
     * parameter twice or a quote left open is invalid (RFC 6266 §4.1): no name comes from it.
     */
    static Optional<String> fromContentDisposition(String value) {
        if (value == null || !quotesAreClosed(value)) {
            return Optional.empty();
        }
        String plain = null;
        String extended = null;
        boolean hasExtended = false;
        for (String part : splitParams(value)) {
            int eq = part.indexOf('=');
            if (eq < 0) {
                continue;
            }
            String key = part.substring(0, eq).trim().toLowerCase(Locale.ROOT);
            String v = part.substring(eq + 1).trim();
            if (key.equals("filename*")) {
                if (hasExtended) {
                    return Optional.empty();
                }
                hasExtended = true;
                extended = decodeExtended(v);
            } else if (key.equals("filename")) {
                if (plain != null) {
                    return Optional.empty();
                }
                plain = asText(unquote(v));
            }
        }
        Optional<String> best = extended != null ? sanitise(extended) : Optional.empty();
        return best.isPresent() ? best : plain != null ? sanitise(plain) : Optional.empty();
    }

    /** Whether every quoted string of {@code value} ends (a backslash escapes the next character). */
    private static boolean quotesAreClosed(String value) {
        boolean quoted = false;
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c == '"') {
                quoted = !quoted;
            } else if (c == '\\' && quoted) {
                i++;
            }
        }
        return !quoted;
    }

    /**
     * A header value's characters are its bytes (the client reads fields as ISO-8859-1): read
     * as UTF-8 when they are valid UTF-8, as they are when a server writes a name in UTF-8 raw.
     */
    private static String asText(String latin1) {
        if (latin1.chars().allMatch(c -> c < 0x80) || latin1.chars().anyMatch(c -> c > 0xff)) {
            return latin1;
        }
        return decodeStrictly(latin1.getBytes(StandardCharsets.ISO_8859_1), StandardCharsets.UTF_8).orElse(latin1);
    }

    /**
     * RFC 8187 §3.2.1: {@code charset "'" [ language ] "'" value-chars}; null when {@code v} is
     * not in that grammar or not decodable. A character that is neither attr-char nor a
     * {@code %XX} escape makes the whole value invalid, not one to guess at: the {@code filename}
     * beside it is there for readers that cannot use it (RFC 6266 §4.3).
     */
    private static String decodeExtended(String v) {
        int a = v.indexOf('\'');
        int b = a < 0 ? -1 : v.indexOf('\'', a + 1);
        if (b < 0) {
            return null;
        }
        String charset = v.substring(0, a);
        // The two charsets RFC 8187 §3.2.1 requires; any other is not understood, so ignored.
        Charset cs = charset.equalsIgnoreCase("UTF-8") ? StandardCharsets.UTF_8
                : charset.equalsIgnoreCase("ISO-8859-1") ? StandardCharsets.ISO_8859_1 : null;
        String value = v.substring(b + 1);
        if (cs == null || !isLanguage(v.substring(a + 1, b)) || !isValueChars(value)) {
            return null;
        }
        return percentDecode(value, cs).orElse(null);
    }

    /**
     * Whether {@code s} may be the language of an ext-value: empty, or subtags of one to eight
     * letters and digits joined by '-', the first of letters only. That is the shape of every
     * RFC 5646 Language-Tag (grandfathered ones too). The registry's finer rules are not
     * checked: the language does not change the name, so a tag of the right shape is enough.
     */
    private static boolean isLanguage(String s) {
        if (s.isEmpty()) {
            return true;
        }
        String[] subtags = s.split("-", -1);
        for (int i = 0; i < subtags.length; i++) {
            String t = subtags[i];
            if (t.isEmpty() || t.length() > 8) {
                return false;
            }
            for (int j = 0; j < t.length(); j++) {
                char c = t.charAt(j);
                if (!(isAsciiLetter(c) || i > 0 && isAsciiDigit(c))) {
                    return false;
                }
            }
        }
        return true;
    }

    /** Whether {@code s} is value-chars: {@code *( pct-encoded / attr-char )} (RFC 8187 §3.2.1). */
    private static boolean isValueChars(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '%') {
                if (i + 2 >= s.length() || !isHexDigit(s.charAt(i + 1)) || !isHexDigit(s.charAt(i + 2))) {
                    return false;
                }
                i += 2;
            } else if (!isAttrChar(c)) {
                return false;
            }
        }
        return true;
    }

    /** attr-char of RFC 8187 §3.2.1: ASCII letters, digits and {@code !#$&+-.^_`|~}. */
    private static boolean isAttrChar(char c) {
        return isAsciiLetter(c) || isAsciiDigit(c) || "!#$&+-.^_`|~".indexOf(c) >= 0;
    }

    // ASCII only: Character.isLetter and Character.digit take other scripts' letters and digits.
    private static boolean isAsciiLetter(char c) {
        return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z';
    }

    private static boolean isAsciiDigit(char c) {
        return c >= '0' && c <= '9';
    }

    private static boolean isHexDigit(char c) {
        return hexValue(c) >= 0;
    }

    /** The value of an ASCII hex digit, or -1 (Character.digit would take U+0661 as 1). */
    private static int hexValue(char c) {
        if (isAsciiDigit(c)) {
            return c - '0';
        }
        char lower = (char) (c | 0x20);
        return lower >= 'a' && lower <= 'f' ? lower - 'a' + 10 : -1;
    }

    /**
     * {@code encoded} with its {@code %XX} sequences decoded to bytes ('+' stays '+') and read
     * in {@code charset}; empty when a sequence is malformed or the bytes are not text in it.
     */
    static Optional<String> percentDecode(String encoded, Charset charset) {
        if (encoded.indexOf('%') < 0) {
            return Optional.of(encoded);
        }
        // Not net.PercentEncoding: this package uses only the public API (its own copy of the
        // few lines keeps it so).
        java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream(encoded.length());
        for (int i = 0; i < encoded.length(); i++) {
            char c = encoded.charAt(i);
            if (c == '%') {
                int hi = i + 2 < encoded.length() ? hexValue(encoded.charAt(i + 1)) : -1;
                int lo = hi < 0 ? -1 : hexValue(encoded.charAt(i + 2));
                if (lo < 0) {
                    return Optional.empty();
                }
                bytes.write(hi << 4 | lo);
                i += 2;
            } else {
                // A raw path may hold other characters than ASCII (java.net.URI allows them):
                // they stand for their UTF-8 bytes.
                int cp = encoded.codePointAt(i);
                byte[] utf8 = Character.toString(cp).getBytes(StandardCharsets.UTF_8);
                bytes.write(utf8, 0, utf8.length);
                i += Character.charCount(cp) - 1;
            }
        }
        return decodeStrictly(bytes.toByteArray(), charset);
    }

    /** {@code bytes} as text in {@code charset}, or empty when they are not valid in it. */
    private static Optional<String> decodeStrictly(byte[] bytes, Charset charset) {
        try {
            return Optional.of(charset.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes)).toString());
        } catch (CharacterCodingException e) {
            return Optional.empty();
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
     * input list may hold sub-directories, never {@code ..} or an absolute path). The name is
     * normalised; {@code dir}, made absolute, too unless it holds a {@code ..}, which may follow
     * a symbolic link (see {@link #normalize}): then it is kept as given, as the file system reads it.
     */
    public static Path inside(Path dir, String relative) {
        Path name = Path.of(relative);
        Path normal = name.normalize();
        if (name.isAbsolute() || normal.toString().isEmpty() || normal.startsWith("..")) {
            throw new IllegalArgumentException("output name leaves the target directory: " + relative);
        }
        Path base = dir.toAbsolutePath();
        return hasDotDot(base) ? base.resolve(normal) : base.normalize().resolve(normal);
    }

    /**
     * {@code p} as the file system reads it, written as short as that can be without following
     * a link: its {@code .} segments dropped, and each {@code name/..} pair too where
     * {@code name} is a directory, or nothing yet, which {@code mkdir -p} would make. After a
     * symbolic link, {@code ..} leads up from the link's target, which the text does not show,
     * so such a pair is kept: {@code lnk/../out}, where {@code lnk} points to {@code /a/b}, is
     * {@code /a/out} to the file system, not the {@code out} that {@link Path#normalize} makes
     * of it. After a regular file it leads nowhere (ENOTDIR), and is kept too, for the path to
     * fail as the file system fails it. The file system is asked once for each pair, and not at
     * all for a path without one.
     *
     * <pre>{@code
     * FileNames.normalize(Path.of("./out/../mirror"))  // mirror
     * FileNames.normalize(Path.of("lnk/../out"))       // lnk/../out, when lnk is a symbolic link
     * }</pre>
     */
    public static Path normalize(Path p) {
        if (!hasDotDot(p)) {
            return p.normalize(); // only '.' to drop: the text says it all
        }
        Path root = p.getRoot();
        List<String> names = new ArrayList<>();
        for (Path element : p) {
            String e = element.toString();
            if (e.equals(".")) {
                continue;
            }
            if (e.equals("..")) {
                if (names.isEmpty() && root != null) {
                    continue; // "/.." is "/"
                }
                if (!names.isEmpty() && !names.getLast().equals("..")
                        && directoryOrNothing(joined(root, names))) {
                    names.removeLast();
                    continue;
                }
            }
            names.add(e);
        }
        return joined(root, names);
    }

    /**
     * Whether {@code name/..} is the directory above {@code name} to the file system: when
     * {@code name} is a directory, or nothing yet (mkdir -p makes it). After a link it is the
     * target's parent; after a regular file it is no path at all (ENOTDIR).
     */
    private static boolean directoryOrNothing(Path name) {
        try {
            return Files.readAttributes(name, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS).isDirectory();
        } catch (IOException e) {
            return true; // nothing there (or nothing this process may see): mkdir -p would make it
        }
    }

    private static Path joined(Path root, List<String> names) {
        Path p = root != null ? root : Path.of("");
        for (String n : names) {
            p = p.resolve(n);
        }
        return p;
    }

    private static boolean hasDotDot(Path p) {
        for (Path element : p) {
            if (element.toString().equals("..")) {
                return true;
            }
        }
        return false;
    }

    /**
     * Whether {@code a} and {@code b} name the same directory entry: the same absolute,
     * normalised path once the directory each lies in is read through its symbolic links (when
     * it exists). The entries themselves are not followed: a link and its target are two.
     *
     * <pre>{@code
     * FileNames.sameEntry(Path.of("out/a.txt"), Path.of("./out/../out/a.txt")) // true
     * }</pre>
     */
    public static boolean sameEntry(Path a, Path b) {
        return located(a).equals(located(b));
    }

    /**
     * {@code p} as {@link #sameEntry} compares it: absolute, its directory read through links
     * (as the file system reads it, {@code lnk/..} included), else {@linkplain #normalize normalised}.
     */
    static Path located(Path p) {
        Path absolute = p.toAbsolutePath();
        Path parent = absolute.getParent();
        Path name = absolute.getFileName();
        if (parent != null && name != null && !name.toString().equals(".") && !name.toString().equals("..")) {
            try {
                return parent.toRealPath().resolve(name);
            } catch (IOException e) {
                // No such directory yet: its text is all there is to compare.
            }
        }
        return normalize(absolute);
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
        Path given = dir.toAbsolutePath();
        Path absolute = p.toAbsolutePath();
        Path normal = absolute.normalize();
        // The text of p below dir's: both normalised alike, so this says only whether the rest
        // of p climbs out. Where dir is, the file system says below, from the path as given.
        if (!normal.startsWith(given.normalize()) || normal.equals(given.normalize())) {
            return false;
        }
        if (!Files.isDirectory(given)) {
            return true; // nothing inside it yet, so no link to leave through
        }
        try {
            Path realBase = given.toRealPath();
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
