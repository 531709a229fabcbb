package org.deeptoy.graph;

import org.deeptoy.tensor.Tensor;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

class GraphDescriptionTest {
    private final ComputationalGraph cg = new ComputationalGraph();
    private final Connection x = cg.input("x");
    private final Connection w = cg.variable(Tensor.zeros(3, 4), "W");
    private final Connection b = cg.variable(Tensor.zeros(3, 1), "b");
    private final Connection z = cg.sum(cg.matrixMultiply(w, x), b, "z");
    private final Connection p = cg.softmax(z, 0, "p");

    private static void assertContains(String part, String text) {
        assertTrue(text.contains(part), () -> "expected\n  " + part + "\nin\n" + text);
    }

    @Test
    void listsConnectionsNodesAndKinds() {
        assertEquals(List.of(x), cg.inputs());
        assertEquals(List.of(w, b), cg.variables());
        assertEquals(3, cg.nodes().size());
        assertEquals(6, cg.connections().size());
        assertEquals(List.of("matrixMultiply", "sum", "softmax"), cg.nodes().stream().map(Node::op).toList());
        assertSame(z, cg.find("z"));
        assertNull(cg.find("nope"));
        assertEquals(List.of(cg.nodes().get(1)), cg.consumers(b));
        assertEquals(Connection.Kind.INPUT, x.kind());
        assertEquals(Connection.Kind.OPERATION, z.kind());
        assertEquals("sum(matrixMultiply#3, b)", z.producer().describe());
        assertEquals("softmax(z, axis=0)", p.producer().describe());
        assertEquals("ComputationalGraph(3 operations, 2 variables, 1 inputs)", cg.toString());
    }

    @Test
    void unnamedConnectionsAreLabelledByKindInEveryLocale() {
        java.util.Locale saved = java.util.Locale.getDefault();
        try {
            java.util.Locale.setDefault(java.util.Locale.forLanguageTag("tr-TR"));   // where "I".toLowerCase() is "ı"
            ComputationalGraph g = new ComputationalGraph();
            Connection in = g.input(null);
            assertEquals("input#0", in.label());
            assertEquals("Connection(input#0, input)", in.toString());
            assertEquals("exp#1", g.exp(in).label());
        } finally {
            java.util.Locale.setDefault(saved);
        }
    }

    @Test
    void dotHasEveryNodeAndEdgeWithNames() {
        String dot = cg.toDot();
        assertTrue(dot.startsWith("digraph G {"), dot);
        assertContains("c0 [shape=ellipse, style=filled, fillcolor=\"#ffffff\", label=\"x\"]", dot);
        assertContains("label=\"W\\n[3, 4]\"", dot);      // variables know their shape before forward
        assertContains("label=\"softmax\\naxis=0\\np\"", dot);
        for (String edge : new String[] {"c1 -> c3", "c0 -> c3", "c3 -> c4", "c2 -> c4", "c4 -> c5"}) assertContains(edge + ";", dot);
        assertEquals(5, dot.split("->", -1).length - 1, dot);
        assertTrue(dot.trim().endsWith("}"), dot);
    }

    @Test
    void dotAfterForwardShowsEveryShape() {
        SimulationContext ctx = new SimulationContext().forward(cg, Map.of(x, Tensor.zeros(4, 5)));
        String dot = cg.toDot(ctx);
        assertContains("label=\"x\\n[4, 5]\"", dot);
        assertContains("label=\"matrixMultiply\\n[3, 5]\"", dot);
        assertContains("label=\"sum\\nz\\n[3, 5]\"", dot);
        assertContains("label=\"softmax\\naxis=0\\np\\n[3, 5]\"", dot);
        assertFalse(cg.toDot().contains("[3, 5]"));
    }

    @Test
    void dotEscapesQuotesInNames() {
        ComputationalGraph g = new ComputationalGraph();
        g.exp(g.constant(1, "say \"hi\""));
        assertContains("label=\"say \\\"hi\\\"\\n[]\"", g.toDot());
    }
}
