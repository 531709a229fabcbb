package org.deeptoy.kernel.wire;

import java.lang.reflect.Field;

import io.github.spencerpark.jupyter.channels.JupyterConnection;
import io.github.spencerpark.jupyter.channels.JupyterSocket;
import io.github.spencerpark.jupyter.channels.ShellChannel;
import io.github.spencerpark.jupyter.channels.StdinChannel;
import org.zeromq.ZMQ;

/**
 * The one place that reaches into basekernel's private state, written against
 * jupyter-jvm-basekernel {@value #VERSION} (BasekernelAdapterTest fails on another version).
 * {@code JupyterConnection} creates its shell, control and stdin channels itself and keeps them in
 * final fields; DeepToy swaps in its guarded channels before {@code connect()} binds them.
 */
final class BasekernelAdapter {
    static final String VERSION = "2.3.0";

    private BasekernelAdapter() {
    }

    /** The connection's ZMQ context (private, no getter), shared by the channels put in its place. */
    static ZMQ.Context context(JupyterConnection connection) throws ReflectiveOperationException {
        return (ZMQ.Context) field("ctx").get(connection);
    }

    /** The same context, for code that cannot handle the reflective failure (the kernel is unusable without it). */
    static ZMQ.Context contextOf(JupyterConnection connection) {
        try {
            return context(connection);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("basekernel's JupyterConnection has no field ctx", e);
        }
    }

    /** The connection's stdin channel (private, no getter), where input requests go. */
    static JupyterSocket stdin(JupyterConnection connection) {
        try {
            return (JupyterSocket) field("stdin").get(connection);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("basekernel's JupyterConnection has no field stdin", e);
        }
    }

    /** Replaces the connection's unbound shell, control and stdin channels, closing the originals. */
    static void replaceChannels(JupyterConnection connection, ShellChannel shell, ShellChannel control,
                                StdinChannel stdin) throws ReflectiveOperationException {
        put(connection, "shell", shell);
        put(connection, "control", control);
        put(connection, "stdin", stdin);
    }

    private static void put(JupyterConnection connection, String name, JupyterSocket replacement)
            throws ReflectiveOperationException {
        Field f = field(name);
        ((JupyterSocket) f.get(connection)).close();
        f.set(connection, replacement);
    }

    private static Field field(String name) throws NoSuchFieldException {
        Field f = JupyterConnection.class.getDeclaredField(name);
        f.setAccessible(true);
        return f;
    }
}
