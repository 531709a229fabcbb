package org.deeptoy.kernel.jshell;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

import jdk.jshell.SourceCodeAnalysis;
import jdk.jshell.SourceCodeAnalysis.CompletionInfo;

/** What the editor asks about code not run yet: completion (Tab), documentation (Shift+Tab), whether a cell is complete. */
public final class CodeInsight {
    private final NotebookShell shell;

    public CodeInsight(NotebookShell shell) {
        this.shell = shell;
    }

    /** Completion candidates: {@code [start, end)} of the replaced text and the candidates. */
    public Completion complete(String code, int cursor) {
        if (cursor < 0 || cursor > code.length()) {
            int at = Math.max(0, Math.min(cursor, code.length()));
            return new Completion(List.of(), at, at); // a client's bad cursor: nothing to complete there
        }
        SourceCodeAnalysis analysis = shell.analysis();
        CellSplitter.Piece p = CellSplitter.pieceAt(analysis, code, cursor);
        int[] anchor = new int[1];
        Set<String> options = new LinkedHashSet<>();
        for (SourceCodeAnalysis.Suggestion s : analysis.completionSuggestions(p.source(), cursor - p.start(), anchor)) {
            options.add(s.continuation());
        }
        return new Completion(List.copyOf(options), p.start() + anchor[0], cursor);
    }

    public record Completion(List<String> options, int start, int end) {
    }

    /** Signatures and javadoc of what is at the cursor, or an empty string. */
    public String documentation(String code, int cursor) {
        if (cursor < 0 || cursor > code.length()) {
            return "";
        }
        SourceCodeAnalysis analysis = shell.analysis();
        CellSplitter.Piece p = CellSplitter.pieceAt(analysis, code, cursor);
        StringBuilder sb = new StringBuilder();
        for (SourceCodeAnalysis.Documentation d : analysis.documentation(p.source(), cursor - p.start(), true)) {
            if (sb.length() > 0) {
                sb.append("\n\n");
            }
            sb.append(d.signature());
            if (d.javadoc() != null && !d.javadoc().isBlank()) {
                sb.append("\n").append(JavadocText.format(d.javadoc()));
            }
        }
        return sb.toString();
    }

    /** "complete", "invalid" or, for incomplete code, the indent of the next line. */
    public String isComplete(String code) {
        String rest = code;
        while (true) {
            CompletionInfo info = shell.analysis().analyzeCompletion(rest);
            switch (info.completeness()) {
                case EMPTY:
                    return "complete";
                case COMPLETE:
                case COMPLETE_WITH_SEMI:
                    if (info.remaining().isBlank()) {
                        return "complete";
                    }
                    rest = info.remaining();
                    break;
                case DEFINITELY_INCOMPLETE:
                case CONSIDERED_INCOMPLETE:
                    return indentAfter(code);
                default:
                    return "invalid";
            }
        }
    }

    private static String indentAfter(String code) {
        String last = code.substring(code.lastIndexOf('\n') + 1);
        String indent = last.substring(0, last.length() - last.stripLeading().length());
        String trimmed = last.strip();
        return trimmed.endsWith("{") || trimmed.endsWith("(") ? indent + "    " : indent;
    }
}
