package org.mtasts.http;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.BiFunction;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * The future plumbing of {@link TlsRptReporter}: a concurrency limit, moving completions to the
 * executor (running inline when the executor refuses, so that no outcome is lost), and unwrapping.
 */
final class Async {
    private Async() {}

    /** Joins a future, rethrowing its cause unwrapped. */
    static <T> T join(CompletableFuture<T> future) {
        try {
            return future.join();
        } catch (CompletionException e) {
            Throwable cause = unwrap(e);
            if (cause instanceof RuntimeException re) {
                throw re;
            }
            if (cause instanceof Error error) {
                throw error;
            }
            throw e;
        }
    }

    static Throwable unwrap(Throwable t) {
        Throwable c = t;
        while ((c instanceof CompletionException || c instanceof ExecutionException) && c.getCause() != null) {
            c = c.getCause();
        }
        return c;
    }

    /** Starts a task when the limiter allows; the result completes when the task does. */
    static <T> CompletableFuture<T> limited(Limiter limiter, Supplier<CompletableFuture<T>> task) {
        CompletableFuture<T> out = new CompletableFuture<>();
        limiter.submit(() -> {
            CompletableFuture<T> started;
            try {
                started = task.get();
            } catch (RuntimeException e) {
                started = CompletableFuture.failedFuture(e);
            }
            started.whenComplete((v, e) -> {
                if (e != null) {
                    out.completeExceptionally(e);
                } else {
                    out.complete(v);
                }
            });
            return started;
        });
        return out;
    }

    /** Runs a blocking task on the executor (inline if the executor refuses it). */
    static <T> CompletableFuture<T> supply(Executor executor, Supplier<T> task) {
        CompletableFuture<T> out = new CompletableFuture<>();
        Runnable run = () -> {
            try {
                out.complete(task.get());
            } catch (RuntimeException | Error e) {
                out.completeExceptionally(e);
            }
        };
        try {
            executor.execute(run);
        } catch (RejectedExecutionException e) {
            run.run();
        }
        return out;
    }

    /** Continues on the executor (inline if it refuses), whatever thread completed the future. */
    static <T> CompletableFuture<Void> then(CompletableFuture<T> future, Executor executor,
            BiFunction<@Nullable T, @Nullable Throwable, CompletableFuture<Void>> handler) {
        CompletableFuture<Void> out = new CompletableFuture<>();
        future.whenComplete((value, error) -> {
            Runnable run = () -> {
                CompletableFuture<Void> next;
                try {
                    next = handler.apply(value, error);
                } catch (RuntimeException | Error e) {
                    next = CompletableFuture.failedFuture(e);
                }
                next.whenComplete((v, e) -> {
                    if (e != null) {
                        out.completeExceptionally(e);
                    } else {
                        out.complete(null);
                    }
                });
            };
            try {
                executor.execute(run);
            } catch (RejectedExecutionException e) {
                run.run();
            }
        });
        return out;
    }
}
