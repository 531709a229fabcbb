"""Reliability suite, protocol and JDK part: forged, malformed and hostile messages on the kernel's
sockets, and exit calls from cells. Each fault ends with the kernel alive, a follow-up request
answered, an earlier variable intact and, where a message is due, a message naming the problem
(a reply, or one line on the kernel's stderr for messages that cannot be answered).

Needs JUPYTER_PATH pointing at an installed "deeptoy" kernelspec (ProtocolFaultsTest does that, once
per JDK). Raw messages are sent with pyzmq and signed like jupyter_client.session does.
"""
import hashlib
import hmac
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
import unittest
import uuid

import jupyter_client
import zmq

DELIM = b"<IDS|MSG>"


class Kernel:
    """A kernel started by jupyter_client, its stderr kept in a file, and raw sockets to its ports."""

    def __init__(self):
        self.err = tempfile.NamedTemporaryFile(prefix="deeptoy-faults-", suffix=".log", delete=False)
        self.km = jupyter_client.KernelManager(kernel_name="deeptoy")
        self.km.start_kernel(stderr=self.err)
        self.kc = self.km.client()
        self.kc.start_channels()
        self.kc.wait_for_ready(timeout=60)
        self.info = self.km.get_connection_info()
        self.key = self.info["key"]
        if isinstance(self.key, str):
            self.key = self.key.encode()
        self.ctx = zmq.Context()
        self.sockets = []

    def socket(self, channel):
        s = self.ctx.socket(zmq.DEALER)
        s.linger = 0
        s.connect("tcp://%s:%d" % (self.info["ip"], self.info[channel + "_port"]))
        self.sockets.append(s)
        time.sleep(0.2)  # let the connection settle before the first send
        return s

    def sign(self, parts, key=None):
        h = hmac.new(self.key if key is None else key, digestmod=hashlib.sha256)
        for p in parts:
            h.update(p)
        return h.hexdigest().encode()

    @staticmethod
    def header(msg_type, **extra):
        h = {"msg_id": uuid.uuid4().hex, "username": "faults", "session": "faults-session",
             "date": "2026-01-01T00:00:00.000000Z", "msg_type": msg_type, "version": "5.3"}
        h.update(extra)
        return h

    def parts(self, msg_type, content, header=None, parent=b"{}", metadata=b"{}"):
        """The four signed parts, each given as bytes or encoded from JSON."""
        enc = lambda x: x if isinstance(x, bytes) else json.dumps(x).encode()
        return [enc(header if header is not None else self.header(msg_type)), enc(parent), enc(metadata),
                enc(content)]

    def frames(self, parts, signature=None):
        return [DELIM, self.sign(parts) if signature is None else signature] + parts

    def run(self, code, timeout=60):
        out = []
        reply = self.kc.execute_interactive(code, output_hook=out.append, timeout=timeout)
        return reply["content"], out

    def stderr(self):
        with open(self.err.name, encoding="utf-8", errors="replace") as f:
            return f.read()

    def close(self):
        for s in self.sockets:
            s.close(0)
        self.ctx.term()
        self.kc.stop_channels()
        self.km.shutdown_kernel(now=True)
        os.unlink(self.err.name)


def recv(sock, timeout=10.0):
    """The next message on a raw socket as (header, content), or None when none came in time."""
    if not sock.poll(int(timeout * 1000)):
        return None
    frames = sock.recv_multipart()
    i = frames.index(DELIM)
    return json.loads(frames[i + 2]), json.loads(frames[i + 5])


def recv_reply(sock, timeout=15.0):
    """The next reply on a raw socket as (header, content), or None when none came in time."""
    end = time.time() + timeout
    while time.time() < end:
        m = recv(sock, end - time.time())
        if m is None or m[0].get("msg_type", "").endswith("_reply"):
            return m
    return None


