package org.mtasts.http;

import java.net.UnknownHostException;

/**
 * Thrown by the fetcher's {@link okhttp3.Dns} when the {@link AddressFilter} rejects every address
 * of a host. An {@link UnknownHostException} so that OkHttp treats it as a failed lookup.
 */
final class AddressRejectedException extends UnknownHostException {
    private static final long serialVersionUID = 1L;

    AddressRejectedException(String message) {
        super(message);
    }
}
