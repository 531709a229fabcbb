package org.deeptoy.course;

/** The gradients {dL/da, dL/db, dL/dc} of an expression L(a, b, c). */
@FunctionalInterface
public interface Gradients {
    double[] at(double a, double b, double c);
}
