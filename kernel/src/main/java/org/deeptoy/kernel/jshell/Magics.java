package org.deeptoy.kernel.jshell;

import java.lang.reflect.Array;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import io.github.spencerpark.jupyter.kernel.display.DisplayData;
import io.github.spencerpark.jupyter.kernel.display.mime.MIMEType;
import org.deeptoy.tensor.Tensor;

/**
 * The magics Java notebook users expect: {@code %maven}, {@code %classpath}, {@code %time},
 * {@code %%time}, {@code %vars}, {@code %help}. A line magic is a line of its own starting with
 * {@code %}; the Java code around it runs in order, with errors reported at their cell lines.
 */
public final class Magics {
    /** Runs Java code (padded with blank lines so its lines are the cell's) and returns its Out, or null. */
    public interface Java {
        DisplayData run(String code) throws Exception;
    }

    private final NotebookShell shell;
    private final List<String> added = new ArrayList<>();

    public Magics(NotebookShell shell) {
        this.shell = shell;
    }

    /** Whether the cell uses a magic at all (else it is plain Java). */
    public static boolean present(String cell) {
        for (String line : cell.split("\n", -1)) {
            if (line.stripLeading().startsWith("%")) {
                return true;
            }
        }
        return false;
    }

    public DisplayData run(String cell, Java java) throws Exception {
        String[] lines = cell.split("\n", -1);
        int first = 0;
        while (first < lines.length && lines[first].isBlank()) {
            first++;
        }
        if (first < lines.length && lines[first].strip().startsWith("%%")) {
            String name = lines[first].strip().substring(2).split("\\s+")[0];
            if (!name.equals("time")) {
                throw unknown("%%" + name);
            }
            lines[first] = "";
            long t0 = System.nanoTime();
            try {
                return runLines(lines, java);
            } finally {
                System.out.println(wallTime(t0));
            }
        }
        return runLines(lines, java);
    }

    private DisplayData runLines(String[] lines, Java java) throws Exception {
        DisplayData out = null;
        StringBuilder code = new StringBuilder();
        int codeStart = 0;
        for (int i = 0; i < lines.length; i++) {
            String line = lines[i].strip();
            if (!line.startsWith("%") || line.startsWith("%%")) {
                code.append(lines[i]).append('\n');
                continue;
            }
            if (!code.toString().isBlank()) {
                out = java.run("\n".repeat(codeStart) + code);
            }
            out = lineMagic(line.substring(1), i, java);
            code.setLength(0);
            codeStart = i + 1;
        }
        if (!code.toString().isBlank()) {
            out = java.run("\n".repeat(codeStart) + code);
        }
        return out;
    }

    private DisplayData lineMagic(String text, int line, Java java) throws Exception {
        String name = text.split("\\s+")[0];
        String args = text.substring(name.length()).strip();
        switch (name) {
            case "time": {
                long t0 = System.nanoTime();
                try {
                    return java.run("\n".repeat(line) + " ".repeat(6) + args);
                } finally {
                    System.out.println(wallTime(t0));
                }
            }
            case "maven":
                maven(args);
                return null;
            case "classpath":
                return classpath(args);
            case "vars":
                return vars();
            case "help":
                return help();
            default:
                throw unknown("%" + name);
        }
    }

    private static String wallTime(long t0) {
        double ms = (System.nanoTime() - t0) / 1e6;
        return ms >= 1000 ? String.format(Locale.ROOT, "Wall time: %.2f s", ms / 1000)
                : String.format(Locale.ROOT, "Wall time: %.1f ms", ms);
    }

    private static CellException unknown(String magic) {
        String message = magic + " is not a magic of this kernel; %help lists them.";
        return new CellException("UnknownMagic", message, List.of(message));
    }

    private void maven(String args) throws CellException {
        if (args.isEmpty()) {
            String m = "%maven needs an artifact: %maven group:artifact:version";
            throw new CellException("MavenError", m, List.of(m));
        }
        for (String coordinates : args.split("\\s+")) {
            List<Path> jars = MavenResolve.resolve(coordinates);
            for (Path jar : jars) {
                addToClasspath(jar);
            }
            System.out.println("Added " + coordinates + " (" + jars.size() + " jar" + (jars.size() == 1 ? "" : "s")
                    + ": " + String.join(", ", jars.stream().map(p -> p.getFileName().toString()).toList()) + ")");
        }
    }

    private void addToClasspath(Path entry) {
        String p = entry.toAbsolutePath().toString();
        if (!added.contains(p)) {
            shell.addToClasspath(p);
            added.add(p);
        }
    }

