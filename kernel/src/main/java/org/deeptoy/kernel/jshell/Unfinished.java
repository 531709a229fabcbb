package org.deeptoy.kernel.jshell;

import java.util.ArrayDeque;
import java.util.Deque;

/**
 * Why a cell is incomplete: the comment, string, text block or bracket left open, and where it
 * opened. JShell would otherwise run the complete statements before it and drop the rest silently.
 */
final class Unfinished {
    private Unfinished() {
    }

    /** What is left open in {@code code}: the opening's offset and a sentence for the student. */
    record Reason(int offset, String message) {
    }

    static Reason of(String code) {
        Deque<Integer> brackets = new ArrayDeque<>();
        int i = 0;
        int n = code.length();
        while (i < n) {
            char c = code.charAt(i);
            if (code.startsWith("//", i)) {
                int nl = code.indexOf('\n', i);
                i = nl < 0 ? n : nl + 1;
            } else if (code.startsWith("/*", i)) {
                int close = code.indexOf("*/", i + 2);
                if (close < 0) {
                    return new Reason(i, "the comment opened with /* is never closed with */");
                }
                i = close + 2;
            } else if (code.startsWith("\"\"\"", i)) {
                int close = code.indexOf("\"\"\"", i + 3);
                if (close < 0) {
                    return new Reason(i, "the text block opened with \"\"\" is never closed");
                }
                i = close + 3;
            } else if (c == '"' || c == '\'') {
                int j = i + 1;
                while (j < n && code.charAt(j) != c && code.charAt(j) != '\n') {
                    j += code.charAt(j) == '\\' ? 2 : 1;
                }
                if (j >= n || code.charAt(j) == '\n') {
                    return new Reason(i, (c == '"' ? "the string" : "the character literal")
                            + " opened here is not closed on its line");
                }
                i = j + 1;
            } else {
                if (c == '(' || c == '[' || c == '{') {
                    brackets.push(i);
                } else if ((c == ')' || c == ']' || c == '}') && !brackets.isEmpty()) {
                    brackets.pop();
                }
                i++;
            }
        }
        if (!brackets.isEmpty()) {
            int at = brackets.peek();
            char open = code.charAt(at);
            char close = open == '(' ? ')' : open == '[' ? ']' : '}';
            return new Reason(at, "the " + open + " opened here is never closed with " + close);
        }
        return new Reason(Math.max(0, code.stripTrailing().length() - 1),
                "the cell ends before its last statement is complete (a missing ; or })");
    }
}
