package org.deeptoy.kernel.wire;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

import io.github.spencerpark.jupyter.kernel.KernelConnectionProperties;

/**
 * The ports of the connection file, checked before the kernel spends seconds starting: a port another
 * process took between Jupyter choosing it and the kernel binding it (30 kernels starting at once on
 * a class server make that likely) would leave the kernel hanging silently. The kernel exits at once
 * with one line naming the port, and Jupyter's restarter starts it again on new random ports (it
 * does so only for a kernel that dies within seconds of its start).
 */
public final class KernelPorts {
    private KernelPorts() {
    }

    /** The connection's ports by channel name, in the order basekernel binds them. */
    public static Map<String, Integer> of(KernelConnectionProperties props) {
        Map<String, Integer> ports = new LinkedHashMap<>();
        ports.put("heartbeat", props.getHbPort());
        ports.put("shell", props.getShellPort());
        ports.put("control", props.getControlPort());
        ports.put("stdin", props.getStdinPort());
        ports.put("iopub", props.getIopubPort());
        return ports;
    }

    /** What stops the kernel from listening, as one line naming the port, or empty if all are free. */
    public static Optional<String> problem(KernelConnectionProperties props, String connectionFile) {
        if (!"tcp".equals(props.getTransport())) {
            return Optional.empty();
        }
        for (Map.Entry<String, Integer> p : of(props).entrySet()) {
            // ZeroMQ's listeners set SO_REUSEADDR too, so a port in TIME_WAIT does not count as taken
            try (ServerSocket s = new ServerSocket()) {
                s.setReuseAddress(true);
                s.bind(new InetSocketAddress(InetAddress.getByName(props.getIp()), p.getValue()));
            } catch (IOException e) {
                return Optional.of(line(props, connectionFile, p.getKey(), p.getValue(), e.getMessage()));
            }
        }
        return Optional.empty();
    }

    static String line(KernelConnectionProperties props, String connectionFile, String channel, int port,
            String why) {
        return "DeepToy kernel: cannot listen on " + props.getIp() + ":" + port + " (the " + channel
                + " port of " + connectionFile + "): " + (why == null ? "in use" : why)
                + "; the kernel exits so that Jupyter can start it again on other ports";
    }
}
