package org.deeptoy.course;

import org.deeptoy.graph.ComputationalGraph;
import org.deeptoy.graph.Connection;

/** Adds operations computing something of {@code x} to {@code cg} and returns their output. */
@FunctionalInterface
public interface GraphBuilder {
    Connection build(ComputationalGraph cg, Connection x);
}
