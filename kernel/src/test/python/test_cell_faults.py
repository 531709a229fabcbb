"""Faults a student's cell can cause, each through a real Jupyter client (jupyter_client, real sockets).

Every test ends with the same checks: the kernel answers a follow-up request, a variable defined
before the fault still holds its value, and the fault's output names the problem.
Needs JUPYTER_PATH pointing at an installed kernelspec (see JupyterClientTest / CellFaultsTest).
"""
import collections
import os
import subprocess
import time
import unittest

import jupyter_client


class Kernel:
    def __init__(self, env=None):
        extra = {} if env is None else {"env": env}
        self.km, self.kc = jupyter_client.manager.start_new_kernel(kernel_name="deeptoy", **extra)

    def run(self, code, timeout=60, stdin_hook=None):
        """Runs a cell; returns (reply content, all iopub messages of the cell)."""
        out = []
        kw = {"allow_stdin": stdin_hook is not None}
        if stdin_hook is not None:
            kw["stdin_hook"] = stdin_hook
        try:
            reply = self.kc.execute_interactive(code, output_hook=out.append, timeout=timeout, **kw)
        except TimeoutError:
            raise AssertionError(f"no reply within {timeout} s; {self.diagnosis(out)}") from None
        return reply["content"], out

    def diagnosis(self, out):
        """What arrived of a cell that timed out, and the kernel's Java threads (jcmd): why it hung."""
        kinds = collections.Counter(m["msg_type"] for m in out)
        pid = self.km.provisioner.process.pid  # the launcher execs java
        jcmd = os.path.join(os.path.dirname(os.path.realpath(f"/proc/{pid}/exe")), "jcmd")
        try:
            threads = subprocess.run([jcmd, str(pid), "Thread.print"], capture_output=True, text=True,
                                     timeout=60).stdout
        except (OSError, subprocess.SubprocessError) as e:
            threads = f"(no thread dump: {e})"
        return f"messages of the cell so far: {dict(kinds)}; kernel threads:\n{threads}"

    def interrupt_after(self, code, seconds, timeout=30):
        """Starts a cell, interrupts it after `seconds`; returns (reply, messages, reply delay in s)."""
        msg_id = self.kc.execute(code)
        time.sleep(seconds)
        t0 = time.time()
        self.km.interrupt_kernel()
        reply = self.kc.get_shell_msg(timeout=timeout)
        delay = time.time() - t0
        assert reply["parent_header"]["msg_id"] == msg_id
        return reply["content"], self.until_idle(msg_id), delay

    def until_idle(self, msg_id, timeout=30):
        out = []
        deadline = time.time() + timeout
        while time.time() < deadline:
            m = self.kc.get_iopub_msg(timeout=timeout)
            if m["parent_header"].get("msg_id") != msg_id:
                continue
            if m["msg_type"] == "status" and m["content"]["execution_state"] == "idle":
                return out
            out.append(m)
        raise AssertionError("no idle status for " + msg_id)

    def close(self):
        self.kc.stop_channels()
        self.km.shutdown_kernel(now=True)


def text_of(out):
    """Everything a person would read under the cell: streams, tracebacks, results."""
    parts = []
    for m in out:
        c = m["content"]
        if m["msg_type"] == "stream":
            parts.append(c["text"])
        elif m["msg_type"] == "error":
            parts.append(c["ename"] + ": " + c["evalue"] + "\n" + "\n".join(c["traceback"]))
        elif m["msg_type"] in ("execute_result", "display_data", "update_display_data"):
            parts.append(str(c["data"].get("text/plain")))
    return "\n".join(parts)


def count(out, kind):
    return sum(1 for m in out if m["msg_type"] == kind)


