package org.deeptoy.kernel.wire;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The cells this kernel ran, with their text output, for history requests (a training run's history is {@link org.deeptoy.nn.History}). */
final class InputHistory {
    private final List<String> inputs = new ArrayList<>();
    private final List<String> outputs = new ArrayList<>();

    /** Records a cell; its line number is its position, starting at 1 (the execution count). */
    synchronized void add(String code) {
        inputs.add(code);
        outputs.add("");
    }

    synchronized void setLastOutput(String text) {
        if (!outputs.isEmpty()) {
            outputs.set(outputs.size() - 1, text);
        }
    }

    /** [session, line, input] or, with output, [session, line, [input, output]]. */
    synchronized List<List<Object>> tail(int n, boolean output) {
        int from = n <= 0 ? 0 : Math.max(0, inputs.size() - n);
        return range(from + 1, inputs.size() + 1, output);
    }

    synchronized List<List<Object>> range(int start, int stop, boolean output) {
        List<List<Object>> out = new ArrayList<>();
        for (int i = Math.max(1, start); i < Math.min(stop, inputs.size() + 1); i++) {
            out.add(entry(i, output));
        }
        return out;
    }

    /** Cells matching a glob ({@code *}, {@code ?}); the last {@code n}; optionally one per input. */
    synchronized List<List<Object>> search(String pattern, int n, boolean unique, boolean output) {
        String regex = ("\\Q" + pattern + "\\E").replace("*", "\\E.*\\Q").replace("?", "\\E.\\Q");
        Map<String, Integer> matches = new LinkedHashMap<>();
        List<Integer> lines = new ArrayList<>();
        for (int i = 0; i < inputs.size(); i++) {
            if (inputs.get(i).matches("(?s)" + regex)) {
                if (unique) {
                    matches.remove(inputs.get(i));
                    matches.put(inputs.get(i), i + 1);
                } else {
                    lines.add(i + 1);
                }
            }
        }
        if (unique) {
            lines.addAll(matches.values());
        }
        if (n > 0 && lines.size() > n) {
            lines = lines.subList(lines.size() - n, lines.size());
        }
        List<List<Object>> out = new ArrayList<>();
        for (int line : lines) {
            out.add(entry(line, output));
        }
        return out;
    }

    private List<Object> entry(int line, boolean output) {
        Object content = output ? List.of(inputs.get(line - 1), outputs.get(line - 1)) : inputs.get(line - 1);
        return List.of(0, line, content);
    }
}
