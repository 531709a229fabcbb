package org.deeptoy.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.spencerpark.jupyter.kernel.display.DisplayData;
import io.github.spencerpark.jupyter.kernel.display.mime.MIMEType;
import org.deeptoy.graph.ComputationalGraph;
import org.deeptoy.graph.SimulationContext;
import org.junit.jupiter.api.Test;

class DisplayTest {
    @Test
    void graphWithAContextShowsItsValues() {
        var cg = new ComputationalGraph();
        var sum = cg.sum(cg.constant(1), cg.constant(2), "total");
        DisplayData before = Display.render(cg);
        DisplayData after = Display.render(Display.view(cg, new SimulationContext().forward(cg)));
        String svg = (String) after.getData(MIMEType.IMAGE_SVG);
        assertTrue(svg.startsWith("<svg") && svg.contains("= 3"), svg);
        assertTrue(!((String) before.getData(MIMEType.IMAGE_SVG)).contains("= 3"));
        assertEquals("ComputationalGraph with 1 operation (values of the forward pass)", after.getData(MIMEType.TEXT_PLAIN));
        assertEquals("total", sum.label());
    }
}