class FaultTestCase(unittest.TestCase):
    k = None

    @classmethod
    def setUpClass(cls):
        cls.k = Kernel()
        content, _ = cls.k.run("int keep = 42;")
        assert content["status"] == "ok", content
        cls.start_err = cls.k.stderr()

    @classmethod
    def tearDownClass(cls):
        cls.k.close()

    # --- the checks every fault ends with ---
    def assert_healthy(self):
        """Kernel process alive, a request answered, the earlier variable intact."""
        self.assertTrue(self.k.km.is_alive(), "the kernel process died")
        content, out = self.k.run("keep + 1", timeout=30)
        self.assertEqual(content["status"], "ok", content)
        results = [m["content"]["data"]["text/plain"] for m in out if m["msg_type"] == "execute_result"]
        self.assertEqual(results, ["43"])

    def assert_logged(self, before, *words):
        """A new line on the kernel's stderr names the problem."""
        deadline = time.time() + 5
        while True:
            new = self.k.stderr()[len(before):]
            if all(w.lower() in new.lower() for w in words):
                return new
            if time.time() > deadline:
                self.fail("kernel stderr does not name the problem %r; new output: %r" % (words, new))
            time.sleep(0.05)

    def raw_request(self, parts, channel="shell", signature=None, timeout=15.0):
        """Sends one raw message; returns (header, content) of its reply, or None."""
        sock = self.k.socket(channel)
        sock.send_multipart(self.k.frames(parts, signature))
        msg_id = json.loads(parts[0]).get("msg_id") if _is_json_object(parts[0]) else None
        end = time.time() + timeout
        while time.time() < end:
            if not sock.poll(int((end - time.time()) * 1000)):
                break
            frames = sock.recv_multipart()
            i = frames.index(DELIM)
            header, parent, content = (json.loads(frames[i + 2]), json.loads(frames[i + 3]),
                                       json.loads(frames[i + 5]))
            if msg_id is None or parent.get("msg_id") == msg_id:
                return header, content
        return None

    def assert_error_reply(self, reply, reply_type, *words):
        self.assertIsNotNone(reply, "no reply came to a malformed but signed request")
        header, content = reply
        self.assertEqual(header["msg_type"], reply_type)
        self.assertEqual(content["status"], "error")
        text = content.get("ename", "") + ": " + content.get("evalue", "")
        for w in words:
            self.assertIn(w.lower(), text.lower())

    def assert_dropped(self, parts, *words, signature=None, channel="shell"):
        """Sent, not answered, and logged on stderr with words naming the problem."""
        before = self.k.stderr()
        sock = self.k.socket(channel)
        sock.send_multipart(self.k.frames(parts, signature))
        self.assert_logged(before, *words)  # once logged, any reply would already be on its way
        self.assertFalse(sock.poll(300), "a dropped message was answered")
        self.assert_healthy()

    def assert_rejected(self, parts, signature, *words, channel="shell"):
        self.assert_dropped(parts, *words, signature=signature, channel=channel)


def _is_json_object(raw):
    try:
        return isinstance(json.loads(raw), dict)
    except ValueError:
        return False


