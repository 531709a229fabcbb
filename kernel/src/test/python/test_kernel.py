"""DeepToy kernel through real Jupyter clients. Needs JUPYTER_PATH pointing at an installed kernelspec."""
import base64
import os
import re
import subprocess
import sys
import tempfile
import time
import unittest

import jupyter_client
import jupyter_kernel_test


class DeepToyConformance(jupyter_kernel_test.KernelTests):
    kernel_name = "deeptoy"
    language_name = "java"
    file_extension = ".java"
    code_hello_world = 'System.out.println("hello, world");'
    code_stderr = 'System.err.println("oops");'
    code_generate_error = 'throw new IllegalStateException("boom");'
    code_execute_result = [
        {"code": "1 + 1", "result": "2"},
        {"code": 'var s = "deep" + "toy";\ns.length()', "result": "7"},
        {"code": "Tensor.scalar(3).item()", "result": "3.0"},
    ]
    code_display_data = [
        {"code": "display(Tensor.of(new double[]{1, 2}, 2));", "mime": "text/html"},
    ]
    completion_samples = [
        {"text": "Tenso", "matches": {"Tensor", "TensorFunction"}},  # TensorFunction: the course checks' type (org.deeptoy.course.*)
    ]
    complete_code_samples = ["1 + 1", "int x = 1;", "for (int i = 0; i < 2; i++) {}"]
    incomplete_code_samples = ["for (int i = 0; i < 2; i++) {", "int x = (1 +"]
    invalid_code_samples = ["int x = 1 +* 2;)"]
    code_clear_output = 'System.out.println("soon gone");\nclearOutput(false);'
    code_inspect_sample = "Tensor"
    code_history_pattern = "1?+*"
    supported_history_operations = ("tail", "range", "search")


class Session:
    def __init__(self):
        self.km, self.kc = jupyter_client.manager.start_new_kernel(kernel_name="deeptoy")

    def run(self, code, timeout=30, **kw):
        out = []
        reply = self.kc.execute_interactive(
            code, output_hook=lambda m: out.append(m), timeout=timeout, **kw)
        return reply["content"], out

    def close(self):
        self.kc.stop_channels()
        self.km.shutdown_kernel(now=True)


