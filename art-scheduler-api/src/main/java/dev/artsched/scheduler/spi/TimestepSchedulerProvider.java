package dev.artsched.scheduler.spi;

import dev.artsched.scheduler.TimestepScheduler;

import java.util.Map;

/**
 * A tiny factory registered in {@code META-INF/services} and {@code module-info} ({@code provides ... with}).
 * The registry looks providers up by {@link #name()}; {@link #create(Map)} receives the {@code key=value}
 * options of a spec such as {@code edm:rho=7} and must reject unknown keys.
 */
public interface TimestepSchedulerProvider {

    /** The unique scheduler name, e.g. {@code edm}. */
    String name();

    /** Creates a scheduler; throws {@link dev.artsched.scheduler.ArtException} for bad options. */
    TimestepScheduler create(Map<String, String> options);
}