class ProtocolFaults(FaultTestCase):
    def execute_parts(self, code='keep = keep;', **kw):
        return self.k.parts("execute_request", {"code": code, "silent": False, "store_history": False,
                                                "user_expressions": {}, "allow_stdin": False,
                                                "stop_on_error": False}, **kw)

    # --- signatures: rejected, not run, logged ---
    def test_wrong_signature_is_rejected_and_not_run(self):
        parts = self.execute_parts("keep = 0;")
        self.assert_rejected(parts, self.k.sign(parts, key=b"not-the-key"), "signature")

    def test_missing_signature_is_rejected(self):
        self.assert_rejected(self.execute_parts("keep = 0;"), b"", "signature")

    def test_truncated_signature_is_rejected(self):
        parts = self.execute_parts("keep = 0;")
        self.assert_rejected(parts, self.k.sign(parts)[:-2], "signature")

    def test_signature_of_other_content_is_rejected(self):
        signed = self.execute_parts("keep = keep;")
        forged = signed[:3] + [json.dumps({"code": "keep = 0;"}).encode()]
        self.assert_rejected(forged, self.k.sign(signed), "signature")

    def test_uppercase_hex_signature_is_rejected(self):
        parts = self.execute_parts("keep = 0;")
        self.assert_rejected(parts, self.k.sign(parts).upper(), "signature")

    def test_bad_signature_on_control_channel_is_rejected(self):
        parts = self.k.parts("kernel_info_request", {})
        self.assert_rejected(parts, b"0" * 64, "signature", channel="control")
        self.assertIsNotNone(self.raw_request(self.k.parts("kernel_info_request", {}), "control"),
                             "the control channel stopped answering")

    # --- frames ---
    def test_frames_without_delimiter_are_dropped_and_next_request_answered(self):
        before = self.k.stderr()
        sock = self.k.socket("shell")
        sock.send_multipart([b"no", b"delimiter", b"here"])
        self.assert_logged(before, "<IDS|MSG>")
        parts = self.k.parts("kernel_info_request", {})
        sock.send_multipart(self.k.frames(parts))
        reply = recv(sock, 15)
        self.assertIsNotNone(reply, "the request after a message without delimiter got no reply")
        self.assertEqual(reply[0]["msg_type"], "kernel_info_reply")
        self.assert_healthy()

    def test_too_few_frames_after_delimiter_are_dropped(self):
        before = self.k.stderr()
        parts = self.execute_parts()
        self.k.socket("shell").send_multipart([DELIM, self.k.sign(parts), parts[0]])
        self.assert_logged(before, "frames")
        self.assert_healthy()

    def test_single_empty_frame_is_dropped(self):
        before = self.k.stderr()
        self.k.socket("shell").send_multipart([b""])
        self.assert_logged(before, "<IDS|MSG>")
        self.assert_healthy()

    def test_extra_buffer_frames_are_accepted(self):
        parts = self.execute_parts("keep + 0")
        sock = self.k.socket("shell")
        sock.send_multipart(self.k.frames(parts) + [b"buffer-1", b"\x00\x01\x02"])
        reply = recv_reply(sock)
        self.assertIsNotNone(reply)
        self.assertEqual(reply[1]["status"], "ok")
        self.assert_healthy()

    # --- JSON in each part ---
    def test_header_not_json_is_dropped_and_logged(self):
        self.assert_dropped(self.execute_parts(header=b"{not json"), "header")

    def test_header_json_array_is_dropped_and_logged(self):
        self.assert_dropped(self.execute_parts(header=b'["execute_request"]'), "header")

    def test_header_without_msg_type_is_dropped_and_logged(self):
        h = self.k.header("execute_request")
        del h["msg_type"]
        self.assert_dropped(self.execute_parts(header=h), "msg_type")

    def test_header_with_numeric_msg_type_is_dropped_and_logged(self):
        self.assert_dropped(self.execute_parts(header=self.k.header(12)), "msg_type")

    def test_header_without_msg_id_is_dropped_and_logged(self):
        h = self.k.header("execute_request")
        del h["msg_id"]
        self.assert_dropped(self.execute_parts(header=h), "msg_id")

    def test_header_not_utf8_is_dropped_and_logged(self):
        self.assert_dropped(self.execute_parts(header=b'{"msg_type": "\xff\xfe"}'), "header")

    def test_header_with_minimal_fields_is_answered(self):
        # only msg_id and msg_type: the rest of the header is optional for us
        h = {"msg_id": uuid.uuid4().hex, "msg_type": "kernel_info_request"}
        reply = self.raw_request(self.k.parts("kernel_info_request", {}, header=h))
        self.assertIsNotNone(reply)
        self.assertEqual(reply[1]["status"], "ok")
        self.assert_healthy()

    def test_parent_header_garbage_gets_error_reply(self):
        reply = self.raw_request(self.execute_parts(parent=b"\x00garbage"))
        self.assert_error_reply(reply, "execute_reply", "parent_header")
        self.assert_healthy()

    def test_metadata_garbage_gets_error_reply(self):
        reply = self.raw_request(self.execute_parts(metadata=b"[1, 2"))
        self.assert_error_reply(reply, "execute_reply", "metadata")
        self.assert_healthy()

    def test_content_garbage_gets_error_reply(self):
        parts = self.execute_parts()
        parts[3] = b"{\"code\": "
        self.assert_error_reply(self.raw_request(parts), "execute_reply", "content")
        self.assert_healthy()

    def test_content_json_array_gets_error_reply(self):
        parts = self.execute_parts()
        parts[3] = b'["keep = 0;"]'
        self.assert_error_reply(self.raw_request(parts), "execute_reply", "content")
        self.assert_healthy()

    # --- fields of the wrong type ---
    def test_execute_code_of_wrong_type_gets_error_reply(self):
        parts = self.k.parts("execute_request", {"code": {"x": 1}, "silent": False})
        self.assert_error_reply(self.raw_request(parts), "execute_reply", "code")
        self.assert_healthy()

    def test_execute_without_code_gets_error_reply(self):
        parts = self.k.parts("execute_request", {"silent": False})
        self.assert_error_reply(self.raw_request(parts), "execute_reply", "code")
        self.assert_healthy()

    def test_complete_with_string_cursor_gets_error_reply(self):
        parts = self.k.parts("complete_request", {"code": "kee", "cursor_pos": "three"})
        self.assert_error_reply(self.raw_request(parts), "complete_reply", "cursor_pos")
        self.assert_healthy()

    def test_execute_silent_of_wrong_type_gets_error_reply(self):
        parts = self.k.parts("execute_request", {"code": "keep = 0;", "silent": [1]})
        self.assert_error_reply(self.raw_request(parts), "execute_reply", "silent")
        self.assert_healthy()

    # --- message types ---
    def test_unknown_msg_type_gets_error_reply(self):
        reply = self.raw_request(self.k.parts("frobnicate_request", {}))
        self.assert_error_reply(reply, "frobnicate_reply", "frobnicate_request")
        self.assert_healthy()

    def test_reply_type_sent_as_request_is_dropped_and_logged(self):
        self.assert_dropped(self.k.parts("execute_reply", {"status": "ok"}), "execute_reply")

    def test_malformed_content_on_control_channel_gets_error_reply(self):
        parts = self.k.parts("interrupt_request", {})
        parts[3] = b"not json"
        self.assert_error_reply(self.raw_request(parts, "control"), "interrupt_reply", "content")
        self.assert_healthy()

    def test_garbage_on_stdin_channel_leaves_kernel_alive(self):
        before = self.k.stderr()
        parts = self.k.parts("input_reply", {"value": "x"})
        self.k.socket("stdin").send_multipart([b"junk"] + self.k.frames(parts, b"bad"))
        time.sleep(0.5)
        self.assert_healthy()
        self.assertNotIn("Exception in thread", self.k.stderr()[len(before):])

    def test_shutdown_with_wrong_restart_type_does_not_shut_down(self):
        parts = self.k.parts("shutdown_request", {"restart": "yes"})
        self.assert_error_reply(self.raw_request(parts, "control"), "shutdown_reply", "restart")
        self.assert_healthy()

    def test_history_request_with_unknown_access_type_gets_error_reply(self):
        parts = self.k.parts("history_request", {"hist_access_type": "sideways", "output": False, "raw": True})
        reply = self.raw_request(parts)
        self.assertIsNotNone(reply)
        self.assertEqual(reply[0]["msg_type"], "history_reply")
        self.assert_healthy()

    def test_comm_msg_without_comm_id_leaves_kernel_alive(self):
        before = self.k.stderr()
        self.k.socket("shell").send_multipart(self.k.frames(self.k.parts("comm_msg", {"data": {}})))
        time.sleep(0.5)
        self.assertNotIn("Exception in thread", self.k.stderr()[len(before):])
        self.assert_healthy()

    def test_bad_date_and_numeric_username_in_header_are_tolerated(self):
        h = self.k.header("execute_request", date="yesterday", username=7)
        parts = self.k.parts("execute_request", {"code": "keep + 0", "silent": False}, header=h)
        reply = self.raw_request(parts)
        self.assertIsNotNone(reply)
        self.assertEqual(reply[1]["status"], "ok")
        self.assert_healthy()

    def test_many_identity_frames_are_routed_back(self):
        sock = self.k.socket("shell")
        sock.send_multipart([b"id-%d" % i for i in range(500)] + self.k.frames(self.k.parts("kernel_info_request", {})))
        reply = recv(sock, 15)
        self.assertIsNotNone(reply)
        self.assertEqual(reply[0]["msg_type"], "kernel_info_reply")
        self.assert_healthy()

    def test_interrupt_request_on_shell_channel_is_answered(self):
        reply = self.raw_request(self.k.parts("interrupt_request", {}))
        self.assertIsNotNone(reply)
        self.assertEqual(reply[1]["status"], "ok")
        self.assert_healthy()

    def test_forged_and_garbage_stdin_messages_do_not_answer_an_input_request(self):
        before = self.k.stderr()
        raw = self.k.socket("stdin")

        def hook(msg):  # the cell waits for input: forged and malformed messages arrive first
            forged = self.k.parts("input_reply", {"value": "forged"})
            raw.send_multipart(self.k.frames(forged, self.k.sign(forged, key=b"other")))
            raw.send_multipart([b"junk", b"frames"])
            raw.send_multipart(self.k.frames(self.k.parts("execute_request", {"code": "1"})))
            self.assert_logged(before, "signature", "<IDS|MSG>", "execute_request")
            self.k.kc.input("typed")

        out = []
        reply = self.k.kc.execute_interactive(
            "new java.io.BufferedReader(new java.io.InputStreamReader(System.in)).readLine()",
            allow_stdin=True, stdin_hook=hook, output_hook=out.append, timeout=30)
        self.assertEqual(reply["content"]["status"], "ok", reply["content"])
        values = [m["content"]["data"]["text/plain"] for m in out if m["msg_type"] == "execute_result"]
        self.assertEqual(values, ["typed"])
        self.assert_healthy()

    # --- sizes and storms ---
    def test_huge_metadata_is_answered(self):
        parts = self.execute_parts("keep + 0", metadata={"blob": "x" * (16 << 20)})
        reply = self.raw_request(parts, timeout=60)
        self.assertIsNotNone(reply)
        self.assertEqual(reply[1]["status"], "ok")
        self.assert_healthy()

    def test_empty_code_is_ok(self):
        content, out = self.k.run("")
        self.assertEqual(content["status"], "ok")
        self.assertEqual([m for m in out if m["msg_type"] in ("error", "execute_result")], [])
        self.assert_healthy()

    def test_kernel_info_storm_is_answered(self):
        sock = self.k.socket("shell")
        ids = set()
        for _ in range(300):
            parts = self.k.parts("kernel_info_request", {})
            ids.add(json.loads(parts[0])["msg_id"])
            sock.send_multipart(self.k.frames(parts))
        answered = 0
        while answered < len(ids):
            m = recv(sock, 30)
            self.assertIsNotNone(m, "%d of %d kernel_info requests answered" % (answered, len(ids)))
            answered += 1
        self.assert_healthy()

    def test_kernel_info_storm_on_control_channel_is_answered(self):
        sock = self.k.socket("control")
        for _ in range(100):
            sock.send_multipart(self.k.frames(self.k.parts("kernel_info_request", {})))
        for i in range(100):
            self.assertIsNotNone(recv(sock, 30), "%d of 100 answered on control" % i)
        self.assert_healthy()

    def test_forged_message_storm_then_real_request(self):
        sock = self.k.socket("shell")
        for i in range(200):
            parts = self.execute_parts("keep = %d;" % i)
            sock.send_multipart(self.k.frames(parts, b"f" * 64))
        self.assert_healthy()


