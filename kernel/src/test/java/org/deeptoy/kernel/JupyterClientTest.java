package org.deeptoy.kernel;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs the Python tests (jupyter_kernel_test conformance, protocol tests through jupyter_client,
 * nbconvert) against the fat jar installed by install.sh into a temporary prefix, so `mvn test`
 * exercises the kernel exactly as Jupyter launches it.
 */
class JupyterClientTest {
    @Test
    void kernelPassesJupyterClientTests(@TempDir Path prefix) throws Exception {
        Commands.install(prefix, "1g", Map.of());
        Commands.Result r = Commands.unittest(Commands.jupyterPath(prefix), Duration.ofMinutes(10), "test_kernel");
        Commands.assertPassed(r, "test_kernel.py (needs Jupyter: apt-get install jupyter-notebook python3-nbconvert"
                + " python3-nbclient python3-jupyter-kernel-test)");
    }
}
