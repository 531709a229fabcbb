package org.deeptoy.kernel;

import java.util.ArrayList;
import java.util.List;

/** The inputs of this session's executed cells, for history requests. */
final class History {
    private final List<String> inputs = new ArrayList<>();

    synchronized void add(String code) {
        inputs.add(code);
    }

    /** [session, line, input] triples; line numbers are execution counts starting at 1. */
    synchronized List<List<Object>> tail(int n) {
        int from = n <= 0 ? 0 : Math.max(0, inputs.size() - n);
        return range(from + 1, inputs.size() + 1);
    }

    synchronized List<List<Object>> range(int start, int stop) {
        List<List<Object>> out = new ArrayList<>();
        for (int i = Math.max(1, start); i < Math.min(stop, inputs.size() + 1); i++) {
            out.add(List.of(0, i, inputs.get(i - 1)));
        }
        return out;
    }

    synchronized List<List<Object>> search(String pattern, int n) {
        String regex = ("\\Q" + pattern + "\\E").replace("*", "\\E.*\\Q").replace("?", "\\E.\\Q");
        List<List<Object>> out = new ArrayList<>();
        for (int i = 0; i < inputs.size(); i++) {
            if (inputs.get(i).matches("(?s)" + regex)) {
                out.add(List.of(0, i + 1, inputs.get(i)));
            }
        }
        return n > 0 && out.size() > n ? out.subList(out.size() - n, out.size()) : out;
    }
}
