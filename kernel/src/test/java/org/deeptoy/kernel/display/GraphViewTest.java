package org.deeptoy.kernel.display;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import javax.xml.parsers.DocumentBuilderFactory;

import io.github.spencerpark.jupyter.kernel.display.DisplayData;
import io.github.spencerpark.jupyter.kernel.display.Renderer;
import io.github.spencerpark.jupyter.kernel.display.mime.MIMEType;
import org.deeptoy.graph.ComputationalGraph;
import org.deeptoy.graph.Connection;
import org.deeptoy.graph.SimulationContext;
import org.deeptoy.tensor.Tensor;
import org.junit.jupiter.api.Test;
import org.w3c.dom.NodeList;

class GraphViewTest {
    @Test
    void graphViewShowsValuesAndGradientsSmallInFullBigAsRange() throws Exception {
        ComputationalGraph cg = new ComputationalGraph();
        Connection w = cg.variable(Tensor.matrix(new double[] {1, -2}, new double[] {0.5, 3}), "W");
        Connection x = cg.constant(Tensor.matrix(new double[] {1}, new double[] {2}), "x");
        Connection h = cg.matrixMultiply(w, x, "h"); // [[-3], [6.5]]
        Connection big = cg.variable(Tensor.full(0.25, 10, 10), "B");
        Connection loss = cg.sum(cg.mean(h), cg.mean(cg.square(big)), "loss"); // 1.75 + 0.0625
        SimulationContext ctx = new SimulationContext().forward(cg);
        ctx.backward(cg, loss); // dL/dW = 0.5 * x^T, dL/dB = 2 B / 100 = 0.005

        Renderer renderer = new Renderer();
        Renderers.registerAll(renderer);
        DisplayData data = renderer.render(new GraphView(cg, ctx));
        String svg = (String) data.getData(MIMEType.IMAGE_SVG);
        // the same picture as PNG, which front ends show when the notebook is not trusted
        byte[] png = java.util.Base64.getDecoder().decode((String) data.getData(MIMEType.parse("image/png")));
        java.awt.image.BufferedImage image = javax.imageio.ImageIO.read(new ByteArrayInputStream(png));
        String width = svg.replaceFirst("(?s).*?<svg [^>]*width=\"([0-9.]+)\".*", "$1");
        org.junit.jupiter.api.Assertions.assertEquals((int) Math.ceil(Double.parseDouble(width)), image.getWidth());
        assertTrue(String.valueOf(data.getData(MIMEType.TEXT_PLAIN)).contains("values and gradients"));
        Path out = Path.of("target", "render-samples", "graph-view-backward.svg");
        Files.createDirectories(out.getParent());
        Files.writeString(out, svg);

        List<String> t = texts(svg);
        String all = String.join("\n", t);
        assertTrue(t.contains("= 1.813"), "loss value (1.8125, four digits): " + all);
        assertTrue(t.stream().anyMatch(s -> s.startsWith("= [") && s.contains("-3")), "h value: " + all);
        assertTrue(t.stream().anyMatch(s -> s.contains("6.5")), "h value: " + all);
        assertTrue(t.stream().anyMatch(s -> s.startsWith("∂L = [") && s.contains("0.5") && s.contains("1")),
                "W gradient: " + all);
        assertTrue(t.contains("= min 0.25, max 0.25"), "range of the big variable: " + all);
        assertTrue(t.contains("∂L = min 0.005, max 0.005"), "range of its gradient: " + all);
        assertTrue(t.contains("[10, 10]"), "shape of the big variable: " + all);
    }

    static List<String> texts(String svg) throws Exception {
        DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
        f.setNamespaceAware(true);
        NodeList list = f.newDocumentBuilder().parse(new ByteArrayInputStream(svg.getBytes(StandardCharsets.UTF_8)))
                .getElementsByTagNameNS("http://www.w3.org/2000/svg", "text");
        List<String> out = new ArrayList<>();
        for (int i = 0; i < list.getLength(); i++) {
            out.add(list.item(i).getTextContent());
        }
        return out;
    }
}
