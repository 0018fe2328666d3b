/**
 * The service-provider interface for scheduler plugins: a TimestepSchedulerProvider registered in
 * {@code META-INF/services} or {@code module-info} makes a scheduler available by name to TimestepSchedulers.
 */
package dev.artsched.scheduler.spi;
