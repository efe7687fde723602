package dev.sluice;

import java.net.URI;

/**
 * One redirect that was followed on the way to a response.
 *
 * @param from     the URL that answered with a redirect
 * @param status   its status (301, 302, 303, 307 or 308)
 * @param location where it pointed, resolved against {@code from}
 */
public record Redirect(URI from, int status, URI location) {
}
