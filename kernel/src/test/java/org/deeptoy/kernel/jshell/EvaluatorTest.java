package org.deeptoy.kernel.jshell;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.deeptoy.tensor.Tensor;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class EvaluatorTest {
    private static Evaluator evaluator;

    @BeforeAll
    static void start() {
        evaluator = new Evaluator();
    }

    @AfterAll
    static void stop() {
        evaluator.shell().close();
    }

    @Test
    void cellIsSplitIntoSnippetsWithTheirOffsets() {
        String cell = "int a = 1;\n\nint b = a + 1;\nb";
        List<CellSplitter.Piece> pieces = CellSplitter.split(evaluator.shell().analysis(), cell);
        assertEquals(3, pieces.size());
        assertEquals(cell.indexOf("int b"), pieces.get(1).start());
        assertEquals(cell.lastIndexOf('b'), pieces.get(2).start());
    }

    @Test
    void lastExpressionIsTheLiveValue() throws Exception {
        Object value = evaluator.eval("var t = Tensor.of(new double[] {1, 2, 3}, 3);\nt").value();
        assertTrue(value instanceof Tensor, String.valueOf(value));
        assertEquals(3, ((Tensor) value).size());
    }

    @Test
    void anExpressionEndedWithASemicolonShowsNoValue() throws Exception {
        assertEquals(CellResult.NO_VALUE, evaluator.eval("int n = 2;\nMath.max(n, 3);"));
        assertEquals(3, evaluator.eval("int m = 2;\nMath.max(m, 3)").value());
        assertEquals(CellResult.NO_VALUE, evaluator.eval("Math.max(1, 3); // a comment after it"));
        assertEquals(')', CellSplitter.lastCodeChar("f(\"a;\", ';') /* x; */ // y;"));
    }

    @Test
    void declarationsHaveNoValue() throws Exception {
        assertEquals(CellResult.NO_VALUE, evaluator.eval("int declared = 3;"));
    }

    @Test
    void runtimeErrorNamesTheCellLine() {
        CellException e = assertThrows(CellException.class,
                () -> evaluator.eval("int[] arr = new int[1];\nint bad = arr[2];").value());
        assertEquals("ArrayIndexOutOfBoundsException", e.name());
        assertTrue(String.join("\n", e.lines()).contains("cell line 2"), e.lines().toString());
    }

    @Test
    void stopEndsABlockingCellAndTheRestOfItsSnippets() throws Exception {
        evaluator.eval("int survives = 4;").value();
        for (String cell : List.of("Thread.sleep(60_000);\nThread.sleep(60_000);",
                "Object lock = new Object();\nsynchronized (lock) { lock.wait(); }",
                "while (true) { try { Thread.sleep(60_000); } catch (InterruptedException e) { } }")) {
            Thread stopper = new Thread(() -> {
                while (evaluator.shell().session().running() == null) {
                    Thread.onSpinWait();
                }
                evaluator.stop();
            });
            stopper.start();
            CellException e = assertThrows(CellException.class, () -> evaluator.eval(cell).value(), cell);
            stopper.join();
            assertEquals("Interrupted", e.name(), cell);
            assertEquals(4, evaluator.eval("survives").value());
        }
    }

    @Test
    void outOfMemoryExplainsHowToRaiseTheLimit() {
        CellException e = assertThrows(CellException.class,
                () -> evaluator.eval("var huge = new double[Integer.MAX_VALUE - 8];").value());
        assertEquals("OutOfMemoryError", e.name());
        assertTrue(String.join("\n", e.lines()).contains("install/install.sh --memory"), e.lines().toString());
    }

    @Test
    void inspectShowsDeepToyJavadoc() throws Exception {
        String cls = new CodeInsight(evaluator.shell()).documentation("ComputationalGraph", "ComputationalGraph".length());
        assertTrue(cls.contains("Building the graph computes nothing"), cls);
        assertTrue(cls.contains("SimulationContext runs it"), "{@link} unwrapped: " + cls);
        evaluator.eval("var cgDoc = new ComputationalGraph();").value();
        String code = "cgDoc.matrixMultiply(";
        String method = new CodeInsight(evaluator.shell()).documentation(code, code.length());
        assertTrue(method.contains("matrixMultiply(Connection a, Connection b)"), method);
        assertTrue(method.contains("Matrix product of a [m, k] and b [k, n]"), method);
    }

    @Test
    void javadocTagsBecomePlainText() {
        String text = JavadocText.format("Adds {@code new double[]{1, 2}} to {@link Tensor#add the sum}.<p>"
                + "See {@link Tensor#shape}.\n@param x the input\n@return x &lt; 2");
        assertEquals("Adds new double[]{1, 2} to the sum.\nSee Tensor.shape.\nParameter: x the input\nReturns: x < 2",
                text);
    }

    @Test
    void incompleteCodeAsksForIndentAndBrokenCodeIsInvalid() {
        assertEquals("complete", new CodeInsight(evaluator.shell()).isComplete("int x = 1;"));
        assertEquals("    ", new CodeInsight(evaluator.shell()).isComplete("for (int i = 0; i < 2; i++) {"));
        assertEquals("invalid", new CodeInsight(evaluator.shell()).isComplete("int x = 1 +* 2;)"));
    }

    @Test
    void rebuildCarriesVariablesAndRedeclaresNotebookClasses() throws Exception {
        Evaluator e = new Evaluator();
        try {
            e.eval("List<String> names = new ArrayList<>(List.of(\"a\"));\nint kept = 5;\nrecord P(int x) {}\n"
                    + "P p = new P(3);\nint twice(int v) { return 2 * v; }").value();
            Object names = e.eval("names").value();
            List<String> report = e.shell().rebuild();
            assertTrue(report.get(0).contains("2 variables were carried"), String.join("\n", report));
            assertTrue(String.join("\n", report).contains("p"), String.join("\n", report));
            assertEquals(names, e.eval("names").value());
            assertTrue(names == e.eval("names").value(), "the same live object");
            assertEquals(5, e.eval("kept").value());
            assertEquals(3, e.eval("p.x()").value());
            assertEquals(8, e.eval("twice(4)").value());
        } finally {
            e.shell().close();
        }
    }

    @Test
    void rebuildKeepsAClassThatWaitsForOneDeclaredAfterIt() throws Exception {
        Evaluator e = new Evaluator();
        try {
            assertEquals(CellResult.NO_VALUE, e.eval("class Fa { Fb b; }"));
            List<String> report = e.shell().rebuild();
            assertTrue(!String.join("\n", report).contains("could not be restored"), String.join("\n", report));
            e.eval("class Fb { Fa a; }").value();
            assertEquals(true, e.eval("new Fb().a == null && new Fa().b == null").value());
        } finally {
            e.shell().close();
        }
    }

    @Test
    void rebuiltSessionLetsTheOldClassesGo() throws Exception {
        Evaluator e = new Evaluator();
        try {
            e.eval("record Pt(int a) {}\nvar pt = new Pt(1);").value();
            java.lang.ref.WeakReference<ClassLoader> old = new java.lang.ref.WeakReference<>(
                    e.eval("pt").value().getClass().getClassLoader());
            e.shell().rebuild();
            e.eval("int after = 1;").value();
            e.eval("after + pt.a()").value();
            for (int i = 0; i < 10 && old.get() != null; i++) {
                System.gc();
                Thread.sleep(100);
            }
            assertTrue(old.get() == null, "the old JShell's class loader is still reachable");
        } finally {
            e.shell().close();
        }
    }
}
