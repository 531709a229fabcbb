package org.deeptoy.tensor;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Runs in both surefire executions: proves each really uses the backend it claims. */
class BlasSelectionTest {
    @Test
    void backendFollowsTheSystemPropertyElseOpenBlas() {
        String asked = System.getProperty("deeptoy.blas");
        assertEquals(asked == null ? "openblas" : asked, Blas.current().name());
    }
}
