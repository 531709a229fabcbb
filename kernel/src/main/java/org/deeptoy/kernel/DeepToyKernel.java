package org.deeptoy.kernel;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import io.github.spencerpark.jupyter.channels.JupyterConnection;
import io.github.spencerpark.jupyter.kernel.BaseKernel;
import io.github.spencerpark.jupyter.kernel.KernelConnectionProperties;
import io.github.spencerpark.jupyter.kernel.LanguageInfo;
import io.github.spencerpark.jupyter.kernel.ReplacementOptions;
import io.github.spencerpark.jupyter.kernel.display.DisplayData;
import org.deeptoy.kernel.display.DisplayHandle;
import org.deeptoy.kernel.display.DisplayOutput;
import org.deeptoy.kernel.display.LiveTrainingDisplay;
import org.deeptoy.kernel.display.Renderers;
import org.deeptoy.kernel.jshell.CellException;
import org.deeptoy.kernel.jshell.CellResult;
import org.deeptoy.kernel.jshell.CodeInsight;
import org.deeptoy.kernel.jshell.CompileJar;
import org.deeptoy.kernel.jshell.ErrorFormat;
import org.deeptoy.kernel.jshell.Evaluator;
import org.deeptoy.kernel.jshell.KernelSession;
import org.deeptoy.kernel.jshell.Magics;
import org.deeptoy.kernel.jshell.NotebookShell;
import org.deeptoy.kernel.wire.CellInput;
import org.deeptoy.kernel.wire.CellOutput;
import org.deeptoy.kernel.wire.KernelPorts;
import org.deeptoy.kernel.wire.ParentWatch;
import org.deeptoy.kernel.wire.Protocol;

/**
 * The DeepToy Jupyter kernel: Java cells on JShell's local engine with the engine preloaded. It puts
 * the packages together, each imported one way only: {@code wire} (the Jupyter protocol) runs cells
 * through this class; {@code jshell} evaluates them; {@code display} renders values and sends them
 * to the cell's output; {@code render} draws the engine's objects.
 */
public final class DeepToyKernel extends BaseKernel {
    static final String NAME = "deeptoy";
    static final String VERSION = versionOf();
    /** Held so the level set in main is not lost when the logger is garbage collected. */
    private static final java.util.logging.Logger BASEKERNEL_LOG = java.util.logging.Logger.getLogger("");

    /** Grading (DEEPTOY_GRADE=1, set by grade.sh and nbgrader's config) is read once, at start. */
    private final CellOutput output = new CellOutput(CellOutput.DEFAULT_LIMIT_CHARS, isOn(System.getenv("DEEPTOY_GRADE")));
    /** What cells see without imports: the engine's packages and the display API. */
    static final List<String> IMPORTS = java.util.stream.Stream.concat(NotebookShell.ENGINE_IMPORTS.stream(),
            java.util.stream.Stream.of("static " + Display.class.getName() + ".*")).toList();

    private final KernelSession session = new KernelSession();
    private final DisplayOutput displays = new DisplayOutput(getRenderer(), output);
    private final NotebookShell shell;
    private final Evaluator evaluator;
    private final CodeInsight insight;
    private final Magics magics;
    private final CellInput stdin = new CellInput();
    /**
     * What front ends read to highlight and export cells: JupyterLab and Notebook 7 pick their editor
     * mode by codemirror_mode (their Java mode's MIME is text/x-java; text/x-java-source matches
     * nothing), nbconvert's HTML export (nbgrader's feedback) by pygments_lexer, LSP and exporters
     * by mimetype and file_extension.
     */
    static final LanguageInfo LANGUAGE_INFO = new LanguageInfo.Builder("java")
            .version(javaVersion())
            .mimetype("text/x-java")
            .fileExtension(".java")
            .pygments("java")
            .codemirror("java")
            .build();

    DeepToyKernel() {
        shell = new NotebookShell(session, IMPORTS);
        evaluator = new Evaluator(shell);
        insight = new CodeInsight(shell);
        magics = new Magics(shell);
        // a display handle as the last value was shown by display(); an Out[n] would repeat it
        evaluator.setRenderer(v -> v instanceof DisplayHandle ? null : displays.render(v));
        Display.install(displays);
        Renderers.registerAll(getRenderer());
        session.lendDisplay(() -> new LiveTrainingDisplay(displays));
    }

    /** From now on System.out, System.err and System.in are the notebook's. */
    void takeSystemStreams() {
        // handlers made later would write the kernel's own log into a cell
        java.util.logging.Logger.getLogger("").getHandlers();
        output.installAsSystemStreams();
        System.setIn(stdin);
    }

    void warmUp() {
        // Renderers pay ~1.4 s of start-up (AWT, ELK, Tablesaw) once; do it beside JShell's warm-up.
        Thread renderers = new Thread(org.deeptoy.kernel.render.WarmUp::all, "deeptoy-render-warmup");
        renderers.setDaemon(true);
        renderers.start();
        shell.warmUp();
    }

    @Override
    public DisplayData eval(String code) throws Exception {
        org.deeptoy.kernel.render.WarmUp.awaitTablesaw(); // see there: a class-initialisation deadlock
        shell.recycleIfWorn();
        if (Magics.present(code)) {
            return magics.run(code, this::evalJava);
        }
        return evalJava(code);
    }

    /** The cell's Out (null when it has none); its error is thrown, as basekernel's {@code eval} reports one. */
    private DisplayData evalJava(String code) throws CellException {
        CellResult result = evaluator.eval(code);
        if (result instanceof CellResult.Failed failed) {
            throw failed.error();
        }
        return result instanceof CellResult.Value v && v.shown() instanceof DisplayData shown ? shown : null;
    }