class ExitFaults(FaultTestCase):
    """Exit calls from cells, and the JVM set-up install.sh gives the kernel (same kernel)."""

    def test_kernel_starts_without_jvm_warnings(self):
        # Java 17 warned about the Security Manager at each start; JDK 24+ warn about sun.misc.Unsafe
        start = self.start_err
        self.assertNotIn("WARNING", start)
        self.assertNotIn("Security Manager", start)

    def test_assertions_are_on(self):
        content, out = self.k.run('assert keep < 0 : "keep is not negative";')
        self.assertEqual(content["status"], "error")
        self.assertIn("keep is not negative", [m["content"]["evalue"] for m in out if m["msg_type"] == "error"])
        content, out = self.k.run("class Checked { static void f() { assert false : \"in a declared class\"; } }\nChecked.f();")
        self.assertIn("in a declared class", [m["content"]["evalue"] for m in out if m["msg_type"] == "error"])
        # the libraries' own asserts stay off (ELK's are meant for its tests)
        content, out = self.k.run("Class.forName(\"org.eclipse.elk.core.RecursiveGraphLayoutEngine\").desiredAssertionStatus()")
        self.assertEqual([m["content"]["data"]["text/plain"] for m in out if m["msg_type"] == "execute_result"], ["false"])
        self.assert_healthy()

    def test_awt_is_headless(self):
        content, out = self.k.run("java.awt.GraphicsEnvironment.isHeadless()")
        self.assertEqual([m["content"]["data"]["text/plain"] for m in out if m["msg_type"] == "execute_result"], ["true"])

    def assert_exit_refused(self, code, words):
        content, out = self.k.run(code)
        self.assertEqual(content["status"], "error", content)
        errors = [m["content"] for m in out if m["msg_type"] == "error"]
        self.assertTrue(errors, "no error shown")
        text = errors[0]["evalue"] + "\n" + "\n".join(errors[0]["traceback"])
        self.assertIn(words, text)
        self.assertIn("disabled in a notebook; the kernel keeps running", text)
        self.assert_healthy()

    def value_of(self, code):
        content, out = self.k.run(code)
        self.assertEqual(content["status"], "ok", content)
        return [m["content"]["data"]["text/plain"] for m in out if m["msg_type"] == "execute_result"]

    def test_system_exit_from_cell(self):
        self.assert_exit_refused("System.exit(1)", "System.exit(1)")

    def test_runtime_exit_from_cell(self):
        self.assert_exit_refused("Runtime.getRuntime().exit(2)", "Runtime.exit(2)")

    def test_runtime_halt_from_cell_says_halt(self):
        self.assert_exit_refused("Runtime.getRuntime().halt(3)", "Runtime.halt(3)")

    def test_exit_method_reference(self):
        self.assert_exit_refused("java.util.function.IntConsumer quit = System::exit;\nquit.accept(4);",
                                 "System.exit(4)")

    def test_exit_bound_runtime_method_reference(self):
        self.assert_exit_refused("java.util.function.IntConsumer hq = Runtime.getRuntime()::halt;\nhq.accept(9);",
                                 "Runtime.halt(9)")

    def test_exit_from_lambda(self):
        self.assert_exit_refused("Runnable bye = () -> System.exit(5);\nbye.run();", "System.exit(5)")

    def test_exit_in_static_initializer_of_declared_class(self):
        self.assert_exit_refused("class Boom { static { System.exit(6); } }\nnew Boom();", "System.exit(6)")

    def test_exit_in_declared_method_called_later(self):
        self.assertEqual(self.value_of("void quit(int s) { System.exit(s); }"), [])
        self.assert_exit_refused("quit(7);", "System.exit(7)")

    def test_exit_from_started_thread(self):
        code = ("String threadSaw = null;\n"
                "Thread t = new Thread(() -> { try { System.exit(8); } catch (RuntimeException e) { threadSaw = e.getMessage(); } });\n"
                "t.start(); t.join();\nthreadSaw")
        value = self.value_of(code)
        self.assertIn("System.exit(8) is disabled in a notebook", value[0])
        self.assert_healthy()

    def test_exit_uncaught_in_daemon_thread(self):
        self.value_of("Thread d = new Thread(() -> Runtime.getRuntime().halt(10));\n"
                      "d.setDaemon(true); d.start(); d.join();")
        time.sleep(0.5)
        self.assert_healthy()

    def test_exit_from_executor_task(self):
        code = ("var pool = java.util.concurrent.Executors.newSingleThreadExecutor();\n"
                "var f = pool.submit(() -> { System.exit(11); return 1; });\n"
                "String poolSaw;\n"
                "try { f.get(); poolSaw = \"ran\"; } catch (java.util.concurrent.ExecutionException e) { poolSaw = e.getCause().getMessage(); }\n"
                "pool.shutdown();\npoolSaw")
        self.assertIn("System.exit(11) is disabled", self.value_of(code)[0])
        self.assert_healthy()

    def test_exit_from_parallel_stream(self):
        self.assert_exit_refused("java.util.stream.IntStream.range(0, 4).parallel().forEach(i -> System.exit(12));",
                                 "System.exit(12)")


