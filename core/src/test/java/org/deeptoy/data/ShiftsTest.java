package org.deeptoy.data;

import org.deeptoy.tensor.Tensor;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.HashSet;
import java.util.Random;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Images moved by whole pixels, the edge repeated into the gap; random moves cover every offset. */
class ShiftsTest {
    /** One image [1, 2, 3, 3]: channel 0 holds 1..9 row by row, channel 1 holds 10 times that. */
    private static Tensor image() {
        double[] v = new double[18];
        for (int i = 0; i < 9; i++) {
            v[i] = i + 1;
            v[9 + i] = 10 * (i + 1);
        }
        return Tensor.of(v, 1, 2, 3, 3);
    }

    @Test
    void aMoveShiftsEveryChannelAndRepeatsTheEdge() {
        // Right by one: each row's first pixel repeats, its last one falls off.
        assertArrayEquals(new double[] {1, 1, 2, 4, 4, 5, 7, 7, 8, 10, 10, 20, 40, 40, 50, 70, 70, 80},
                Shifts.by(image(), 1, 0).data());
        // Up by one: the bottom row repeats.
        assertArrayEquals(new double[] {4, 5, 6, 7, 8, 9, 7, 8, 9, 40, 50, 60, 70, 80, 90, 70, 80, 90},
                Shifts.by(image(), 0, -1).data());
        assertArrayEquals(image().data(), Shifts.by(image(), 0, 0).data());
        assertArrayEquals(new int[] {1, 2, 3, 3}, Shifts.by(image(), 1, 1).shape());
    }

    @Test
    void randomMovesAreEachOneOfTheOffsetsAllOfThemSeededAndPerImage() {
        Set<String> allowed = new HashSet<>();
        for (int dx = -1; dx <= 1; dx++) for (int dy = -1; dy <= 1; dy++) allowed.add(Arrays.toString(Shifts.by(image(), dx, dy).data()));
        assertEquals(9, allowed.size());
        double[] four = new double[4 * 18];
        for (int i = 0; i < 4; i++) System.arraycopy(image().data(), 0, four, 18 * i, 18);
        Tensor many = Tensor.of(four, 4, 2, 3, 3);
        Set<String> seen = new HashSet<>();
        Random random = new Random(3);
        for (int k = 0; k < 50; k++) {
            double[] out = Shifts.random(many, 1, random).data();
            for (int i = 0; i < 4; i++) {
                String one = Arrays.toString(Arrays.copyOfRange(out, 18 * i, 18 * (i + 1)));
                assertTrue(allowed.contains(one), "not a move by at most one pixel: " + one);
                seen.add(one);
            }
        }
        assertEquals(allowed, seen, "every offset from -1 to 1 in both directions is drawn");
        assertArrayEquals(Shifts.random(many, 1, new Random(5)).data(), Shifts.random(many, 1, new Random(5)).data());
        assertArrayEquals(many.data(), Shifts.random(many, 0, new Random(5)).data(), "0 pixels leaves the images as they are");
    }

    @Test
    void rowsOfFeaturesAndMovesAsLargeAsTheImageAreRefusedByName() {
        IllegalArgumentException flat = assertThrows(IllegalArgumentException.class,
                () -> Shifts.random(Tensor.of(image().data(), 1, 18), 1, new Random(1)));
        assertTrue(flat.getMessage().contains("images [N, C, H, W]") && flat.getMessage().contains("[1, 18]"), flat.getMessage());
        IllegalArgumentException large = assertThrows(IllegalArgumentException.class, () -> Shifts.random(image(), 3, new Random(1)));
        assertTrue(large.getMessage().contains("3 pixels") && large.getMessage().contains("3x3"), large.getMessage());
    }

    @Test
    void flipsMirrorSomeImagesLeftToRightAndKeepTheOthers() {
        Tensor batch = Tensor.zeros(40, 2, 3, 3);
        for (int i = 0; i < 40; i++) System.arraycopy(image().data(), 0, batch.data(), i * 18, 18);
        Tensor out = Flips.random(batch, new Random(3));
        double[] mirrored = {3, 2, 1, 6, 5, 4, 9, 8, 7, 30, 20, 10, 60, 50, 40, 90, 80, 70};
        int flipped = 0;
        for (int i = 0; i < 40; i++) {
            double[] one = Arrays.copyOfRange(out.data(), i * 18, (i + 1) * 18);
            if (Arrays.equals(one, mirrored)) flipped++;
            else assertArrayEquals(image().data(), one, "image " + i + " either mirrored or unchanged");
        }
        assertTrue(flipped > 10 && flipped < 30, flipped + " of 40 mirrored");
        assertEquals(1.0, batch.data()[0], "the batch itself stays");
        assertThrows(IllegalArgumentException.class, () -> Flips.random(Tensor.zeros(2, 9), new Random(1)));
    }
}
