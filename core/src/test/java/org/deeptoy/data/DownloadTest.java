package org.deeptoy.data;

import com.sun.net.httpserver.HttpServer;
import org.deeptoy.data.DataLocator.Checksum;
import org.deeptoy.data.DataLocator.Download;
import org.deeptoy.data.DataLocator.Source;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;

import static org.deeptoy.data.IdxFilesTest.assertMessage;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Downloads from a local HTTP server standing in for the official sources. */
class DownloadTest {
    @TempDir
    Path tmp;

    private HttpServer server;
    private String base;
    private final Map<String, byte[]> served = new ConcurrentHashMap<>();
    private final List<String> requests = Collections.synchronizedList(new ArrayList<>());
    private final List<String> log = Collections.synchronizedList(new ArrayList<>());

    @BeforeEach
    void startServer() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", exchange -> {
            String path = exchange.getRequestURI().getPath();
            requests.add(path);
            byte[] body = served.get(path);
            exchange.sendResponseHeaders(body == null ? 404 : 200, body == null ? -1 : body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                if (body != null) out.write(body);
            }
        });
        server.start();
        base = "http://127.0.0.1:" + server.getAddress().getPort();
    }

    @AfterEach
    void stopServer() {
        server.stop(0);
    }

    private Path cache() {
        return tmp.resolve("cache");
    }

    private DataLocator locator() {
        return TestFiles.locator(null, cache(), List.of(), base, true, log::add);
    }

    @Test
    void downloadsMnistIntoTheCacheVerifyingTheUncompressedContent() throws IOException {
        Path real = TestFiles.realRoot().resolve("mnist");
        // the shared copies are re-compressed: only a checksum of the content can accept them
        for (String f : new String[] {"train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz",
            "t10k-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz"}) {
            served.put("/mnist/" + f, Files.readAllBytes(real.resolve(f)));
        }
        Split mnist = Datasets.mnist(locator(), null);
        assertEquals(60000, mnist.train().size());
        assertArrayEquals(new int[] {7, 2, 1}, java.util.Arrays.copyOf(mnist.test().labels(), 3));
        assertEquals(List.of("t10k-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz", "train-images-idx3-ubyte.gz",
                "train-labels-idx1-ubyte.gz"), fileNames(cache()));
        assertEquals(4, requests.size());
        Datasets.mnist(locator(), null).test();
        assertEquals(4, requests.size(), "the second load reads the cache");
    }

    @Test
    void downloadsIrisFromUciAndRestoresFishersValues() throws Exception {
        byte[] fisher = Files.readAllBytes(TestFiles.realRoot().resolve("iris/iris.csv"));
        byte[] uci = uciIrisData(fisher);
        assertEquals("6f608b71a7317216319b4d27b4d9bc84e6abd734eda7872b71a458569e2656c0", sha256(uci),
                "the test's iris.data must be UCI's file byte for byte");
        served.put("/iris/iris.data", uci);
        Dataset iris = Datasets.iris(locator(), null);
        assertArrayEquals(new int[] {50, 50, 50}, iris.classCounts());
        assertArrayEquals(fisher, Files.readAllBytes(cache().resolve("iris/iris.csv")));
        assertEquals(List.of("iris.csv"), fileNames(cache()));
    }

    /** UCI's iris.data: no header, "Iris-" names, the two erratum values, and an empty last line. */
    private static byte[] uciIrisData(byte[] fisherCsv) {
        String[] lines = new String(fisherCsv, StandardCharsets.US_ASCII).split("\n");
        StringBuilder s = new StringBuilder();
        for (int i = 1; i < lines.length; i++) {
            String[] f = lines[i].split(",");
            if (i == 35) f[3] = "0.1";
            if (i == 38) {
                f[1] = "3.1";
                f[2] = "1.5";
            }
            f[4] = "Iris-" + f[4];
            s.append(String.join(",", f)).append('\n');
        }
        return s.append('\n').toString().getBytes(StandardCharsets.US_ASCII);
    }

    @Test
    void rejectsADownloadWithAWrongChecksumAndKeepsNothing() throws IOException {
        served.put("/mnist/train-images-idx3-ubyte.gz", TestFiles.gzip(TestFiles.idxImages(2051, 3, 28, 28)));
        DatasetException e = assertThrows(DatasetException.class, () -> Datasets.mnist(locator(), null));
        assertTrue(e.getMessage().contains(base + "/mnist/train-images-idx3-ubyte.gz: checksum mismatch, SHA-256 is ")
                && e.getMessage().contains("expected sha256 (uncompressed) ba891046e6505d7aadcbbe25680a0738ad16aec93bde7f9b65e87a2fc25776db")
                && e.getMessage().contains("the file was not kept"), e.getMessage());
        assertEquals(List.of(), fileNames(cache()), "no file, partial or verified, is left in the cache");
        assertFalse(Files.exists(cache().resolve("mnist")));
    }

    @Test
    void reportsHttpErrorsWithTheUrlAndStatus() {
        assertMessage("could not download cifar-10-binary.tar.gz:\n      " + base + "/cifar-10/cifar-10-binary.tar.gz: HTTP status 404",
                () -> Datasets.cifar10(locator(), null));
    }

    // ---- the general mechanism, on a made-up dataset ----------------------------------------

    private static final byte[] A = "first file".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] B = "second file\n".getBytes(StandardCharsets.US_ASCII);

    private Source toy(List<String> mirrors, Download... downloads) {
        return new Source("Toy", "toy", List.of(List.of("a.bin"), List.of("b.txt")), mirrors, List.of(downloads), List.of());
    }

    @Test
    void triesTheNextMirrorWhenOneFails() throws Exception {
        served.put("/good/a.bin", A);
        served.put("/good/b.txt", B);
        Source toy = toy(List.of(base + "/broken/", base + "/good/"), Download.asIs("a.bin", Checksum.sha256(sha256(A))),
                Download.asIs("b.txt", Checksum.md5(md5(B))));
        DataLocator.Located found = TestFiles.locator(null, cache(), List.of(), null, true, log::add).locate(toy, null);
        assertArrayEquals(A, Files.readAllBytes(found.file("a.bin")));
        assertArrayEquals(B, Files.readAllBytes(found.file("b.txt")));
        assertEquals(List.of("/broken/a.bin", "/good/a.bin", "/broken/b.txt", "/good/b.txt"), requests);
    }

    @Test
    void downloadsOnlyTheFilesThatAreMissing() throws Exception {
        served.put("/toy/a.bin", A);
        served.put("/toy/b.txt", B);
        TestFiles.write(cache().resolve("toy"), "a.bin", A, false);
        Source toy = toy(List.of(), Download.asIs("a.bin", Checksum.sha256(sha256(A))),
                Download.asIs("b.txt", Checksum.sha256(sha256(B))));
        locator().locate(toy, null);
        assertEquals(List.of("/toy/b.txt"), requests);
    }

    @Test
    void extractsVerifiedMembersFromATarGzArchive() throws Exception {
        byte[] archive = tarGz(Map.of("toy-bin/readme.html", "<p>skip me</p>".getBytes(), "toy-bin/a.bin", A,
                "toy-bin/b.txt", B));
        served.put("/toy/toy.tar.gz", archive);
        Source toy = toy(List.of(), new Download("toy.tar.gz", Checksum.md5(md5(archive)), List.of("a.bin", "b.txt"),
                DataLocator.tarMembers(Map.of("a.bin", Checksum.sha256(sha256(A)), "b.txt", Checksum.sha256(sha256(B))))));
        DataLocator.Located found = locator().locate(toy, null);
        assertArrayEquals(A, Files.readAllBytes(found.file("a.bin")));
        assertArrayEquals(B, Files.readAllBytes(found.file("b.txt")));
        assertEquals(List.of("a.bin", "b.txt"), fileNames(cache()), "neither the archive nor other members are kept");
    }

    @Test
    void rejectsAnArchiveMemberWithAWrongChecksum() throws Exception {
        byte[] archive = tarGz(Map.of("toy-bin/a.bin", A, "toy-bin/b.txt", "tampered".getBytes()));
        served.put("/toy/toy.tar.gz", archive);
        Source toy = toy(List.of(), new Download("toy.tar.gz", Checksum.md5(md5(archive)), List.of("a.bin", "b.txt"),
                DataLocator.tarMembers(Map.of("a.bin", Checksum.sha256(sha256(A)), "b.txt", Checksum.sha256(sha256(B))))));
        assertMessage("b.txt: checksum mismatch", () -> locator().locate(toy, null));
        assertFalse(fileNames(cache()).contains("b.txt"));
        assertTrue(fileNames(cache()).stream().noneMatch(n -> n.endsWith(".part") || n.endsWith(".tar.gz")), fileNames(cache())::toString);
    }

    // ---- helpers ------------------------------------------------------------------------------

    /** Names of all regular files under {@code dir} (hidden temporary files included), sorted. */
    private static List<String> fileNames(Path dir) throws IOException {
        if (!Files.exists(dir)) return List.of();
        try (Stream<Path> s = Files.walk(dir)) {
            return s.filter(Files::isRegularFile).map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    /** A gzip-compressed POSIX ustar archive of regular files. */
    static byte[] tarGz(Map<String, byte[]> files) throws IOException {
        ByteArrayOutputStream tar = new ByteArrayOutputStream();
        for (Map.Entry<String, byte[]> e : new LinkedHashMap<>(files).entrySet()) {
            byte[] h = new byte[512];
            put(h, 0, e.getKey());
            put(h, 100, "0000644");
            put(h, 108, "0000000");
            put(h, 116, "0000000");
            put(h, 124, String.format("%011o", e.getValue().length));
            put(h, 136, "00000000000");
            h[156] = '0';
            put(h, 257, "ustar");
            put(h, 263, "00");
            for (int i = 148; i < 156; i++) h[i] = ' ';
            int sum = 0;
            for (byte b : h) sum += b & 0xff;
            put(h, 148, String.format("%06o", sum));
            h[154] = 0;
            tar.write(h);
            tar.write(e.getValue());
            tar.write(new byte[(512 - e.getValue().length % 512) % 512]);
        }
        tar.write(new byte[1024]);
        return TestFiles.gzip(tar.toByteArray());
    }

    private static void put(byte[] h, int at, String s) {
        byte[] b = s.getBytes(StandardCharsets.US_ASCII);
        System.arraycopy(b, 0, h, at, b.length);
    }

    static String sha256(byte[] b) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b));
    }

    static String md5(byte[] b) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("MD5").digest(b));
    }
}
