package org.deeptoy.kernel.jshell;

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

    @Test
    void aRecursionThatNeverEndsIsShownOnceWithHowOftenItRepeats() {
        StackOverflowError e = new StackOverflowError();
        StackTraceElement[] trace = new StackTraceElement[1024];
        for (int i = 0; i < trace.length - 1; i++) {
            trace[i] = new StackTraceElement("REPL.$JShell$12", "countDown", "#12", 2);
        }
        trace[trace.length - 1] = new StackTraceElement("REPL.$JShell$13", "do_it$", "#13", 1);
        e.setStackTrace(trace);
        List<String> lines = ErrorFormat.runtimeError(e, (id, line) -> id == 12 ? 2 : id == 13 ? 1 : -1);
        String text = plain(lines);
        assertTrue(lines.size() < 10, text);
        assertTrue(text.contains("must reach a case that returns"), text);
        assertTrue(text.contains("    at countDown (cell line 2)\n    ... the line above 1022 more times\n    at (cell line 1)"), text);
    }

    @Test
    void methodsCallingEachOtherAreFoldedAndOtherFramesKept() {
        List<String> frames = new java.util.ArrayList<>(List.of("a", "b"));
        for (int i = 0; i < 5; i++) {
            frames.addAll(List.of("even", "odd"));
        }
        frames.addAll(List.of("c", "c"));
        assertEquals(List.of("a", "b", "even", "odd", "    ... the 2 lines above 4 more times", "c", "c"),
                ErrorFormat.withoutRepeats(frames));
    }
}
