package dev.sluice.cli;

import dev.sluice.download.Checksum;
import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The {@code -i FILE} of {@code sluice download}: one download per line, as
 * {@code URL[<TAB>relative/path[<TAB>ALGO:HEX]]}. Blank lines and lines starting with
 * {@code #} are skipped; a CR before the line end (a file written on Windows) is ignored. A
 * line longer than {@link #MAX_LINE_BYTES} is an error.
 * Only the shape of a line is checked here; what a URL or a name may be is decided where the
 * job is made, the same way for the command line and the file.
 */
final class InputList {
    private static final char COLUMN_SEPARATOR = '\t';
    private static final int MAX_COLUMNS = 3;
    /**
     * The longest line, in bytes without its line end: far more than any URL a server takes
     * (8 KiB is common), and small enough that a file with no line ends (a binary given by
     * mistake) is refused at once instead of being read whole into memory.
     */
    static final int MAX_LINE_BYTES = 64 * 1024;

    /**
     * One line that names a download.
     *
     * @param where    {@code FILE:LINE}, for messages
     * @param url      the URL as written
     * @param name     the output path relative to the directory, or null to take it from the response
     * @param checksum the expected digest, or null
     */
    record Line(String where, String url, String name, Checksum checksum) {
    }

    private InputList() {
    }

    /**
     * Reads every line of {@code in}, UTF-8 without substitutes: a line is decoded on its own, so
     * that bytes which are not UTF-8 are reported with the number of their line. Lines end at
     * LF, CR LF or a lone CR. {@code source} names the input in messages.
     *
     * @throws IllegalArgumentException for a malformed line, with a message starting {@code FILE:LINE: }
     */
    static List<Line> read(InputStream in, String source) throws IOException {
        InputStream bytes = new BufferedInputStream(in);
        CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        List<Line> lines = new ArrayList<>();
        ByteArrayOutputStream raw = new ByteArrayOutputStream();
        int number = 0;
        while (true) {
            raw.reset();
            int b;
            while ((b = bytes.read()) >= 0 && b != '\n' && b != '\r') {
                if (raw.size() == MAX_LINE_BYTES) {
                    throw new IllegalArgumentException(source + ":" + (number + 1) + ": line longer than "
                            + MAX_LINE_BYTES + " bytes");
                }
                raw.write(b);
            }
            if (b < 0 && raw.size() == 0) {
                break; // the input ended after a line end (or held nothing)
            }
            if (b == '\r') {
                bytes.mark(1);
                if (bytes.read() != '\n') {
                    bytes.reset(); // a lone CR ends a line too, as BufferedReader.readLine has it
                }
            }
            number++;
            String where = source + ":" + number;
            String text = decode(decoder, raw.toByteArray(), where);
            if (number == 1 && text.startsWith("\uFEFF")) {
                text = text.substring(1); // a byte order mark some editors write
            }
            Line line = parse(text, where);
            if (line != null) {
                lines.add(line);
            }
        }
        return lines;
    }

    /** One line's bytes as text, or an error naming the line and the first byte that is not UTF-8. */
    private static String decode(CharsetDecoder decoder, byte[] line, String where) {
        ByteBuffer in = ByteBuffer.wrap(line);
        CharBuffer out = CharBuffer.allocate(line.length);
        decoder.reset();
        CoderResult result = decoder.decode(in, out, true);
        if (!result.isError()) {
            result = decoder.flush(out);
        }
        if (result.isError()) {
            throw new IllegalArgumentException(where + ": not valid UTF-8 (byte " + (in.position() + 1)
                    + " of the line)");
        }
        return out.flip().toString();
    }

    /** The download one line names, or null for a blank line or a comment. */
    static Line parse(String text, String where) {
        if (text.isBlank() || text.stripLeading().startsWith("#")) {
            return null;
        }
        String[] columns = text.split(String.valueOf(COLUMN_SEPARATOR), -1);
        if (columns.length > MAX_COLUMNS) {
            throw new IllegalArgumentException(where + ": expected URL, TAB, name, TAB, checksum; found "
                    + columns.length + " TAB-separated columns");
        }
        String url = columns[0].strip();
        if (url.isEmpty()) {
            throw new IllegalArgumentException(where + ": the line has no URL before its first TAB");
        }
        String name = columns.length > 1 && !columns[1].isBlank() ? columns[1].strip() : null;
        Checksum checksum = null;
        if (columns.length > 2 && !columns[2].isBlank()) {
            try {
                checksum = Checksum.parse(columns[2].strip());
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(where + ": " + ErrorLine.excerpt(e.getMessage()), e);
            }
        }
        return new Line(where, url, name, checksum);
    }
}
