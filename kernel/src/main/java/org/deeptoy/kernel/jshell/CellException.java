package org.deeptoy.kernel.jshell;

import java.util.List;

/** A cell failed; carries the lines shown to the student (compile error or trimmed stack trace). */
public final class CellException extends Exception {
    private final String name;
    private final List<String> lines;

    CellException(String name, String message, List<String> lines) {
        super(message, null, false, false);
        this.name = name;
        this.lines = List.copyOf(lines);
    }

    /** Exception class name or "CompileError". */
    public String name() {
        return name;
    }

    /** Traceback lines, already formatted for the notebook. */
    public List<String> lines() {
        return lines;
    }
}
