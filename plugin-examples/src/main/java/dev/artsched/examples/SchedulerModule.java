package dev.artsched.examples;

import com.google.inject.AbstractModule;
import com.google.inject.Provides;
import com.google.inject.Singleton;
import dev.artsched.scheduler.TimestepScheduler;
import dev.artsched.scheduler.TimestepSchedulers;

/**
 * A Guice module for hosts that use dependency injection: binds {@link TimestepScheduler} to the scheduler
 * named by a spec (resolved through the ServiceLoader registry), so components just {@code @Inject} it.
 */
public final class SchedulerModule extends AbstractModule {
    private final String spec;

    /** Binds the scheduler named by {@code spec}, e.g. {@code edm:rho=7} or {@code art:name=...}. */
    public SchedulerModule(String spec) {
        this.spec = spec;
    }

    /** Binds the scheduler named by system property {@code art.scheduler} (default {@code edm}). */
    public static SchedulerModule fromSystemProperty() {
        return new SchedulerModule(System.getProperty(TimestepSchedulers.DEFAULT_PROPERTY, TimestepSchedulers.DEFAULT_SPEC));
    }

    @Provides
    @Singleton
    TimestepScheduler scheduler() {
        return TimestepSchedulers.create(spec);
    }
}
