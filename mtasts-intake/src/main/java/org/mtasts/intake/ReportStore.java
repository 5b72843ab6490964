package org.mtasts.intake;

import java.io.IOException;
import java.util.List;
import org.mtasts.tlsrpt.TlsReport;

/**
 * Where received reports are kept, once each: {@link #add} stores a report unless a report with
 * the same {@link ReportIdentity} is there already. {@link FileReportStore} is the embedded
 * default.
 *
 * <p>Implementations must be safe for concurrent use: the HTTPS receiver adds from several
 * threads, and two intake processes may share one store.
 *
 * <pre>{@code
 * ReportStore store = FileReportStore.open(directory);
 * boolean isNew = store.add(report);
 * List<TlsReport> all = store.reports();
 * }</pre>
 *
 * <p>Thread-safe; share one instance.
 *
 * @since 0.1
 */
public interface ReportStore {

    /**
     * Stores a report unless one with the same identity is stored already.
     *
     * @param report the report
     * @return true if it was stored now, false if it was there already
     * @throws IOException if the store cannot be written
     */
    boolean add(TlsReport report) throws IOException;

    /**
     * Returns whether a report with this identity is stored.
     *
     * @param identity the identity
     * @return true if stored
     * @throws IOException if the store cannot be read
     */
    boolean contains(ReportIdentity identity) throws IOException;

    /**
     * Returns every stored report, in no particular order.
     *
     * @return the reports
     * @throws IOException if the store cannot be read, or holds a report that no longer reads
     */
    List<TlsReport> reports() throws IOException;

    /**
     * Returns how many reports are stored.
     *
     * @return the count
     * @throws IOException if the store cannot be read
     */
    long size() throws IOException;
}
