package org.deeptoy.kernel.jshell;

import java.util.ArrayList;
import java.util.List;

import jdk.jshell.EvalException;

/** Formats compile errors and runtime exceptions in terms of the student's cell. */
public final class ErrorFormat {
    private static final String RED = "\u001b[31m";
    private static final String BOLD = "\u001b[1m";
    private static final String RESET = "\u001b[0m";

    /** Longest code line shown under a compile error. */
    private static final int MAX_LINE = 160;

    private ErrorFormat() {
    }

    /**
     * A compile error: {@code cell line L, column C: message}, the code line, a caret under the span.
     *
     * @param cell  the whole cell source
     * @param start offset of the error span in the cell
     * @param end   end offset of the span (exclusive); at least one caret is drawn
     */
    static List<String> compileError(String cell, int start, int end, String message) {
        start = Math.max(0, Math.min(start, cell.length()));
        end = Math.max(start + 1, Math.min(end, cell.length()));
        int lineStart = cell.lastIndexOf('\n', start - 1) + 1;
        int lineEnd = cell.indexOf('\n', start);
        if (lineEnd < 0) {
            lineEnd = cell.length();
        }
        int line = 1 + (int) cell.substring(0, start).chars().filter(c -> c == '\n').count();
        int column = start - lineStart + 1;
        // a very long line (a generated array) is shown as a window around the error
        if (lineEnd - lineStart > MAX_LINE) {
            int from = Math.max(lineStart, start - MAX_LINE / 2);
            lineStart = from;
            lineEnd = Math.min(lineEnd, from + MAX_LINE);
        }
        String code = cell.substring(lineStart, lineEnd);
        int caretEnd = Math.min(end, lineEnd);
        StringBuilder caret = new StringBuilder();
        for (int i = lineStart; i < start; i++) {
            caret.append(code.charAt(i - lineStart) == '\t' ? '\t' : ' ');
        }
        caret.append("^".repeat(Math.max(1, caretEnd - start)));
        List<String> lines = new ArrayList<>();
        lines.add(RED + BOLD + "Compile error" + RESET + " at cell line " + line + ", column " + column + ":");
        lines.add("    " + code);
        lines.add("    " + RED + caret + RESET);
        for (String m : message.split("\n")) {
            lines.add(m);
        }
        return lines;
    }

    /**
     * A runtime exception with only the frames that matter: the student's snippets (mapped to cell
     * lines by {@code cellLine}, which takes a snippet id and line and returns the cell line or -1)
     * and DeepToy's own code. DeepToy's messages come first, unprefixed.
     */
    public static List<String> runtimeError(Throwable e, SnippetLines cellLine) {
        List<String> lines = new ArrayList<>();
        boolean first = true;
        for (Throwable t = e; t != null; t = t.getCause()) {
            String name = className(t);
            String message = t.getMessage() == null ? "" : t.getMessage();
            String head = name.endsWith("DeepToyException") && !message.isEmpty()
                    ? RED + BOLD + message + RESET
                    : RED + BOLD + simpleName(name) + RESET + (message.isEmpty() ? "" : ": " + message);
            lines.add(first ? head : "Caused by: " + head);
            if (t instanceof StackOverflowError || name.equals(StackOverflowError.class.getName())) {
                lines.add("The calls went too deep: a method that calls itself must reach a case that returns"
                        + " without calling itself again.");
            }
            first = false;
            List<String> frames = new ArrayList<>();
            for (StackTraceElement f : t.getStackTrace()) {
                String shown = frame(f, cellLine);
                if (shown != null) {
                    frames.add("    " + shown);
                }
            }
            lines.addAll(withoutRepeats(frames));
            if (t.getCause() == t) {
                break;
            }
        }
        return lines;
    }

