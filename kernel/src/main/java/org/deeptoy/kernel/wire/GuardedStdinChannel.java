package org.deeptoy.kernel.wire;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;

import io.github.spencerpark.jupyter.channels.StdinChannel;
import io.github.spencerpark.jupyter.messages.HMACGenerator;
import io.github.spencerpark.jupyter.messages.Message;
import io.github.spencerpark.jupyter.messages.MessageContext;
import io.github.spencerpark.jupyter.messages.MessageType;
import io.github.spencerpark.jupyter.messages.reply.InputReply;
import io.github.spencerpark.jupyter.messages.request.InputRequest;
import org.zeromq.ZMQ;

/**
 * The stdin channel read like {@link GuardedShellChannel} reads: a forged or malformed message
 * (or an unexpected type) waiting on the socket is dropped with one line on stderr instead of
 * making the cell that asks for input fail or read it as the answer.
 */
final class GuardedStdinChannel extends StdinChannel {
    private final HMACGenerator hmac;
    private final PrintStream log;

    GuardedStdinChannel(ZMQ.Context ctx, HMACGenerator hmac, PrintStream log) {
        super(ctx, hmac);
        this.hmac = hmac;
        this.log = log;
    }

    /** basekernel's getInput, reading through this class's checks (its own call skips them). */
    @Override
    public synchronized String getInput(MessageContext context, String prompt, boolean isPasswordRequest) {
        sendMessage(new Message<>(context, InputRequest.MESSAGE_TYPE, new InputRequest(prompt, isPasswordRequest)));
        Message<InputReply> reply = readMessage(InputReply.MESSAGE_TYPE);
        if (reply == null) {
            throw new IllegalStateException("the stdin channel closed while waiting for input");
        }
        return reply.getContent().getValue() + System.lineSeparator();
    }

    @Override
    public synchronized Message<?> readMessage() {
        while (!closed) {
            List<byte[]> frames = new ArrayList<>();
            do {
                frames.add(recv());
            } while (hasReceiveMore());
            WireMessages.Decoded d = WireMessages.decode(frames, hmac);
            if (d.message != null) {
                return d.message;
            }
            log("stdin: " + d.problem);
        }
        return null;
    }

    @Override
    @SuppressWarnings("unchecked")
    public synchronized <T> Message<T> readMessage(MessageType<T> type) {
        while (true) {
            Message<?> m = readMessage();
            if (m == null || m.getHeader().getType() == type) {
                return (Message<T>) m;
            }
            dropped(m, type);
        }
    }

    /** Says on the kernel's stderr that {@code m} arrived while {@code awaited} was expected, and was dropped. */
    void dropped(Message<?> m, MessageType<?> awaited) {
        log("stdin: dropped a " + m.getHeader().getType().getName() + " while waiting for " + awaited.getName());
    }

    private void log(String line) {
        log.println("deeptoy kernel: " + line);
        log.flush();
    }
}
