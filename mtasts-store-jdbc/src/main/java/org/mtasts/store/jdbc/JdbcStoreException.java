package org.mtasts.store.jdbc;

import java.sql.SQLException;

/**
 * A database operation of mtasts-store-jdbc failed: the database is unreachable, the pool timed
 * out, or a statement failed. The message names the operation; the cause is the driver's {@link
 * SQLException}. {@code MtaSts} treats a store that throws as a temporary failure (the cached
 * policy in memory still applies), and the refresh lease as "refresh anyway".
 *
 * <pre>{@code
 * try {
 *     store.put(policy);
 * } catch (JdbcStoreException e) {
 *     LOG.log(System.Logger.Level.WARNING, e.getMessage(), e.getCause());
 * }
 * }</pre>
 *
 * <p>Immutable and thread-safe.
 *
 * @since 0.1
 */
public final class JdbcStoreException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    /**
     * An exception for a failed operation.
     *
     * @param operation what was being done, e.g. {@code "reading the policy of example.com"}
     * @param cause the driver's exception
     */
    public JdbcStoreException(String operation, SQLException cause) {
        super(operation + " failed: " + cause.getMessage(), cause);
    }

    @Override
    public synchronized SQLException getCause() {
        return (SQLException) super.getCause();
    }
}
