package org.deeptoy.kernel;

import io.github.spencerpark.jupyter.kernel.display.Renderer;
import io.github.spencerpark.jupyter.kernel.display.mime.MIMEType;
import org.deeptoy.tensor.Tensor;

/** Every type-to-MIME registration of the kernel, in one place. text/plain is added by basekernel. */
final class Renderers {
    private Renderers() {
    }

    static void registerAll(Renderer renderer) {
        renderer.createRegistration(Tensor.class)
                .preferring(MIMEType.TEXT_HTML)
                .register((t, ctx) -> ctx.renderIfRequested(MIMEType.TEXT_HTML, () -> tensorHtml(t)));
    }

    /** The tensor's numpy-like text in a pre block with its shape; replaced by the HTML table renderer. */
    static String tensorHtml(Tensor t) {
        return "<pre>" + escape(t.toString()) + "</pre><small>shape " + java.util.Arrays.toString(t.shape())
                + ", double</small>";
    }

    static String escape(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
    }
}
