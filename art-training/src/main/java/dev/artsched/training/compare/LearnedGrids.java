package dev.artsched.training.compare;

import dev.artsched.scheduler.ArtException;
import dev.artsched.scheduler.Schedule;
import dev.artsched.scheduler.TimestepScheduler;

import java.util.Map;
import java.util.TreeMap;

/** The grids one method learned, one per step count, as a scheduler for the evaluation service. */
final class LearnedGrids implements TimestepScheduler {
    private final String name;
    private final Map<Integer, double[]> grids = new TreeMap<>();

    LearnedGrids(String name) {
        this.name = name;
    }

    void put(int steps, double[] sigmas) {
        grids.put(steps, sigmas.clone());
    }

    double[] get(int steps) {
        return grids.get(steps).clone();
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public Schedule schedule(int steps) {
        double[] s = grids.get(steps);
        if (s == null) {
            throw new ArtException("no " + name + " grid was learned for N = " + steps + "; expected one of "
                    + grids.keySet());
        }
        return new Schedule(name, s, name + " grid learned for N = " + steps);
    }
}
