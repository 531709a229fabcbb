package org.deeptoy.kernel.wire;

import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;

import io.github.spencerpark.jupyter.channels.JupyterConnection;
import io.github.spencerpark.jupyter.channels.ShellChannel;
import io.github.spencerpark.jupyter.channels.ShellHandler;
import io.github.spencerpark.jupyter.channels.ShellReplyEnvironment;
import io.github.spencerpark.jupyter.kernel.KernelConnectionProperties;
import io.github.spencerpark.jupyter.messages.HMACGenerator;
import io.github.spencerpark.jupyter.messages.Message;
import io.github.spencerpark.jupyter.messages.MessageType;
import io.github.spencerpark.jupyter.messages.reply.ErrorReply;
import org.zeromq.ZMQ;

/**
 * A shell or control channel whose loop never dies: basekernel's {@code ShellChannel} loop reads
 * with {@code JupyterSocket.readMessage}, which throws on a bad signature or malformed JSON outside
 * its handler's {@code try}, ending the thread while the heartbeat still answers. Here each ZMQ
 * message is read whole and checked ({@link WireMessages}) and handed to the handler {@link Protocol}
 * put on the connection for its type; a bad one is dropped with one line on the kernel's stderr, or
 * answered with an error reply when its header can be read; a handler's exception becomes an error reply.
 */
final class GuardedShellChannel extends ShellChannel {
    private final JupyterConnection connection;
    private final boolean control;
    private final long pollMs;
    private final HMACGenerator hmac;
    private final PrintStream log;
    private final String name;
    private volatile boolean running;
    private volatile Thread loop;

    /** log: the kernel's own stderr, taken before a cell can swap System.err. */
    GuardedShellChannel(ZMQ.Context ctx, HMACGenerator hmac, boolean control, JupyterConnection connection,
                        long pollMs, PrintStream log) {
        super(ctx, hmac, control, connection, pollMs);
        this.connection = connection;
        this.control = control;
        this.pollMs = pollMs;
        this.hmac = hmac;
        this.log = log;
        this.name = control ? "control" : "shell";
    }

    @Override
    public void bind(KernelConnectionProperties props) {
        if (loop != null) {
            throw new IllegalStateException(name + " channel already bound");
        }
        // ZMQ.Socket.bind(String): ShellChannel only overrides bind(KernelConnectionProperties)
        super.bind(formatAddress(props.getTransport(), props.getIp(),
                control ? props.getControlPort() : props.getShellPort()));
        ZMQ.Poller poller = ctx.poller(1);
        poller.register(this, ZMQ.Poller.POLLIN);
        running = true;
        Thread t = new Thread(() -> run(poller), control ? "deeptoy-control" : "deeptoy-shell");
        loop = t;
        t.start();
    }

    private void run(ZMQ.Poller poller) {
        while (running) {
            try {
                // Waits in the poller, which wakes the moment a message arrives; polling without a wait
                // and sleeping 1 ms cost an idle kernel ~25 ms of CPU per second per channel (30 idle
                // kernels: 1.5 of a class server's 2 cores).
                if (poller.poll(pollMs) > 0 && running) {
                    handle(receive());
                }
                if (Thread.interrupted()) { // a set flag would make every later poll return at once
                    log("the " + name + " loop was interrupted, kept running");
                }
            } catch (Throwable t) { // never let one message end the loop
                if (running) {
                    log("error in the " + name + " loop, kept running: " + t);
                }
            }
        }
    }

