package org.deeptoy.kernel;

/**
 * Turns {@code System.exit} and {@code Runtime.halt} in a cell into an exception, so a student's
 * exit call cannot kill the kernel. The SecurityManager API is deprecated (needs
 * {@code -Djava.security.manager=allow} on Java 17, gone in later JDKs), hence confined here.
 */
@SuppressWarnings("removal")
final class ExitGuard extends SecurityManager {
    private static volatile boolean allowExit;

    static boolean install() {
        try {
            System.setSecurityManager(new ExitGuard());
            return true;
        } catch (UnsupportedOperationException | SecurityException e) {
            return false;
        }
    }

    /** Lets the kernel's own shutdown path exit the JVM. */
    static void allowExit() {
        allowExit = true;
    }

    @Override
    public void checkExit(int status) {
        if (!allowExit) {
            throw new SecurityException("System.exit(" + status + ") is disabled in a notebook cell; "
                    + "use Kernel > Restart to start over (your variables are kept until then)");
        }
    }

    @Override
    public void checkPermission(java.security.Permission perm) {
        // everything else is allowed
    }

    @Override
    public void checkPermission(java.security.Permission perm, Object context) {
    }
}
