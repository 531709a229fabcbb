package org.deeptoy.kernel.jshell;

/**
 * What running a cell gives back, in one value: the live value of its last expression with what the
 * renderer made of it, no value, or the cell's error.
 */
public sealed interface CellResult {
    /** The cell ends with a declaration, a statement, or an expression the student closed with ";". */
    CellResult NO_VALUE = new NoValue();

    /** The cell's value (null when it has none); a failed cell throws its error. */
    Object value() throws CellException;

    /** The cell's last expression: its live value and its rendering (null when none was asked for). */
    record Value(Object value, Object shown) implements CellResult {
    }

    /** Nothing to show. */
    record NoValue() implements CellResult {
        @Override
        public Object value() {
            return null;
        }
    }

    /** The cell failed: a compile or runtime error, formatted for the student. */
    record Failed(CellException error) implements CellResult {
        @Override
        public Object value() throws CellException {
            throw error;
        }
    }
}
