/** The art-scheduler API: the TimestepScheduler SPI, schedules, schedule files and reference samplers. */
module dev.artsched.api {
    requires com.fasterxml.jackson.databind;

    exports dev.artsched.scheduler;
    exports dev.artsched.scheduler.spi;
    exports dev.artsched.scheduler.adaptive;
    exports dev.artsched.sampling;
    exports dev.artsched.sampling.analytic;
    exports dev.artsched.sampling.adapters;
    exports dev.artsched.sampling.conditional;

    uses dev.artsched.scheduler.spi.TimestepSchedulerProvider;
    uses dev.artsched.scheduler.adaptive.AdaptivePolicyProvider;

    provides dev.artsched.scheduler.adaptive.AdaptivePolicyProvider with
            dev.artsched.scheduler.adaptive.ConstantPolicy.Provider;

    provides dev.artsched.scheduler.spi.TimestepSchedulerProvider with
            dev.artsched.scheduler.UniformScheduler.Provider,
            dev.artsched.scheduler.EdmScheduler.Provider,
            dev.artsched.scheduler.ExponentialScheduler.Provider,
            dev.artsched.scheduler.ArtScheduler.Provider,
            dev.artsched.scheduler.KlOptimalScheduler.Provider,
            dev.artsched.scheduler.PolyexponentialScheduler.Provider,
            dev.artsched.scheduler.VpScheduler.Provider,
            dev.artsched.scheduler.DiscreteScheduler.SimpleProvider,
            dev.artsched.scheduler.DiscreteScheduler.SgmUniformProvider,
            dev.artsched.scheduler.DiscreteScheduler.NormalProvider,
            dev.artsched.scheduler.DiscreteScheduler.BetaProvider,
            dev.artsched.scheduler.DiscreteScheduler.DdimUniformProvider,
            dev.artsched.scheduler.LinearQuadraticScheduler.Provider,
            dev.artsched.scheduler.DiffusersDiscreteScheduler.Provider;
}
