package dev.artsched.cli;

import dev.artsched.internal.OutputLock;

import java.nio.file.Path;

/** A child process for lock tests: locks {@code args[0]}, prints "locked", and holds it until stdin closes. */
final class HoldLock {
    private HoldLock() {
    }

    public static void main(String[] args) throws Exception {
        try (OutputLock lock = OutputLock.acquire(Path.of(args[0]), "schedule file", "art train (held by a test)")) {
            System.out.println("locked");
            System.out.flush();
            while (System.in.read() >= 0) {
                // hold until the parent closes stdin
            }
        }
    }
}
