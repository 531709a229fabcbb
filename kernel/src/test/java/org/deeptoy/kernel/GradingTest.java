package org.deeptoy.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The course through nbgrader (release, autograde, export) and install/grade.sh, on the kernel as
 * install.sh installs it: src/test/python/test_grading.py. nbgrader comes from NBGRADER, else PATH,
 * else the shared runner ../shared/tools/nbgrader/run (nbgrader 0.8.5 from source; PyPI is out of
 * reach on CI machines). Without nbgrader the test is skipped locally and fails in CI (CI=true).
 */
class GradingTest {
    @Test
    void courseGoesThroughNbgraderAndGradeSh(@TempDir Path prefix) throws Exception {
        Path module = Path.of("").toAbsolutePath();
        Path jar = module.resolve("target/deeptoy-kernel.jar");
        assertTrue(Files.isRegularFile(jar), "the fat jar is built in process-classes: " + jar);
        String nbgrader = nbgrader(module);
        String missing = "nbgrader not found (NBGRADER, PATH, ../shared/tools/nbgrader/run)";
        if ("true".equals(System.getenv("CI"))) {
            assertTrue(nbgrader != null, missing);
        } else {
            assumeTrue(nbgrader != null, missing);
        }
        Result install = run(module, new String[] {"bash", module.resolve("../install/install.sh").toString(),
                "--prefix", prefix.toString(), "--no-build", "--memory", "1g"}, prefix, nbgrader);
        assertEquals(0, install.exit, "install.sh failed:\n" + install.output);
        String python = new File("/usr/bin/python3").canExecute() ? "/usr/bin/python3" : "python3";
        Result tests = run(module.resolve("src/test/python"), new String[] {python, "-m", "unittest", "-v", "test_grading"},
                prefix, nbgrader);
        System.out.println(tests.output);
        assertEquals(0, tests.exit, () -> "test_grading.py failed (nbgrader's runner needs the Debian packages named in"
                + " its header, and alembic):\n" + tests.output);
    }

    private static String nbgrader(Path module) {
        String named = System.getenv("NBGRADER");
        if (named != null && !named.isBlank()) {
            return named;
        }
        for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
            if (new File(dir, "nbgrader").canExecute()) {
                return new File(dir, "nbgrader").getPath();
            }
        }
        Path shared = module.resolve("../../shared/tools/nbgrader/run").normalize();
        return Files.isExecutable(shared) ? shared.toString() : null;
    }

    private record Result(int exit, String output) {
    }

    private static Result run(Path dir, String[] command, Path prefix, String nbgrader) throws Exception {
        ProcessBuilder pb = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true);
        pb.environment().put("JUPYTER_PATH", prefix.resolve("share/jupyter").toString());
        pb.environment().put("NBGRADER", nbgrader);
        Path log = Files.createTempFile("deeptoy-grading-test", ".log");
        pb.redirectOutput(log.toFile());
        Process p = pb.start();
        boolean done = p.waitFor(15, TimeUnit.MINUTES);
        if (!done) {
            p.destroyForcibly();
        }
        String output = Files.readString(log, StandardCharsets.UTF_8);
        Files.deleteIfExists(log);
        return new Result(done ? p.exitValue() : -1, output);
    }
}
