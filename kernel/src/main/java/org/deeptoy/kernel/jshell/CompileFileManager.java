package org.deeptoy.kernel.jshell;

import java.io.File;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Iterator;
import java.util.List;

import javax.tools.FileObject;
import javax.tools.ForwardingJavaFileManager;
import javax.tools.JavaFileObject;
import javax.tools.StandardJavaFileManager;

/**
 * JShell's file manager with the kernel jar replaced by the compile jar (see {@link CompileJar}) on
 * the compile class path: JShell sets its class path with {@code -classpath} (the JVM's class path,
 * then every jar %maven or %classpath adds), so that option is rewritten; the running code still
 * loads from the kernel jar. Everything else goes to the standard file manager unchanged.
 */
final class CompileFileManager extends ForwardingJavaFileManager<StandardJavaFileManager>
        implements StandardJavaFileManager {
    private final String kernelJar;
    private final String compileJar;

    CompileFileManager(StandardJavaFileManager standard, String kernelJar, String compileJar) {
        super(standard);
        this.kernelJar = kernelJar;
        this.compileJar = compileJar;
        handleOption("-classpath", List.of(kernelJar).iterator());
    }

    /** The class path with the kernel jar swapped for the compile jar. */
    String rewrite(String classPath) {
        List<String> entries = new ArrayList<>();
        for (String e : classPath.split(File.pathSeparator)) {
            entries.add(e.equals(kernelJar) ? compileJar : e);
        }
        return String.join(File.pathSeparator, entries.stream().distinct().toList());
    }

    @Override
    public boolean handleOption(String current, Iterator<String> remaining) {
        boolean classPath = current.equals("-classpath") || current.equals("-cp") || current.equals("--class-path");
        if (classPath && remaining.hasNext()) {
            return super.handleOption(current, List.of(rewrite(remaining.next())).iterator());
        }
        return super.handleOption(current, remaining);
    }

    @Override
    public boolean isSameFile(FileObject a, FileObject b) {
        return fileManager.isSameFile(a, b);
    }

    @Override
    public Iterable<? extends JavaFileObject> getJavaFileObjectsFromFiles(Iterable<? extends File> files) {
        return fileManager.getJavaFileObjectsFromFiles(files);
    }

    @Override
    public Iterable<? extends JavaFileObject> getJavaFileObjectsFromPaths(Collection<? extends Path> paths) {
        return fileManager.getJavaFileObjectsFromPaths(paths);
    }

    @Override
    public Iterable<? extends JavaFileObject> getJavaFileObjects(File... files) {
        return fileManager.getJavaFileObjects(files);
    }

    @Override
    public Iterable<? extends JavaFileObject> getJavaFileObjects(Path... paths) {
        return fileManager.getJavaFileObjectsFromPaths(Arrays.asList(paths));
    }

    @Override
    public Iterable<? extends JavaFileObject> getJavaFileObjectsFromStrings(Iterable<String> names) {
        return fileManager.getJavaFileObjectsFromStrings(names);
    }

    @Override
    public Iterable<? extends JavaFileObject> getJavaFileObjects(String... names) {
        return fileManager.getJavaFileObjects(names);
    }

    @Override
    public void setLocation(Location location, Iterable<? extends File> files) throws IOException {
        fileManager.setLocation(location, files);
    }

    @Override
    public void setLocationFromPaths(Location location, Collection<? extends Path> paths) throws IOException {
        fileManager.setLocationFromPaths(location, paths);
    }

    @Override
    public void setLocationForModule(Location location, String moduleName, Collection<? extends Path> paths)
            throws IOException {
        fileManager.setLocationForModule(location, moduleName, paths);
    }

    @Override
    public Iterable<? extends File> getLocation(Location location) {
        return fileManager.getLocation(location);
    }

    @Override
    public Iterable<? extends Path> getLocationAsPaths(Location location) {
        return fileManager.getLocationAsPaths(location);
    }

    @Override
    public Path asPath(FileObject file) {
        return fileManager.asPath(file);
    }

    @Override
    public void setPathFactory(PathFactory f) {
        fileManager.setPathFactory(f);
    }
}