    @Override
    public LanguageInfo getLanguageInfo() {
        return LANGUAGE_INFO;
    }

    /** The Java version the cells run on, e.g. 21.0.9 (no build or vendor suffix). */
    static String javaVersion() {
        return Runtime.version().version().stream().map(String::valueOf)
                .collect(java.util.stream.Collectors.joining("."));
    }

    @Override
    public String getBanner() {
        return "DeepToy " + VERSION + " on Java " + Runtime.version() + "\n" + resources();
    }

    /** The heap and BLAS threads and why (set by the kernelspec's launcher), else the heap alone. */
    static String resources() {
        String why = System.getenv("DEEPTOY_RESOURCES");
        return why != null && !why.isBlank() ? why : "heap " + (Runtime.getRuntime().maxMemory() >> 20) + " MB";
    }

    @Override
    public ReplacementOptions complete(String code, int at) {
        CodeInsight.Completion c = insight.complete(code, at);
        return new ReplacementOptions(c.options(), c.start(), c.end());
    }

    @Override
    public DisplayData inspect(String code, int at, boolean extraDetail) {
        String doc = insight.documentation(code, at);
        return doc.isEmpty() ? null : new DisplayData(doc);
    }

    @Override
    public String isComplete(String code) {
        return insight.isComplete(code);
    }

    @Override
    public void interrupt() {
        evaluator.stop();
    }

    @Override
    public void onShutdown(boolean restarting) {
        shell.close();
    }

    /** What a failed cell shows: a cell's error as the evaluator wrote it, anything else with its stack. */
    static Protocol.Failure failure(Throwable e) {
        if (e instanceof CellException) {
            CellException c = (CellException) e;
            return new Protocol.Failure(c.name(), c.getMessage(), c.lines());
        }
        return new Protocol.Failure(e.getClass().getSimpleName(), String.valueOf(e.getMessage()),
                ErrorFormat.runtimeError(e, ErrorFormat.NO_SNIPPETS));
    }

    /** An environment switch: 1, true, yes or on. */
    static boolean isOn(String value) {
        return value != null && java.util.Set.of("1", "true", "yes", "on").contains(value.trim().toLowerCase(java.util.Locale.ROOT));
    }

    private static String versionOf() {
        String v = DeepToyKernel.class.getPackage().getImplementationVersion();
        return v == null ? "0.1.0" : v;
    }

    /** Launch: {@code java -jar deeptoy-kernel.jar CONNECTION_FILE}. */
    public static void main(String[] args) throws Exception {
        if (args.length == 1 && args[0].equals("--warm-up")) {
            // install.sh runs this once under -XX:ArchiveClassesAtExit to record the classes a
            // kernel loads (JShell, javac, the renderers) into a class-data-sharing archive.
            DeepToyKernel kernel = new DeepToyKernel();
            kernel.warmUp();
            org.deeptoy.kernel.render.WarmUp.all();
            kernel.eval("var cg = new ComputationalGraph(); var s = cg.sum(cg.constant(1), cg.constant(2)); "
                    + "new SimulationContext().forward(cg).value(s)");
            System.exit(0);
        }
        if (args.length == 2 && args[0].equals("--compile-jar")) {
            // install.sh: the jar cells compile against (see CompileJar)
            int[] n = CompileJar.write(Path.of(System.getProperty("java.class.path")), Path.of(args[1]));
            System.out.println("compile jar: " + n[0] + " of " + n[1] + " classes");
            return;
        }
        if (args.length != 1) {
            System.err.println("usage: java -jar deeptoy-kernel.jar CONNECTION_FILE (Jupyter passes it)");
            System.exit(2);
        }
        // basekernel logs every message at INFO on stderr, which Jupyter shows in its console
        BASEKERNEL_LOG.setLevel(java.util.logging.Level.WARNING);
        java.io.PrintStream log = System.err; // the kernel's own stderr (the server's log): cells take System.err
        ParentWatch.start(System.getenv("JPY_PARENT_PID"), log);
        String json = Files.readString(Path.of(args[0]), StandardCharsets.UTF_8);
        KernelConnectionProperties props = KernelConnectionProperties.parse(json);
        KernelPorts.problem(props, args[0]).ifPresent(line -> exit(log, line));
        JupyterConnection connection = Protocol.connect(props);
        DeepToyKernel kernel = new DeepToyKernel();
        // The start-up line in the notebook server's log: what this kernel may use, and why.
        System.err.println("DeepToy kernel " + VERSION + ": " + resources());
        // In the server's log, a kernel that stopped by itself or on a signal says so (a kill -9 or a
        // crash would not), which tells an unexplained restart's cause on a shared machine.
        Runtime.getRuntime().addShutdownHook(new Thread(() -> System.err.println("DeepToy kernel "
                + ProcessHandle.current().pid() + " stopping"), "deeptoy-exit-note"));
        kernel.warmUp();
        kernel.takeSystemStreams();
        new Protocol(kernel, new Protocol.Implementation(NAME, VERSION), kernel.output, kernel.stdin,
                DeepToyKernel::failure, connection).install();
        try {
            connection.connect();
        } catch (RuntimeException e) { // a port taken since the check above (ZMQException)
            exit(log, "DeepToy kernel: cannot listen on one of the ports " + KernelPorts.of(props) + " of " + args[0]
                    + " on " + props.getIp() + ": " + e.getMessage() + "; the kernel exits");
        }
        connection.waitUntilClose();
        System.exit(0); // not rewritten: only snippet classes are (ExitRewriter)
    }

    /** Ends a kernel that cannot serve, with one line on its stderr: nothing may keep it hanging. */
    private static void exit(java.io.PrintStream log, String line) {
        log.println(line);
        log.flush();
        Runtime.getRuntime().halt(1);
    }
}
