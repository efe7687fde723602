package dev.sluice.engine;

import dev.sluice.Body;
import java.util.function.Function;

/**
 * The exchange behind a {@link Body}, for the download package: {@code Body} keeps it to its
 * own package (it is no part of the API), and between two packages of one module Java has no
 * access but public. {@code Body} registers the accessor when its class is initialised, which
 * is before any body exists.
 *
 * <pre>{@code
 * BodyExchange.of(response.body()).onTotalTimeout(wake);
 * }</pre>
 */
public final class BodyExchange {
    private static volatile Function<Body, Exchange> accessor;

    private BodyExchange() {
    }

    /** Called once, by {@code Body}; later calls change nothing. */
    public static synchronized void register(Function<Body, Exchange> bodyToExchange) {
        if (accessor == null) {
            accessor = bodyToExchange;
        }
    }

    /** The exchange {@code body} reads from. */
    public static Exchange of(Body body) {
        return accessor.apply(body);
    }
}