class CellFaults(unittest.TestCase):
    k = None

    @classmethod
    def setUpClass(cls):
        cls.k = Kernel()
        content, _ = cls.k.run("int faultKept = 41;\nList<String> names = new ArrayList<>(List.of(\"ada\"));")
        assert content["status"] == "ok", content

    @classmethod
    def tearDownClass(cls):
        cls.k.close()

    def survived(self):
        """The kernel answers, and variables of earlier cells hold their values."""
        content, out = self.k.run("faultKept + 1 + \" \" + names", timeout=30)
        self.assertEqual(content["status"], "ok", text_of(out))
        self.assertEqual(text_of(out), "42 [ada]")

    def fault(self, code, *words, status="error", timeout=60):
        """Runs a faulty cell, checks its status and that its output names the problem."""
        content, out = self.k.run(code, timeout=timeout)
        shown = text_of(out)
        self.assertEqual(content["status"], status, shown[:3000])
        for w in words:
            self.assertIn(w, shown, shown[:3000])
        self.survived()
        return out

    # ---- rendering the value is part of the cell
    def test_value_whose_tostring_throws_is_reported(self):
        self.k.run('class Throws { public String toString() { throw new IllegalStateException("no text"); } }')
        self.fault("new Throws()", "could not be shown", "Throws", "IllegalStateException", "no text")

    def test_value_whose_tostring_loops_obeys_interrupt(self):
        self.k.run("class Loops { public String toString() { while (true) {} } }")
        reply, out, delay = self.k.interrupt_after("new Loops()", 1.0)
        self.assertEqual(reply["status"], "error")
        self.assertIn("Interrupted", text_of(out))
        self.assertLess(delay, 10)
        self.survived()

    def test_display_of_value_whose_tostring_throws(self):
        self.k.run('class Throws2 { public String toString() { throw new RuntimeException("display boom"); } }')
        self.fault("display(new Throws2());", "display boom")

    def test_tostring_returning_null_shows_null(self):
        out = self.fault("new Object() { public String toString() { return null; } }", "null", status="ok")
        self.assertEqual(count(out, "execute_result"), 1)

    def test_display_of_null(self):
        self.fault("display(null);", "null", status="ok")

    def test_huge_string_value_is_cut(self):
        out = self.fault('"x".repeat(5_000_000)', "more not shown", status="ok")
        self.assertLess(len(text_of(out)), 200_000)

    # ---- stream output
    def test_endless_println_obeys_interrupt_promptly(self):
        for _ in range(3):  # again and again in one session
            reply, out, delay = self.k.interrupt_after('while (true) System.out.println("spam spam spam");', 1.0)
            self.assertEqual(reply["status"], "error")
            self.assertIn("Interrupted", text_of(out))
            self.assertLess(delay, 10)
        self.survived()

    def test_ten_megabytes_printed_are_capped_with_a_note(self):
        t0 = time.time()
        out = self.fault('for (int i = 0; i < 200_000; i++) System.out.println("line " + i + " " + "#".repeat(40));',
                         "more output not shown", "line 199999", status="ok", timeout=120)
        self.assertLess(count(out, "stream"), 400, "output is coalesced, not one message per println")
        self.assertLess(time.time() - t0, 60)

    def test_stderr_flood_is_capped_too(self):
        self.fault('for (int i = 0; i < 100_000; i++) System.err.println("warning " + i + " " + "!".repeat(30));',
                   "more output not shown", status="ok", timeout=120)

    def test_one_long_line_without_newline_is_capped(self):
        self.fault('System.out.print("y".repeat(3_000_000));', "more output not shown", status="ok")

    def test_output_keeps_its_order_with_displays(self):
        _, out = self.k.run('System.out.println("first");\ndisplay("second");\nSystem.out.println("third");')
        seen = [m["msg_type"] for m in out if m["msg_type"] in ("stream", "display_data")]
        self.assertEqual(seen, ["stream", "display_data", "stream"])
        self.survived()

    def test_print_from_a_thread_after_the_cell_lands_in_that_cell(self):
        msg_id = self.k.kc.execute('new Thread(() -> { try { Thread.sleep(500); } catch (Exception e) {}\n'
                                   '  System.out.println("late hello"); }).start();')
        self.k.kc.get_shell_msg(timeout=30)
        deadline = time.time() + 10
        late = ""
        while "late hello" not in late and time.time() < deadline:
            m = self.k.kc.get_iopub_msg(timeout=10)
            if m["msg_type"] == "stream" and m["parent_header"].get("msg_id") == msg_id:
                late += m["content"]["text"]
        self.assertIn("late hello", late)
        self.survived()

    def test_lone_surrogate_and_binary_bytes_print(self):
        self.fault('System.out.println("half \\uD800 pair");\n'
                   'System.out.write(new byte[]{(byte) 0xff, (byte) 0xfe, 0, 7, 65}, 0, 5);\n'
                   'System.out.println();', "half", "A", status="ok")

    def test_system_out_closed_by_a_cell_works_again(self):
        self.k.run("System.out.close();")
        self.fault('System.out.println("still printing");', "still printing", status="ok")

    def test_system_out_replaced_by_a_cell_works_again(self):
        self.k.run("System.setOut(new java.io.PrintStream(java.io.OutputStream.nullOutputStream()));")
        self.fault('System.out.println("back again");', "back again", status="ok")

    def test_clear_output_storm_is_coalesced(self):
        out = self.fault('for (int i = 0; i < 100_000; i++) { System.out.println("frame " + i); clearOutput(true); }\n'
                         'System.out.println("done");', "done", status="ok", timeout=120)
        self.assertLess(len(out), 2000)

    def test_update_display_storm_is_coalesced(self):
        out = self.fault('var bar = display("0");\nfor (int i = 1; i <= 100_000; i++) bar.update("" + i);',
                         "100000", status="ok", timeout=120)
        self.assertLess(count(out, "update_display_data"), 2000)

    def test_display_storm_is_capped_with_a_note(self):
        self.fault('for (int i = 0; i < 5000; i++) display("d" + i);', "more displays not shown", status="ok",
                   timeout=120)

    # ---- threads
    def test_exception_in_a_thread_is_shown_with_its_name(self):
        self.fault('var t = new Thread(() -> { throw new IllegalStateException("worker failed"); }, "worker-1");\n'
                   't.start(); t.join();', 'Exception in thread "worker-1"', "worker failed", status="ok")

    def test_exception_in_a_daemon_thread_is_shown(self):
        self.fault('var d = new Thread(() -> { throw new ArithmeticException("daemon failed"); }, "daemon-1");\n'
                   'd.setDaemon(true); d.start(); d.join();', 'Exception in thread "daemon-1"', "daemon failed",
                   status="ok")

    def test_thread_left_running_does_not_block_later_cells(self):
        self.k.run('new Thread(() -> { try { Thread.sleep(20_000); } catch (InterruptedException e) {} }).start();')
        t0 = time.time()
        self.fault("1 + 1", "2", status="ok", timeout=15)
        self.assertLess(time.time() - t0, 10)

    def test_interrupt_flag_left_by_a_cell_does_not_leak(self):
        self.k.run("Thread.currentThread().interrupt();")
        self.fault('Thread.sleep(10);\n"slept"', "slept", status="ok")

    def test_context_class_loader_sees_notebook_classes(self):
        self.k.run("record Seen(int a) {}")
        self.fault("Thread.currentThread().getContextClassLoader() == Seen.class.getClassLoader()", "true",
                   status="ok")

    def test_deep_recursion(self):
        self.k.run("int down(int n) { return down(n + 1) + 1; }")
        out = self.fault("down(0)", "StackOverflowError", "must reach a case that returns",
                         "at down (", "the line above")
        # the recursion is one line and a count, not a thousand frames
        self.assertLess(len(text_of(out).splitlines()), 20, text_of(out))

    # ---- compile errors are errors
    def test_code_too_large_is_an_error(self):
        values = ",".join(str(i) for i in range(16000))
        self.fault("int[] big80 = {" + values + "};", "code too large", "read the values")

    def test_too_many_constants_recovers_the_session(self):
        self.k.run("record Point(int x, int y) {}\nPoint pt = new Point(1, 2);")
        values = ",".join(str(100000 + i) for i in range(150000))
        self.fault("int[] big1m = {" + values + "};", "too many constants", "fresh Java session",
                   "variables were carried over", timeout=180)
        self.fault("6 * 7 + pt.x()", "43", status="ok")

    def test_unclosed_comment_is_reported_with_its_line(self):
        self.fault("int a1 = 1;\n/* unclosed\nint b1 = 2;", "never closed", "cell line 2", "nothing in the cell ran")

    def test_unclosed_string(self):
        self.fault('String s1 = "no end;\nint c1 = 3;', "unclosed string literal", "cell line 1")

    def test_unclosed_brace(self):
        self.fault("for (int i = 0; i < 3; i++) {\n  System.out.println(i);", "never closed with }")

    def test_half_defined_method_says_what_is_missing(self):
        self.fault("void useLater() { notYet(); }", "cannot be used until", "notYet", status="ok")

    def test_calling_an_unresolved_method_names_what_is_missing(self):
        self.k.run("void useLater2() { notYet2(); }")
        self.fault("useLater2()", "useLater2 cannot run until method notYet2() is defined")

    def test_overload_calling_an_earlier_overload_works_or_says_why(self):
        # JDK 17's JShell compiles each method alone (inside train, train means only itself); JDK 25's finds
        # the other overload. Either the call works or the student is told why and what to do.
        content, out = self.k.run("double train(int a, int b, int c, int d) { return a + b + c + d; }\n"
                                  "double train(int a, int b) { return train(a, b, 0, 0); }")
        shown = text_of(out)
        self.assertEqual(content["status"], "ok", shown)
        if "cannot be used until" in shown:
            for w in ("train is defined, but cannot be used until its error is fixed",
                      "cannot be applied to given types", "give one of them another name"):
                self.assertIn(w, shown)
            self.fault("train(1, 2)", "train cannot run until its error is fixed", "another name")
        else:
            self.assertEqual(shown, "")
            self.fault("train(1, 2)", "3.0", status="ok")

    def test_redefined_class_says_which_variables_were_reset(self):
        self.k.run("class Box { int a = 1; }\nBox box = new Box();")
        self.fault("class Box { int a = 1; int b = 2; }", "box", "reset", status="ok")

    # ---- imports
    def test_import_that_would_delete_variables_is_undone(self):
        self.fault("import java.awt.*;", "was not applied", "variable names", "List: java.util.List and java.awt.List")
        self.fault("names.get(0)", "ada", status="ok")
        # the refused import took nothing with it: java.util.* is still in effect, java.awt.* is not
        self.fault("List<Integer> afterRefusal = new ArrayList<>(List.of(5));\nafterRefusal", "[5]", status="ok")
        self.fault("Checkbox.class", "cannot find symbol", "Checkbox")

    def test_single_import_that_shadows_is_undone(self):
        self.fault("import java.awt.List;", "was not applied", "names", "List: java.util.List and java.awt.List")

    def test_harmless_import_keeps_values(self):
        self.k.run("record Pair(int a, int b) {}\nPair pair = new Pair(3, 4);")
        self.k.run("import java.awt.Color;")
        self.fault("pair.a() + pair.b()", "7", status="ok")

    # ---- stdin
    def test_stdin_not_allowed_says_so(self):
        self.fault("new Scanner(System.in).nextLine()", "does not allow input")

    def test_stdin_allowed_uses_input_request(self):
        kc = self.k.kc
        asked = []

        def answer(msg):
            asked.append(msg["content"])
            kc.input("typed by a person")

        content, out = self.k.run('var sc = new Scanner(System.in);\n"got: " + sc.nextLine()', stdin_hook=answer)
        self.assertEqual(content["status"], "ok", text_of(out))
        self.assertEqual(len(asked), 1)
        self.assertIn("got: typed by a person", text_of(out))
        self.survived()

    def test_interrupt_while_waiting_for_input(self):
        msg_id = self.k.kc.execute("new Scanner(System.in).nextLine()", allow_stdin=True)
        req = self.k.kc.get_stdin_msg(timeout=20)
        self.assertEqual(req["msg_type"], "input_request")
        self.k.km.interrupt_kernel()
        reply = self.k.kc.get_shell_msg(timeout=20)
        self.assertEqual(reply["parent_header"]["msg_id"], msg_id)
        self.assertEqual(reply["content"]["status"], "error")
        self.assertIn("interrupted", text_of(self.k.until_idle(msg_id)).lower())
        self.survived()

    # ---- odd but valid cells and requests
    def test_cell_with_only_comments(self):
        out = self.fault("// nothing here\n/* nor here */", status="ok")
        self.assertEqual(count(out, "error"), 0)

    def test_empty_cell(self):
        self.fault("   \n\n", status="ok")

    def test_unicode_identifiers(self):
        self.fault("int größe = 3;\nString 名前 = \"ok\";\ngröße * 2 + 名前", "6ok", status="ok")

    def test_negative_completion_cursor_gives_no_matches(self):
        msg_id = self.k.kc.complete("Tens", -5)
        reply = self.k.kc.get_shell_msg(timeout=20)
        self.assertEqual(reply["parent_header"]["msg_id"], msg_id)
        self.assertEqual(reply["content"]["status"], "ok")
        self.assertEqual(reply["content"]["matches"], [])
        self.survived()

    def test_cursor_past_the_end_for_inspect(self):
        self.k.kc.inspect("Tensor", 999)
        reply = self.k.kc.get_shell_msg(timeout=20)
        self.assertEqual(reply["content"]["status"], "ok")
        self.survived()

    def test_exception_whose_message_is_null(self):
        self.fault("throw new RuntimeException();", "RuntimeException")

    def test_exception_whose_get_message_throws(self):
        self.fault("throw new RuntimeException() { public String getMessage() { throw new IllegalStateException(); } };",
                   "getMessage() threw")

    def test_exception_whose_get_message_loops_obeys_interrupt(self):
        reply, out, delay = self.k.interrupt_after(
            "throw new RuntimeException() { public String getMessage() { while (true) {} } };", 1.0)
        self.assertEqual(reply["status"], "error")
        self.assertIn("Interrupted", text_of(out))
        self.assertLess(delay, 10)
        self.survived()

    def test_interrupt_while_compiling(self):
        values = ",".join(str(i) for i in range(6000))
        reply, out, _ = self.k.interrupt_after("int[] compiling = {" + values + "};\nThread.sleep(60_000);", 0.2)
        self.assertEqual(reply["status"], "error")
        self.assertIn("Interrupted", text_of(out))
        self.survived()


    # ---- magics
    def test_maven_adds_a_real_artifact(self):
        self.fault("%maven org.apache.commons:commons-lang3:3.17.0\n"
                   "org.apache.commons.lang3.StringUtils.capitalize(\"deep\")", "commons-lang3-3.17.0.jar", "Deep",
                   status="ok", timeout=180)

    def test_maven_unknown_artifact_names_it(self):
        self.fault("%maven org.deeptoy.nonexistent:nothing:9.9.9", "org.deeptoy.nonexistent:nothing", "could not resolve",
                   timeout=180)

    def test_maven_bad_coordinates(self):
        self.fault("%maven not-an-artifact", "group:artifact:version")

    def test_classpath_of_a_missing_jar(self):
        self.fault("%classpath /no/such/file.jar", "no such jar file or folder")

    def test_unknown_magic(self):
        self.fault("%pylab inline", "%pylab is not a magic", "%help")

    def test_time_and_cell_time(self):
        self.fault("%time Thread.sleep(50)", "Wall time", status="ok")
        self.fault("%%time\nint tt = 0;\nfor (int i = 0; i < 10; i++) tt += i;\ntt", "Wall time", "45", status="ok")

    def test_time_reports_errors_at_their_cell_line(self):
        self.fault("int before = 1;\n%time int after = before + missing;", "cell line 2", "missing", "Wall time")

    def test_vars_never_calls_a_looping_hashcode_or_tostring(self):
        self.k.run("class Evil { public int hashCode() { while (true) {} }\n"
                   "  public String toString() { while (true) {} } }\nvar evil = new Evil();\n"
                   "var tv = Tensor.of(new double[]{1, 2, 3, 4, 5, 6}, 2, 3);")
        self.fault("%vars", "evil : Evil", "faultKept : int = 41", "shape [2, 3]", status="ok", timeout=20)

    def test_help_lists_magics_and_entry_points(self):
        self.fault("%help", "%maven", "%vars", "ComputationalGraph", status="ok")


