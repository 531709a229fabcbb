package org.deeptoy.data;

import org.deeptoy.graph.DeepToyException;

/**
 * A dataset could not be found, downloaded or read. The message names the file and what is wrong
 * with it (or every place that was searched) and says what to do.
 */
public class DatasetException extends DeepToyException {
    public DatasetException(String message) {
        super(message);
    }

    public DatasetException(String message, Throwable cause) {
        super(message, cause);
    }
}
