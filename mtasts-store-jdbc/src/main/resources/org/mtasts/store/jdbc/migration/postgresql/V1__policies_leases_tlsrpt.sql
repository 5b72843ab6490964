-- mtasts-store-jdbc schema version 1 (postgresql). Times are epoch milliseconds (UTC); text compares by
-- code point, so that the newest-wins order is the same on every node and database.

-- The shared policy cache (RFC 8461 §3.3, §5.1): one row per policy domain.
CREATE TABLE mtasts_policy (
    domain      TEXT COLLATE "C" PRIMARY KEY,
    record_id   TEXT COLLATE "C" NOT NULL,
    policy_text TEXT NOT NULL,
    fetched_at  BIGINT NOT NULL,
    expires_at  BIGINT NOT NULL
);

-- Named leases: 'refresh:<domain>' (one refresher per domain), 'tlsrpt:<day>' (one reporter per day).
CREATE TABLE mtasts_lease (
    name     TEXT COLLATE "C" PRIMARY KEY,
    holder   TEXT NOT NULL,
    until_ms BIGINT NOT NULL
);

-- Each node's partial TLS-RPT day (RFC 8460 §4.1): one report per policy domain, as JSON (RFC 8460 §4.4).
CREATE TABLE mtasts_tlsrpt_partial (
    day        TEXT COLLATE "C" NOT NULL,
    node       TEXT COLLATE "C" NOT NULL,
    report_id  TEXT COLLATE "C" NOT NULL,
    report     TEXT NOT NULL,
    flushed_at BIGINT NOT NULL,
    PRIMARY KEY (day, node, report_id)
);

-- The days whose merged reports were handed to the reporter.
CREATE TABLE mtasts_tlsrpt_day (
    day         TEXT COLLATE "C" PRIMARY KEY,
    node        TEXT NOT NULL,
    reported_at BIGINT NOT NULL
);