# The imports JShell's own tool starts with (its DEFAULT startup), the kernel's (DeepToyKernel.IMPORTS), and
# others the course uses: each already in effect or harmless, so running it again changes nothing.
JSHELL_DEFAULT_IMPORTS = ["java.io.*", "java.math.*", "java.net.*", "java.nio.file.*", "java.util.*",
                          "java.util.concurrent.*", "java.util.function.*", "java.util.prefs.*",
                          "java.util.regex.*", "java.util.stream.*"]
KERNEL_IMPORTS = ["java.util.*", "org.deeptoy.tensor.*", "org.deeptoy.graph.*", "org.deeptoy.ops.*",
                  "org.deeptoy.check.*", "org.deeptoy.data.*", "org.deeptoy.nn.*", "org.deeptoy.optim.*",
                  "static org.deeptoy.kernel.Display.*"]
OTHER_IMPORTS = ["org.deeptoy.kernel.render.*", "org.deeptoy.kernel.render.Charts", "tech.tablesaw.api.*",
                 "org.knowm.xchart.*", "java.util.List", "java.lang.*", "java.lang.String", "java.lang.management.*",
                 "static java.lang.Math.*", "static java.lang.Math.max", "static java.util.Map.entry"]


class ImportReplacement(unittest.TestCase):
    """import java.util.List; then import java.awt.List;: JShell replaces the first import and recompiles
    nothing, so a variable of type List would break only at its next use. In a kernel of its own: the
    explicit import stays in effect afterwards."""

    def test_single_import_that_replaces_a_single_import_is_undone(self):
        k = Kernel()
        try:
            content, out = k.run("import java.util.List;\nList<String> held = new ArrayList<>(List.of(\"ada\"));")
            self.assertEqual(content["status"], "ok", text_of(out))
            content, out = k.run("import java.awt.List;")
            shown = text_of(out)
            self.assertEqual(content["status"], "error", shown)
            for w in ("was not applied", "variable held", "List: java.util.List and java.awt.List"):
                self.assertIn(w, shown)
            content, out = k.run("held.get(0) + \" \" + new ArrayList<>(List.of(7))")
            self.assertEqual((content["status"], text_of(out).strip()), ("ok", "ada [7]"), text_of(out))
            # java.util.List, imported by name, wins over java.awt.*: no ambiguity, nothing refused
            content, out = k.run("import java.awt.*;\nheld.size() + Color.RED.getRed()")
            self.assertEqual((content["status"], text_of(out).strip()), ("ok", "256"), text_of(out))
        finally:
            k.close()


