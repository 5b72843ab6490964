/**
 * A Postfix socketmap TLS policy server on MTA-STS (RFC 8461), DANE first (RFC 8461 §2): {@link
 * org.mtasts.postfix.PostfixPolicyService} runs it from a {@link org.mtasts.postfix.PostfixConfig}
 * (YAML), {@link org.mtasts.postfix.PostfixPolicyServer} is the server on an {@code MtaSts} of your
 * own, {@link org.mtasts.postfix.SocketmapClient} asks a running one.
 *
 * <p>Micrometer and the Prometheus client are automatic modules ({@code micrometer.core}, {@code
 * micrometer.registry.prometheus}; HdrHistogram resolves as {@code HdrHistogram}); they are
 * required, not optional, because the server counts every answer.
 *
 * <p>The shared caches are optional: {@code cache.type} {@code postgres}, {@code jdbc} and {@code
 * sqlite} need {@code org.mtasts.store.jdbc} (and the JDBC driver), {@code redis} needs {@code
 * org.mtasts.store.redis}; a configuration that names a missing one is refused with that message.
 * On the module path, resolve them with {@code --add-modules} (or require them, as {@code
 * org.mtasts.cli} does).
 */
@org.jspecify.annotations.NullMarked
module org.mtasts.postfix {
    requires static org.jspecify;
    requires transitive org.mtasts.core;
    requires transitive org.mtasts.dns;
    requires transitive org.mtasts.http;
    requires transitive micrometer.core;
    requires micrometer.registry.prometheus;
    requires tools.jackson.databind;
    requires tools.jackson.dataformat.yaml;
    requires jdk.httpserver;
    requires java.logging;
    requires static org.mtasts.store.jdbc;
    requires static org.mtasts.store.redis;

    exports org.mtasts.postfix;

    // Jackson binds the configuration file's records (package-private) by reflection.
    opens org.mtasts.postfix to tools.jackson.databind;
}
