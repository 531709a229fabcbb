package org.deeptoy.kernel.jshell;

import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.nio.file.Path;
import java.util.List;

import jdk.jshell.Snippet;

/**
 * The one place that reaches into JShell's non-public API (as {@code wire.BasekernelAdapter} is for
 * basekernel's). Needs {@code --add-opens jdk.jshell/jdk.jshell=ALL-UNNAMED} (the kernel jar's
 * manifest has it). Reading a snippet's wrapper class fields is not here: that is the notebook's
 * own code, reached through the engine ({@link LiveExecutionControl#variable}).
 */
final class JShellAdapter {
    private JShellAdapter() {
    }

    /** The wrapper class of a snippet, kept by JShell in a package-private method. */
    static String classFullName(Snippet s) throws ReflectiveOperationException {
        Method m = Snippet.class.getDeclaredMethod("classFullName");
        m.setAccessible(true);
        return (String) m.invoke(s);
    }

    /**
     * Sets where JShell's documentation looks for sources: a static field meant for its own tests,
     * as JShell has no option for sources beyond the JDK's src.zip.
     */
    static void setJavadocSources(List<Path> sources) throws ReflectiveOperationException {
        Field f = Class.forName("jdk.jshell.SourceCodeAnalysisImpl").getDeclaredField("availableSourcesOverride");
        f.setAccessible(true);
        f.set(null, List.copyOf(sources));
    }
}
