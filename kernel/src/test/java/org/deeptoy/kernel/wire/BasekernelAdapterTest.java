package org.deeptoy.kernel.wire;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.lang.reflect.Field;
import java.nio.charset.StandardCharsets;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.github.spencerpark.jupyter.channels.JupyterConnection;
import io.github.spencerpark.jupyter.kernel.KernelConnectionProperties;
import io.github.spencerpark.jupyter.messages.HMACGenerator;
import org.junit.jupiter.api.Test;
import org.zeromq.ZMQ;

/** Pins BasekernelAdapter's reflection to the basekernel version it was written against. */
class BasekernelAdapterTest {
    @Test
    void basekernelIsTheVersionTheAdapterWasWrittenFor() throws Exception {
        String metadata;
        try (InputStream in = JupyterConnection.class.getResourceAsStream("/kernel-metadata.json")) {
            assertNotNull(in, "basekernel's kernel-metadata.json is missing");
            metadata = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        Matcher m = Pattern.compile("\"version\"\\s*:\\s*\"([^\"]+)\"").matcher(metadata);
        assertTrue(m.find(), metadata);
        assertEquals(BasekernelAdapter.VERSION, m.group(1),
                "basekernel changed: re-check BasekernelAdapter (and GuardedShellChannel, which replaces its ShellChannel loop)");
    }

    @Test
    void channelsAreReplacedBeforeConnect() throws Exception {
        KernelConnectionProperties props = KernelConnectionProperties.parse("{\"ip\": \"127.0.0.1\", \"transport\": \"tcp\","
                + " \"shell_port\": 0, \"iopub_port\": 0, \"stdin_port\": 0, \"control_port\": 0, \"hb_port\": 0,"
                + " \"key\": \"k\", \"signature_scheme\": \"hmac-sha256\"}");
        JupyterConnection conn = new JupyterConnection(props);
        ZMQ.Context ctx = BasekernelAdapter.context(conn);
        assertNotNull(ctx);
        HMACGenerator hmac = props.createHMACGenerator();
        GuardedShellChannel shell = new GuardedShellChannel(ctx, hmac, false, conn, 1, System.err);
        GuardedShellChannel control = new GuardedShellChannel(ctx, hmac, true, conn, 1, System.err);
        GuardedStdinChannel stdin = new GuardedStdinChannel(ctx, hmac, System.err);
        BasekernelAdapter.replaceChannels(conn, shell, control, stdin);
        assertSame(shell, read(conn, "shell"));
        assertSame(control, read(conn, "control"));
        assertSame(stdin, read(conn, "stdin"));
        conn.close();
    }

    private static Object read(JupyterConnection conn, String name) throws ReflectiveOperationException {
        Field f = JupyterConnection.class.getDeclaredField(name);
        f.setAccessible(true);
        return f.get(conn);
    }
}
