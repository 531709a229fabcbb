package org.deeptoy.kernel.wire;

import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import io.github.spencerpark.jupyter.channels.ShellReplyEnvironment;
import io.github.spencerpark.jupyter.messages.ContentType;
import io.github.spencerpark.jupyter.messages.Message;
import io.github.spencerpark.jupyter.kernel.display.DisplayData;
import io.github.spencerpark.jupyter.messages.publish.PublishClearOutput;
import io.github.spencerpark.jupyter.messages.publish.PublishDisplayData;
import io.github.spencerpark.jupyter.messages.publish.PublishStream;
import io.github.spencerpark.jupyter.messages.publish.PublishUpdateDisplayData;

/**
 * Everything a cell shows on its way to Jupyter: stdout, stderr, displays and clear_output, in the
 * order the cell made them. Student code only appends to a queue here (it never touches a socket,
 * so stopping it mid-print cannot break one); a sender thread coalesces the text (one message per
 * {@value #FLUSH_CHARS} characters or {@value #FLUSH_MS} ms rather than one per println) and sends.
 * A cell shows at most {@link #limitChars} characters of text; the rest is counted and announced
 * with its last lines. Output of threads a cell started goes to the running cell, or to the last one.
 */
public final class CellOutput {
    static final int FLUSH_CHARS = 8192;
    static final long FLUSH_MS = 50;
    public static final int DEFAULT_LIMIT_CHARS = 1 << 20;
    /** How much of the text beyond the limit is kept to show at the end. */
    private static final int TAIL_CHARS = 1500;
    /** Displays (and updates) one cell may send; a display storm beyond this is announced. */
    private static final int DISPLAY_LIMIT = 2000;

    private final Object lock = new Object();
    /** Sends happen under this lock, so the sender thread and the shell thread keep the order. */
    private final Object sendLock = new Object();
    private final ArrayDeque<Object> queue = new ArrayDeque<>();
    private final int limitChars;
    private ShellReplyEnvironment env;
    private long shownChars;
    private long droppedChars;
    private final StringBuilder tail = new StringBuilder();
    private int displays;
    private int droppedDisplays;
    private final Sink outSink = new Sink(PublishStream.StreamType.OUT);
    /**
     * Grading (DEEPTOY_GRADE=1): nbgrader scores a check cell 0 for any stderr output, which a right
     * answer that logs a warning must not cost; the text still shows, as stdout.
     */
    private final Sink errSink;
    private volatile PrintStream out = new PrintStream(outSink, true, StandardCharsets.UTF_8);
    private volatile PrintStream err;
    /** Whether System.out and System.err are this output's (the kernel's; not in unit tests). */
    private volatile boolean system;

    CellOutput() {
        this(DEFAULT_LIMIT_CHARS);
    }

    CellOutput(int limitChars) {
        this(limitChars, false);
    }

    /** {@code grading}: stderr is sent as stdout (see {@link #errSink}). */
    public CellOutput(int limitChars, boolean grading) {
        this.limitChars = limitChars;
        errSink = new Sink(grading ? PublishStream.StreamType.OUT : PublishStream.StreamType.ERR);
        err = new PrintStream(errSink, true, StandardCharsets.UTF_8);
        Thread sender = new Thread(this::sendLoop, "deeptoy-output");
        sender.setDaemon(true);
        sender.start();
    }

    /** Text of one stream, grown while no other item follows it in the queue. */
    private static final class Text {
        final PublishStream.StreamType stream;
        final StringBuilder text = new StringBuilder();

        Text(PublishStream.StreamType stream) {
            this.stream = stream;
        }
    }

    PrintStream out() {
        return out;
    }

    PrintStream err() {
        return err;
    }

    /**
     * Makes System.out and System.err this output's for good: what a thread prints between cells
     * goes to the last cell, as in ipykernel.
     */
    public void installAsSystemStreams() {
        system = true;
        renewStreams();
    }

    /**
     * New print streams on each cell: a cell stopped by force in the middle of a print may leave a
     * PrintStream's encoder half-way.
     */
    private void renewStreams() {
        outSink.reset();
        errSink.reset();
        out = new PrintStream(outSink, true, StandardCharsets.UTF_8);
        err = new PrintStream(errSink, true, StandardCharsets.UTF_8);
        if (system) {
            System.setOut(out);
            System.setErr(err);
        }
    }

