package org.deeptoy.kernel;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Hostile submissions through install/grade.sh's bubblewrap sandbox, on the kernel as install.sh
 * installs it: src/test/python/test_grading_sandbox.py (reads the teacher's SSH key, planted solutions
 * and a classmate's notebook, plants ~/.bashrc and ~/.local/bin, reaches the host's 127.0.0.1, forks,
 * allocates 20 GB, fills the disk, sleeps, runs sh; and the same readers succeed with --no-sandbox).
 * Needs nbgrader (as GradingTest) and bwrap (Debian package bubblewrap): skipped locally without them,
 * failed in CI (CI=true).
 */
class GradingSandboxTest {
    @Test
    void hostileSubmissionsAreContained(@TempDir Path prefix) throws Exception {
        String nbgrader = Commands.nbgrader();
        Commands.requireTool("grading sandbox test", nbgrader != null, "nbgrader not found (NBGRADER, PATH, ../shared/tools/nbgrader/run)");
        Commands.requireTool("grading sandbox test", Commands.onPath("bwrap") != null, "bwrap not found (apt-get install bubblewrap)");
        Map<String, String> env = Commands.with(Commands.jupyterPath(prefix), "NBGRADER", nbgrader);
        Commands.install(prefix, "1g", env);
        Commands.Result tests = Commands.unittest(env, Duration.ofMinutes(15), "test_grading_sandbox");
        System.out.println(tests.output());
        Commands.assertPassed(tests, "test_grading_sandbox.py");
    }
}
