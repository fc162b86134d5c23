package net.dl4jnets.common.io;

/**
 * A problem the user caused and can fix: a bad option, a missing or malformed file, no data.
 * The CLI prints only its message, on one line, and exits with code 2. Anything else is a bug and keeps its trace.
 */
public class UserError extends RuntimeException {
    public UserError(String message) {
        super(message);
    }

    public UserError(String message, Throwable cause) {
        super(message, cause);
    }
}
