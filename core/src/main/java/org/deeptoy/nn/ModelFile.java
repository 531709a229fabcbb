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

/**
 * The model file format (version 1), written with {@link DataOutputStream} (big-endian):
 * <pre>
 * int     magic 0x44544D31 ("DTM1")
 * UTF     spec: the model's kind and settings, e.g. "mlp layers=784,256,10 activation=relu init=HE l2=0.0 seed=1"
 * int     number of class names, then one UTF each
 * boolean whether a scaler follows; if so two tensors: shift, then scale
 * int     number of variables, then for each: UTF name and a tensor
 * tensor: int rank, rank ints (the shape), then every value as a double, row-major
 * </pre>
 * The file is written to a temporary file first and then moved into place, so a crash never leaves
 * half a model behind.
 */
public final class ModelFile {
    static final int MAGIC = 0x44544D31;

    private ModelFile() {}

    static void write(Path file, Classifier model) {
        Path tmp = file.resolveSibling(file.getFileName() + ".part");
        try {
            if (file.toAbsolutePath().getParent() != null) Files.createDirectories(file.toAbsolutePath().getParent());
            try (DataOutputStream out = new DataOutputStream(new BufferedOutputStream(Files.newOutputStream(tmp)))) {
                out.writeInt(MAGIC);
                out.writeUTF(model.spec());
                out.writeInt(model.classNames().size());
                for (String n : model.classNames()) out.writeUTF(n);
                out.writeBoolean(model.scaler() != null);
                if (model.scaler() != null) {
                    writeTensor(out, model.scaler().shift());
                    writeTensor(out, model.scaler().scale());
                }
                List<Connection> vars = model.graph().variables();
                out.writeInt(vars.size());
                for (Connection v : vars) {
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

    /** What a file holds, before a model is built from it. */
    private record Contents(String spec, List<String> classNames, Scaler scaler, Map<String, Tensor> variables) {}

    static Classifier read(Path file) {
        Contents c = contents(file);
        Map<String, String> spec = parseSpec(file, c.spec);
        Classifier model = switch (spec.get("kind")) {
            case "mlp" -> Mlp.fromSpec(spec);
            case "svm" -> LinearSvm.fromSpec(spec);
            case "cnn" -> Cnn.fromSpec(spec);
            default -> throw new DeepToyException(file + ": holds a model of kind '" + spec.get("kind") + "' that DeepToy "
                    + "cannot rebuild by itself; build the same graph and call model.loadWeights(path)");
        };
        setVariables(file, model, c.variables);
        model.restore(c.classNames, c.scaler);
        return model;
    }

    static void readWeights(Path file, Classifier model) {
        setVariables(file, model, contents(file).variables);
    }

    private static void setVariables(Path file, Classifier model, Map<String, Tensor> saved) {
        for (Connection v : model.graph().variables()) {
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
            if (magic != MAGIC) {
                throw new DeepToyException(file + ": not a DeepToy model file (it does not start with DTM1; save models with model.save(path))");
            }
            String spec = in.readUTF();
            int n = in.readInt();
            List<String> names = new ArrayList<>();
            for (int i = 0; i < n; i++) names.add(in.readUTF());
            Scaler scaler = in.readBoolean() ? Scaler.of(readTensor(in), readTensor(in)) : null;
            int vars = in.readInt();
            Map<String, Tensor> variables = new LinkedHashMap<>();
            for (int i = 0; i < vars; i++) variables.put(in.readUTF(), readTensor(in));
            return new Contents(spec, names, scaler, variables);
        } catch (NoSuchFileException e) {
            throw new DeepToyException(file + ": no such model file", e);
        } catch (EOFException e) {
            throw new DeepToyException(file + ": truncated model file (it ends too early); save the model again", e);
        } catch (IOException e) {
            throw new DeepToyException(file + ": cannot read: " + e, e);
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

    static String csv(int[] a) {
        return Arrays.stream(a).mapToObj(String::valueOf).reduce((p, q) -> p + "," + q).orElse("");
    }
}
