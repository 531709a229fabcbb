package org.deeptoy.kernel.jshell;

import java.util.ArrayList;
import java.util.List;

import jdk.jshell.SourceCodeAnalysis;
import jdk.jshell.SourceCodeAnalysis.CompletionInfo;
import jdk.jshell.SourceCodeAnalysis.Completeness;

/**
 * Splits a cell into the snippets JShell compiles one by one, each with its offset in the cell; JShell's
 * analysis finds where a snippet ends, a small lexer skips blanks and comments around it.
 */
final class CellSplitter {
    private CellSplitter() {
    }

    /**
     * A snippet of a cell and its offset in the cell; {@code statement} when the student ended it
     * with its own semicolon, which (as a trailing ";" in IPython) keeps an expression's value
     * from being shown: {@code TourChecks.rowMeans(rowMeans);} prints its verdict without "true" below.
     */
    record Piece(String source, int start, boolean statement, boolean complete) {
        Piece(String source, int start) {
            this(source, start, false, true);
        }

        Piece(String source, int start, boolean statement) {
            this(source, start, statement, true);
        }
    }

    /** Splits a cell into JShell snippets; an incomplete tail is kept so it reports its own error. */
    static List<Piece> split(SourceCodeAnalysis analysis, String cell) {
        List<Piece> pieces = new ArrayList<>();
        int offset = 0;
        while (offset < cell.length()) {
            String rest = cell.substring(offset);
            CompletionInfo info = analysis.analyzeCompletion(rest);
            Completeness c = info.completeness();
            if (c == Completeness.EMPTY) {
                break;
            }
            int start = offset + leadingBlank(rest);
            if (!c.isComplete()) {
                pieces.add(new Piece(cell.substring(start), start, false, false));
                break;
            }
            int consumed = rest.length() - info.remaining().length();
            // JShell keeps leading blank lines in source(); positions must be relative to the code
            String source = info.source().stripLeading();
            int at = rest.indexOf(source);
            pieces.add(new Piece(source, at >= 0 && at < consumed ? offset + at : start,
                    lastCodeChar(rest.substring(0, consumed)) == ';'));
            offset += Math.max(consumed, 1);
        }
        return pieces;
    }

    /** The last character of {@code code} that is not blank or inside a comment (0 if none). */
    static char lastCodeChar(String code) {
        char last = 0;
        for (int i = 0; i < code.length(); i++) {
            char ch = code.charAt(i);
            if (code.startsWith("//", i)) {
                int nl = code.indexOf('\n', i);
                i = nl < 0 ? code.length() : nl;
            } else if (code.startsWith("/*", i)) {
                int close = code.indexOf("*/", i + 2);
                i = close < 0 ? code.length() : close + 1;
            } else if (ch == '"' || ch == '\'') {
                int j = i + 1;
                while (j < code.length() && code.charAt(j) != ch) j += code.charAt(j) == '\\' ? 2 : 1;
                i = Math.min(j, code.length() - 1);
                last = ch;
            } else if (!Character.isWhitespace(ch)) {
                last = ch;
            }
        }
        return last;
    }

    private static int leadingBlank(String s) {
        int i = 0;
        while (i < s.length()) {
            if (Character.isWhitespace(s.charAt(i))) {
                i++;
            } else if (s.startsWith("//", i)) {
                int nl = s.indexOf('\n', i);
                i = nl < 0 ? s.length() : nl + 1;
            } else if (s.startsWith("/*", i)) {
                int close = s.indexOf("*/", i + 2);
                i = close < 0 ? s.length() : close + 2;
            } else {
                break;
            }
        }
        return i;
    }

    /** The last snippet of {@code code} before {@code cursor} and its offset (for completion). */
    static Piece pieceAt(SourceCodeAnalysis analysis, String code, int cursor) {
        String before = code.substring(0, Math.min(cursor, code.length()));
        Piece last = new Piece(code, 0);
        for (Piece p : split(analysis, before)) {
            last = p;
        }
        return new Piece(code.substring(last.start), last.start);
    }
}
