package org.deeptoy.course;

/**
 * A failed exercise check in grading mode: its message is the check's ✗ line. Thrown only when
 * {@link Course#grading()} is on, so that an autograder (nbgrader) sees an error in the check cell and
 * scores it 0; outside grading mode a check prints ✗ and returns false.
 */
public final class CheckFailed extends RuntimeException {
    public CheckFailed(String message) {
        super(message, null, false, false); // the check cell's stack trace says nothing to a student
    }
}