class Reruns(unittest.TestCase):
    """Running cells again, as a student re-runs a notebook: each run gives only the errors its code causes."""
    k = None

    @classmethod
    def setUpClass(cls):
        cls.k = Kernel()

    @classmethod
    def tearDownClass(cls):
        cls.k.close()

    def quiet(self, code, times=3):
        """Runs a cell `times` times: each run succeeds and shows nothing."""
        for n in range(1, times + 1):
            content, out = self.k.run(code)
            self.assertEqual((content["status"], text_of(out)), ("ok", ""), f"{code!r}, run {n}")

    def shows(self, code, expected):
        content, out = self.k.run(code)
        self.assertEqual((content["status"], text_of(out).strip()), ("ok", expected), code)

    def test_a_imports_in_effect_are_accepted_silently_every_time(self):
        # runs first (alphabetical), in a kernel no other cell ran in
        for imp in JSHELL_DEFAULT_IMPORTS + KERNEL_IMPORTS + OTHER_IMPORTS:
            self.quiet(f"import {imp};")
        self.quiet("import java.util.*;\nimport org.deeptoy.kernel.render.*;\nimport static java.lang.Math.*;")
        # none of them was lost on the way
        self.shows("List<Integer> xs = new ArrayList<>(List.of(3, 1));\nCollections.sort(xs);\nxs", "[1, 3]")
        self.shows("max(2, abs(-5)) + \" \" + Charts.class.getSimpleName() + \" \" + Tensor.class.getSimpleName()",
                   "5 Charts Tensor")
        self.quiet("import java.util.*;")
        self.shows("xs.size()", "2")

    def test_class_record_interface_and_method_run_again(self):
        decls = ("record Pt(int x) {}\ninterface Shape { double area(); }\n"
                 "class Sq implements Shape { public double area() { return 4; } }\n"
                 "int twice(int v) { return 2 * v; }")
        self.quiet(decls)
        self.quiet("Pt pt = new Pt(1);\nShape sq = new Sq();", times=1)
        self.quiet(decls)  # the same bodies again: nothing changes, nothing is reset
        self.shows("pt.x() + sq.area() + twice(2)", "9.0")
        self.quiet("int twice(int v) { return 3 * v; }", times=2)
        self.shows("twice(2)", "6")
        # a changed class: objects made before keep their class, new ones get the new one
        content, out = self.k.run("class Sq implements Shape { public double area() { return 5; } }")
        self.assertEqual(content["status"], "ok", text_of(out))
        self.quiet("Shape sq = new Sq();", times=2)
        self.shows("sq.area() + pt.x()", "6.0")
        self.quiet(decls)
        self.shows("new Sq().area() + pt.x() + twice(1)", "7.0")

    def test_cells_run_out_of_order(self):
        cells = ["int base = 10;", "int addBase(int v) { return v + base; }", "int total = addBase(5);",
                 "record Box(int v) {}", "Box box = new Box(total);", "box.v() + base"]
        for i in (0, 1, 2, 3, 4, 5, 4, 2, 0, 3, 5, 1):
            content, out = self.k.run(cells[i])
            self.assertEqual(content["status"], "ok", (cells[i], text_of(out)))
        self.quiet("int base = 20;", times=1)
        for c in cells:
            content, out = self.k.run(c)
            self.assertEqual(content["status"], "ok", (c, text_of(out)))
        self.assertEqual(text_of(out), "25")

    def test_class_naming_a_class_declared_after_it(self):
        # as in JShell: Pa is declared at once and usable as soon as Pb exists
        content, out = self.k.run("class Pa { Pb b; }")
        self.assertEqual(content["status"], "ok", text_of(out))
        self.assertIn("Pa is declared, but cannot be used until class Pb is defined", text_of(out))
        self.quiet("class Pb { Pa a; }", times=2)
        self.shows("new Pb().a == null && new Pa().b == null", "true")
        content, out = self.k.run("class Pa { Pb b; }")  # run again: Pb exists now
        self.assertEqual((content["status"], text_of(out)), ("ok", ""))
        # both in one cell, with a use of them: no note, the cell's value is shown
        for _ in range(2):
            self.shows("class Va { Vb next; int n = 1; }\nclass Vb { Va next; int n = 2; }\n"
                       "Vb vb = new Vb();\nvb.next = new Va();\nvb.n + vb.next.n", "3")
        # using one still waiting says what it waits for instead of "cannot find symbol" alone
        self.k.run("class Wa { Wb b; }")
        content, out = self.k.run("new Wa()")
        self.assertEqual(content["status"], "error")
        self.assertIn("Wa is declared, but cannot be used until class Wb is defined", text_of(out))
        self.assertNotIn("location: class \n", text_of(out) + "\n")
        # a variable of a type that does not exist is an error that names it, not a declaration that waits
        content, out = self.k.run("Tensr misspelt = null;")
        self.assertEqual(content["status"], "error")
        self.assertIn("cannot find symbol\n  symbol:   class Tensr", text_of(out))

    def test_restart_and_run_all_gives_the_same_outputs(self):
        cells = ["import org.deeptoy.kernel.render.*;", "record Pt(int x) {}", "var pts = List.of(new Pt(1), new Pt(2));",
                 "int sum(List<Pt> ps) { return ps.stream().mapToInt(Pt::x).sum(); }", "sum(pts)"]
        runs = []
        for _ in range(2):
            shown = []
            for c in cells:
                content, out = self.k.run(c)
                self.assertEqual(content["status"], "ok", (c, text_of(out)))
                shown.append(text_of(out))
            runs.append(shown)
            self.k.km.restart_kernel(now=False)
            self.k.kc.wait_for_ready(timeout=60)
        self.assertEqual(runs[0], runs[1])
        self.assertEqual(runs[0][-1], "3")


