package org.deeptoy.kernel.jshell;

import java.io.IOException;
import java.net.URI;
import java.net.URL;
import java.nio.file.DirectoryStream;
import java.nio.file.FileSystem;
import java.nio.file.FileSystemAlreadyExistsException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Makes JShell's {@code SourceCodeAnalysis.documentation} find the javadoc of DeepToy's classes.
 * JShell only reads javadoc from the JDK's {@code src.zip} and has no option for more sources, so
 * its source list is set (through {@link JShellAdapter}) to DeepToy's sources, which the
 * build copies into the kernel jar under {@code deeptoy-sources/}, plus the JDK's sources when
 * installed. Needs {@code --add-opens jdk.jshell/jdk.jshell=ALL-UNNAMED} (the kernel jar's manifest
 * has it); without it inspection still shows signatures, only without javadoc.
 */
final class JavadocSources {
    static final String ROOT = "deeptoy-sources";
    private static final String PROBE = ROOT + "/org/deeptoy/graph/ComputationalGraph.java";

    private JavadocSources() {
    }

    /** Installs the source list before the first JShell is built; returns false if it could not. */
    static boolean install() {
        List<Path> sources = new ArrayList<>();
        try {
            Path deeptoy = deepToySources();
            if (deeptoy == null) {
                return false;
            }
            sources.add(deeptoy);
            sources.addAll(jdkSources());
            JShellAdapter.setJavadocSources(sources);
            return true;
        } catch (ReflectiveOperationException | RuntimeException | IOException e) {
            return false;
        }
    }

    /**
     * The {@code deeptoy-sources} folder: in the compile jar when install.sh made one (a small jar to
     * open, see {@link CompileJar}), else on the class path (the kernel jar or target/classes).
     */
    static Path deepToySources() throws IOException {
        String runtime = System.getProperty("java.class.path");
        String compile = CompileJar.beside(runtime);
        if (compile != null && !compile.equals(runtime)) {
            Path file = FileSystems.newFileSystem(Path.of(compile)).getPath("/" + PROBE);
            if (Files.exists(file)) {
                return file.getParent().getParent().getParent().getParent();
            }
        }
        URL probe = JavadocSources.class.getClassLoader().getResource(PROBE);
        if (probe == null) {
            return null;
        }
        URI uri = URI.create(probe.toString());
        Path file;
        if (uri.getScheme().equals("jar")) {
            FileSystem fs;
            try {
                fs = FileSystems.newFileSystem(uri, Map.of());
            } catch (FileSystemAlreadyExistsException e) {
                fs = FileSystems.getFileSystem(uri);
            }
            file = fs.getPath("/" + PROBE);
        } else {
            file = Path.of(uri);
        }
        return file.getParent().getParent().getParent().getParent();
    }

    /** The module folders of the JDK's src.zip (what JShell reads by default), if it is installed. */
    private static List<Path> jdkSources() {
        Path home = Path.of(System.getProperty("java.home"));
        Path zip = home.resolve("lib").resolve("src.zip");
        if (!Files.isReadable(zip)) {
            return List.of();
        }
        List<Path> modules = new ArrayList<>();
        try {
            FileSystem fs = FileSystems.newFileSystem(zip);
            Path root = fs.getRootDirectories().iterator().next();
            if (Files.exists(root.resolve("java/lang/Object.java"))) {
                return List.of(root);
            }
            try (DirectoryStream<Path> ds = Files.newDirectoryStream(root)) {
                for (Path p : ds) {
                    if (Files.isDirectory(p)) {
                        modules.add(p);
                    }
                }
            }
        } catch (IOException | RuntimeException e) {
            return List.of();
        }
        return modules;
    }
}
