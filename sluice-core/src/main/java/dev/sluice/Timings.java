package dev.sluice;

import java.time.Duration;

/**
 * Where the time of one exchange went.
 *
 * <pre>{@code
 * try (Response r = client.send(Request.get(url))) {
 *     r.body().transferTo(Path.of("out.bin"));
 *     System.out.println(r.timings().timeToFirstByte().toMillis() + " ms to first byte, "
 *             + r.timings().transfer().toMillis() + " ms to transfer");
 * }
 * }</pre>
 *
 * @param connect          name resolution and TCP connect; zero on a reused connection
 * @param tls              the TLS handshake; zero on plain or reused connections
 * @param timeToFirstByte  from the start of the request to the first response byte
 * @param transfer         from the first response byte to the end of the body (so far, while
 *                         the body is being read)
 * @param reusedConnection whether the exchange ran on a pooled keep-alive connection
 */
public record Timings(Duration connect, Duration tls, Duration timeToFirstByte, Duration transfer,
                      boolean reusedConnection) {
}
