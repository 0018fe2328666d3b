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

    /**
     * A user-supplied value made safe for a one-line message: control characters (newlines, tabs, ...) escaped
     * as {@code \\uXXXX}, and anything over 80 characters cut with "...".
     */
    public static String quote(String value) {
        if (value == null) {
            return "null";
        }
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < value.length() && sb.length() < 80; i++) {
            char c = value.charAt(i);
            if (Character.isISOControl(c) || c == '\u2028' || c == '\u2029') {
                sb.append(String.format("\\u%04x", (int) c));
            } else {
                sb.append(c);
            }
        }
        if (sb.length() >= 80 && value.length() > 80) {
            sb.setLength(77);
            sb.append("...");
        }
        return sb.toString();
    }

    /** Creates an exception wrapping a lower-level cause. */
    public ArtException(String message, Throwable cause) {
        super(message, cause);
    }
}
