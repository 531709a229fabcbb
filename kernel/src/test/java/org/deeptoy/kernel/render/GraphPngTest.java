package org.deeptoy.kernel.render;

import org.deeptoy.graph.ComputationalGraph;
import org.deeptoy.graph.Connection;
import org.deeptoy.graph.SimulationContext;
import org.deeptoy.tensor.Tensor;
import org.junit.jupiter.api.Test;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class GraphPngTest {
    @Test
    void pngShowsTheSvgsBoxesEdgesAndTextAtTheSamePlaces() throws Exception {
        ComputationalGraph cg = new ComputationalGraph();
        Connection a = cg.variable(1.5, "a");
        Connection s = cg.sum(a, cg.constant(2), "s");
        SimulationContext ctx = new SimulationContext().forward(cg);
        ctx.backward(cg, s);
        GraphDrawing d = GraphSvg.layout(cg, ctx);
        byte[] png = GraphPng.paint(d);
        Samples.write("graph-sum-backward.png", png);
        Samples.write("graph-sum-backward-beside.svg", GraphSvg.svg(d));
        BufferedImage img = ImageIO.read(new ByteArrayInputStream(png));
        assertEquals((int) Math.ceil(d.width()), img.getWidth());
        assertEquals((int) Math.ceil(d.height()), img.getHeight());

        int boxes = 0, edges = 0;
        for (GraphDrawing.Mark m : d.marks()) {
            if (m instanceof GraphDrawing.Group g && g.marks().get(0) instanceof GraphDrawing.Shape box) {
                boxes++;
                // the fill just inside the left edge, half-way down (clear of the text in the middle)
                int x = (int) (box.x() + box.radius() + 3), y = (int) (box.y() + box.height() / 2);
                assertEquals(Integer.parseInt(box.fill().substring(1), 16), img.getRGB(x, y) & 0xffffff,
                        "fill of the box at " + box.x() + "," + box.y());
                assertTrue(darkPixels(img, box) > 20, "text drawn in the box at " + box.x() + "," + box.y());
            } else if (m instanceof GraphDrawing.Edge e) {
                edges++;
                double[] p = e.points();
                int mx = (int) Math.round((p[0] + p[2]) / 2), my = (int) Math.round((p[1] + p[3]) / 2);
                assertTrue(near(img, mx, my, Integer.parseInt(GraphSvg.EDGE_COLOUR.substring(1), 16)),
                        "edge colour on its first segment at " + mx + "," + my);
            }
        }
        assertEquals(3, boxes);
        assertEquals(2, edges);
    }

    @Test
    void mlpGraphIsPaintedSmall() throws Exception {
        ComputationalGraph cg = new ComputationalGraph();
        Connection x = cg.input("x");
        Connection w1 = cg.variable(Tensor.randomNormal(3, 4, 8), "W1");
        Connection h = cg.relu(cg.sum(cg.matrixMultiply(x, w1), cg.variable(Tensor.zeros(8), "b1")), "h");
        Connection scores = cg.sum(cg.matrixMultiply(h, cg.variable(Tensor.randomNormal(4, 8, 3), "W2")),
                cg.variable(Tensor.zeros(3), "b2"), "scores");
        Connection loss = cg.mean(cg.square(scores));
        SimulationContext ctx = new SimulationContext().forward(cg, Map.of(x, Tensor.randomNormal(5, 2, 4)));
        ctx.backward(cg, loss);
        byte[] png = GraphPng.paint(GraphSvg.layout(cg, ctx));
        Samples.write("graph-mlp-backward.png", png);
        // stored in every notebook beside its SVG: a graph of a dozen boxes stays a few tens of kB
        assertTrue(png.length < 80_000, png.length + " bytes");
    }

    private static int darkPixels(BufferedImage img, GraphDrawing.Shape box) {
        int n = 0;
        for (int y = (int) box.y() + 2; y < box.y() + box.height() - 2; y++) {
            for (int x = (int) box.x() + 2; x < box.x() + box.width() - 2; x++) {
                int rgb = img.getRGB(x, y);
                if (((rgb >> 16) & 0xff) + ((rgb >> 8) & 0xff) + (rgb & 0xff) < 300) n++;
            }
        }
        return n;
    }

    private static boolean near(BufferedImage img, int x, int y, int rgb) {
        for (int dy = -1; dy <= 1; dy++) {
            for (int dx = -1; dx <= 1; dx++) {
                int c = img.getRGB(x + dx, y + dy);
                if (Math.abs(((c >> 16) & 0xff) - ((rgb >> 16) & 0xff)) < 40 && Math.abs(((c >> 8) & 0xff) - ((rgb >> 8) & 0xff)) < 40
                        && Math.abs((c & 0xff) - (rgb & 0xff)) < 40) return true;
            }
        }
        return false;
    }
}
