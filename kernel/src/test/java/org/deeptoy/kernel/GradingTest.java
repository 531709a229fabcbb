package org.deeptoy.kernel;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

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
        String nbgrader = nbgrader(Commands.MODULE);
        String missing = "nbgrader not found (NBGRADER, PATH, ../shared/tools/nbgrader/run)";
        if ("true".equals(System.getenv("CI"))) {
            assertTrue(nbgrader != null, missing);
        } else {
            assumeTrue(nbgrader != null, missing);
        }
        Map<String, String> env = Commands.with(Commands.jupyterPath(prefix), "NBGRADER", nbgrader);
        Commands.install(prefix, "1g", env);
        Commands.Result tests = Commands.unittest(env, Duration.ofMinutes(60), "test_grading"); // WholeCourseTest grades 45 notebooks
        System.out.println(tests.output());
        Commands.assertPassed(tests, "test_grading.py (nbgrader's runner needs the Debian packages named in"
                + " its header, and alembic)");
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
}
