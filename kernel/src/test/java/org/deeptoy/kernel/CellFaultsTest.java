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
 * Runs test_cell_faults.py (faults a student's cell can cause, and a notebook re-run five times)
 * through jupyter_client against the fat jar installed by install.sh into a temporary prefix.
 */
class CellFaultsTest {
    @Test
    void kernelSurvivesCellFaults(@TempDir Path prefix) throws Exception {
        Path module = Path.of("").toAbsolutePath();
        Path jar = module.resolve("target/deeptoy-kernel.jar");
        assertTrue(Files.isRegularFile(jar), "the fat jar is built in process-classes: " + jar);
        run(module, null, "bash", module.resolve("../install/install.sh").toString(),
                "--prefix", prefix.toString(), "--no-build", "--memory", "1g");
        String python = new File("/usr/bin/python3").canExecute() ? "/usr/bin/python3" : "python3";
        run(module.resolve("src/test/python"), prefix.resolve("share/jupyter").toString(),
                python, "-m", "unittest", "-v", "test_cell_faults");
    }

    private static void run(Path dir, String jupyterPath, String... command) throws Exception {
        ProcessBuilder pb = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true);
        if (jupyterPath != null) {
            pb.environment().put("JUPYTER_PATH", jupyterPath);
        }
        Path log = Files.createTempFile("deeptoy-cell-faults", ".log");
        pb.redirectOutput(log.toFile());
        Process p = pb.start();
        boolean done = p.waitFor(10, TimeUnit.MINUTES);
        if (!done) {
            p.destroyForcibly();
        }
        String output = Files.readString(log, StandardCharsets.UTF_8);
        Files.deleteIfExists(log);
        System.out.println(output.lines().filter(l -> l.contains(" ... ") || l.startsWith("Ran ") || l.startsWith("OK")
                || l.startsWith("FAILED")).reduce("", (a, b) -> a + b + "\n"));
        assertEquals(0, done ? p.exitValue() : -1, () -> String.join(" ", command) + " failed:\n" + output);
    }
}
