package org.deeptoy.course;

import static org.deeptoy.course.Check.*;

import java.util.Arrays;
import java.util.Random;

/** Notebook 7b's exercise (the best cell of a sweep). */
public final class TuningChecks {
    private TuningChecks() {}

    /** {row, column} of the highest accuracy in a grid, NaN skipped, the first of equal ones. */
    @FunctionalInterface
    public interface BestCell {
        int[] of(double[][] accuracy);
    }

    /** Exercise: bestCell on random grids, some with NaN (diverged runs) and ties. */
    public static boolean bestCell(BestCell f) {
        Random r = cases();
        for (int t = 0; t < 30; t++) {
            int rows = 2 + r.nextInt(3), cols = 2 + r.nextInt(3);
            double[][] acc = new double[rows][cols];
            for (double[] row : acc) for (int c = 0; c < cols; c++) row[c] = Math.round(r.nextDouble() * 100) / 100.0;
            boolean nan = t % 3 == 1, tie = t % 3 == 2;
            if (nan) acc[0][0] = Double.NaN;
            if (nan && r.nextBoolean()) acc[rows - 1][cols - 1] = Double.NaN;
            int[] want = best(acc);
            if (tie) {  // a later cell equal to the best
                int rr = want[0] + (want[0] + 1 < rows ? 1 : 0), cc = rr == want[0] ? (want[1] + 1) % cols : r.nextInt(cols);
                if (rr != want[0] || cc > want[1]) acc[rr][cc] = acc[want[0]][want[1]];
                want = best(acc);
            }
            double[][] copy = Arrays.stream(acc).map(double[]::clone).toArray(double[][]::new);
            Outcome<int[]> o = attempt(() -> f.of(copy));
            String on = " (for a " + rows + " × " + cols + " grid" + (nan ? " with NaN" : tie ? " with two equal best cells" : "") + ")";
            if (o.failed()) return fail(o.problem() + on);
            int[] got = o.value();
            if (got == null || got.length != 2) return fail("return two numbers, {row, column}" + on);
            if (Arrays.equals(got, want)) continue;
            if (got[0] == want[1] && got[1] == want[0]) return fail("row and column are swapped" + on);
            if (got[0] >= 0 && got[0] < rows && got[1] >= 0 && got[1] < cols && Double.isNaN(acc[got[0]][got[1]])) {
                return fail("your cell holds NaN: what does a comparison with NaN give, and how does Double.isNaN help?" + on);
            }
            if (got[0] >= 0 && got[0] < rows && got[1] >= 0 && got[1] < cols && acc[got[0]][got[1]] == acc[want[0]][want[1]]) {
                return fail("two cells are equal and best; the first one (row by row) is kept" + on);
            }
            if (nan) return fail("wrong cell: what does a comparison with NaN give, and how does Double.isNaN help?" + on);
            return fail("not the cell with the highest accuracy: is every cell compared?" + on);
        }
        return pass("bestCell finds the best cell on 30 random grids, also past NaN and ties");
    }

    private static int[] best(double[][] acc) {
        int[] cell = {-1, -1};
        for (int r = 0; r < acc.length; r++) {
            for (int c = 0; c < acc[r].length; c++) {
                if (!Double.isNaN(acc[r][c]) && (cell[0] < 0 || acc[r][c] > acc[cell[0]][cell[1]])) cell = new int[] {r, c};
            }
        }
        return cell;
    }
}
