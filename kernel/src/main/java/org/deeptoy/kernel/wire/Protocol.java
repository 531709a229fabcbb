package org.deeptoy.kernel.wire;

import java.io.InputStream;
import java.io.PrintStream;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

import io.github.spencerpark.jupyter.channels.JupyterConnection;
import io.github.spencerpark.jupyter.channels.ShellReplyEnvironment;
import io.github.spencerpark.jupyter.kernel.BaseKernel;
import io.github.spencerpark.jupyter.kernel.KernelConnectionProperties;
import io.github.spencerpark.jupyter.kernel.LanguageInfo;
import io.github.spencerpark.jupyter.kernel.ReplacementOptions;
import io.github.spencerpark.jupyter.kernel.comm.CommManager;
import io.github.spencerpark.jupyter.kernel.display.DisplayData;
import io.github.spencerpark.jupyter.kernel.display.mime.MIMEType;
import io.github.spencerpark.jupyter.messages.HMACGenerator;
import io.github.spencerpark.jupyter.messages.Header;
import io.github.spencerpark.jupyter.messages.Message;
import io.github.spencerpark.jupyter.messages.MessageType;
import io.github.spencerpark.jupyter.messages.publish.PublishError;
import io.github.spencerpark.jupyter.messages.publish.PublishExecuteInput;
import io.github.spencerpark.jupyter.messages.publish.PublishExecuteResult;
import io.github.spencerpark.jupyter.messages.reply.CompleteReply;
import io.github.spencerpark.jupyter.messages.reply.ErrorReply;
import io.github.spencerpark.jupyter.messages.reply.ExecuteReply;
import io.github.spencerpark.jupyter.messages.reply.InspectReply;
import io.github.spencerpark.jupyter.messages.reply.IsCompleteReply;
import io.github.spencerpark.jupyter.messages.request.CommInfoRequest;
import io.github.spencerpark.jupyter.messages.request.CompleteRequest;
import io.github.spencerpark.jupyter.messages.request.ExecuteRequest;
import io.github.spencerpark.jupyter.messages.request.HistoryRequest;
import io.github.spencerpark.jupyter.messages.request.InspectRequest;
import io.github.spencerpark.jupyter.messages.request.InterruptRequest;
import io.github.spencerpark.jupyter.messages.request.IsCompleteRequest;
import io.github.spencerpark.jupyter.messages.request.KernelInfoRequest;
import io.github.spencerpark.jupyter.messages.request.ShutdownRequest;

/**
 * The Jupyter messaging protocol: the one table that maps each message type the kernel answers to
 * its handler ({@link #install}), as ipykernel's kernelbase does; the language side is the
 * {@link BaseKernel} it serves ({@code eval}, {@code complete}, {@code inspect}, {@code isComplete},
 * {@code interrupt}, {@code onShutdown}). On top of basekernel, it closes its gaps: replies carry
 * {@code status}, the implementation is DeepToy's, the shell loop waits for messages in ZMQ's poller
 * (basekernel's sleeps 50 ms between looks), {@code silent}/{@code store_history}/{@code stop_on_error}
 * are honoured and history requests are answered.
 */
public final class Protocol {
    /** What a failed cell shows: the error's name, its message and the lines of its traceback. */
    public record Failure(String name, String message, List<String> lines) {
    }

    /** The kernel's implementation name and version, as kernel_info_reply reports them. */
    public record Implementation(String name, String version) {
    }

    /** The shell and control loops wait this long for a message before looking whether they were closed. */
    private static final long POLL_MS = 100;

    private final BaseKernel kernel;
    private final Implementation implementation;
    private final CellOutput output;
    private final CellInput stdin;
    private final Function<Throwable, Failure> failures;
    private final JupyterConnection connection;
    private final InputHistory history = new InputHistory();
    private final AtomicInteger executionCount = new AtomicInteger();
    /** Execute requests sent before this time are aborted (stop_on_error); null when not aborting. */
    private volatile Date abortSentBefore;

    /**
     * Serves {@code kernel} on {@code connection}: its cells print to {@code output} and read
     * {@code stdin}; what a cell throws is shown as {@code failures} makes it.
     */
    public Protocol(BaseKernel kernel, Implementation implementation, CellOutput output, CellInput stdin,
                    Function<Throwable, Failure> failures, JupyterConnection connection) {
        this.kernel = kernel;
        this.implementation = implementation;
        this.output = output;
        this.stdin = stdin;
        this.failures = failures;
        this.connection = connection;
    }

