package org.deeptoy.kernel;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs test_cell_faults.py (faults a student's cell can cause, and a notebook re-run five times)
 * through jupyter_client against the fat jar installed by install.sh into a temporary prefix.
 */
class CellFaultsTest {
    @Test
    void kernelSurvivesCellFaults(@TempDir Path prefix) throws Exception {
        Commands.install(prefix, "1g", Map.of());
        Commands.Result r = Commands.unittest(Commands.jupyterPath(prefix), Duration.ofMinutes(15), "test_cell_faults");
        System.out.println(Commands.summary(r.output()));
        Commands.assertPassed(r, "test_cell_faults.py");
    }
}