class DeepToyProtocol(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.s = Session()

    @classmethod
    def tearDownClass(cls):
        cls.s.close()

    def outputs(self, out, kind):
        return [m["content"] for m in out if m["msg_type"] == kind]

    def test_interrupt_stops_busy_loop_and_keeps_variables(self):
        self.s.run("int kept = 41;")
        msg_id = self.s.kc.execute("while (true) {}")
        time.sleep(1.0)
        self.s.km.interrupt_kernel()
        reply = self.s.kc.get_shell_msg(timeout=20)
        self.assertEqual(reply["parent_header"]["msg_id"], msg_id)
        content, _ = self.s.run("kept + 1")
        self.assertEqual(content["status"], "ok")

    def interrupt_after(self, code, seconds=1.0, started=None):
        """Runs code, interrupts it `seconds` after it started (after the cell's first iopub message
        that `started` accepts, when given: a loaded machine may take seconds to compile the cell),
        returns the execute reply and the cell's error output."""
        msg_id = self.s.kc.execute(code)
        errors = []
        while started is not None:
            m = self.s.kc.get_iopub_msg(timeout=60)
            if m["parent_header"].get("msg_id") != msg_id:
                continue
            if m["msg_type"] == "error":
                errors.append(m["content"])
            if started(m):
                break
        time.sleep(seconds)
        self.s.km.interrupt_kernel()
        reply = self.s.kc.get_shell_msg(timeout=20)
        self.assertEqual(reply["parent_header"]["msg_id"], msg_id)
        while True:
            m = self.s.kc.get_iopub_msg(timeout=10)
            if m["parent_header"].get("msg_id") != msg_id:
                continue
            if m["msg_type"] == "error":
                errors.append(m["content"])
            if m["msg_type"] == "status" and m["content"]["execution_state"] == "idle":
                break
        return reply["content"], errors

    def test_interrupt_stops_sleep_and_wait_and_keeps_variables(self):
        self.s.run("int keptToo = 9;")
        # a second sleep after the first: the interrupt must end the cell, not only the snippet
        for code in ["Thread.sleep(60000);\nThread.sleep(60000);",
                     "Object lock = new Object();\nsynchronized (lock) { lock.wait(); }",
                     "for (int i = 0; i < 1000; i++) {\n  try { Thread.sleep(60000); } catch (InterruptedException e) {}\n}"]:
            with self.subTest(code=code):
                reply, errors = self.interrupt_after(code)
                self.assertEqual(reply["status"], "error")
                self.assertEqual(errors[0]["ename"], "Interrupted")
                self.assertIn("cell line", "\n".join(errors[0]["traceback"]))
                content, out = self.s.run("keptToo + 1", timeout=10)
                self.assertEqual(self.outputs(out, "execute_result")[0]["data"]["text/plain"], "10")

    def test_out_of_memory_is_explained_and_kernel_survives(self):
        self.s.run("int beforeOom = 5;")
        for code in ["var huge = new double[Integer.MAX_VALUE - 8];",
                     "{\n  var chunks = new ArrayList<double[]>();\n  while (true) chunks.add(new double[10_000_000]);\n}"]:
            with self.subTest(code=code):
                content, out = self.s.run(code, timeout=120)
                self.assertEqual(content["status"], "error")
                error = self.outputs(out, "error")[0]
                self.assertEqual(error["ename"], "OutOfMemoryError")
                tb = "\n".join(error["traceback"])
                self.assertIn("more memory than the kernel has", tb)
                self.assertIn("install.sh --memory", tb)
                content, out = self.s.run("beforeOom * 2")
                self.assertEqual(self.outputs(out, "execute_result")[0]["data"]["text/plain"], "10")

    def test_kernel_info_names_java_as_front_ends_map_it(self):
        lang = self.s.kc.kernel_info(reply=True, timeout=30)["content"]["language_info"]
        # JupyterLab 4 / Notebook 7 resolve codemirror_mode by name ("java" -> @codemirror/lang-java);
        # their Java mode's MIME is text/x-java, its extension .java; nbconvert's HTML uses pygments_lexer
        self.assertEqual(lang["name"], "java")
        self.assertEqual(lang["codemirror_mode"], "java")
        self.assertEqual(lang["mimetype"], "text/x-java")
        self.assertEqual(lang["file_extension"], ".java")
        import pygments.lexers
        self.assertEqual(pygments.lexers.get_lexer_by_name(lang["pygments_lexer"]).name, "Java")
        _, out = self.s.run('System.getProperty("java.specification.version")')
        feature = self.outputs(out, "execute_result")[0]["data"]["text/plain"].strip('"')
        self.assertRegex(lang["version"], r"^%s(\.\d+)*$" % feature)

    def test_display_as_last_line_shows_once_without_out(self):
        _, out = self.s.run('display("shown once")')
        self.assertEqual(len(self.outputs(out, "display_data")), 1)
        self.assertEqual(self.outputs(out, "execute_result"), [])
        _, out = self.s.run('var h = display("v1");\nh.update("v2");\nh')
        self.assertEqual(len(self.outputs(out, "update_display_data")), 1)
        self.assertEqual(self.outputs(out, "execute_result"), [])

    def test_inspect_shows_deeptoy_javadoc(self):
        self.s.run("var cgInspect = new ComputationalGraph();")
        for code, words in [("ComputationalGraph", "Building the graph computes nothing"),
                            ("cgInspect.matrixMultiply(", "Matrix product")]:
            with self.subTest(code=code):
                msg_id = self.s.kc.inspect(code, len(code))
                reply = self.s.kc.get_shell_msg(timeout=20)
                self.assertEqual(reply["parent_header"]["msg_id"], msg_id)
                self.assertTrue(reply["content"]["found"])
                self.assertIn(words, reply["content"]["data"]["text/plain"])

    def test_show_draws_graph_with_values_and_gradients(self):
        _, out = self.s.run("var cgShow = new ComputationalGraph();\n"
                            "var a = cgShow.variable(1.5, \"a\");\n"
                            "var s = cgShow.sum(a, cgShow.constant(2), \"s\");\n"
                            "var ctxShow = new SimulationContext().forward(cgShow);\n"
                            "ctxShow.backward(cgShow, s);\n"
                            "show(cgShow, ctxShow)")
        shown = self.outputs(out, "display_data")
        self.assertEqual(len(shown), 1)
        self.assertEqual(self.outputs(out, "execute_result"), [])
        svg = shown[0]["data"]["image/svg+xml"]
        self.assertIn("= 3.5", svg)
        self.assertIn("∂L = 1", svg)
        # the same picture as PNG, for front ends that withhold SVG from an untrusted notebook
        png = base64.b64decode(shown[0]["data"]["image/png"])
        self.assertEqual(png[:8], b"\x89PNG\r\n\x1a\n")
        width = int.from_bytes(png[16:20], "big")
        self.assertEqual(width, int(re.search(r'<svg [^>]*width="([0-9]+)"', svg).group(1)))

    def test_fit_shows_live_progress_and_history_chart(self):
        _, out = self.s.run(
            "var xorData = new Dataset(\"xor\", Tensor.matrix(new double[]{0, 0}, new double[]{0, 1},\n"
            "    new double[]{1, 0}, new double[]{1, 1}), new int[]{0, 1, 1, 0}, List.of(\"0\", \"1\"));\n"
            "var mlp = Mlp.builder().layers(2, 4, 2).seed(1).build();\n"
            "mlp.fit(xorData, new FitOptions().epochs(40).batchSize(2).seed(1))", timeout=120)
        shown = self.outputs(out, "display_data")
        self.assertEqual(len(shown), 2)
        bar_id = shown[0]["transient"]["display_id"]
        chart_id = shown[1]["transient"]["display_id"]
        self.assertIn("<progress", shown[0]["data"]["text/html"])
        self.assertIn("image/png", shown[1]["data"])
        updates = self.outputs(out, "update_display_data")
        final_bar = [u for u in updates if u["transient"]["display_id"] == bar_id][-1]
        self.assertIn("epoch 40/40", final_bar["data"]["text/plain"])
        self.assertTrue(any(u["transient"]["display_id"] == chart_id for u in updates))
        result = self.outputs(out, "execute_result")[0]["data"]
        self.assertIn("image/png", result)
        self.assertIn("History of", result["text/plain"])

    def test_interrupt_stops_a_long_fit_between_batches(self):
        self.s.run("var xorLong = new Dataset(\"xor\", Tensor.matrix(new double[]{0, 0}, new double[]{0, 1},\n"
                   "    new double[]{1, 0}, new double[]{1, 1}), new int[]{0, 1, 1, 0}, List.of(\"0\", \"1\"));\n"
                   "var longMlp = Mlp.builder().layers(2, 4, 2).seed(1).build();")
        reply, errors = self.interrupt_after(
            "var longHistory = longMlp.fit(xorLong, new FitOptions().epochs(1_000_000).batchSize(2));", 1.0,
            started=lambda m: m["msg_type"] == "display_data")  # the live progress bar: training runs
        self.assertEqual(reply["status"], "error")
        self.assertEqual(errors[0]["ename"], "Interrupted")
        content, out = self.s.run("longHistory.stopped()")
        self.assertIn("Training interrupted", self.outputs(out, "execute_result")[0]["data"]["text/plain"])
        content, out = self.s.run("longMlp.score(xorLong) >= 0")
        self.assertEqual(self.outputs(out, "execute_result")[0]["data"]["text/plain"], "true")

    def test_stop_on_error_aborts_queued_cells(self):
        first = self.s.kc.execute('throw new RuntimeException("first");')
        second = self.s.kc.execute("int neverRuns = 1;")
        replies = {}
        while len(replies) < 2:
            m = self.s.kc.get_shell_msg(timeout=30)
            replies[m["parent_header"]["msg_id"]] = m["content"]["status"]
        self.assertEqual(replies[first], "error")
        self.assertEqual(replies[second], "aborted")
        content, _ = self.s.run("int runsAfterwards = 1;")
        self.assertEqual(content["status"], "ok")

    def test_update_display_reuses_display_id(self):
        _, out = self.s.run('var id = display("first");\nupdateDisplay(id, "second");')
        shown = self.outputs(out, "display_data")
        updated = self.outputs(out, "update_display_data")
        self.assertEqual(len(shown), 1)
        self.assertEqual(len(updated), 1)
        self.assertEqual(shown[0]["transient"]["display_id"], updated[0]["transient"]["display_id"])
        self.assertIn("second", updated[0]["data"]["text/plain"])

    def test_compile_error_shows_line_column_and_caret(self):
        content, out = self.s.run('int a = 1;\nint b = "x";')
        self.assertEqual(content["status"], "error")
        tb = "\n".join(self.outputs(out, "error")[0]["traceback"])
        self.assertIn("cell line 2, column 9", tb)
        self.assertIn('int b = "x";', tb)
        self.assertIn("^^^", tb)

    def test_runtime_error_names_cell_line_without_jshell_frames(self):
        content, out = self.s.run("int[] arr = new int[2];\nint bad = arr[5];")
        tb = "\n".join(self.outputs(out, "error")[0]["traceback"])
        self.assertIn("ArrayIndexOutOfBoundsException", tb)
        self.assertIn("cell line 2", tb)
        self.assertNotIn("jdk.jshell", tb)

    def test_system_exit_is_reported_and_kernel_survives(self):
        self.s.run("int survivor = 7;")
        content, out = self.s.run("System.exit(3);")
        self.assertEqual(content["status"], "error")
        content, out = self.s.run("survivor")
        self.assertEqual(self.outputs(out, "execute_result")[0]["data"]["text/plain"], "7")

    def test_stack_overflow_is_reported_and_kernel_survives(self):
        self.s.run("int depth(int n) { return depth(n + 1) + 1; }")
        content, out = self.s.run("depth(0)")
        self.assertEqual(content["status"], "error")
        self.assertIn("StackOverflowError", self.outputs(out, "error")[0]["ename"])
        content, _ = self.s.run("1 + 1")
        self.assertEqual(content["status"], "ok")


class StuckCell(unittest.TestCase):
    def test_cell_blocked_in_native_io_says_to_restart(self):
        s = Session()
        try:
            msg_id = s.kc.execute("var server = new java.net.ServerSocket(0);\n"
                                  "System.out.println(\"accepting\");\nserver.accept();")
            while True:  # a loaded machine may take seconds to compile the cell: wait until it blocks
                m = s.kc.get_iopub_msg(timeout=60)
                if m["parent_header"].get("msg_id") == msg_id and m["msg_type"] == "stream" \
                        and "accepting" in m["content"]["text"]:
                    break
            time.sleep(0.5)
            s.km.interrupt_kernel()
            stderr = ""
            deadline = time.time() + 20
            while "Kernel > Restart" not in stderr and time.time() < deadline:
                m = s.kc.get_iopub_msg(timeout=20)
                if m["parent_header"].get("msg_id") == msg_id and m["msg_type"] == "stream":
                    stderr += m["content"]["text"]
            self.assertIn("cannot be interrupted", stderr)
            s.km.restart_kernel(now=True)
            s.kc.wait_for_ready(timeout=60)
            reply = s.kc.execute_interactive("1 + 1", timeout=30, output_hook=lambda m: None)
            self.assertEqual(reply["content"]["status"], "ok")
        finally:
            s.close()


class NotebookRun(unittest.TestCase):
    def test_nbconvert_executes_a_notebook(self):
        import nbformat
        nb = nbformat.v4.new_notebook()
        nb.cells = [nbformat.v4.new_code_cell("var g = new ComputationalGraph();\nint n = 2 + 3;"),
                    nbformat.v4.new_code_cell("n * 2")]
        with tempfile.TemporaryDirectory() as d:
            path = os.path.join(d, "nb.ipynb")
            nbformat.write(nb, path)
            subprocess.run([sys.executable, "-m", "nbconvert", "--to", "notebook", "--execute", "--inplace",
                            "--ExecutePreprocessor.kernel_name=deeptoy", path],
                           check=True, capture_output=True, timeout=120)
            done = nbformat.read(path, as_version=4)
            html = subprocess.run([sys.executable, "-m", "nbconvert", "--to", "html", "--stdout", path],
                                  check=True, capture_output=True, timeout=120).stdout.decode()
        self.assertEqual(done.cells[1].outputs[0]["data"]["text/plain"], "10")
        # the kernel's language_info lands in the notebook; the HTML export (nbgrader's feedback)
        # highlights the cells as Java: `int` a keyword type
        self.assertEqual(done.metadata.language_info["codemirror_mode"], "java")
        self.assertIn('<span class="kt">int</span>', html)


if __name__ == "__main__":
    unittest.main()
