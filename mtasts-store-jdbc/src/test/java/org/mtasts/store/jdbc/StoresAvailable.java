package org.mtasts.store.jdbc;

import net.jqwik.api.lifecycle.LifecycleContext;
import net.jqwik.api.lifecycle.SkipExecutionHook;

/**
 * Skips a jqwik property when the servers of integration/stores/start.sh are not up (an aborted
 * try would count as a rejection, and all of them as an exhausted property), unless
 * stores.required is true: then the property runs and fails, as the JUnit tests do.
 */
public final class StoresAvailable implements SkipExecutionHook {

    @Override
    public SkipResult shouldBeSkipped(LifecycleContext context) {
        String why = Stores.unavailable();
        if (why == null || Boolean.getBoolean("stores.required")) {
            return SkipResult.doNotSkip();
        }
        return SkipResult.skip(why);
    }
}