class ShutdownStillExits(unittest.TestCase):
    def test_shutdown_request_ends_the_kernel_process(self):
        k = Kernel()
        try:
            k.run("System.exit(0)")  # refused in the cell; the kernel's own exit must still work
            k.kc.shutdown()
            deadline = time.time() + 20
            while k.km.is_alive() and time.time() < deadline:
                time.sleep(0.1)
            self.assertFalse(k.km.is_alive(), "the kernel did not exit after shutdown_request")
        finally:
            k.close()


class StartFaults(unittest.TestCase):
    """A kernel that cannot serve ends at once with one line saying why; it never hangs or outlives its server."""

    def test_taken_port_exits_at_once_naming_the_port(self):
        import socket
        launch = os.path.join(jupyter_client.kernelspec.KernelSpecManager().get_kernel_spec("deeptoy").resource_dir,
                              "launch")
        taken = socket.socket()
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        free = []
        for _ in range(4):
            s = socket.socket()
            s.bind(("127.0.0.1", 0))
            free.append(s)
        ports = [s.getsockname()[1] for s in free]
        for s in free:
            s.close()
        conn = {"shell_port": port, "iopub_port": ports[0], "stdin_port": ports[1], "control_port": ports[2],
                "hb_port": ports[3], "ip": "127.0.0.1", "key": "k", "transport": "tcp",
                "signature_scheme": "hmac-sha256", "kernel_name": "deeptoy"}
        with tempfile.NamedTemporaryFile("w", suffix=".json") as f:
            json.dump(conn, f)
            f.flush()
            try:
                p = subprocess.run([launch, f.name], capture_output=True, text=True, timeout=60)
            finally:
                taken.close()
        self.assertNotEqual(p.returncode, 0)
        self.assertIn("cannot listen on 127.0.0.1:%d (the shell port of %s)" % (port, f.name), p.stderr)

    def test_class_server_kernel_gets_its_student_ports_and_new_ones_when_one_is_taken(self):
        # as a student's notebook server on the class server: the provisioner of install/classroom/python,
        # jupyter_client's restarter (as the notebook server runs it); another process
        # takes the shell port after Jupyter picked it and before the JVM binds it
        server = ("import asyncio, json, socket, sys, time\n"
                  "from jupyter_client.ioloop import AsyncIOLoopKernelManager\n"
                  "async def main():\n"
                  "    km = AsyncIOLoopKernelManager(kernel_name='deeptoy')\n"
                  "    await km.start_kernel(stderr=open(sys.argv[1], 'w'))\n"
                  "    ports = lambda: [km.shell_port, km.iopub_port, km.stdin_port, km.control_port, km.hb_port]\n"
                  "    first = ports()\n"
                  "    thief = socket.socket(); thief.bind(('127.0.0.1', km.shell_port)); thief.listen()\n"
                  "    km.start_restarter()\n"
                  "    deadline = time.time() + 90\n"
                  "    while km.shell_port == first[0] and time.time() < deadline:\n"
                  "        await asyncio.sleep(0.2)\n"
                  "    kc = km.client(); kc.start_channels(); await kc.wait_for_ready(timeout=60)\n"
                  "    msg_id = kc.execute('6 * 7')\n"
                  "    while True:\n"
                  "        m = await kc.get_iopub_msg(timeout=30)\n"
                  "        if m['msg_type'] == 'execute_result':\n"
                  "            print('RESULT', m['content']['data']['text/plain'])\n"
                  "        if m['parent_header'].get('msg_id') == msg_id and m['content'].get('execution_state') == 'idle':\n"
                  "            break\n"
                  "    print('FIRST', first)\n"
                  "    print('THEN', ports(), json.load(open(km.connection_file))['shell_port'])\n"
                  "    kc.stop_channels(); km.stop_restarter(); await km.shutdown_kernel(now=True)\n"
                  "asyncio.run(main())\n")
        env = dict(os.environ, PYTHONPATH=os.path.join(ROOT, "install", "classroom", "python"),
                   JUPYTER_DEFAULT_PROVISIONER_NAME="deeptoy-student-ports", DEEPTOY_PORT_SLOT="7")
        with tempfile.NamedTemporaryFile(suffix=".log") as err:
            p = subprocess.run([sys.executable, "-c", server, err.name], env=env, capture_output=True, text=True,
                               timeout=180)
            with open(err.name) as f:
                kernel_err = f.read()
        out = p.stdout + p.stderr
        self.assertEqual(p.returncode, 0, out + kernel_err)
        first = json.loads(out.split("FIRST ")[1].splitlines()[0])
        then, in_file = out.split("THEN ")[1].splitlines()[0].rsplit(" ", 1)
        then = json.loads(then)
        block = range(20000 + 7 * 50, 20000 + 8 * 50)  # student 7's block, below the ephemeral range
        self.assertTrue(all(port in block for port in first + then), out)
        self.assertNotIn(first[0], then, "the taken port is not used again")
        self.assertEqual(int(in_file), then[0], "the connection file names the new ports")
        self.assertIn("RESULT 42", out)
        self.assertIn("cannot listen on 127.0.0.1:%d (the shell port" % first[0], kernel_err)

    def test_kernel_exits_when_its_jupyter_parent_is_killed(self):
        # a real parent: a Python process whose jupyter_client starts the kernel (JPY_PARENT_PID), then is killed
        parent = ("import sys, time, jupyter_client\n"
                  "km = jupyter_client.KernelManager(kernel_name='deeptoy')\n"
                  "km.start_kernel(stderr=open(sys.argv[1], 'w'))\n"
                  "kc = km.client(); kc.start_channels(); kc.wait_for_ready(timeout=60)\n"
                  "print(km.provisioner.process.pid, flush=True)\n"
                  "time.sleep(300)\n")
        with tempfile.NamedTemporaryFile(suffix=".log") as err:
            p = subprocess.Popen([sys.executable, "-c", parent, err.name],
                                 stdout=subprocess.PIPE, text=True)
            try:
                kernel = int(p.stdout.readline())
            finally:
                p.kill()
                p.wait()
            deadline = time.time() + 20
            alive = True
            while alive and time.time() < deadline:
                try:
                    os.kill(kernel, 0)
                    with open("/proc/%d/stat" % kernel) as st:
                        alive = st.read().split(")")[-1].split()[0] != "Z"  # a zombie has exited
                    time.sleep(0.1)
                except (ProcessLookupError, FileNotFoundError):
                    alive = False
            if alive:
                os.kill(kernel, 9)
            self.assertFalse(alive, "the kernel outlived its killed parent by 20 s")
            with open(err.name) as f:
                self.assertIn("its parent process %d (JPY_PARENT_PID %d) is gone" % (p.pid, p.pid), f.read())


ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", "..", "..", ".."))


