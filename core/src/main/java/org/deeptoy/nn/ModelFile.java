package org.deeptoy.nn;

import org.deeptoy.data.Scaler;
import org.deeptoy.graph.Connection;
import org.deeptoy.graph.DeepToyException;
import org.deeptoy.tensor.Shapes;
import org.deeptoy.tensor.Tensor;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.function.Function;

/**
 * The model file format (version 2), written with {@link DataOutputStream} (big-endian):
 * <pre>
 * int     magic 0x44544D32 ("DTM2")
 * UTF     kind: "mlp", "svm", "cnn" (see {@link #MODELS}), or "custom" for a graph built by hand
 *         then, unless custom, the network:
 *   int     rank of one example's shape, then its sizes
 *   UTF     loss ({@link Network.Loss} name), double L2 strength, long seed
 *   int     number of layers, then for each: UTF kind (see {@link Layer#REGISTRY}) and the layer's own settings
 * int     number of class names, then one UTF each
 * boolean whether a scaler follows; if so two tensors: shift, then scale
 * int     number of parameters (variables, and state such as batch norm's running statistics),
 *         then for each: UTF name and a tensor
 * tensor: int rank, rank ints (the shape), then every value as a double, row-major
 * </pre>
 * Files of version 1 ("DTM1", the model's settings as one line of text) still load. The file is
 * written to a temporary file first and then moved into place, so a crash never leaves half a model behind.
 */
public final class ModelFile {
    static final int MAGIC_V1 = 0x44544D31, MAGIC = 0x44544D32;

    /** The model kinds a file may name, rebuilt from their network. */
    static final Map<String, Function<Network, Classifier>> MODELS = Map.of("mlp", Mlp::new, "svm", LinearSvm::new, "cnn", Cnn::new);

    private ModelFile() {}

    static void write(Path file, Classifier model) {
        Path tmp = file.resolveSibling(file.getFileName() + ".part");
        try {
            if (file.toAbsolutePath().getParent() != null) Files.createDirectories(file.toAbsolutePath().getParent());
            try (DataOutputStream out = new DataOutputStream(new BufferedOutputStream(Files.newOutputStream(tmp)))) {
                out.writeInt(MAGIC);
                Network net = model.network();
                out.writeUTF(kindOf(model));
                if (net != null) writeNetwork(out, net);
                out.writeInt(model.classNames().size());
                for (String n : model.classNames()) out.writeUTF(n);
                out.writeBoolean(model.scaler() != null);
                if (model.scaler() != null) {
                    writeTensor(out, model.scaler().shift());
                    writeTensor(out, model.scaler().scale());
                }
                List<Connection> params = parameters(model);
                out.writeInt(params.size());
                for (Connection v : params) {
                    if (v.name() == null) throw new DeepToyException("save: variable " + v.label() + " has no name; name every variable to save the model");
                    out.writeUTF(v.name());
                    writeTensor(out, v.value());
                }
            }
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new DeepToyException("save: cannot write " + file + ": " + e, e);
        }
    }

    private static String kindOf(Classifier model) {
        if (model.network() == null) return "custom";
        if (model instanceof Mlp) return "mlp";
        if (model instanceof LinearSvm) return "svm";
        if (model instanceof Cnn) return "cnn";
        return "custom";
    }

    private static List<Connection> parameters(Classifier model) {
        return model.savedParameters();
    }

    private static void writeNetwork(DataOutputStream out, Network net) throws IOException {
        int[] input = net.input();
        out.writeInt(input.length);
        for (int d : input) out.writeInt(d);
        out.writeUTF(net.loss().name());
        out.writeDouble(net.l2());
        out.writeLong(net.seed());
        out.writeInt(net.layers().size());
        for (Layer l : net.layers()) {
            out.writeUTF(l.kind());
            l.writeSettings(out);
        }
    }

    /** What a file holds, before a model is built from it: a built model (v2) or its settings text (v1). */
    private record Contents(Classifier model, String spec, List<String> classNames, Scaler scaler, Map<String, Tensor> variables) {}

    static Classifier read(Path file) {
        Contents c = contents(file);
        Classifier model = c.model != null ? c.model : fromSpec(file, c.spec);
        setVariables(file, model, c.variables);
        model.restore(c.classNames, c.scaler);
        return model;
    }

    static void readWeights(Path file, Classifier model) {
        setVariables(file, model, contents(file).variables);
    }

    private static void setVariables(Path file, Classifier model, Map<String, Tensor> saved) {
        for (Connection v : parameters(model)) {
            Tensor t = saved.get(v.name());
            if (t == null) {
                throw new DeepToyException(file + ": has no variable named " + v.name() + " (it has " + saved.keySet() + ")");
            }
            if (!Arrays.equals(t.shape(), v.value().shape())) {
                throw new DeepToyException(file + ": variable " + v.name() + " has shape " + Shapes.toString(t.shape())
                        + " but the model's has " + Shapes.toString(v.value().shape()));
            }
            v.set(t);
        }
    }