    /**
     * A connection whose shell, control and stdin channels survive forged and malformed messages
     * (see GuardedShellChannel) and whose shell and control loops wake as a message arrives.
     */
    public static JupyterConnection connect(KernelConnectionProperties props) throws Exception {
        JupyterConnection conn = new JupyterConnection(props);
        org.zeromq.ZMQ.Context ctx = BasekernelAdapter.context(conn);
        HMACGenerator hmac = props.createHMACGenerator();
        PrintStream log = System.err; // the kernel's own stderr: cells swap System.err later
        BasekernelAdapter.replaceChannels(conn,
                new GuardedShellChannel(ctx, hmac, false, conn, POLL_MS, log),
                new GuardedShellChannel(ctx, hmac, true, conn, POLL_MS, log),
                new GuardedStdinChannel(ctx, hmac, log));
        return conn;
    }

    /**
     * Puts this protocol's handlers on the connection, one for each message type the kernel answers:
     * the whole table is here (basekernel's own handlers are not installed), and the guarded shell
     * and control channels dispatch to it.
     */
    public void install() {
        CommManager comms = kernel.getCommManager();
        comms.setIOPubChannel(connection.getIOPub());
        stdin.bind(BasekernelAdapter.stdin(connection), BasekernelAdapter.contextOf(connection));
        connection.setHandler(MessageType.EXECUTE_REQUEST, this::execute);
        connection.setHandler(MessageType.INSPECT_REQUEST, this::inspect);
        connection.setHandler(MessageType.COMPLETE_REQUEST, this::complete);
        connection.setHandler(MessageType.IS_COMPLETE_REQUEST, this::isComplete);
        connection.setHandler(MessageType.HISTORY_REQUEST, this::history);
        connection.setHandler(MessageType.KERNEL_INFO_REQUEST, this::kernelInfo);
        connection.setHandler(MessageType.INTERRUPT_REQUEST, this::interrupt);
        connection.setHandler(MessageType.SHUTDOWN_REQUEST, this::shutdown);
        connection.setHandler(MessageType.COMM_INFO_REQUEST, this::commInfo);
        connection.setHandler(MessageType.COMM_OPEN_COMMAND, comms::handleCommOpenCommand);
        connection.setHandler(MessageType.COMM_MSG_COMMAND, comms::handleCommMsgCommand);
        connection.setHandler(MessageType.COMM_CLOSE_COMMAND, comms::handleCommCloseCommand);
    }

    private void kernelInfo(ShellReplyEnvironment env, Message<KernelInfoRequest> msg) {
        env.setBusyDeferIdle();
        Map<String, Object> info = ok();
        info.put("protocol_version", Header.PROTOCOL_VERISON);
        info.put("implementation", implementation.name());
        info.put("implementation_version", implementation.version());
        info.put("language_info", languageInfo(kernel.getLanguageInfo()));
        info.put("banner", kernel.getBanner());
        info.put("help_links", List.of());
        reply(env, MessageType.KERNEL_INFO_REPLY, info);
    }

    private void interrupt(ShellReplyEnvironment env, Message<InterruptRequest> msg) {
        kernel.interrupt();
        reply(env, MessageType.INTERRUPT_REPLY, ok());
    }

    private void shutdown(ShellReplyEnvironment env, Message<ShutdownRequest> msg) {
        boolean restart = msg.getContent().isRestart();
        Map<String, Object> content = ok();
        content.put("restart", restart);
        kernel.onShutdown(restart);
        reply(env, MessageType.SHUTDOWN_REPLY, content);
        env.markForShutdown();
    }

    private void history(ShellReplyEnvironment env, Message<HistoryRequest> msg) {
        env.setBusyDeferIdle();
        HistoryRequest req = msg.getContent();
        List<List<Object>> entries;
        if (req instanceof HistoryRequest.Tail) {
            entries = history.tail(((HistoryRequest.Tail) req).getMaxReturnLength(), req.includeOutput());
        } else if (req instanceof HistoryRequest.Range) {
            HistoryRequest.Range r = (HistoryRequest.Range) req;
            entries = history.range(r.getStart(), r.getStop(), req.includeOutput());
        } else {
            HistoryRequest.Search s = (HistoryRequest.Search) req;
            entries = history.search(s.getPattern(), s.getMaxReturnLength(), s.filterUnique(), req.includeOutput());
        }
        Map<String, Object> content = ok();
        content.put("history", entries);
        reply(env, MessageType.HISTORY_REPLY, content);
    }

    private void commInfo(ShellReplyEnvironment env, Message<CommInfoRequest> msg) {
        env.setBusyDeferIdle();
        Map<String, Object> content = ok();
        content.put("comms", Map.of());
        reply(env, MessageType.getType("comm_info_reply"), content);
    }

