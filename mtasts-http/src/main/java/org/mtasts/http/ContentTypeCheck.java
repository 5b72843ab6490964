package org.mtasts.http;

/**
 * How the policy fetcher treats the {@code Content-Type} of a policy response. RFC 8461 §3.2 says
 * the policy is served as {@code text/plain}; real servers sometimes send something else (see
 * EFForg/starttls-backend#191), and the same section's sentence about the type's parameters (a
 * charset, "other parameters") can be read more than one way, so the check is a setting. Every
 * mode honours a {@code charset} parameter and ignores the others.
 *
 * <pre>{@code
 * HttpsPolicyFetcher checker = HttpsPolicyFetcher.builder()
 *         .contentTypeCheck(ContentTypeCheck.LENIENT)     // say it, but still use the policy
 *         .build();
 * }</pre>
 *
 * <p>Immutable and thread-safe.
 *
 * @see <a href="https://www.rfc-editor.org/rfc/rfc8461#section-3.2">RFC 8461 §3.2</a>
 * @since 0.1
 */
public enum ContentTypeCheck {
    /**
     * A missing type, or a media type other than {@code text/plain}, is a fetch failure ({@link
     * FetchFailure#CONTENT_TYPE}). The default.
     */
    STRICT,
    /** A missing or wrong type is a fetch warning on {@link FetchResult.Fetched}; the policy is used. */
    LENIENT,
    /** The media type is not looked at; a {@code charset} parameter is still honoured. */
    OFF
}