    /** A cell starts: what earlier cells left is sent to them, then output goes to {@code cellEnv}. */
    void startCell(ShellReplyEnvironment cellEnv) {
        flush();
        renewStreams();
        synchronized (lock) {
            env = cellEnv;
            shownChars = 0;
            droppedChars = 0;
            tail.setLength(0);
            displays = 0;
            droppedDisplays = 0;
        }
    }

    /**
     * The cell's code has returned: sends everything it wrote, and a note if some was not shown.
     * Runs on the shell thread before the result and the reply, so those come after the output.
     */
    void endCell() {
        String note = null;
        synchronized (lock) {
            if (droppedChars > 0 || droppedDisplays > 0) {
                note = overflowNote();
                droppedChars = 0;
                droppedDisplays = 0;
                tail.setLength(0);
            }
        }
        if (note != null) {
            appendText(PublishStream.StreamType.ERR, note, true);
        }
        flush();
    }

    private String overflowNote() {
        StringBuilder sb = new StringBuilder("\n");
        if (droppedChars > 0) {
            sb.append("… ").append(size(droppedChars)).append(" more output not shown (a cell shows at most ")
                    .append(size(limitChars)).append(" of printed text).");
            if (tail.length() > 0) {
                int nl = tail.indexOf("\n");
                String last = nl >= 0 && nl < tail.length() - 1 ? tail.substring(nl + 1) : tail.toString();
                sb.append(" The output ended with:\n").append(last);
                if (!last.endsWith("\n")) {
                    sb.append('\n');
                }
            } else {
                sb.append('\n');
            }
        }
        if (droppedDisplays > 0) {
            sb.append("… ").append(droppedDisplays).append(" more displays not shown (a cell shows at most ")
                    .append(DISPLAY_LIMIT).append(").\n");
        }
        return sb.toString();
    }

    public static String size(long chars) {
        if (chars >= 1 << 20) {
            return String.format(Locale.ROOT, "%.1f MB", chars / (double) (1 << 20));
        }
        if (chars >= 1 << 10) {
            return String.format(Locale.ROOT, "%.1f KB", chars / (double) (1 << 10));
        }
        return chars + " characters";
    }

    /**
     * Queues a message other than text (display, update, clear_output), after the text before it.
     * Storms shrink here: a clear_output drops the unsent text and displays it would erase, and a
     * display updated again before it was sent is sent once with its latest data.
     */
    public void publish(ContentType<?> content) {
        synchronized (lock) {
            if (content instanceof PublishClearOutput) {
                queue.removeIf(o -> o instanceof Text || o instanceof PublishDisplayData
                        || o instanceof PublishClearOutput);
                // the limits are about what stays on screen, which is now empty
                shownChars = 0;
                droppedChars = 0;
                tail.setLength(0);
                displays = 0;
            } else if (content instanceof PublishUpdateDisplayData) {
                String id = displayId((PublishUpdateDisplayData) content);
                queue.removeIf(o -> o instanceof PublishUpdateDisplayData && id != null
                        && id.equals(displayId((PublishUpdateDisplayData) o)));
            } else if (displays >= DISPLAY_LIMIT) {
                droppedDisplays++;
                return;
            } else {
                displays++;
            }
            queue.add(content);
            lock.notifyAll();
        }
    }

    private static String displayId(DisplayData d) {
        return d.hasDisplayId() ? d.getDisplayId() : null;
    }

    private void appendText(PublishStream.StreamType stream, String s, boolean always) {
        synchronized (lock) {
            long room = always ? Long.MAX_VALUE : limitChars - shownChars;
            String shown = s;
            if (s.length() > room) {
                shown = s.substring(0, (int) Math.max(0, room));
                String rest = s.substring(shown.length());
                droppedChars += rest.length();
                tail.append(rest.length() > TAIL_CHARS ? rest.substring(rest.length() - TAIL_CHARS) : rest);
                if (tail.length() > TAIL_CHARS) {
                    tail.delete(0, tail.length() - TAIL_CHARS);
                }
            }
            if (shown.isEmpty()) {
                return;
            }
            shownChars += shown.length();
            Object last = queue.peekLast();
            Text t;
            if (last instanceof Text && ((Text) last).stream == stream) {
                t = (Text) last;
            } else {
                t = new Text(stream);
                queue.add(t);
            }
            t.text.append(shown);
            if (t.text.length() == shown.length() || t.text.length() >= FLUSH_CHARS) {
                lock.notifyAll(); // the sender sends it within FLUSH_MS, or now when it is long
            }
        }
    }

