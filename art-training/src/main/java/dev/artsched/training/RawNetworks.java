package dev.artsched.training;

import dev.artsched.scheduler.ArtException;

import java.nio.file.Path;

/** Raw eps/v/flow networks opened as EDM denoisers through the adapters. */
final class RawNetworks {
    private RawNetworks() {
    }

    static DenoiserSource open(String spec, Path path, DenoiserOptions o) {
        throw new ArtException("prediction " + o.param().prediction() + " is not supported yet for " + path);
    }
}
