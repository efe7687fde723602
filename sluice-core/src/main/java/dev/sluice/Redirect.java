package dev.sluice;

import dev.sluice.codec.ServerText;
import java.net.URI;

/**
 * One redirect that was followed on the way to a response.
 *
 * @param from     the URL that answered with a redirect
 * @param status   its status (301, 302, 303, 307 or 308)
 * @param location where it pointed, resolved against {@code from}
 */
public record Redirect(URI from, int status, URI location) {
    /** The redirect with the password of either URL hidden, as sluice's messages show URLs. */
    @Override
    public String toString() {
        return "Redirect[" + status + " " + ServerText.url(from) + " -> " + ServerText.url(location) + "]";
    }
}