    /** Shift+Tab: what the kernel knows about the code at the cursor. */
    private void inspect(ShellReplyEnvironment env, Message<InspectRequest> msg) {
        InspectRequest req = msg.getContent();
        env.setBusyDeferIdle();
        try {
            DisplayData found = kernel.inspect(req.getCode(), req.getCursorPos(), req.getDetailLevel() > 0);
            env.reply(new InspectReply(found != null, DisplayData.emptyIfNull(found)));
        } catch (Exception e) {
            env.replyError(InspectReply.MESSAGE_TYPE.error(), ErrorReply.of(e));
        }
    }

    /** Tab: what may replace the code before the cursor. */
    private void complete(ShellReplyEnvironment env, Message<CompleteRequest> msg) {
        CompleteRequest req = msg.getContent();
        env.setBusyDeferIdle();
        try {
            ReplacementOptions options = kernel.complete(req.getCode(), req.getCursorPos());
            env.reply(options == null
                    ? new CompleteReply(List.of(), req.getCursorPos(), req.getCursorPos(), Map.of())
                    : new CompleteReply(options.getReplacements(), options.getSourceStart(), options.getSourceEnd(), Map.of()));
        } catch (Exception e) {
            env.replyError(CompleteReply.MESSAGE_TYPE.error(), ErrorReply.of(e));
        }
    }

    /** Whether the console may run the code on Enter, or which indent the next line takes. */
    private void isComplete(ShellReplyEnvironment env, Message<IsCompleteRequest> msg) {
        env.setBusyDeferIdle();
        String status = kernel.isComplete(msg.getContent().getCode());
        IsCompleteReply reply;
        switch (status) {
            case "complete":
                reply = IsCompleteReply.VALID_CODE;
                break;
            case "invalid":
                reply = IsCompleteReply.INVALID_CODE;
                break;
            case "unknown":
                reply = IsCompleteReply.UNKNOWN;
                break;
            default:
                reply = IsCompleteReply.getIncompleteReplyWithIndent(status);
        }
        env.reply(reply);
    }

    private static Map<String, Object> ok() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("status", "ok");
        return m;
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private static void reply(ShellReplyEnvironment env, MessageType type, Map<String, Object> content) {
        env.reply(new Message(env.getContext(), type, content));
    }

    static Map<String, Object> languageInfo(LanguageInfo language) {
        Map<String, Object> lang = new LinkedHashMap<>();
        lang.put("name", language.getName());
        lang.put("version", language.getVersion());
        lang.put("mimetype", language.getMimetype());
        lang.put("file_extension", language.getFileExtension());
        lang.put("pygments_lexer", language.getPygmentsLexer());
        lang.put("codemirror_mode", language.getCodemirrorMode());
        return lang;
    }

    /** When the client sent the request; basekernel's own parser rejects microsecond timestamps. */
    private static Date sentAt(Message<?> msg) {
        try {
            return Date.from(java.time.Instant.parse(msg.getHeader().getTimestamp().getDateString()));
        } catch (RuntimeException e) {
            return null;
        }
    }

    private void execute(ShellReplyEnvironment env, Message<ExecuteRequest> msg) {
        ExecuteRequest req = msg.getContent();
        env.setBusyDeferIdle();
        Date abortBefore = abortSentBefore;
        Date sent = sentAt(msg);
        if (abortBefore != null && sent != null && sent.before(abortBefore)) {
            Map<String, Object> content = new LinkedHashMap<>();
            content.put("status", "aborted");
            content.put("execution_count", executionCount.get());
            reply(env, MessageType.EXECUTE_REPLY, content);
            return;
        }
        abortSentBefore = null;
        boolean silent = req.isSilent();
        boolean store = req.shouldStoreHistory() && !silent;
        int count = store ? executionCount.incrementAndGet() : executionCount.get();
        if (store) {
            history.add(req.getCode());
        }
        if (!silent) {
            env.publish(new PublishExecuteInput(req.getCode(), count));
        }
        output.startCell(env);
        stdin.startCell(env, req.isStdinEnabled());
        try {
            DisplayData out = kernel.eval(req.getCode());
            output.endCell();
            if (out != null && store) {
                history.setLastOutput(String.valueOf(out.getData(MIMEType.TEXT_PLAIN)));
            }
            if (out != null && !silent) {
                env.publish(new PublishExecuteResult(count, out));
            }
            env.reply(new ExecuteReply(count, Map.of()));
        } catch (Throwable e) {
            output.endCell();
            Failure failure = failures.apply(e);
            String name = failure.name();
            String message = failure.message();
            List<String> lines = failure.lines();
            if (!silent) {
                env.publish(new PublishError(name, message, lines));
            }
            ErrorReply error = new ErrorReply(name, message, lines);
            error.setExecutionCount(count);
            env.replyError(ExecuteReply.MESSAGE_TYPE.error(), error);
            if (req.shouldStopOnError()) {
                abortSentBefore = new Date();
            }
        } finally {
            stdin.endCell();
        }
    }
}
