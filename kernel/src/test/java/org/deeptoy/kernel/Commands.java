package org.deeptoy.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.File;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Assumptions;

/**
 * What the tests that drive the installed kernel from outside share: install.sh into a temporary
 * prefix, a Python suite run against it, and child processes run with a time limit.
 */
final class Commands {
    static final Path MODULE = Path.of("").toAbsolutePath();

    private Commands() {
    }

    /** A finished command: its exit code (-1 when it ran out of time) and its output (stdout and stderr). */
    record Result(int exit, String output) {
    }

    /**
     * Runs a command in dir with env added to this process's environment. When the time runs out the
     * command gets SIGTERM (scripts such as bench/classroom.sh clean up what they started), then it and
     * every process it started (kernels, servers) are killed: a test that times out leaves nothing running.
     */
    static Result run(Path dir, List<String> command, Map<String, String> env, Duration limit) throws Exception {
        ProcessBuilder pb = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true);
        pb.environment().putAll(env);
        Path log = Files.createTempFile("deeptoy-command", ".log");
        try {
            pb.redirectOutput(log.toFile());
            Process p = pb.start();
            boolean done = p.waitFor(limit.toSeconds(), TimeUnit.SECONDS);
            if (!done) {
                stop(p, Duration.ofSeconds(30));
            }
            String output = Files.readString(log, StandardCharsets.UTF_8);
            return done ? new Result(p.exitValue(), output)
                    : new Result(-1, output + "\n(timed out after " + limit.toSeconds() + " s)");
        } finally {
            Files.deleteIfExists(log);
        }
    }

    /** SIGTERM, up to {@code grace} to exit (a hub stops its proxy, a script its servers), then whatever is left of its tree. */
    static void stop(Process p, Duration grace) throws InterruptedException {
        List<ProcessHandle> tree = new ArrayList<>(p.descendants().toList());
        p.destroy();
        if (!p.waitFor(grace.toSeconds(), TimeUnit.SECONDS)) {
            p.destroyForcibly();
        }
        tree.forEach(ProcessHandle::destroyForcibly);
    }

    /**
     * Skips the test on a developer machine without a tool it needs; fails it in CI, where .ci/run installs
     * them, so such a test can never vanish silently. {@code test} names it in the message, e.g. "browser test".
     */
    static void requireTool(String test, boolean present, String message) {
        if (present) {
            return;
        }
        if ("true".equalsIgnoreCase(System.getenv("CI"))) {
            fail(test + " cannot run in CI: " + message);
        }
        String skip = test + " skipped: " + message + " (it fails instead when CI=true)";
        System.err.println("[" + test + "] " + skip);
        Assumptions.abort(skip);
    }

    /** The absolute path of an executable on PATH, or null. */
    static String onPath(String name) {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
            File f = new File(dir, name);
            if (f.canExecute()) {
                return f.getAbsolutePath();
            }
        }
        return null;
    }

    /** A TCP port free on this machine a moment ago. */
    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    /**
     * Sends {@code request} until it answers 200 (at most 90 s) and returns the body; fails with the server's
     * log when {@code server}, named {@code what}, exits first or never answers.
     */
    static String waitForHttp(Process server, String what, HttpClient http, HttpRequest request, Path log) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
        while (System.nanoTime() < deadline) {
            if (!server.isAlive()) {
                fail(what + " exited with " + server.exitValue() + ":\n" + read(log));
            }
            try {
                HttpResponse<String> r = http.send(request, HttpResponse.BodyHandlers.ofString());
                if (r.statusCode() == 200) {
                    return r.body();
                }
            } catch (IOException notYet) {
                // not listening yet
            }
            Thread.sleep(300);
        }
        fail(what + " did not answer " + request.uri() + " within 90 s:\n" + read(log));
        return null;
    }

    /** A log file's text, for a failure message. */
    static String read(Path log) {
        try {
            return Files.exists(log) ? Files.readString(log, StandardCharsets.UTF_8) : "(no output)";
        } catch (IOException e) {
            return "(unreadable: " + e + ")";
        }
    }

    /** install.sh puts the built fat jar into prefix as Jupyter would find it; the test fails with its output otherwise. */
    static void install(Path prefix, String memory, Map<String, String> env) throws Exception {
        Path jar = MODULE.resolve("target/deeptoy-kernel.jar");
        assertTrue(Files.isRegularFile(jar), "the fat jar is built in process-classes: " + jar);
        List<String> command = List.of("bash", MODULE.resolve("../install/install.sh").toString(),
                "--prefix", prefix.toString(), "--no-build", "--memory", memory);
        Result r = run(MODULE, command, env, Duration.ofMinutes(10));
        assertEquals(0, r.exit(), () -> "install.sh failed:\n" + r.output());
    }

    /** The environment that makes Jupyter clients find a kernel installed into prefix. */
    static Map<String, String> jupyterPath(Path prefix) {
        return Map.of("JUPYTER_PATH", prefix.resolve("share/jupyter").toString());
    }

    /** Runs {@code python3 -m unittest -v tests...} in src/test/python with env added. */
    static Result unittest(Map<String, String> env, Duration limit, String... tests) throws Exception {
        String python = new File("/usr/bin/python3").canExecute() ? "/usr/bin/python3" : "python3";
        List<String> command = new ArrayList<>(List.of(python, "-m", "unittest", "-v"));
        command.addAll(List.of(tests));
        return run(MODULE.resolve("src/test/python"), command, env, limit);
    }

    /** The lines of a unittest run that say what ran and how it ended. */
    static String summary(String output) {
        StringBuilder sb = new StringBuilder();
        output.lines().filter(l -> l.contains(" ... ") || l.startsWith("Ran ") || l.startsWith("OK")
                || l.startsWith("FAILED")).forEach(l -> sb.append(l).append('\n'));
        return sb.toString();
    }

    /** Fails the test with the whole output unless the suite passed. */
    static void assertPassed(Result r, String what) {
        assertEquals(0, r.exit(), () -> what + " failed:\n" + r.output());
    }

    /** env and one more variable. */
    static Map<String, String> with(Map<String, String> env, String key, String value) {
        Map<String, String> m = new HashMap<>(env);
        m.put(key, value);
        return m;
    }

    /** nbgrader as a command: NBGRADER, else nbgrader on PATH, else the shared runner ../shared/tools/nbgrader/run; null if none. */
    static String nbgrader() {
        String named = System.getenv("NBGRADER");
        if (named != null && !named.isBlank()) {
            return named;
        }
        String onPath = onPath("nbgrader");
        if (onPath != null) {
            return onPath;
        }
        Path shared = MODULE.resolve("../../shared/tools/nbgrader/run").normalize();
        return Files.isExecutable(shared) ? shared.toString() : null;
    }
}
