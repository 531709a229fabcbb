package org.deeptoy.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * Executes the whole course (notebooks/src, built by notebooks/build.py in both versions) on the
 * kernel exactly as install.sh installs it, in quick mode (DEEPTOY_QUICK=1), into
 * target/notebooks, then reads the executed notebooks: no error outputs; each shows what its
 * source declares with "// expect:" lines (an SVG graph, an HTML table, a PNG chart, a line of
 * text); every check cell prints ✓ for the teacher's solutions and ✗ (not a crash) for the
 * student's unsolved version; every exercise and check carries nbgrader metadata; and the notebooks
 * stored in the repository match their sources, the student versions without outputs in exercise and
 * check cells (a ✗ line must not give an answer away). Each solution notebook runs twice in one kernel, as
 * a student runs it again (run_twice.py): the second run shows no error the first did not and what the
 * source expects (a student version differs from its solutions only in the answers, so it runs once).
 * {@code -Ddeeptoy.notebooks=04,05} limits the run to the sources whose names start with these.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class NotebooksTest {
    private static final Path MODULE = Commands.MODULE;
    private static final Path COURSE = MODULE.resolve("../notebooks").normalize();
    private static final Path OUT = MODULE.resolve("target/notebooks");
    /** The second runs, in the kernel of the first, under the same relative paths. */
    private static final Path RERUN = OUT.resolve("rerun");

    private int exitCode;
    private String log;
    private List<String> names;

    @BeforeAll
    void executeTheCourse(@TempDir Path prefix) throws Exception {
        Commands.install(prefix, "3g", Map.of());
        deleteTree(OUT);
        // -Ddeeptoy.notebooks=04,05 runs only the sources whose names start with these (while writing them).
        List<String> only = List.of(System.getProperty("deeptoy.notebooks", "").split(",")).stream()
                .map(String::strip).filter(o -> !o.isEmpty()).toList();
        try (Stream<Path> sources = Files.list(COURSE.resolve("src"))) {
            names = sources.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".java"))
                    .map(n -> n.substring(0, n.length() - ".java".length()))
                    .filter(n -> only.isEmpty() || only.stream().anyMatch(n::startsWith)).sorted().toList();
        }
        assertTrue(!names.isEmpty(), "no notebook sources in " + COURSE.resolve("src") + (only.isEmpty() ? "" : " matching " + only));
        String python = new File("/usr/bin/python3").canExecute() ? "/usr/bin/python3" : "python3";
        // --keep-check-outputs: the fresh student versions keep their ✗ lines for studentVersionsFail...
        List<String> build = new ArrayList<>(List.of(python, COURSE.resolve("build.py").toString(),
                "--keep-check-outputs", "--out", OUT.toString()));
        build.addAll(only);
        Commands.Result built = Commands.run(MODULE, build, Map.of(), Duration.ofMinutes(5));
        assertEquals(0, built.exit(), () -> "build.py failed:\n" + built.output());
        // what build.py --execute does, and for the solutions a second Run All in the same kernel (about half
        // the time of a first; the student versions differ from them only in their answers)
        List<String> run = new ArrayList<>(List.of(python, MODULE.resolve("src/test/python/run_twice.py").toString(),
                "--cwd", COURSE.toString(), "--root", OUT.toString(), "--second-out", RERUN.toString()));
        for (String n : names) {
            run.add(OUT.resolve("solutions").resolve(n + ".ipynb").toString());
            run.addAll(List.of("--once", OUT.resolve(n + ".ipynb").toString()));
        }
        Commands.Result executed = Commands.run(MODULE, run,
                Commands.with(Commands.jupyterPath(prefix), "DEEPTOY_QUICK", "1"), Duration.ofMinutes(40));
        exitCode = executed.exit();
        log = executed.output();
        System.out.println("NotebooksTest: run_twice.py\n" + log);
    }

    @Test
    void everyNotebookRunsWithoutAnError() throws IOException {
        assertEquals(0, exitCode, () -> "run_twice.py failed (Jupyter needed: apt-get install jupyter-notebook"
                + " python3-nbclient):\n" + log);
        List<String> problems = new ArrayList<>();
        for (Path nb : executed()) {
            errors(nb).forEach(e -> problems.add(name(nb) + " " + e));
        }
        assertEquals(List.of(), problems);
    }

    @Test
    void everyNotebookShowsWhatItsSourceExpects() throws IOException {
        List<String> problems = new ArrayList<>();
        for (Path nb : executed()) {
            problems.addAll(missingExpectations(nb));
        }
        assertEquals(List.of(), problems);
    }

    /** Run All a second time in the same kernel: no error the first run did not have, and what the source expects. */
    @Test
    void aSecondRunInTheSameKernelAddsNoErrorAndShowsTheSame() throws IOException {
        List<String> problems = new ArrayList<>();
        for (Path first : executed()) {
            if (!first.getParent().endsWith("solutions")) continue;  // run once
            Path second = RERUN.resolve(OUT.relativize(first));
            assertTrue(Files.isRegularFile(second), "run_twice.py did not write " + second + ":\n" + log);
            List<String> before = errors(first);
            for (String e : errors(second)) {
                if (!before.contains(e)) problems.add(name(first) + " run again: " + e);
            }
            problems.addAll(missingExpectations(second).stream().map(p -> "run again: " + p).toList());
        }
        assertEquals(List.of(), problems);
    }

    /** "cell N: Name: message" of each error output. */
    private static List<String> errors(Path nb) throws IOException {
        List<String> errors = new ArrayList<>();
        forEachCodeCell(nb, (i, cell) -> {
            for (JsonElement o : outputs(cell)) {
                JsonObject out = o.getAsJsonObject();
                if (out.get("output_type").getAsString().equals("error")) {
                    errors.add("cell " + i + ": " + out.get("ename").getAsString() + ": " + out.get("evalue").getAsString());
                }
            }
        });
        return errors;
    }

    /** What the notebook's source declares with "// expect:" and no output shows. */
    private static List<String> missingExpectations(Path nb) throws IOException {
        List<String> problems = new ArrayList<>();
        JsonObject json = read(nb);
        JsonArray expect = json.getAsJsonObject("metadata").getAsJsonObject("deeptoy").getAsJsonArray("expect");
        if (expect.size() == 0) problems.add(name(nb) + ": its source declares nothing with '// expect:'");
        List<String> mimes = new ArrayList<>();
        StringBuilder text = new StringBuilder();
        forEachCodeCell(nb, (i, cell) -> {
            for (JsonElement o : outputs(cell)) {
                JsonObject out = o.getAsJsonObject();
                if (out.has("text")) text.append(joined(out.get("text"))).append('\n');
                if (!out.has("data")) continue;
                for (String mime : out.getAsJsonObject("data").keySet()) {
                    mimes.add(mime);
                    if (mime.startsWith("text/")) text.append(joined(out.getAsJsonObject("data").get(mime))).append('\n');
                }
            }
        });
        for (JsonElement e : expect) {
            String what = e.getAsString();
            if (what.startsWith("text:")) {
                String words = what.substring("text:".length()).strip();
                if (!text.toString().contains(words)) problems.add(name(nb) + ": no output contains \"" + words + "\"");
            } else if (!mimes.contains(what)) {
                problems.add(name(nb) + ": no output of type " + what + " (outputs have " + mimes.stream().distinct().toList() + ")");
            }
        }
        return problems;
    }

    @Test
    void teacherSolutionsPassEveryCheck() throws IOException {
        List<String> problems = new ArrayList<>();
        for (String n : names) {
            Path nb = OUT.resolve("solutions").resolve(n + ".ipynb");
            int[] counts = new int[2];
            forEachCodeCell(nb, (i, cell) -> {
                if (tags(cell).contains("exercise")) counts[0]++;
                if (!tags(cell).contains("check")) return;
                counts[1]++;
                String printed = printed(cell);
                if (!printed.contains("✓") || printed.contains("✗")) {
                    problems.add("solutions/" + n + " cell " + i + " should print ✓ for the solution, printed: " + printed.strip());
                }
            });
            if (counts[0] == 0 || counts[1] < counts[0]) {
                problems.add(n + ": " + counts[0] + " exercise cells and " + counts[1] + " check cells; every notebook ends"
                        + " with exercises, each followed by a check");
            }
        }
        assertEquals(List.of(), problems);
    }

    @Test
    void studentVersionsFailTheirChecksWithoutCrashing() throws IOException {
        List<String> problems = new ArrayList<>();
        for (String n : names) {
            forEachCodeCell(OUT.resolve(n + ".ipynb"), (i, cell) -> {
                if (!tags(cell).contains("check")) return;
                String printed = printed(cell);
                if (!printed.contains("✗")) {
                    problems.add(n + " cell " + i + " should print ✗ for the unsolved exercise, printed: " + printed.strip());
                }
            });
        }
        assertEquals(List.of(), problems);
    }

    /** Exercise cells are nbgrader solution cells, each check right after one a locked grade cell with points. */
    @Test
    void exercisesAndChecksCarryNbgraderMetadata() throws IOException {
        List<String> problems = new ArrayList<>();
        for (Path nb : executed()) {
            JsonObject[] previous = {null};
            forEachCodeCell(nb, (i, cell) -> {
                JsonObject meta = cell.getAsJsonObject("metadata");
                JsonObject g = meta.has("nbgrader") ? meta.getAsJsonObject("nbgrader") : null;
                if (tags(cell).contains("exercise") && (g == null || !g.get("solution").getAsBoolean()
                        || g.get("grade").getAsBoolean() || g.get("schema_version").getAsInt() != 3)) {
                    problems.add(name(nb) + " cell " + i + ": an exercise needs nbgrader solution metadata, has " + g);
                }
                if (previous[0] != null && tags(previous[0]).contains("exercise") && (g == null
                        || !g.get("grade").getAsBoolean() || !g.get("locked").getAsBoolean() || g.get("points").getAsInt() < 1)) {
                    problems.add(name(nb) + " cell " + i + ": a check needs nbgrader grade metadata (locked, points), has " + g);
                }
                previous[0] = cell;
            });
        }
        assertEquals(List.of(), problems);
    }

    /** DEEPTOY_QUICK=1 travels from the test through build.py and Jupyter to the kernel: the tour shows Course.quick(). */
    @Test
    void quickModeReachesTheNotebooks() throws IOException {
        if (!names.contains("01-tour")) return; // a run of selected notebooks without the tour
        List<String> shown = new ArrayList<>();
        forEachCodeCell(OUT.resolve("solutions/01-tour.ipynb"), (i, cell) -> {
            if (!joined(cell.get("source")).strip().equals("Course.quick()")) return;
            for (JsonElement o : outputs(cell)) {
                JsonObject out = o.getAsJsonObject();
                if (out.has("data")) shown.add(joined(out.getAsJsonObject("data").get("text/plain")));
            }
        });
        assertEquals(List.of("true"), shown, "the tour's Course.quick() cell in quick mode");
    }

    /** The notebooks in the repository (executed by hand with build.py --execute) are built from today's sources. */
    @Test
    void storedNotebooksMatchTheirSources() throws IOException {
        List<String> problems = new ArrayList<>();
        for (String n : names) {
            for (String version : List.of(n + ".ipynb", "solutions/" + n + ".ipynb")) {
                Path stored = COURSE.resolve(version), fresh = OUT.resolve(version);
                if (!Files.isRegularFile(stored)) {
                    problems.add(version + " is missing: run python3 notebooks/build.py --execute");
                    continue;
                }
                if (!sources(stored).equals(sources(fresh))
                        || !read(stored).getAsJsonObject("metadata").get("deeptoy").equals(read(fresh).getAsJsonObject("metadata").get("deeptoy"))) {
                    problems.add(version + " differs from notebooks/src/" + n + ".java: run python3 notebooks/build.py --execute " + n);
                }
                boolean[] executedCell = {false};
                boolean student = !version.startsWith("solutions/");
                forEachCodeCell(stored, (i, cell) -> {
                    boolean exercise = tags(cell).contains("exercise") || tags(cell).contains("check");
                    executedCell[0] |= outputs(cell).size() > 0;
                    if (student && exercise && outputs(cell).size() > 0) {
                        problems.add(version + " cell " + i + " (" + tags(cell) + ") is stored with outputs: a student"
                                + " version has none in exercise and check cells (build.py writes it so)");
                    }
                });
                if (!executedCell[0]) problems.add(version + " is stored without outputs: build it with --execute");
            }
        }
        assertEquals(List.of(), problems);
    }

    // ---- reading notebooks ----

    private interface CellVisitor {
        void visit(int cellNumber, JsonObject cell);
    }

    private List<Path> executed() throws IOException {
        List<Path> all = new ArrayList<>();
        for (String n : names) {
            all.add(OUT.resolve(n + ".ipynb"));
            all.add(OUT.resolve("solutions").resolve(n + ".ipynb"));
        }
        for (Path p : all) assertTrue(Files.isRegularFile(p), "build.py did not write " + p + ":\n" + log);
        return all;
    }

    private static JsonObject read(Path nb) throws IOException {
        return new JsonParser().parse(Files.readString(nb, StandardCharsets.UTF_8)).getAsJsonObject(); // gson 2.8.5 (basekernel's)
    }

    private static void forEachCodeCell(Path nb, CellVisitor visitor) throws IOException {
        JsonArray cells = read(nb).getAsJsonArray("cells");
        for (int i = 0; i < cells.size(); i++) {
            JsonObject cell = cells.get(i).getAsJsonObject();
            if (cell.get("cell_type").getAsString().equals("code")) visitor.visit(i + 1, cell);
        }
    }

    private static List<String> sources(Path nb) throws IOException {
        List<String> s = new ArrayList<>();
        for (JsonElement c : read(nb).getAsJsonArray("cells")) s.add(joined(c.getAsJsonObject().get("source")));
        return s;
    }

    private static JsonArray outputs(JsonObject cell) {
        return cell.has("outputs") ? cell.getAsJsonArray("outputs") : new JsonArray();
    }

    private static List<String> tags(JsonObject cell) {
        List<String> tags = new ArrayList<>();
        JsonObject meta = cell.getAsJsonObject("metadata");
        if (meta != null && meta.has("tags")) meta.getAsJsonArray("tags").forEach(t -> tags.add(t.getAsString()));
        return tags;
    }

    /** What a cell printed to stdout and stderr. */
    private static String printed(JsonObject cell) {
        StringBuilder sb = new StringBuilder();
        for (JsonElement o : outputs(cell)) {
            JsonObject out = o.getAsJsonObject();
            if (out.get("output_type").getAsString().equals("stream")) sb.append(joined(out.get("text")));
            if (out.get("output_type").getAsString().equals("error")) {
                sb.append("ERROR ").append(out.get("ename").getAsString()).append(": ").append(out.get("evalue").getAsString());
            }
        }
        return sb.toString();
    }

    /** nbformat stores multi-line strings either as one string or as a list of lines. */
    private static String joined(JsonElement e) {
        if (e.isJsonPrimitive()) return e.getAsString();
        StringBuilder sb = new StringBuilder();
        for (JsonElement line : e.getAsJsonArray()) sb.append(line.getAsString());
        return sb.toString();
    }

    private static String name(Path nb) {
        return OUT.relativize(nb).toString();
    }

    private static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) return;
        try (Stream<Path> walk = Files.walk(dir)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) Files.delete(p);
        }
    }
}
