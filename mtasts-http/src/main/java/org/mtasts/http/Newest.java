package org.mtasts.http;

import org.mtasts.core.CachedPolicy;

/**
 * The order in which a shared store keeps policies: the later fetch (or confirmation) time wins,
 * in whole milliseconds, and on equal times the greater record id (by UTF-16 code units, as a SQL
 * {@code C} collation and Redis compare ASCII). A store that keeps the newest entry under this
 * order never loses a newer policy to a slower writer of an older one.
 */
final class Newest {

    private Newest() {}

    /** Whether {@code candidate} is strictly newer than {@code current}. */
    static boolean isNewer(CachedPolicy current, CachedPolicy candidate) {
        int byTime = Long.compare(candidate.fetchedAt().toEpochMilli(), current.fetchedAt().toEpochMilli());
        return byTime > 0 || byTime == 0 && candidate.recordId().compareTo(current.recordId()) > 0;
    }
}
