package dev.artsched.scheduler;

/**
 * The single unchecked root exception of art-scheduler. Messages say what was expected and what was found;
 * native or library exceptions are wrapped once, at the boundary where they occur.
 */
public class ArtException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** Creates an exception with a complete, user-facing message. */
    public ArtException(String message) {
        super(message);
    }

    /** Creates an exception wrapping a lower-level cause. */
    public ArtException(String message, Throwable cause) {
        super(message, cause);
    }
}
