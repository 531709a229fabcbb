package org.deeptoy.course;

/** dL/dx of an element-wise function, from its input x, its output y and dL/dy. */
@FunctionalInterface
public interface Backward {
    double dx(double x, double y, double dy);
}
