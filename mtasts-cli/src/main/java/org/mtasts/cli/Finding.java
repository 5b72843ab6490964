package org.mtasts.cli;

import java.util.Map;
import java.util.Objects;

/**
 * One result of {@code mtasts check}: a stable code, a severity, what was found and how to fix it.
 *
 * @param code a stable kebab-case code (documented in the README)
 * @param severity error, warning or info
 * @param message what was found, in plain language
 * @param fix what to do about it (empty for info findings that need nothing)
 * @param temporary whether the finding comes from a temporary failure (DNS, network), not a fault
 *     of the set-up
 */
record Finding(String code, Severity severity, String message, String fix, boolean temporary) {

    /** How serious a finding is. */
    enum Severity {
        /** Senders will not apply the policy as intended, or the set-up is broken. */
        error,
        /** Works, but is fragile or against a recommendation. */
        warning,
        /** Worth knowing. */
        info
    }

    Finding {
        Objects.requireNonNull(code, "code");
        Objects.requireNonNull(severity, "severity");
        Objects.requireNonNull(message, "message");
        Objects.requireNonNull(fix, "fix");
    }

    static Finding error(String code, String message, String fix) {
        return new Finding(code, Severity.error, message, fix, false);
    }

    static Finding warning(String code, String message, String fix) {
        return new Finding(code, Severity.warning, message, fix, false);
    }

    static Finding info(String code, String message, String fix) {
        return new Finding(code, Severity.info, message, fix, false);
    }

    static Finding temporary(String code, String message, String fix) {
        return new Finding(code, Severity.error, message, fix, true);
    }

    /** The contract's finding object: code, severity, message, fix. */
    Map<String, Object> toJson() {
        Map<String, Object> out = Json.object();
        out.put("code", code);
        out.put("severity", severity.name());
        out.put("message", message);
        out.put("fix", fix);
        return out;
    }
}