class InstallChecks(unittest.TestCase):
    """install.sh refuses what it cannot run on, and never reports success for a kernel that fails."""

    def install(self, path_first=None, *args):
        env = dict(os.environ)
        if path_first:
            env["PATH"] = path_first + os.pathsep + env["PATH"]
        with tempfile.TemporaryDirectory() as prefix:
            p = subprocess.run(["bash", os.path.join(ROOT, "install", "install.sh"), "--prefix", prefix,
                                "--no-build", *args], env=env, capture_output=True, text=True, timeout=300)
            left = os.listdir(os.path.join(prefix, "share", "jupyter", "kernels")) \
                if os.path.isdir(os.path.join(prefix, "share", "jupyter", "kernels")) else []
        return p.returncode, p.stdout + p.stderr, left

    def test_java_older_than_17_is_refused(self):
        with tempfile.TemporaryDirectory() as d:
            fake = os.path.join(d, "java")
            with open(fake, "w") as f:
                f.write('#!/bin/sh\necho "    java.specification.version = 11" >&2\n')
            os.chmod(fake, 0o755)
            code, out, left = self.install(d)
        self.assertNotEqual(code, 0)
        self.assertIn("needs Java 17 or newer; 'java' is version 11", out)
        self.assertEqual(left, [])

    def test_jre_without_jshell_is_refused(self):
        jlink = shutil.which("jlink")
        if jlink is None:
            self.skipTest("no jlink on PATH to build a JRE")
        with tempfile.TemporaryDirectory() as d:
            subprocess.run([jlink, "--add-modules", "java.base", "--output", os.path.join(d, "jre")],
                           check=True, capture_output=True, timeout=120)
            code, out, left = self.install(os.path.join(d, "jre", "bin"))
        self.assertNotEqual(code, 0)
        self.assertIn("needs a full JDK", out)
        self.assertIn("jdk.jshell", out)
        self.assertEqual(left, [])

    def test_kernel_that_cannot_start_fails_the_install_loudly(self):
        # a java that passes install.sh's checks but cannot run the kernel
        real = os.path.realpath(shutil.which("java"))
        with tempfile.TemporaryDirectory() as d:
            fake = os.path.join(d, "java")
            with open(fake, "w") as f:
                f.write('#!/bin/sh\ncase "$*" in *-jar*) echo "simulated JVM failure" >&2; exit 1;; esac\n'
                        'exec "%s" "$@"\n' % real)
            os.chmod(fake, 0o755)
            code, out, left = self.install(d)
        self.assertNotEqual(code, 0)
        self.assertIn("the installed kernel does not work", out)
        self.assertIn("simulated JVM failure", out)  # the kernel's own stderr is shown
        self.assertEqual(left, [], "a broken kernelspec was left installed")


if __name__ == "__main__":
    unittest.main()
