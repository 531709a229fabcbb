package org.deeptoy.kernel.display;

import io.github.spencerpark.jupyter.kernel.display.RenderContext;
import io.github.spencerpark.jupyter.kernel.display.Renderer;
import io.github.spencerpark.jupyter.kernel.display.mime.MIMEType;
import org.deeptoy.graph.ComputationalGraph;
import org.deeptoy.kernel.render.Charts;
import org.deeptoy.kernel.render.GraphDrawing;
import org.deeptoy.kernel.render.GraphPng;
import org.deeptoy.kernel.render.GraphSvg;
import org.deeptoy.kernel.render.Images;
import org.deeptoy.kernel.render.TrainingCharts;
import org.deeptoy.kernel.render.TableHtml;
import org.deeptoy.kernel.render.TensorHtml;
import org.deeptoy.tensor.Tensor;
import org.knowm.xchart.internal.chartpart.Chart;
import tech.tablesaw.api.Table;

/** Every type-to-MIME registration of the kernel, in one place. text/plain is added by basekernel. */
public final class Renderers {
    private static final MIMEType PNG = MIMEType.parse("image/png");
    private static final MIMEType JPEG = MIMEType.parse("image/jpeg");

    private Renderers() {
    }

    public static void registerAll(Renderer renderer) {
        renderer.createRegistration(Tensor.class)
                .preferring(MIMEType.TEXT_HTML)
                .register((t, ctx) -> ctx.renderIfRequested(MIMEType.TEXT_HTML, () -> TensorHtml.render(t)));
        // A graph as SVG, and the same picture as PNG: front ends withhold SVG from an untrusted notebook
        // (JupyterLab, Notebook 7: every notebook a student opens before running it) but show the PNG.
        renderer.createRegistration(ComputationalGraph.class)
                .preferring(MIMEType.IMAGE_SVG, PNG)
                .register((g, ctx) -> graph(GraphSvg.layout(g, null), ctx));
        renderer.createRegistration(GraphView.class)
                .preferring(MIMEType.IMAGE_SVG, PNG)
                .register((v, ctx) -> graph(GraphSvg.layout(v.graph(), v.context()), ctx));
        renderer.createRegistration(org.deeptoy.nn.History.class)
                .preferring(PNG)
                .register((h, ctx) -> ctx.renderIfRequested(PNG,
                        () -> Images.base64(TrainingCharts.historyPng(h))));
        renderer.createRegistration(Table.class)
                .preferring(MIMEType.TEXT_HTML)
                .register((t, ctx) -> ctx.renderIfRequested(MIMEType.TEXT_HTML, () -> TableHtml.render(t)));
        @SuppressWarnings({"rawtypes", "unchecked"})
        Class<Chart> chart = Chart.class;
        renderer.createRegistration(chart)
                .preferring(PNG)
                .register((c, ctx) -> {
                    ctx.renderIfRequested(PNG, () -> Charts.base64(c));
                    // Instead of Object.toString's hash, which would change a stored notebook on every run.
                    ctx.renderIfRequested(MIMEType.TEXT_PLAIN, () -> c.getClass().getSimpleName() + " \""
                            + (c.getTitle() == null ? "" : c.getTitle()) + "\" (" + c.getWidth() + "×" + c.getHeight() + ")");
                });
        // Images.grid, Images.templates and Charts.confusionMatrix return PNG bytes, Images.photos JPEG: show them as pictures.
        renderer.createRegistration(byte[].class)
                .preferring(PNG, JPEG)
                .supporting(MIMEType.TEXT_PLAIN)
                .register((b, ctx) -> {
                    if (isPng(b)) {
                        ctx.renderIfRequested(PNG, () -> Images.base64(b));
                        ctx.renderIfRequested(MIMEType.TEXT_PLAIN, () -> "PNG image, " + b.length + " bytes");
                    } else if (isJpeg(b)) {
                        ctx.renderIfRequested(JPEG, () -> Images.base64(b));
                        ctx.renderIfRequested(MIMEType.TEXT_PLAIN, () -> "JPEG image, " + b.length + " bytes");
                    }
                });
    }

    private static void graph(GraphDrawing drawing, RenderContext ctx) {
        ctx.renderIfRequested(MIMEType.IMAGE_SVG, () -> GraphSvg.svg(drawing));
        ctx.renderIfRequested(PNG, () -> Images.base64(GraphPng.paint(drawing)));
    }

    private static boolean isJpeg(byte[] b) {
        return b.length > 3 && (b[0] & 0xff) == 0xFF && (b[1] & 0xff) == 0xD8 && (b[2] & 0xff) == 0xFF;
    }

    private static boolean isPng(byte[] b) {
        return b.length > 8 && (b[0] & 0xff) == 0x89 && b[1] == 'P' && b[2] == 'N' && b[3] == 'G';
    }
}
