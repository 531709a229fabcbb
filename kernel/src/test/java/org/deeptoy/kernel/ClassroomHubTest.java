package org.deeptoy.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.deeptoy.kernel.Commands.freePort;
import static org.deeptoy.kernel.Commands.onPath;
import static org.deeptoy.kernel.Commands.read;

import java.io.File;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A class on JupyterHub, through real clients: the hub configuration that install/classroom.sh
 * writes is loaded by a real JupyterHub; three students sign in through the hub's REST API, get
 * their servers and run a cell in a DeepToy kernel over the WebSocket (bench/classroom.sh --check,
 * Debian's python3-websocket); one of them logs in through the hub's login page in headless
 * Chromium, opens notebook 02 and sees its graph picture (screenshot: target/browser/hub-02-graph.png);
 * the Kubernetes files (install/classroom/Dockerfile, z2jh-values.yaml) parse and use the same
 * install scripts. Servers listen on 127.0.0.1 only and are stopped by the pid they were started with.
 *
 * <p>Needs Debian's jupyterhub, python3-websocket, python3-yaml, chromium, node and {@code npm ci} in
 * src/test/browser; skipped without them on a developer machine, failing in CI (env CI=true).
 */
class ClassroomHubTest {
    private static final Path MODULE = Commands.MODULE;
    private static final Path ROOT = MODULE.getParent();

    @Test
    void classroomScriptWritesAHubConfigThatJupyterHubLoads(@TempDir Path tmp) throws Exception {
        requireHub();
        Path data = Files.createDirectories(tmp.resolve("data/iris"));
        Files.writeString(data.resolve("iris.csv"), "sepal_length\n");
        Path users = Files.writeString(tmp.resolve("users.txt"), "# one login per line\ndaemon\n");
        Path dest = tmp.resolve("root");
        int port = freePort();
        Commands.Result classroom = run(List.of("bash", ROOT.resolve("install/classroom.sh").toString(), "--root", dest.toString(),
                "--no-start", "--no-build", "--admin", "root", "--users", users.toString(), "--port", "" + port,
                "--memory-per-student", "768M", "--data", tmp.resolve("data").toString()), Map.of(), 600);
        assertEquals(0, classroom.exit(), () -> "classroom.sh failed:\n" + classroom.output());
        String out = classroom.output();
        assertTrue(out.contains("daemon (not created: --root)"), out);
        Path kernelJson = dest.resolve("usr/local/share/jupyter/kernels/deeptoy/kernel.json");
        assertTrue(Files.readString(kernelJson).contains("{resource_dir}/launch"), "kernel installed system-wide with its launcher");
        Path dataset = dest.resolve("srv/deeptoy/datasets/iris/iris.csv");
        assertTrue(Files.isRegularFile(dataset), "datasets copied once into the shared folder");
        assertTrue(!Files.getPosixFilePermissions(dataset).contains(PosixFilePermission.OTHERS_WRITE)
                && Files.getPosixFilePermissions(dataset).contains(PosixFilePermission.OTHERS_READ), "read-only for students");
        assertTrue(Files.isRegularFile(dest.resolve("srv/deeptoy/course/02-graph.ipynb")), "the course is there to copy");
        String unit = Files.readString(dest.resolve("etc/systemd/system/deeptoy-hub.service"));
        assertTrue(unit.contains("ExecStart=/usr/bin/jupyterhub -f " + dest.resolve("etc/deeptoy-hub/jupyterhub_config.py")), unit);
        String settings = Files.readString(dest.resolve("etc/deeptoy-hub/deeptoy-hub.json"));
        assertTrue(settings.contains("\"memory_per_student\": \"768M\"") && settings.contains("\"users\": [\"daemon\"]"), settings);
        assertTrue(settings.contains("\"kernel_ports_dir\": \"" + dest.resolve("srv/deeptoy/python") + "\"")
                && Files.isRegularFile(dest.resolve("srv/deeptoy/python/deeptoy_ports.py")), "the kernel port blocks: " + settings);

        // The generated configuration, loaded and served by a real JupyterHub (PAM, LocalProcessSpawner).
        int hubPort = freePort();
        int apiPort = freePort();
        Path hubLog = tmp.resolve("hub.log");
        ProcessBuilder hubProcess = new ProcessBuilder("jupyterhub", "-f", dest.resolve("etc/deeptoy-hub/jupyterhub_config.py").toString(),
                "--ip", "127.0.0.1", "--port", "" + port, "--JupyterHub.hub_port=" + hubPort,
                "--ConfigurableHTTPProxy.api_url=http://127.0.0.1:" + apiPort)
                .directory(dest.resolve("var/lib/deeptoy-hub").toFile()).redirectErrorStream(true)
                .redirectOutput(hubLog.toFile());
        // Debian's configurable-http-proxy finds its modules in /usr/share/nodejs, not on every node's path.
        hubProcess.environment().merge("NODE_PATH", "/usr/share/nodejs", (a, b) -> a + File.pathSeparator + b);
        Process hub = hubProcess.start();
        try {
            String api = waitForHttp(hub, "http://127.0.0.1:" + port + "/hub/api/", hubLog);
            assertTrue(api.contains("\"version\""), api);
            String login = get("http://127.0.0.1:" + port + "/hub/login");
            assertTrue(login.contains("<form") && login.contains("password"), "the hub's login page");
            String hubOut = read(hubLog);
            assertTrue(hubOut.contains("Using Authenticator: jupyterhub.auth.PAMAuthenticator"), hubOut);
            // LocalProcessSpawner, each student's server in a resource group of its own (deeptoy_limits)
            assertTrue(hubOut.contains("Using Spawner: deeptoy_limits.ContainedLocalProcessSpawner"), hubOut);
            assertTrue(hubOut.contains("DeepToy: each student's server and kernels run in"), hubOut);
        } finally {
            Commands.stop(hub, Duration.ofSeconds(20)); // SIGTERM: the hub stops its proxy
        }
    }

    @Test
    void threeStudentsRunACellAndOneSeesNotebook02InChromium(@TempDir Path tmp) throws Exception {
        requireHub();
        Path browserDir = MODULE.resolve("src/test/browser");
        String chromium = System.getenv().getOrDefault("DEEPTOY_CHROMIUM", "/usr/bin/chromium");
        requireTool(new File(chromium).canExecute(), "Chromium is missing (" + chromium + "): apt-get install chromium");
        requireTool(Files.isDirectory(browserDir.resolve("node_modules/playwright-core")),
                "playwright-core is missing: cd kernel/src/test/browser && npm ci");
        Path screenshot = Files.createDirectories(MODULE.resolve("target/browser")).resolve("hub-02-graph.png");
        Files.deleteIfExists(screenshot);
        String browser = String.join(" ", "cd", browserDir.toString(), "&& node run-hub-notebook.js --hub \"$HUB_URL\"",
                "--user student01 --password any --notebook course/02-graph.ipynb --chromium", chromium,
                "--user-data-dir", tmp.resolve("chromium-profile").toString(), "--screenshot", screenshot.toString());
        // The first port of the first students' port blocks is taken (install/classroom/python/deeptoy_ports.py):
        // their kernels must start on the next free ports of their block, without a restart.
        List<ServerSocket> taken = new ArrayList<>();
        for (int block = 0; block <= 10; block++) {
            taken.add(listenOn(20000 + 50 * block));
        }
        Commands.Result classRun;
        try {
            classRun = run(List.of("bash", ROOT.resolve("bench/classroom.sh").toString(), "3", "0", "--check",
                    "System.out.println(\"hello from \" + System.getenv(\"JUPYTERHUB_USER\")); 6 * 7", "--then", browser),
                    Map.of(), 900);
        } finally {
            for (ServerSocket s : taken) {
                if (s != null) {
                    s.close();
                }
            }
        }
        String out = classRun.output();
        System.out.println(out);
        assertEquals(0, classRun.exit(), () -> "the class run failed:\n" + out);
        for (String student : List.of("student01", "student02", "student03")) {
            assertTrue(out.contains(student + ": ok: hello from " + student + "\n42"), () -> student + " ran the cell:\n" + out);
        }
        assertTrue(out.contains("check: 3 kernels, 0 failures"), out);
        assertStudentsOwnTheirKernelPorts(out, taken);
        assertTrue(out.contains("[browser] graph picture drawn") && out.contains("[browser] PASS"), out);
        assertTrue(Files.size(screenshot) > 10_000, "screenshot saved: " + screenshot);
    }

    /**
     * Two real Linux accounts on the class hub (LocalProcessSpawner, as classroom.sh runs it): each one's
     * kernel runs in the student's own resource group, cannot list the other's home (0700), read the
     * other's kernel connection file (0600) or get an answer from the other's kernel without its key
     * (src/test/python/hub_privacy_probe.py), while the key's owner does get one.
     */
    @Test
    void twoRealAccountsCannotReachEachOthersFilesOrKernels() throws Exception {
        requireHub();
        requireTool("root".equals(System.getProperty("user.name")), "the privacy test creates two Linux accounts: run as root");
        String prefix = "dtp" + Long.toString(System.nanoTime() % 46656, 36).replaceAll("[0-9]", "x");
        List<String> logins = List.of(prefix + "01", prefix + "02");
        try {
            for (String login : logins) {
                assertEquals(0, run(List.of("useradd", "-m", "-s", "/bin/bash", login), Map.of(), 60).exit(), "useradd " + login);
            }
            String code = "var me = System.getProperty(\"user.home\"); long open = 0;"
                    + " try (var homes = java.nio.file.Files.list(java.nio.file.Path.of(\"/home\"))) {"
                    + " for (var p : homes.toList()) if (p.getFileName().toString().startsWith(\"" + prefix + "\") && !p.toString().equals(me))"
                    + " { try (var l = java.nio.file.Files.list(p)) { open++; } catch (java.io.IOException e) { } } }"
                    + " System.out.println(\"user \" + System.getProperty(\"user.name\") + \", other homes readable: \" + open + \", \""
                    + " + new String(java.nio.file.Files.readAllBytes(java.nio.file.Path.of(\"/proc/self/cgroup\"))).lines()"
                    + ".filter(l -> l.contains(\"pids\")).findFirst().orElse(\"no pids cgroup\"));";
            String probe = "/usr/bin/python3 " + MODULE.resolve("src/test/python/hub_privacy_probe.py") + " " + String.join(" ", logins);
            Commands.Result r = run(List.of("bash", ROOT.resolve("bench/classroom.sh").toString(), "2", "0", "--accounts", prefix,
                    "--check", code, "--then", probe), Map.of(), 900);
            String out = r.output();
            System.out.println(out);
            assertEquals(0, r.exit(), () -> "the class run failed:\n" + out);
            for (String me : logins) {
                String other = logins.get(1 - logins.indexOf(me));
                assertTrue(out.contains(me + ": ok: user " + me + ", other homes readable: 0"), () -> me + "'s kernel ran as " + me + ":\n" + out);
                assertTrue(Pattern.compile(me + ": ok: .*pids:.*/deeptoy-students/" + me).matcher(out).find()
                        || out.contains("systemd scope per student"), () -> me + "'s kernel is in its own group:\n" + out);
                assertTrue(out.contains(other + " home mode: 0o700"), out);
                assertTrue(out.contains(other + " connection file mode: 0o600"), out);
                assertTrue(out.contains(other + " kernel, its own key: ok"), () -> "the control: the right key gets a reply\n" + out);
                for (String what : List.of("home: denied", "connection file: denied", "kernel, wrong key: no reply", "kernel, no key: no reply")) {
                    assertTrue(out.contains(me + " -> " + other + " " + what), () -> me + " -> " + other + " " + what + "\n" + out);
                }
            }
        } finally {
            for (String login : logins) {
                run(List.of("userdel", "-r", login), Map.of(), 60);
            }
        }
    }

    /**
     * A student under a 512 MB memory limit (MEM_LIMIT, as JupyterHub exports it) who allocates without
     * end gets the OutOfMemoryError explanation; the kernel lives on and stayed inside the limit.
     */
    @Test
    void kernelSizesItsHeapFromMemLimitAndExplainsOutOfMemory(@TempDir Path tmp) throws Exception {
        requireHub();
        Path prefix = tmp.resolve("prefix");
        Commands.install(prefix, "1g", Map.of()); // the heap comes from MEM_LIMIT below
        String client = String.join("\n",
                "import jupyter_client",
                "km = jupyter_client.KernelManager(kernel_name='deeptoy'); km.start_kernel()",
                "kc = km.client(); kc.start_channels(); kc.wait_for_ready(timeout=120)",
                "print('BANNER', kc.kernel_info(reply=True, timeout=60)['content']['banner'].splitlines()[-1])",
                "errors = []",
                "hook = lambda m: errors.append('\\n'.join(m['content']['traceback'])) if m['msg_type'] == 'error' else None",
                "kc.execute_interactive('var keep = new java.util.ArrayList<double[]>(); while (true) keep.add(new double[1 << 20]);',",
                "                       timeout=300, output_hook=hook)",
                "print('ERROR', errors[0] if errors else 'none')",
                "pid = km.provisioner.process.pid",
                "peak = [l for l in open(f'/proc/{pid}/status') if l.startswith('VmHWM')][0].split()[1]",
                "print('PEAK_MB', int(peak) // 1024)",
                "r = kc.execute('keep = null; 6 * 7', reply=True, timeout=60)",
                "print('AFTER', r['content']['status'], km.is_alive())",
                "kc.stop_channels(); km.shutdown_kernel(now=True)");
        int mb512 = 512 << 20;
        Commands.Result kernel = run(List.of("/usr/bin/python3", "-c", client), Map.of("JUPYTER_PATH",
                prefix.resolve("share/jupyter").toString(), "MEM_LIMIT", "" + mb512, "JUPYTERHUB_USER", "student01"), 600);
        String out = kernel.output();
        assertEquals(0, kernel.exit(), out);
        assertTrue(out.contains("BANNER heap 212 MB (MEM_LIMIT 512 MB less 300 MB") && out.contains("BLAS 1 thread (JupyterHub"), out);
        assertTrue(out.contains("OutOfMemoryError") && out.contains("ask your teacher"), out);
        assertTrue(out.contains("AFTER ok True"), "the kernel lives on:\n" + out);
        int peak = Integer.parseInt(out.replaceAll("(?s).*PEAK_MB (\\d+).*", "$1"));
        assertTrue(peak < 512 - 100, "the kernel stayed inside MEM_LIMIT with room for the notebook server: peak " + peak + " MB");
    }

    @Test
    void kubernetesFilesParseAndUseTheSameInstallScripts() throws Exception {
        requireTool(run(List.of("/usr/bin/python3", "-c", "import yaml"), Map.of(), 60).exit() == 0,
                "python3-yaml is missing: apt-get install python3-yaml");
        Path values = ROOT.resolve("install/classroom/z2jh-values.yaml");
        String check = String.join("\n",
                "import sys, yaml",
                "v = yaml.safe_load(open(sys.argv[1]))",
                "u = v['singleuser']",
                "unit = {'K': 2**10, 'M': 2**20, 'G': 2**30}",
                "size = lambda s: int(float(s[:-1]) * unit[s[-1]])",
                "assert u['image']['name'] and u['image']['tag'], 'image'",
                "heap = size(u['memory']['limit']) - 300 * 2**20  # install/launch.in",
                "assert heap >= 2.6 * 2**30, 'the limit leaves CIFAR-10 (notebook 7) its 2.7 GB heap'",
                "assert 2**30 <= size(u['memory']['guarantee']) <= size(u['memory']['limit']), 'guarantee'",
                "assert u['storage']['type'] == 'dynamic' and u['storage']['capacity'], 'storage'",
                "assert v['cull']['enabled'] and v['cull']['timeout'] > 0, 'culling'",
                "assert u['lifecycleHooks']['postStart']['exec']['command'][0] == 'gitpuller', 'the course by nbgitpuller'",
                "assert 'JUPYTERHUB_SINGLEUSER_APP' not in u['extraEnv'], 'jupyter_server, not the classic notebook'",
                "assert u['defaultUrl'].startswith('/lab/'), 'JupyterLab is the default UI'",
                "print('values ok', u['image']['name'], u['memory'])");
        Commands.Result parsed = run(List.of("/usr/bin/python3", "-c", check, values.toString()), Map.of(), 60);
        assertEquals(0, parsed.exit(), () -> "z2jh-values.yaml:\n" + parsed.output());

        // The Dockerfile: known instructions only, Debian 13 with JupyterLab, and the install scripts CI runs.
        List<String> instructions = new ArrayList<>();
        String pending = "";
        for (String line : Files.readAllLines(ROOT.resolve("install/classroom/Dockerfile"))) {
            if (line.isBlank() || line.strip().startsWith("#")) {
                continue;
            }
            pending += line.strip();
            if (pending.endsWith("\\")) {
                pending = pending.substring(0, pending.length() - 1) + " ";
            } else {
                instructions.add(pending);
                pending = "";
            }
        }
        assertTrue(pending.isEmpty(), "the Dockerfile ends inside a continued line");
        List<String> known = List.of("FROM", "ARG", "ENV", "RUN", "COPY", "USER", "WORKDIR", "EXPOSE", "CMD", "LABEL");
        for (String i : instructions) {
            assertTrue(known.contains(i.split("\\s+")[0]), "unknown Dockerfile instruction: " + i);
        }
        assertTrue(instructions.get(0).matches("FROM debian:13(\\S*)?"), instructions.get(0));
        String all = String.join("\n", instructions);
        assertTrue(all.matches("(?s).*apt-get install [^\n]*\\bjupyterlab\\b.*"), "the image installs JupyterLab");
        assertTrue(!all.contains("JUPYTERHUB_SINGLEUSER_APP"), "jupyterhub-singleuser runs on jupyter_server");
        assertTrue(all.contains("install/install.sh --prefix /usr/local"), "the image installs the kernel with install.sh");
        assertTrue(all.contains("install/classroom/FetchDatasets.java"), "and the datasets with classroom.sh's fetcher");
        for (String script : List.of("install/install.sh", "install/launch.in", "install/classroom/FetchDatasets.java")) {
            assertTrue(Files.isRegularFile(ROOT.resolve(script)), script);
        }
        assertTrue(Files.readString(ROOT.resolve("install/classroom.sh")).contains("$here/install.sh\" --prefix \"$prefix\""),
                "classroom.sh installs the kernel with the same install.sh");
    }

    /** Each kernel listens on ports below Linux's ephemeral range (32768-), in one 50-port block of its own. */
    private static void assertStudentsOwnTheirKernelPorts(String out, List<ServerSocket> taken) {
        Matcher m = Pattern.compile("(student\\d+): kernel ports \\[([\\d, ]+)]").matcher(out);
        Map<Integer, String> blockOwner = new HashMap<>();
        int kernels = 0;
        while (m.find()) {
            kernels++;
            List<Integer> ports = Arrays.stream(m.group(2).split(",\\s*")).map(Integer::valueOf).toList();
            assertEquals(5, ports.size(), m.group());
            int block = (ports.get(0) - 20000) / 50;
            for (int port : ports) {
                assertTrue(port >= 20000 && port < 32768 && (port - 20000) / 50 == block, "one block below 32768: " + m.group());
                assertTrue(taken.stream().noneMatch(s -> s != null && s.getLocalPort() == port), "a taken port was used: " + m.group());
            }
            String before = blockOwner.put(block, m.group(1));
            assertTrue(before == null, "two students share the block of ports " + block + ": " + before + ", " + m.group(1));
        }
        assertEquals(3, kernels, out);
        assertTrue(!out.contains("hub log: "), "no kernel had to be restarted:\n" + out);
    }

    /** A listening socket on the port, or null when someone else holds it already (it is taken either way). */
    private static ServerSocket listenOn(int port) {
        try {
            return new ServerSocket(port, 1, InetAddress.getLoopbackAddress());
        } catch (IOException taken) {
            return null;
        }
    }

    // ---- helpers ------------------------------------------------------------------------------

    private static void requireHub() throws Exception {
        requireTool(onPath("jupyterhub") != null && onPath("configurable-http-proxy") != null,
                "JupyterHub is missing: apt-get install jupyterhub");
        requireTool(run(List.of("/usr/bin/python3", "-c", "import websocket, notebook"), Map.of(), 60).exit() == 0,
                "apt-get install python3-websocket jupyter-notebook");
        assertTrue(Files.isRegularFile(MODULE.resolve("target/deeptoy-kernel.jar")), "the fat jar is built in process-classes");
    }

    private static void requireTool(boolean present, String message) {
        Commands.requireTool("classroom test", present, message);
    }

    /** A command run in the kernel module's folder (see {@link Commands#run}). */
    private static Commands.Result run(List<String> command, Map<String, String> env, int seconds) throws Exception {
        return Commands.run(MODULE, command, env, Duration.ofSeconds(seconds));
    }

    /** HTTP/1.1: the default h2c upgrade request goes unanswered by configurable-http-proxy. */
    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();

    private static String get(String url) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(20)).build(),
                HttpResponse.BodyHandlers.ofString()).body();
    }

    private static String waitForHttp(Process hub, String url, Path log) throws Exception {
        return Commands.waitForHttp(hub, "jupyterhub", HTTP, HttpRequest.newBuilder(URI.create(url))
                .timeout(Duration.ofSeconds(5)).build(), log);
    }
}
