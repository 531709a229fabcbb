package org.deeptoy.kernel.render;

import org.deeptoy.graph.ComputationalGraph;
import org.deeptoy.graph.Connection;
import org.deeptoy.graph.SimulationContext;
import org.deeptoy.tensor.Tensor;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;
import org.w3c.dom.NodeList;

import javax.xml.parsers.DocumentBuilderFactory;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class GraphSvgTest {

    static Document parse(String xml) throws Exception {
        DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
        f.setNamespaceAware(true);
        return f.newDocumentBuilder().parse(new ByteArrayInputStream(xml.getBytes(StandardCharsets.UTF_8)));
    }

    static List<String> texts(String svg) throws Exception {
        NodeList list = parse(svg).getElementsByTagNameNS("http://www.w3.org/2000/svg", "text");
        List<String> out = new ArrayList<>();
        for (int i = 0; i < list.getLength(); i++) out.add(list.item(i).getTextContent());
        return out;
    }

    @Test
    void onePlusTwoIsParsableSvgWithTheOpAndBothConstants() throws Exception {
        ComputationalGraph cg = new ComputationalGraph();
        cg.sum(cg.constant(1), cg.constant(2));
        String svg = GraphSvg.render(cg);
        Samples.write("graph-1-plus-2.svg", svg);
        Document doc = parse(svg);
        assertEquals("svg", doc.getDocumentElement().getLocalName());
        List<String> t = texts(svg);
        assertTrue(t.contains("sum"), t::toString);
        assertTrue(t.contains("1") && t.contains("2"), t::toString);
        assertTrue(t.contains("constant") && t.contains("operation"), "legend: " + t);
        assertEquals(2, doc.getElementsByTagNameNS("http://www.w3.org/2000/svg", "path").getLength() - 1,
                "two edges plus the arrowhead path");
        String after = GraphSvg.render(cg, new SimulationContext().forward(cg));
        Samples.write("graph-1-plus-2-forward.svg", after);
        assertTrue(texts(after).contains("= 3"), texts(after)::toString);
    }

    @Test
    void showsTheValueAfterForwardAndTheGradientAfterBackward() throws Exception {
        ComputationalGraph cg = new ComputationalGraph();
        Connection a = cg.variable(1.5, "a");
        Connection s = cg.sum(a, cg.constant(2), "s");
        SimulationContext ctx = new SimulationContext().forward(cg);
        List<String> afterForward = texts(GraphSvg.render(cg, ctx));
        assertTrue(afterForward.contains("= 3.5"), afterForward::toString);
        assertFalse(afterForward.stream().anyMatch(x -> x.startsWith("∂L")), afterForward::toString);

        ctx.backward(cg, s);
        String svg = GraphSvg.render(cg, ctx);
        Samples.write("graph-sum-backward.svg", svg);
        List<String> afterBackward = texts(svg);
        assertTrue(afterBackward.contains("∂L = 1"), afterBackward::toString);
        assertTrue(afterBackward.contains("= 1.5"), "variable value: " + afterBackward);
    }

    @Test
    void showsShapesAndRangesOfBigTensorsButNotTheirValues() throws Exception {
        ComputationalGraph cg = new ComputationalGraph();
        Connection x = cg.input("x");
        Connection w = cg.variable(Tensor.randomNormal(1, 784, 50), "W1");
        cg.matrixMultiply(x, w, "h");
        SimulationContext ctx = new SimulationContext().forward(cg, Map.of(x, Tensor.randomNormal(2, 64, 784)));
        List<String> t = texts(GraphSvg.render(cg, ctx));
        assertTrue(t.contains("h [64, 50]"), t::toString);
        assertTrue(t.contains("[784, 50]"), t::toString);
        assertFalse(t.stream().anyMatch(s -> s.startsWith("= [")), "no values for big tensors: " + t);
        assertTrue(t.stream().anyMatch(s -> s.startsWith("= min ") && s.contains(", max ")), "range instead: " + t);
    }

    @Test
    void escapesMarkupInNames() throws Exception {
        ComputationalGraph cg = new ComputationalGraph();
        cg.relu(cg.variable(Tensor.vector(1, -2), "<script>alert('x')</script>"), "a&b");
        String svg = GraphSvg.render(cg);
        assertFalse(svg.contains("<script>"), svg);
        List<String> t = texts(svg);
        assertTrue(t.contains("<script>alert('x')</script>"), t::toString);
        assertTrue(t.contains("a&b"), t::toString);
    }

    @Test
    void mlpGraphAfterForwardAndBackwardIsDrawn() throws Exception {
        ComputationalGraph cg = new ComputationalGraph();
        Connection x = cg.input("x");
        Connection y = cg.input("y");
        Connection w1 = cg.variable(Tensor.randomNormal(3, 4, 8), "W1");
        Connection b1 = cg.variable(Tensor.zeros(8), "b1");
        Connection w2 = cg.variable(Tensor.randomNormal(4, 8, 3), "W2");
        Connection b2 = cg.variable(Tensor.zeros(3), "b2");
        Connection h = cg.relu(cg.sum(cg.matrixMultiply(x, w1), b1), "h");
        Connection scores = cg.sum(cg.matrixMultiply(h, w2), b2, "scores");
        Connection logp = cg.logSoftmax(scores, 1);
        Connection loss = cg.negate(cg.mean(cg.reduceSum(cg.multiply(y, logp), 1)), "loss");
        Tensor xs = Tensor.randomNormal(5, 2, 4);
        Tensor ys = Tensor.matrix(new double[]{1, 0, 0}, new double[]{0, 0, 1});
        SimulationContext ctx = new SimulationContext().forward(cg, Map.of(x, xs, y, ys));
        ctx.backward(cg, loss);
        String svg = GraphSvg.render(cg, ctx);
        Samples.write("graph-mlp-backward.svg", svg);
        Samples.write("graph-mlp.svg", GraphSvg.render(cg));
        List<String> t = texts(svg);
        for (String label : List.of("W1", "b1", "W2", "b2", "x", "y", "matrixMultiply", "relu", "logSoftmax", "axis=1",
                "variable", "input")) {
            assertTrue(t.contains(label), label + " in " + t);
        }
        assertTrue(t.stream().anyMatch(s -> s.startsWith("loss")), t::toString);
        assertTrue(t.contains("∂L = 1"), "the loss's own gradient: " + t);
    }

    @Test
    void emptyGraphSaysSoInsteadOfABlankBox() throws Exception {
        String svg = GraphSvg.render(new ComputationalGraph(), new SimulationContext());
        assertEquals("svg", parse(svg).getDocumentElement().getLocalName());
        assertEquals(List.of("empty graph: nothing added yet (cg.constant, cg.variable, cg.sum, ...)"), texts(svg));
    }

    @Test
    void deepGraphsReadTopToBottomAndModeOpsSayTheirMode() throws Exception {
        ComputationalGraph cg = new ComputationalGraph();
        org.deeptoy.graph.Connection h = cg.input("x");
        for (int i = 0; i < 8; i++) h = cg.relu(h);
        cg.dropout(h, 0.5);
        String svg = GraphSvg.render(cg, null);
        assertTrue(texts(svg).contains("training / inference"), texts(svg)::toString);
        // Top to bottom: the first op sits above the last one.
        org.w3c.dom.NodeList rects = parse(svg).getElementsByTagNameNS("http://www.w3.org/2000/svg", "rect");
        double firstY = Double.NaN, lastY = Double.NaN;
        for (int i = 0; i < rects.getLength(); i++) {
            org.w3c.dom.Element r = (org.w3c.dom.Element) rects.item(i);
            if (r.getAttribute("y").isEmpty() || !"#dbe9f6".equals(r.getAttribute("fill"))) continue;
            double y = Double.parseDouble(r.getAttribute("y"));
            if (Double.isNaN(firstY)) firstY = y;
            lastY = y;
        }
        assertTrue(lastY > firstY + 300, firstY + " .. " + lastY);
    }
}