    /**
     * A run of the same frames (a recursion: one method, or up to four calling each other) shown
     * once, followed by how often it repeats, instead of a thousand identical lines.
     */
    static List<String> withoutRepeats(List<String> frames) {
        List<String> out = new ArrayList<>();
        int i = 0;
        while (i < frames.size()) {
            int period = 0;
            int repeats = 0;
            for (int p = 1; p <= 4; p++) {
                int r = repeats(frames, i, p);
                if (r >= 2 && r * p > repeats * period) {
                    period = p;
                    repeats = r;
                }
            }
            if (period == 0) {
                out.add(frames.get(i++));
                continue;
            }
            out.addAll(frames.subList(i, i + period));
            out.add("    ... " + (period == 1 ? "the line above" : "the " + period + " lines above") + " "
                    + repeats + " more times");
            i += (repeats + 1) * period;
        }
        return out;
    }

    /** How many times frames[i, i+p) is repeated right after itself. */
    private static int repeats(List<String> frames, int i, int p) {
        int r = 0;
        while (i + (r + 2) * p <= frames.size()
                && frames.subList(i, i + p).equals(frames.subList(i + (r + 1) * p, i + (r + 2) * p))) {
            r++;
        }
        return r;
    }

    static String bold(String s) {
        return RED + BOLD + s + RESET;
    }

    /** The student's view of an interrupted cell. */
    static List<String> interrupted(int line) {
        return List.of(RED + BOLD + "Interrupted" + RESET + " at cell line " + line
                        + " (Kernel > Interrupt).",
                "Variables defined before the interruption are kept; the next cell runs normally.");
    }

    /** What to do after an OutOfMemoryError, with the kernel's heap limit and current use. */
    static List<String> outOfMemoryAdvice(Runtime rt) {
        long usedMb = (rt.totalMemory() - rt.freeMemory()) >> 20;
        return List.of("",
                BOLD + "The cell needed more memory than the kernel has" + RESET + " (its limit, the Java heap, is "
                        + megabytes(rt.maxMemory() >> 20) + "; " + megabytes(usedMb) + " in use now).",
                "The kernel and its variables are still there. Variables that hold big arrays or tensors keep "
                        + "their memory: set them to null (e.g. big = null;) or restart the kernel.",
                moreMemory());
    }

    /** On a class server the heap follows the hub's memory limit (see install/launch.in), not install.sh. */
    private static String moreMemory() {
        return System.getenv("JUPYTERHUB_USER") != null
                ? "Your memory limit is set by the class server (JupyterHub): ask your teacher for more."
                : "To give the kernel more memory, reinstall it with a larger limit and restart the kernel:\n"
                        + "    install/install.sh --memory 8g";
    }

    private static String megabytes(long mb) {
        return mb >= 1024 ? String.format(java.util.Locale.ROOT, "%.1f GB", mb / 1024.0) : mb + " MB";
    }

    static String className(Throwable t) {
        return t instanceof EvalException ? ((EvalException) t).getExceptionClassName() : t.getClass().getName();
    }

    static String simpleName(String name) {
        return name.startsWith("java.lang.") ? name.substring("java.lang.".length()) : name;
    }

    private static String frame(StackTraceElement f, SnippetLines cellLine) {
        String file = f.getFileName();
        if (file != null && file.startsWith("#")) {
            int line = -1;
            try {
                line = cellLine.cellLine(Integer.parseInt(file.substring(1)), f.getLineNumber());
            } catch (NumberFormatException ignored) {
                // not a snippet frame
            }
            String name = f.getMethodName();
            String method = name.isBlank() || name.startsWith("do_it$") ? "" : name + " ";
            return "at " + method + (line > 0 ? "(cell line " + line + ")" : "(an earlier cell)");
        }
        if (f.getClassName().startsWith("org.deeptoy.") && !f.getClassName().startsWith("org.deeptoy.kernel.")) {
            return "at " + f;
        }
        return null;
    }

    /** Maps a snippet id and its line to a line of the current cell; -1 for earlier cells. */
    public interface SnippetLines {
        int cellLine(int snippetId, int snippetLine);
    }

    /** A convenience for tests: cell line mapping that knows no snippet. */
    public static final SnippetLines NO_SNIPPETS = (id, line) -> -1;

}