    /** All frames of the next ZMQ message: a message lacking frames cannot swallow the next one. */
    private List<byte[]> receive() {
        List<byte[]> frames = new ArrayList<>();
        synchronized (this) { // JupyterSocket's send/read are synchronized on the socket
            do {
                frames.add(recv());
            } while (hasReceiveMore());
        }
        return frames;
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private void handle(List<byte[]> frames) {
        WireMessages.Decoded d = WireMessages.decode(frames, hmac);
        if (d.message == null) {
            if (d.request != null && d.requestType.endsWith("_request")) {
                log(name + ": " + d.problem + " (answered with an error)");
                answerError(d.request, d.requestType, d.rawHeader, d.problem);
            } else {
                log(name + ": " + d.problem);
            }
            return;
        }
        Message message = d.message;
        MessageType<?> type = message.getHeader().getType();
        ShellHandler handler = connection.getHandler(type);
        if (handler == null) {
            String typeName = type.getName();
            if (typeName.endsWith("_request")) {
                log(name + ": no handler for " + typeName + " (answered with an error)");
                answerError(message, typeName, null, "this kernel does not handle " + typeName);
            } else {
                log(name + ": dropped a " + typeName + " message (not a request)");
            }
            return;
        }
        ShellReplyEnvironment env = connection.prepareReplyEnv(this, message);
        try {
            handler.handle(env, message);
        } catch (Exception e) {
            log(name + ": " + type.getName() + " failed: " + e);
            MessageType<?> reply = type.getName().endsWith("_request") ? replyType(type.getName()) : MessageType.UNKNOWN;
            if (reply != MessageType.UNKNOWN) { // comm messages have no reply
                env.replyError(reply.error(), new ErrorReply(e.getClass().getSimpleName(),
                        type.getName() + " failed: " + e.getMessage(), List.of(String.valueOf(e))));
            }
        } finally {
            env.resolveDeferrals();
        }
        if (env.isMarkedForShutdown()) {
            connection.close();
        }
    }

    private static MessageType<?> replyType(String requestType) {
        return MessageType.getType(requestType.substring(0, requestType.length() - "_request".length()) + "_reply");
    }

    /** An error reply naming the problem, with busy/idle on iopub when basekernel knows the reply type. */
    private void answerError(Message<?> request, String requestType, byte[] rawHeader, String problem) {
        ErrorReply error = new ErrorReply("BadMessage", problem, List.of(problem));
        MessageType<?> known = replyType(requestType);
        if (known != MessageType.UNKNOWN) {
            ShellReplyEnvironment env = connection.prepareReplyEnv(this, request);
            env.setBusyDeferIdle();
            env.replyError(known.error(), error);
            env.resolveDeferrals();
            return;
        }
        sendRaw(request, requestType.substring(0, requestType.length() - "_request".length()) + "_reply",
                rawHeader, problem);
    }

    /** A reply whose msg_type basekernel has no MessageType for, written frame by frame. */
    private void sendRaw(Message<?> request, String replyType, byte[] rawHeader, String problem) {
        JsonObject header = new JsonObject();
        header.addProperty("msg_id", UUID.randomUUID().toString());
        header.addProperty("username", "kernel");
        header.addProperty("session", request.getHeader().getSessionId());
        header.addProperty("date", Instant.now().toString());
        header.addProperty("msg_type", replyType);
        header.addProperty("version", "5.3");
        JsonObject content = new JsonObject();
        content.addProperty("status", "error");
        content.addProperty("ename", "BadMessage");
        content.addProperty("evalue", problem);
        JsonArray traceback = new JsonArray();
        traceback.add(problem);
        content.add("traceback", traceback);
        byte[][] parts = {
            header.toString().getBytes(StandardCharsets.UTF_8),
            rawHeader != null ? rawHeader : "{}".getBytes(StandardCharsets.UTF_8),
            "{}".getBytes(StandardCharsets.UTF_8),
            content.toString().getBytes(StandardCharsets.UTF_8)
        };
        String signature = hmac.calculateSignature(parts);
        synchronized (this) {
            for (byte[] id : request.getIdentities()) {
                sendMore(id);
            }
            sendMore(WireMessages.DELIMITER);
            sendMore(signature == null ? new byte[0] : signature.getBytes(StandardCharsets.US_ASCII));
            sendMore(parts[0]);
            sendMore(parts[1]);
            sendMore(parts[2]);
            send(parts[3]);
        }
    }

    private void log(String line) {
        log.println("deeptoy kernel: " + line);
        log.flush();
    }

    @Override
    public void close() {
        running = false;
        Thread t = loop;
        if (t != null && t != Thread.currentThread()) {
            try {
                t.join(pollMs + 50); // out of the poller before its socket closes (ZMQ sockets are not thread-safe)
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        super.close();
    }

    @Override
    public void waitUntilClose() {
        Thread t = loop;
        if (t != null && t != Thread.currentThread()) {
            try {
                t.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
