package io.github.spencerpark.jupyter.kernel;

import io.github.spencerpark.jupyter.channels.ShellReplyEnvironment;

/**
 * Binds a kernel's {@link JupyterIO} to a request. basekernel keeps these methods protected in
 * its own package and only calls them from its execute handler, which ignores {@code silent},
 * {@code store_history} and {@code stop_on_error}; DeepToy's handler replaces it and needs them.
 */
public final class IOBinding {
    private IOBinding() {
    }

    public static void attach(JupyterIO io, ShellReplyEnvironment env, boolean stdinEnabled) {
        io.setEnv(env);
        io.setJupyterInEnabled(stdinEnabled);
    }

    public static void detach(JupyterIO io, ShellReplyEnvironment env) {
        io.retractEnv(env);
    }
}
