package org.deeptoy.data;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.Arrays;

import static org.deeptoy.data.IdxFilesTest.assertMessage;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** CIFAR-10 binary loading on tiny batch files written by the test, valid and broken. */
class CifarFilesTest {
    @TempDir
    Path dir;

    @Test
    void readsRecordsOfAllFiveTrainingBatchesInOrderAsNchw() {
        TestFiles.writeTinyCifar(dir);
        Split s = Datasets.cifar10(dir);
        assertArrayEquals(new int[] {10, 3, 32, 32}, s.train().x().shape());
        assertArrayEquals(new int[] {1, 2, 2, 3, 3, 4, 4, 5, 5, 6}, s.train().labels());
        assertArrayEquals(new int[] {9, 8, 7}, s.test().labels());
        // record 1 of data_batch_3 is training example 5; green plane row 0 starts at channel 1
        assertEquals(TestFiles.pixel(1, 1024), s.train().x().get(5, 1, 0, 0));
        assertEquals(TestFiles.pixel(1, 2048 + 32 * 3 + 4), s.train().x().get(5, 2, 3, 4));
        assertEquals(TestFiles.pixel(2, 3071), s.test().x().get(2, 2, 31, 31));
        assertEquals("truck", s.test().className(9));
    }

    @Test
    void rejectsABatchThatIsNotAWholeNumberOfRecords() {
        TestFiles.writeTinyCifar(dir);
        byte[] records = TestFiles.cifarRecords(1, 2);
        TestFiles.write(dir, "data_batch_4.bin", Arrays.copyOf(records, records.length - 1), false);
        assertMessage("data_batch_4.bin: truncated or corrupt: 6145 bytes is not a whole number of 3073-byte CIFAR-10 "
                + "records (1 whole records and 3072 bytes more", () -> Datasets.cifar10(dir));
    }

    @Test
    void rejectsAnEmptyBatch() {
        TestFiles.writeTinyCifar(dir);
        TestFiles.write(dir, "test_batch.bin", new byte[0], false);
        assertMessage("test_batch.bin: empty", () -> Datasets.cifar10(dir));
    }

    @Test
    void rejectsALabelOutOfRangeWithTheRecordNumber() {
        TestFiles.writeTinyCifar(dir);
        TestFiles.write(dir, "data_batch_2.bin", TestFiles.cifarRecords(3, 10), false);
        assertMessage("data_batch_2.bin: record 1 (byte offset 3073) has label 10, outside 0..9",
                () -> Datasets.cifar10(dir));
    }

    @Test
    void rejectsAMetaFileWithoutTenClassNames() {
        TestFiles.writeTinyCifar(dir);
        TestFiles.write(dir, "batches.meta.txt", "airplane\nautomobile\n\n".getBytes(), false);
        assertMessage("batches.meta.txt: expected 10 class names, one per line, found 2", () -> Datasets.cifar10(dir));
    }

    @Test
    void namesTheMissingFilesWhenTheGivenDirectoryIsIncomplete() {
        TestFiles.writeTinyCifar(dir);
        dir.resolve("data_batch_5.bin").toFile().delete();
        assertMessage("CIFAR-10 not found in the directory given", () -> Datasets.cifar10(dir));
        assertMessage("missing data_batch_5.bin", () -> Datasets.cifar10(dir));
    }
}
