package org.deeptoy.kernel.wire;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;

import io.github.spencerpark.jupyter.channels.JupyterSocket;
import io.github.spencerpark.jupyter.channels.ShellReplyEnvironment;
import io.github.spencerpark.jupyter.messages.Message;
import io.github.spencerpark.jupyter.messages.reply.InputReply;
import io.github.spencerpark.jupyter.messages.request.InputRequest;
import org.zeromq.ZMQ;

/**
 * {@code System.in} of the notebook: each line read asks the front end with an
 * {@code input_request} when the request allows stdin, and otherwise fails with a message saying
 * the notebook does not take input. The socket is served by its own thread, so the cell waits
 * interruptibly (Kernel > Interrupt ends the wait; a late answer is ignored).
 */
public final class CellInput extends InputStream {
    static final String NOT_ALLOWED = "This notebook does not allow input: the front end that runs it (e.g. nbconvert "
            + "or a headless run) does not answer input requests, so System.in has nothing to read. Put the value "
            + "in the code instead.";

    private JupyterSocket socket;
    private ZMQ.Context context;
    private volatile ShellReplyEnvironment env;
    private volatile boolean allowed;
    private byte[] line;
    private int pos;

    /** Binds the kernel's stdin socket (a ROUTER, answered by the front end). */
    void bind(JupyterSocket stdinSocket, ZMQ.Context ctx) {
        this.socket = stdinSocket;
        this.context = ctx;
    }

    synchronized void startCell(ShellReplyEnvironment cellEnv, boolean stdinAllowed) {
        if (socket != null && System.in != this) {
            System.setIn(this); // a cell may have replaced System.in
        }
        env = cellEnv;
        allowed = stdinAllowed;
        line = null;
        pos = 0;
    }

    void endCell() {
        env = null; // a thread reading after its cell ended sees the end of the input
    }

    @Override
    public synchronized int read() {
        byte[] one = new byte[1];
        int n = read(one, 0, 1);
        return n <= 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public synchronized int read(byte[] into, int off, int len) {
        if (len == 0) {
            return 0;
        }
        if (line == null || pos >= line.length) {
            String text = ask("");
            if (text == null) {
                return -1;
            }
            line = (text + "\n").getBytes(StandardCharsets.UTF_8);
            pos = 0;
        }
        int n = Math.min(len, line.length - pos);
        System.arraycopy(line, pos, into, off, n);
        pos += n;
        return n;
    }

    @Override
    public synchronized int available() {
        return line == null ? 0 : line.length - pos;
    }

    /** One line from the front end, or null when no cell is running. */
    private String ask(String prompt) {
        ShellReplyEnvironment e = env;
        if (e == null || socket == null) {
            return null;
        }
        if (!allowed) {
            throw new IllegalStateException(NOT_ALLOWED);
        }
        Message<InputRequest> request = new Message<>(e.getContext(), InputRequest.MESSAGE_TYPE,
                new InputRequest(prompt, false));
        CompletableFuture<String> answer = new CompletableFuture<>();
        Thread t = new Thread(() -> exchange(request, answer), "deeptoy-stdin");
        t.setDaemon(true);
        t.start();
        try {
            return answer.get();
        } catch (InterruptedException ie) {
            answer.cancel(false);
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Reading System.in was interrupted (Kernel > Interrupt)");
        } catch (ExecutionException ex) {
            throw new IllegalStateException("Reading System.in failed: " + ex.getCause().getMessage(), ex.getCause());
        }
    }

    /** Sends the request and waits for its reply, polling so that a cancelled wait ends. */
    private void exchange(Message<InputRequest> request, CompletableFuture<String> answer) {
        synchronized (socket) {
            ZMQ.Poller poller = context.poller(1);
            try {
                poller.register(socket, ZMQ.Poller.POLLIN);
                socket.sendMessage(request);
                while (!answer.isDone()) {
                    if (poller.poll(100) <= 0 || !poller.pollin(0)) {
                        continue;
                    }
                    Message<?> reply = socket.readMessage();
                    // jupyter_client's input() sends no parent header: any answer while we ask is the answer
                    if (reply == null) {
                        throw new IllegalStateException("the stdin channel closed while waiting for input");
                    }
                    if (reply.getContent() instanceof InputReply) {
                        answer.complete(((InputReply) reply.getContent()).getValue());
                    } else if (socket instanceof GuardedStdinChannel) {
                        ((GuardedStdinChannel) socket).dropped(reply, InputReply.MESSAGE_TYPE);
                    }
                }
            } catch (RuntimeException ex) {
                answer.completeExceptionally(ex);
            } finally {
                poller.close();
            }
        }
    }
}