    /** Sends everything queued now, on the calling thread. */
    void flush() {
        synchronized (sendLock) {
            List<Object> items;
            ShellReplyEnvironment target;
            synchronized (lock) {
                items = new ArrayList<>(queue);
                queue.clear();
                target = env;
            }
            if (target == null) {
                return; // no cell has run yet: nobody to show it to
            }
            for (Object item : items) {
                send(target, item);
            }
        }
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private static void send(ShellReplyEnvironment target, Object item) {
        ContentType<?> content;
        if (item instanceof Text) {
            Text t = (Text) item;
            String text = t.text.toString();
            // one message per FLUSH_CHARS: a front end renders a long burst in pieces
            for (int i = 0; i < text.length(); i += FLUSH_CHARS) {
                int end = Math.min(text.length(), i + FLUSH_CHARS);
                if (end < text.length() && Character.isHighSurrogate(text.charAt(end - 1))) {
                    end++;
                }
                PublishStream piece = new PublishStream(t.stream, text.substring(i, end));
                target.getIopub().sendMessage(new Message(target.getContext(), piece.getType(), piece));
                i = end - FLUSH_CHARS;
            }
            return;
        }
        content = (ContentType<?>) item;
        target.getIopub().sendMessage(new Message(target.getContext(), content.getType(), content));
    }

    private void sendLoop() {
        while (true) {
            try {
                synchronized (lock) {
                    while (queue.isEmpty()) {
                        lock.wait();
                    }
                    // coalesce for up to FLUSH_MS unless something must go now
                    long deadline = System.nanoTime() + FLUSH_MS * 1_000_000;
                    long left;
                    while (!urgent() && (left = deadline - System.nanoTime()) > 0) {
                        lock.wait(Math.max(1, left / 1_000_000));
                    }
                }
                flush();
            } catch (InterruptedException e) {
                return;
            } catch (RuntimeException e) {
                // a closed socket at shutdown, or a bad message: keep serving later cells
                synchronized (lock) {
                    queue.clear();
                }
            }
        }
    }

    /**
     * A new display, or enough text for a message, is waiting. Updates and clear_output wait for
     * the next tick, so a loop updating a progress bar sends at most one update per tick.
     */
    private boolean urgent() {
        for (Object o : queue) {
            if (o instanceof PublishDisplayData || o instanceof Text && ((Text) o).text.length() >= FLUSH_CHARS) {
                return true;
            }
        }
        return false;
    }

    /** Bytes written to System.out or System.err, decoded as UTF-8 (bad bytes become U+FFFD). */
    private final class Sink extends OutputStream {
        private final PublishStream.StreamType stream;
        private final CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPLACE)
                .onUnmappableCharacter(CodingErrorAction.REPLACE);
        private final ByteBuffer pending = ByteBuffer.allocate(8);

        Sink(PublishStream.StreamType stream) {
            this.stream = stream;
        }

        synchronized void reset() {
            decoder.reset();
            pending.clear();
        }

        @Override
        public void write(int b) {
            write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public synchronized void write(byte[] b, int off, int len) {
            // a partial UTF-8 sequence left by the last write is completed first
            ByteBuffer in;
            if (pending.position() > 0) {
                in = ByteBuffer.allocate(pending.position() + len);
                pending.flip();
                in.put(pending);
                in.put(b, off, len);
                in.flip();
                pending.clear();
            } else {
                in = ByteBuffer.wrap(b, off, len);
            }
            CharBuffer chars = CharBuffer.allocate(in.remaining() + 1);
            decoder.decode(in, chars, false);
            if (in.hasRemaining() && in.remaining() <= pending.capacity()) {
                pending.put(in);
            }
            chars.flip();
            if (chars.hasRemaining()) {
                appendText(stream, chars.toString(), false);
            }
        }
    }
}