    private static Contents contents(Path file) {
        try (DataInputStream in = new DataInputStream(new BufferedInputStream(Files.newInputStream(file)))) {
            int magic = in.readInt();
            if (magic != MAGIC && magic != MAGIC_V1) {
                throw new DeepToyException(file + ": not a DeepToy model file (it does not start with DTM2 or DTM1; save models with model.save(path))");
            }
            String spec = null;
            Classifier model = null;
            if (magic == MAGIC_V1) {
                spec = in.readUTF();
            } else {
                String kind = in.readUTF();
                if (kind.equals("custom")) spec = kind; // loadWeights only; read() says so
                else model = readModel(file, kind, in);
            }
            int n = count(file, in, "class names");
            List<String> names = new ArrayList<>();
            for (int i = 0; i < n; i++) names.add(in.readUTF());
            Scaler scaler = in.readBoolean() ? Scaler.of(readTensor(in), readTensor(in)) : null;
            int vars = count(file, in, "variables");
            Map<String, Tensor> variables = new LinkedHashMap<>();
            for (int i = 0; i < vars; i++) variables.put(in.readUTF(), readTensor(in));
            return new Contents(model, spec, names, scaler, variables);
        } catch (NoSuchFileException e) {
            throw new DeepToyException(file + ": no such model file", e);
        } catch (EOFException e) {
            throw new DeepToyException(file + ": truncated model file (it ends too early); save the model again", e);
        } catch (IOException e) {
            throw new DeepToyException(file + ": cannot read: " + e, e);
        }
    }

    private static Classifier readModel(Path file, String kind, DataInputStream in) throws IOException {
        Function<Network, Classifier> make = MODELS.get(kind);
        if (make == null) {
            throw new DeepToyException(file + ": corrupt model file: unknown model kind '" + kind + "' (known: "
                    + new TreeSet<>(MODELS.keySet()) + ")");
        }
        int rank = in.readInt();
        if (rank < 1 || rank > 8) throw new DeepToyException(file + ": corrupt model file: an example shape of rank " + rank);
        int[] input = new int[rank];
        for (int i = 0; i < rank; i++) input[i] = in.readInt();
        String lossName = in.readUTF();
        double l2 = in.readDouble();
        long seed = in.readLong();
        int count = count(file, in, "layers");
        List<Layer> layers = new ArrayList<>();
        for (int i = 1; i <= count; i++) {
            String layerKind = in.readUTF();
            Layer.Reader reader = Layer.REGISTRY.get(layerKind);
            if (reader == null) {
                throw new DeepToyException(file + ": corrupt model file: layer " + i + " has unknown kind '" + layerKind
                        + "' (known: " + new TreeSet<>(Layer.REGISTRY.keySet()) + ")");
            }
            try {
                layers.add(reader.read(in));
            } catch (RuntimeException e) {
                throw new DeepToyException(file + ": corrupt model file: layer " + i + " (" + layerKind + "): " + e.getMessage(), e);
            }
        }
        try {
            return make.apply(new Network(input, layers, Network.Loss.valueOf(lossName), l2, seed));
        } catch (RuntimeException e) {
            throw new DeepToyException(file + ": corrupt model file: its " + kind + " cannot be rebuilt: " + e.getMessage(), e);
        }
    }

    private static int count(Path file, DataInputStream in, String what) throws IOException {
        int n = in.readInt();
        if (n < 0 || n > 1_000_000) throw new DeepToyException(file + ": corrupt model file: " + n + " " + what);
        return n;
    }

    /** A model from a version-1 file's settings text, e.g. "mlp layers=784,256,10 activation=relu init=HE l2=0.0 seed=1". */
    private static Classifier fromSpec(Path file, String text) {
        Map<String, String> spec = parseSpec(file, text);
        try {
            return switch (spec.get("kind")) {
                case "mlp" -> Mlp.fromSpec(spec);
                case "svm" -> LinearSvm.fromSpec(spec);
                case "cnn" -> Cnn.fromSpec(spec);
                default -> throw new DeepToyException(file + ": holds a model of kind '" + spec.get("kind") + "' that DeepToy "
                        + "cannot rebuild by itself; build the same graph and call model.loadWeights(path)");
            };
        } catch (DeepToyException e) {
            if (e.getMessage().startsWith(file.toString())) throw e;
            throw new DeepToyException(file + ": corrupt model settings '" + text + "': " + e.getMessage(), e);
        } catch (RuntimeException e) {
            throw new DeepToyException(file + ": corrupt model settings '" + text + "': " + e, e);
        }
    }

    private static void writeTensor(DataOutputStream out, Tensor t) throws IOException {
        out.writeInt(t.rank());
        for (int d : t.shape()) out.writeInt(d);
        for (double v : t.data()) out.writeDouble(v);
    }

    private static Tensor readTensor(DataInputStream in) throws IOException {
        int rank = in.readInt();
        if (rank < 0 || rank > 8) throw new IOException("corrupt tensor header (rank " + rank + ")");
        int[] shape = new int[rank];
        long size = 1;
        for (int i = 0; i < rank; i++) {
            shape[i] = in.readInt();
            size *= shape[i];
            if (shape[i] < 0 || size > Integer.MAX_VALUE) throw new IOException("corrupt tensor shape " + Arrays.toString(shape));
        }
        double[] d = new double[(int) size];
        for (int i = 0; i < d.length; i++) d[i] = in.readDouble();
        return Tensor.wrap(d, shape);
    }

    /** "mlp layers=784,256,10 l2=0.0" → {kind=mlp, layers=784,256,10, l2=0.0}. */
    static Map<String, String> parseSpec(Path file, String spec) {
        Map<String, String> m = new HashMap<>();
        String[] parts = spec.trim().split("\\s+");
        m.put("kind", parts[0]);
        for (int i = 1; i < parts.length; i++) {
            int eq = parts[i].indexOf('=');
            if (eq < 0) throw new DeepToyException(file + ": corrupt model spec '" + spec + "'");
            m.put(parts[i].substring(0, eq), parts[i].substring(eq + 1));
        }
        return m;
    }

    static int[] ints(String csv) {
        if (csv == null || csv.isEmpty()) return new int[0];
        return Arrays.stream(csv.split(",")).mapToInt(Integer::parseInt).toArray();
    }
}
