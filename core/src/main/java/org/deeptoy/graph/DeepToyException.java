package org.deeptoy.graph;

/**
 * A mistake in how the engine is used (a shape mismatch, a missing input, a NaN), with a message
 * written for the student: it names the operation, the connections and the shapes.
 */
public class DeepToyException extends RuntimeException {
    public DeepToyException(String message) {
        super(message);
    }

    public DeepToyException(String message, Throwable cause) {
        super(message, cause);
    }
}
