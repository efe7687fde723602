package dev.sluice;

import java.time.Duration;

/**
 * Where the time of one exchange went.
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