def notebook_cells():
    """A 100-cell notebook of the usual kinds: variables, tensors, methods, records, prints."""
    cells = []
    for i in range(100):
        k = i % 5
        if k == 0:
            cells.append(f"int v{i} = {i};")
        elif k == 1:
            cells.append(f"var t{i} = Tensor.of(new double[]{{1, 2, 3, {i}}}, 2, 2);\nt{i}")
        elif k == 2:
            cells.append(f"double f{i}(double x) {{ return x * {i}; }}\nf{i}(2)")
        elif k == 3:
            cells.append(f"record R{i}(int a) {{}}\nvar r{i} = new R{i}({i});")
        else:
            cells.append(f"System.out.println(\"cell {i}\");\nv{i - 4} + {i}")
    return cells


def rss_mb(pid):
    """The resident memory of a process, MB (/proc/PID/status)."""
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024


class NotebookMemory(unittest.TestCase):
    """A lone user's kernel (no JupyterHub, a 4 GB heap) re-running a notebook must not grow without
    bound, and gives the memory a training run took back to the system when it idles. Asserted on
    memory, with generous time: a busy machine slows the rounds, not the figures."""

    def lone_user_kernel(self):
        env = {k: v for k, v in os.environ.items() if k not in ("JUPYTERHUB_USER", "MEM_LIMIT", "DEEPTOY_GC")}
        env["DEEPTOY_HEAP"] = "4g"
        return Kernel(env)

    def rss_while_idle(self, pid, seconds):
        """Resident memory every 5 s while the kernel idles for `seconds`, MB."""
        seen = []
        for _ in range(seconds // 5):
            time.sleep(5)
            seen.append(rss_mb(pid))
        return seen

    def settled_rss(self, pid):
        """Resident memory, MB, once the idle kernel's periodic collection has given back (a drop of 30 MB
        or more), else the lowest of a minute."""
        seen = [rss_mb(pid)]
        for _ in range(12):
            seen += self.rss_while_idle(pid, 5)
            if seen[-1] < seen[0] - 30:
                break
        return min(seen)

    def live_heap_mb(self, pid):
        subprocess.run(["jcmd", str(pid), "GC.run"], capture_output=True, timeout=60)
        out = subprocess.run(["jstat", "-gc", str(pid)], capture_output=True, text=True, timeout=60).stdout
        head, values = out.split("\n")[:2]
        g = dict(zip(head.split(), values.split()))
        return sum(float(g[k]) for k in ("S0U", "S1U", "EU", "OU")) / 1024

    def test_rerunning_a_100_cell_notebook_five_times_stays_bounded(self):
        k = self.lone_user_kernel()
        try:
            pid = k.km.provisioner.process.pid
            rss, heaps = [], []
            for r in range(5):
                for code in notebook_cells():
                    content, out = k.run(code, timeout=60)
                    self.assertEqual(content["status"], "ok", (code, text_of(out)))
                # as the machine sees it when the student pauses (no forced collection): the kernel's
                # periodic collection (after 20 s without one) returns what the run's garbage took;
                # right after a run G1's heap is larger by up to its last expansion, which depends on
                # the machine's load (bench/kernel-memory.sh shows both)
                rss.append(self.settled_rss(pid) if r >= 2 else rss_mb(pid))
                if r in (0, 4):
                    heaps.append(self.live_heap_mb(pid))
            # measured with bench/kernel-memory.sh (live heap after a full GC, rounds 1 -> 5): before the
            # session was recycled 55 -> 70.5 MB, growing ~5 MB per run without end (104 MB at run 10);
            # now 60.6 -> 66.6 MB, and 61-67 MB up to run 10
            self.assertLess(heaps[-1] - heaps[0], 10, "live heap after runs 1 and 5, MB: %s" % heaps)
            # resident memory: with the parallel collector it grew 68-84 MB per run without end
            self.assertLessEqual((rss[4] - rss[2]) / 2, 20, "resident memory after each run (idle from the third), MB: %s" % rss)
            content, out = k.run("v0 + t1.shape().length + f2(1) + r3.a()")
            self.assertEqual(text_of(out), "7.0", "variables survive the recycled session")
        finally:
            k.close()

    def test_an_idle_kernel_gives_back_the_memory_a_training_run_took(self):
        k = self.lone_user_kernel()
        try:
            pid = k.km.provisioner.process.pid
            before = rss_mb(pid)
            # 30,000 noise images (180 MB of doubles) for one epoch, dropped when the cell ends
            content, out = k.run(
                "var noise = new Dataset(\"noise\", Tensor.randomNormal(1, 30000, 784), new int[30000], List.of(\"a\", \"b\"));\n"
                "var noiseMlp = Mlp.builder().layers(784, 64, 2).seed(1).build();\n"
                "noiseMlp.fit(noise, new FitOptions().epochs(1).batchSize(256).verbose(false).live(false));\n"
                "noise = null;", timeout=600)
            self.assertEqual(content["status"], "ok", text_of(out))
            trained = rss_mb(pid)
            self.assertGreater(trained - before, 150, "the training run grows the kernel (else this measures nothing)")
            # the bench's figure is after 60 s; the test waits up to 3 minutes for a busy machine
            seen = [trained]
            deadline = time.time() + 180
            while time.time() < deadline and seen[-1] > before + (trained - before) / 2:
                seen += self.rss_while_idle(pid, 5)
            self.assertLessEqual(seen[-1], before + (trained - before) / 2,
                                 "resident memory before training, after it and every 5 s idle, MB: %.0f, %s"
                                 % (before, " ".join("%.0f" % v for v in seen)))
            content, out = k.run("noiseMlp.predict(Tensor.zeros(1, 784)).length")
            self.assertEqual(text_of(out), "1", "the model survives the collection")
        finally:
            k.close()


if __name__ == "__main__":
    unittest.main()
