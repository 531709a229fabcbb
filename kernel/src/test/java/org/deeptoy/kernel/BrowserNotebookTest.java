package org.deeptoy.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.deeptoy.kernel.Commands.freePort;
import static org.deeptoy.kernel.Commands.onPath;
import static org.deeptoy.kernel.Commands.read;

import java.io.File;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real browser: starts Debian's classic {@code jupyter notebook} on localhost with the DeepToy
 * kernel installed by install.sh into a temporary prefix, opens a short notebook in headless
 * Chromium (driven by playwright-core from src/test/browser), runs all cells twice in one kernel (as a
 * student runs a notebook again; neither run may show an error) and checks that the
 * graph SVG, the tensor HTML table and the PNG loss chart are drawn. The screenshot is saved to
 * target/browser/notebook.png.
 *
 * <p>Needs /usr/bin/chromium (apt-get install chromium), node and {@code npm ci} in
 * kernel/src/test/browser. On a machine without them the test is skipped with a message; in CI
 * (env CI=true, set by .ci/run) it fails instead, so the browser check can never vanish silently.
 */
class BrowserNotebookTest {
    private static final String NOTEBOOK = "three-outputs.ipynb";

    @Test
    void notebookDrawsGraphTableAndChartInChromium(@TempDir Path tmp) throws Exception {
        Path module = Path.of("").toAbsolutePath();
        Path browserDir = module.resolve("src/test/browser");
        String chromium = System.getenv().getOrDefault("DEEPTOY_CHROMIUM", "/usr/bin/chromium");
        requireTool(new File(chromium).canExecute(), "Chromium is missing (" + chromium + "): apt-get install chromium");
        String node = onPath("node");
        requireTool(node != null, "node is missing: apt-get install nodejs (v18 or newer)");
        requireTool(Files.isDirectory(browserDir.resolve("node_modules/playwright-core")),
                "playwright-core is missing: cd kernel/src/test/browser && npm ci");
        requireTool(new File("/usr/bin/python3").canExecute() && Commands.run(module, List.of("/usr/bin/python3", "-c",
                "import notebook"), Map.of(), Duration.ofSeconds(60)).exit() == 0,
                "Jupyter Notebook is missing: apt-get install jupyter-notebook");

        Path prefix = tmp.resolve("prefix");
        Commands.install(prefix, "1g", Map.of());

        Path notebooks = Files.createDirectories(tmp.resolve("notebooks"));
        Files.copy(module.resolve("src/test/resources/browser/" + NOTEBOOK), notebooks.resolve(NOTEBOOK));
        Path screenshot = Files.createDirectories(module.resolve("target/browser")).resolve("notebook.png");
        Files.deleteIfExists(screenshot);

        int port = freePort();
        String token = HexFormat.of().formatHex(new SecureRandom().generateSeed(16));
        Path serverLog = tmp.resolve("notebook-server.log");
        ProcessBuilder server = new ProcessBuilder("/usr/bin/python3", "-m", "notebook", "--no-browser",
                "--ip=127.0.0.1", "--port=" + port, "--port-retries=0", "--allow-root",
                "--NotebookApp.token=" + token, "--notebook-dir=" + notebooks)
                .directory(tmp.toFile()).redirectErrorStream(true).redirectOutput(serverLog.toFile());
        Map<String, String> env = server.environment();
        env.put("JUPYTER_PATH", prefix.resolve("share/jupyter").toString());
        env.put("JUPYTER_CONFIG_DIR", Files.createDirectories(tmp.resolve("jupyter-config")).toString());
        env.put("JUPYTER_RUNTIME_DIR", Files.createDirectories(tmp.resolve("jupyter-runtime")).toString());
        Process serverProcess = server.start();
        try {
            waitForServer(serverProcess, port, token, serverLog);
            List<String> command = new ArrayList<>(List.of(node, browserDir.resolve("run-notebook.js").toString(),
                    "--url", "http://127.0.0.1:" + port + "/notebooks/" + NOTEBOOK + "?token=" + token,
                    "--kernel", "deeptoy",
                    "--chromium", chromium,
                    "--user-data-dir", tmp.resolve("chromium-profile").toString(),
                    "--screenshot", screenshot.toString(),
                    "--timeout", "180000",
                    "--runs", "2"));
            Commands.Result browser = Commands.run(browserDir, command, Map.of(), Duration.ofMinutes(8));
            String out = browser.output();
            System.out.println(out);
            assertEquals(0, browser.exit(), () -> "the notebook did not show its three outputs in Chromium"
                    + " (screenshot: " + screenshot + "; exit -1: it ran out of time):\n" + out
                    + "\n--- notebook server ---\n" + read(serverLog));
            assertTrue(out.contains("[browser] PASS"), () -> "the browser script ended without PASS:\n" + out);
            assertTrue(Files.size(screenshot) > 10_000, "the screenshot was saved: " + screenshot);
        } finally {
            shutDownServer(serverProcess, port, token);
        }
    }

    private static void waitForServer(Process server, int port, String token, Path log) throws Exception {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        Commands.waitForHttp(server, "jupyter notebook", http, HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port
                + "/api/status")).header("Authorization", "token " + token).timeout(Duration.ofSeconds(5)).build(), log);
    }

    /** Asks the server to shut down (it stops its kernels), then ends whatever is left of its process tree. */
    private static void shutDownServer(Process server, int port, String token) throws InterruptedException {
        List<ProcessHandle> tree = new ArrayList<>(server.descendants().toList());
        try {
            HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + port + "/api/shutdown"))
                    .header("Authorization", "token " + token).timeout(Duration.ofSeconds(10))
                    .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.discarding());
        } catch (IOException e) {
            // the server is already gone, or never came up: the process handles below cover it
        }
        if (!server.waitFor(20, TimeUnit.SECONDS)) {
            Commands.stop(server, Duration.ofSeconds(10));
        }
        tree.forEach(ProcessHandle::destroyForcibly); // kernels it started, also those it no longer parents
    }

    private static void requireTool(boolean present, String message) {
        Commands.requireTool("browser test", present, message);
    }
}
