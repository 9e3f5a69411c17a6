package io.github.diffqp.examples.sudoku;

import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;

/**
 * A progress bar that can be switched off. On, it is a {@code me.tongfei} {@link ProgressBar}
 * on standard error; off (tests, logs, pipes), every call does nothing, so the training loop
 * calls it the same way either way.
 */
public final class Progress implements AutoCloseable {

    private final ProgressBar bar;

    private Progress(ProgressBar bar) {
        this.bar = bar;
    }

    /** A bar for {@code total} steps, drawn only when {@code enabled}. */
    public static Progress start(String task, long total, boolean enabled) {
        if (!enabled) {
            return new Progress(null);
        }
        return new Progress(new ProgressBarBuilder().setTaskName(task).setInitialMax(total)
                .setUpdateIntervalMillis(200).build());
    }

    /** A bar drawn only when the JVM has a console (an interactive terminal). */
    public static Progress auto(String task, long total) {
        return start(task, total, System.console() != null);
    }

    /** Whether the bar is drawn. */
    public boolean isEnabled() {
        return bar != null;
    }

    /** Advances by one step. */
    public void step() {
        if (bar != null) {
            bar.step();
        }
    }

    /** Advances by {@code n} steps. */
    public void stepBy(long n) {
        if (bar != null) {
            bar.stepBy(n);
        }
    }

    /** Shows {@code text} after the bar (for example the running loss). */
    public void message(String text) {
        if (bar != null) {
            bar.setExtraMessage(text);
        }
    }

    /** Finishes the bar; safe to call when off. */
    @Override
    public void close() {
        if (bar != null) {
            bar.close();
        }
    }
}