    private DisplayData classpath(String args) throws CellException {
        if (!args.isEmpty()) {
            Path p = Path.of(args.startsWith("~/") ? System.getProperty("user.home") + args.substring(1) : args);
            boolean jar = Files.isRegularFile(p) && p.toString().endsWith(".jar");
            if (!jar && !Files.isDirectory(p)) {
                String m = "%classpath " + args + ": no such jar file or folder";
                throw new CellException("ClasspathError", m, List.of(m));
            }
            addToClasspath(p);
            System.out.println("Added " + p.toAbsolutePath() + " to the classpath.");
            return null;
        }
        StringBuilder sb = new StringBuilder("The kernel's own classes (Java, DeepToy, its renderers), and:\n");
        if (added.isEmpty()) {
            sb.append("  nothing added yet (%maven group:artifact:version or %classpath path/to.jar)\n");
        }
        for (String p : added) {
            sb.append("  ").append(p).append('\n');
        }
        return new DisplayData(sb.toString());
    }

    /**
     * The notebook's variables with their types and a short value. Values are described without
     * calling the student's toString or hashCode (which may loop or throw): numbers, strings,
     * sizes of JDK collections and arrays, shapes of tensors.
     */
    private DisplayData vars() {
        StringBuilder text = new StringBuilder();
        StringBuilder html = new StringBuilder("<table><thead><tr><th style=\"text-align:left\">name</th>"
                + "<th style=\"text-align:left\">type</th><th style=\"text-align:left\">value</th></tr></thead><tbody>");
        List<NotebookShell.Variable> vars = shell.variables();
        for (NotebookShell.Variable v : vars) {
            String value = describe(v.value());
            text.append(v.name()).append(" : ").append(v.type()).append(value.isEmpty() ? "" : " = " + value).append('\n');
            html.append("<tr><td><code>").append(escape(v.name())).append("</code></td><td><code>")
                    .append(escape(v.type())).append("</code></td><td>").append(escape(value)).append("</td></tr>");
        }
        html.append("</tbody></table>");
        if (vars.isEmpty()) {
            return new DisplayData("No variables yet.");
        }
        DisplayData d = new DisplayData(text.toString().stripTrailing());
        d.putData(MIMEType.TEXT_HTML, html.toString());
        return d;
    }

    static String describe(Object v) {
        if (v == null) {
            return "null";
        }
        if (v instanceof Tensor) {
            return "shape " + java.util.Arrays.toString(((Tensor) v).shape());
        }
        if (v instanceof Number || v instanceof Boolean || v instanceof Character || v instanceof Enum) {
            return clip(String.valueOf(v));
        }
        if (v instanceof String) {
            return clip("\"" + v + "\"");
        }
        if (v.getClass().isArray()) {
            return v.getClass().getComponentType().getSimpleName() + "[" + Array.getLength(v) + "]";
        }
        boolean jdk = v.getClass().getName().startsWith("java.");
        if (jdk && v instanceof Collection) {
            return "size " + ((Collection<?>) v).size();
        }
        if (jdk && v instanceof Map) {
            return "size " + ((Map<?, ?>) v).size();
        }
        return "";
    }

    private static String clip(String s) {
        return s.length() > 60 ? s.substring(0, 57) + "..." : s;
    }

    private static String escape(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
    }

    private static DisplayData help() {
        String text = String.join("\n",
                "Magics (a line of its own starting with %):",
                "  %maven group:artifact:version   add a library and its dependencies from Maven Central",
                "  %classpath [path]               show the classpath, or add a jar or a folder of classes",
                "  %time <java code>               run one line and print how long it took",
                "  %%time                          (first line) time the whole cell",
                "  %vars                           the notebook's variables, their types, shapes of tensors",
                "  %help                           this list",
                "",
                "DeepToy's entry points (imported in every notebook):",
                "  Tensor.of(values, shape...), Tensor.matrix(rows...), Tensor.scalar(x)   tensors",
                "  new ComputationalGraph(), cg.variable(...), cg.constant(...), cg.sum, cg.matrixMultiply, ...",
                "  new SimulationContext().forward(cg), ctx.backward(cg, loss), ctx.get(conn).value()",
                "  Mlp.builder().layers(...).build(), LinearSvm, Cnn; model.fit(dataset, new FitOptions()...)",
                "  Datasets (Iris, MNIST, CIFAR-10), Dataset, Split, Scaler; optimizers Sgd, Adam",
                "  GradientCheck.check(cg, loss, feeds)                 your own op's backward against finite differences",
                "  TourChecks.rowMeans(...), BackpropChecks..., ...     a notebook's check cells (one class per notebook)",
                "  display(x), show(cg, ctx), updateDisplay(handle, x), clearOutput(wait)    output",
                "Press Shift+Tab on a name for its documentation, Tab to complete.");
        return new DisplayData(text);
    }
}
