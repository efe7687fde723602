package dev.sluice.testkit;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/** A deliberately tiny HTTP/1.1 client over a raw socket, so the testkit's tests need no sluice. */
final class RawHttp {

    record Response(String head, byte[] body) {
        String bodyText() {
            return new String(body, StandardCharsets.ISO_8859_1);
        }

        String header(String name) {
            for (String line : head.split("\r\n")) {
                int colon = line.indexOf(':');
                if (colon > 0 && line.substring(0, colon).equalsIgnoreCase(name)) {
                    return line.substring(colon + 1).strip();
                }
            }
            return null;
        }
    }

    private RawHttp() {}

    static Socket connect(int port) throws IOException {
        return new Socket(InetAddress.getLoopbackAddress(), port);
    }

    static void write(Socket socket, String text) throws IOException {
        OutputStream out = socket.getOutputStream();
        out.write(text.getBytes(StandardCharsets.ISO_8859_1));
        out.flush();
    }

    static String get(String target) {
        return "GET " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n";
    }

    /** Reads up to and including CRLFCRLF. */
    static String readHead(InputStream in) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        while (true) {
            int b = in.read();
            if (b < 0) {
                throw new IOException("end of stream inside a head: " + head.toString(StandardCharsets.ISO_8859_1));
            }
            head.write(b);
            String text = head.toString(StandardCharsets.ISO_8859_1);
            if (text.endsWith("\r\n\r\n")) {
                return text;
            }
        }
    }

    /** Reads a response framed by Content-Length or chunked coding (trailers dropped). */
    static Response readResponse(InputStream in) throws IOException {
        String head = readHead(in);
        Response headOnly = new Response(head, new byte[0]);
        if ("chunked".equalsIgnoreCase(headOnly.header("Transfer-Encoding"))) {
            ByteArrayOutputStream body = new ByteArrayOutputStream();
            int size;
            while ((size = Integer.parseInt(readLine(in).split(";")[0].strip(), 16)) > 0) {
                body.write(in.readNBytes(size));
                readLine(in);
            }
            while (!readLine(in).isEmpty()) {
                // trailer fields
            }
            return new Response(head, body.toByteArray());
        }
        String length = headOnly.header("Content-Length");
        if (length == null) {
            throw new IOException("neither chunked nor Content-Length in " + head.toLowerCase(Locale.ROOT));
        }
        return new Response(head, in.readNBytes(Integer.parseInt(length)));
    }

    /** Reads a line ending in CRLF and returns it without the CRLF. */
    static String readLine(InputStream in) throws IOException {
        StringBuilder line = new StringBuilder();
        while (line.length() < 2 || !line.substring(line.length() - 2).equals("\r\n")) {
            int b = in.read();
            if (b < 0) {
                throw new IOException("end of stream inside a line: " + line);
            }
            line.append((char) b);
        }
        return line.substring(0, line.length() - 2);
    }

    static String readExactly(InputStream in, int length) throws IOException {
        byte[] bytes = in.readNBytes(length);
        if (bytes.length != length) {
            throw new IOException("end of stream after " + bytes.length + " of " + length + " bytes");
        }
        return new String(bytes, StandardCharsets.ISO_8859_1);
    }
}
