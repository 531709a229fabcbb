package org.deeptoy.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.deeptoy.graph.DeepToyException;
import org.junit.jupiter.api.Test;

class ErrorFormatTest {
    private static String plain(List<String> lines) {
        return String.join("\n", lines).replaceAll("\u001b\\[[0-9;]*m", "");
    }

    @Test
    void compileErrorPointsAtLineColumnWithCaretUnderSpan() {
        String cell = "int a = 1;\nint b = \"x\";";
        int start = cell.indexOf('"');
        String text = plain(ErrorFormat.compileError(cell, start, start + 3, "incompatible types"));
        assertTrue(text.contains("cell line 2, column 9"), text);
        String[] lines = text.split("\n");
        assertEquals("    int b = \"x\";", lines[1]);
        assertEquals("            ^^^", lines[2]);
        assertTrue(text.endsWith("incompatible types"));
    }

    @Test
    void deepToyMessageComesFirstAndKernelFramesAreHidden() {
        DeepToyException e = new DeepToyException("matrixMultiply(W, x): inner dimensions differ: [2, 3] x [4, 1]");
        String text = plain(ErrorFormat.runtimeError(e, ErrorFormat.NO_SNIPPETS));
        assertTrue(text.startsWith("matrixMultiply(W, x): inner dimensions differ"), text);
        assertFalse(text.contains("org.junit"), text);
        assertFalse(text.contains("org.deeptoy.kernel"), text);
    }

    @Test
    void snippetFramesAreMappedToCellLines() {
        RuntimeException e = new RuntimeException("boom");
        e.setStackTrace(new StackTraceElement[] {
            new StackTraceElement("REPL.$JShell$12", "do_it$", "#12", 3),
            new StackTraceElement("jdk.jshell.execution.DirectExecutionControl", "invoke", "X.java", 1)});
        String text = plain(ErrorFormat.runtimeError(e, (id, line) -> id == 12 ? 4 + line - 1 : -1));
        assertTrue(text.contains("cell line 6"), text);
        assertFalse(text.contains("jdk.jshell"), text);
    }
}
