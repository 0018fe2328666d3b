/** Example third-party plugin: contributes the {@code polyexp-plugin} grid through the scheduler SPI. */
module dev.artsched.examples.polyexp {
    requires dev.artsched.api;

    provides dev.artsched.scheduler.spi.TimestepSchedulerProvider
            with dev.artsched.examples.polyexp.PolyexponentialProvider;
}
