package org.deeptoy.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

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
        Path module = Path.of("").toAbsolutePath();
        Path jar = module.resolve("target/deeptoy-kernel.jar");
        assertTrue(Files.isRegularFile(jar), "the fat jar is built in process-classes: " + jar);
        run(module, new String[] {"bash", module.resolve("../install/install.sh").toString(),
                "--prefix", prefix.toString(), "--no-build", "--memory", "1g"}, null);
        String python = new File("/usr/bin/python3").canExecute() ? "/usr/bin/python3" : "python3";
        run(module.resolve("src/test/python"), new String[] {python, "-m", "unittest", "-v", "test_kernel"},
                prefix.resolve("share/jupyter").toString());
    }

    private static void run(Path dir, String[] command, String jupyterPath) throws Exception {
        ProcessBuilder pb = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true);
        if (jupyterPath != null) {
            pb.environment().put("JUPYTER_PATH", jupyterPath);
        }
        Path log = Files.createTempFile("deeptoy-kernel-test", ".log");
        pb.redirectOutput(log.toFile());
        Process p = pb.start();
        boolean done = p.waitFor(10, TimeUnit.MINUTES);
        if (!done) {
            p.destroyForcibly();
        }
        String output = Files.readString(log, StandardCharsets.UTF_8);
        Files.deleteIfExists(log);
        assertEquals(0, done ? p.exitValue() : -1, () -> String.join(" ", command)
                + " failed (needs Jupyter: apt-get install jupyter-notebook python3-nbconvert python3-nbclient"
                + " python3-jupyter-kernel-test):\n" + output);
    }
}
