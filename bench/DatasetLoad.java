import org.deeptoy.data.Dataset;
import org.deeptoy.data.Datasets;
import org.deeptoy.data.Split;

/** Loads one dataset in a fresh JVM, as a notebook does, and prints the time taken. */
public class DatasetLoad {
    public static void main(String[] args) {
        String name = args[0];
        long t0 = System.nanoTime();
        Object d = switch (name) {
            case "iris" -> Datasets.iris();
            case "mnist" -> Datasets.mnist();
            case "fashion-mnist" -> Datasets.fashionMnist();
            case "cifar-10" -> Datasets.cifar10();
            default -> throw new IllegalArgumentException("unknown dataset " + name);
        };
        double seconds = (System.nanoTime() - t0) / 1e9;
        String sizes = d instanceof Split s ? "train " + s.train().size() + ", test " + s.test().size()
                : ((Dataset) d).size() + " examples";
        Runtime rt = Runtime.getRuntime();
        System.out.printf("%-14s %6.2f s   %-26s heap used %5d MB%n", name, seconds, sizes,
                (rt.totalMemory() - rt.freeMemory()) >> 20);
    }
}
