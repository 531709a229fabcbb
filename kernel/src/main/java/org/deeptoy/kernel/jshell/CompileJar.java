package org.deeptoy.kernel.jshell;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.jar.JarOutputStream;

import org.objectweb.asm.ClassReader;
import org.objectweb.asm.ClassVisitor;
import org.objectweb.asm.FieldVisitor;
import org.objectweb.asm.MethodVisitor;
import org.objectweb.asm.Opcodes;
import org.objectweb.asm.Type;
import org.objectweb.asm.signature.SignatureReader;
import org.objectweb.asm.signature.SignatureVisitor;

/**
 * Makes the jar JShell compiles cells against: the classes a cell may name — DeepToy's, Tablesaw's,
 * XChart's — and every class their public signatures name (super types, fields, methods), copied
 * from the kernel jar. Cells still run against the whole kernel jar.
 *
 * <p>Why: JShell indexes and javac reads every class of the compile class path; the 64 MB kernel jar
 * holds 22k classes (12.8k of them fastutil, Tablesaw's internals), which cost each idle kernel
 * ~17 MB of heap. The API closure keeps what a cell can reach through DeepToy's, Tablesaw's and
 * XChart's signatures; the rest (ZeroMQ, ASM, Maven's resolver, ELK, most of fastutil) is runtime only.
 * install.sh makes it beside the installed kernel jar: {@code java -jar deeptoy-kernel.jar --compile-jar OUT}.
 */
public final class CompileJar {
    /** The file name beside the kernel jar that {@link #beside} finds. */
    static final String NAME = "deeptoy-compile.jar";
    /** Packages (as path prefixes) whose public classes cells may name. */
    static final List<String> ROOTS = List.of("org/deeptoy/", "tech/tablesaw/", "org/knowm/xchart/");
    /** DeepToy's relocated ASM is the kernel's own. */
    static final List<String> NOT_ROOTS = List.of("org/deeptoy/shaded/");

    private CompileJar() {
    }

    /**
     * The compile jar beside a kernel jar, if install.sh made one; else the kernel jar itself (a kernel
     * run from the build's classes or without it compiles against its whole class path).
     */
    static String beside(String kernelClassPath) {
        if (kernelClassPath == null || kernelClassPath.contains(java.io.File.pathSeparator)
                || !kernelClassPath.endsWith(".jar")) {
            return kernelClassPath;
        }
        Path compile = Path.of(kernelClassPath).toAbsolutePath().resolveSibling(NAME);
        return Files.isRegularFile(compile) ? compile.toString() : kernelClassPath;
    }

    /** Writes the compile jar; returns {classes kept, classes in the kernel jar}. */
    public static int[] write(Path kernelJar, Path out) throws IOException {
        Map<String, byte[]> classes = new HashMap<>();
        Map<String, byte[]> sources = new TreeMap<>();
        try (JarFile jar = new JarFile(kernelJar.toFile())) {
            for (JarEntry e : java.util.Collections.list(jar.entries())) {
                String n = e.getName();
                boolean source = n.startsWith(JavadocSources.ROOT + "/") && !e.isDirectory();
                if (source || n.endsWith(".class") && !n.startsWith("META-INF/") && !n.endsWith("module-info.class")) {
                    try (InputStream in = jar.getInputStream(e)) {
                        if (source) {
                            sources.put(n, in.readAllBytes());
                        } else {
                            classes.put(n.substring(0, n.length() - ".class".length()), in.readAllBytes());
                        }
                    }
                }
            }
        }
        Set<String> kept = closure(classes);
        Path part = out.resolveSibling(out.getFileName() + ".part");
        try (OutputStream os = Files.newOutputStream(part); JarOutputStream jar = new JarOutputStream(os)) {
            for (String name : kept) {
                add(jar, name + ".class", classes.get(name));
            }
            // DeepToy's sources, for the javadoc inspection shows (JavadocSources): opening this small
            // jar costs the kernel less than an index of the kernel jar's 26k entries
            for (Map.Entry<String, byte[]> e : sources.entrySet()) {
                add(jar, e.getKey(), e.getValue());
            }
        }
        Files.move(part, out, StandardCopyOption.REPLACE_EXISTING);
        return new int[] {kept.size(), classes.size()};
    }

    private static void add(JarOutputStream jar, String name, byte[] bytes) throws IOException {
        jar.putNextEntry(new JarEntry(name));
        jar.write(bytes);
        jar.closeEntry();
    }

    /** The public classes of {@link #ROOTS} and, transitively, every class of the jar their API names. */
    static Set<String> closure(Map<String, byte[]> classes) {
        Set<String> kept = new TreeSet<>();
        Deque<String> todo = new ArrayDeque<>();
        for (Map.Entry<String, byte[]> e : classes.entrySet()) {
            String n = e.getKey();
            if (ROOTS.stream().anyMatch(n::startsWith) && NOT_ROOTS.stream().noneMatch(n::startsWith)
                    && isPublic(e.getValue())) {
                todo.add(n);
            }
        }
        while (!todo.isEmpty()) {
            String n = todo.poll();
            if (!classes.containsKey(n) || !kept.add(n)) {
                continue; // a JDK class, one the jar lacks (an optional dependency), or seen
            }
            for (String named : apiNames(classes.get(n))) {
                if (!kept.contains(named)) {
                    todo.add(named);
                }
            }
        }
        return kept;
    }

    private static boolean isPublic(byte[] bytes) {
        return (new ClassReader(bytes).getAccess() & Opcodes.ACC_PUBLIC) != 0;
    }

    /** The classes a class's API names: super types, outer and member classes, public/protected members. */
    static Set<String> apiNames(byte[] bytes) {
        Set<String> names = new TreeSet<>();
        new ClassReader(bytes).accept(new ApiNames(names), ClassReader.SKIP_CODE | ClassReader.SKIP_FRAMES);
        return names;
    }

    /** Collects names from a class file's declarations (no code). */
    private static final class ApiNames extends ClassVisitor {
        private final Set<String> names;
        private String self;

        ApiNames(Set<String> names) {
            super(Opcodes.ASM9);
            this.names = names;
        }

        @Override
        public void visit(int version, int access, String name, String signature, String superName,
                String[] interfaces) {
            self = name;
            if (superName != null) {
                names.add(superName);
            }
            if (interfaces != null) {
                names.addAll(List.of(interfaces));
            }
            signature(signature);
        }

        @Override
        public void visitOuterClass(String owner, String name, String descriptor) {
            names.add(owner);
        }

        @Override
        public void visitInnerClass(String name, String outerName, String innerName, int access) {
            // this class's member classes that a cell may name, and the class this one is nested in
            if (self.equals(outerName) && (access & (Opcodes.ACC_PUBLIC | Opcodes.ACC_PROTECTED)) != 0
                    || name.equals(self) && outerName != null) {
                names.add(name.equals(self) ? outerName : name);
            }
        }

        @Override
        public org.objectweb.asm.AnnotationVisitor visitAnnotation(String descriptor, boolean visible) {
            descriptor(descriptor);
            return null;
        }

        @Override
        public FieldVisitor visitField(int access, String name, String descriptor, String signature, Object value) {
            if (api(access)) {
                descriptor(descriptor);
                signature(signature);
            }
            return null;
        }

        @Override
        public MethodVisitor visitMethod(int access, String name, String descriptor, String signature,
                String[] exceptions) {
            if (api(access)) {
                descriptor(descriptor);
                signature(signature);
                if (exceptions != null) {
                    names.addAll(List.of(exceptions));
                }
            }
            return null;
        }

        private static boolean api(int access) {
            // every member, not only public ones: javac reads all constructors and methods of a class
            // when resolving a call (e.g. Dataset's package-private constructor names Pixels)
            return (access & Opcodes.ACC_SYNTHETIC) == 0;
        }

        private void descriptor(String descriptor) {
            Type t = Type.getType(descriptor);
            if (t.getSort() == Type.METHOD) {
                type(t.getReturnType());
                for (Type a : t.getArgumentTypes()) {
                    type(a);
                }
            } else {
                type(t);
            }
        }

        private void type(Type t) {
            if (t.getSort() == Type.ARRAY) {
                t = t.getElementType();
            }
            if (t.getSort() == Type.OBJECT) {
                names.add(t.getInternalName());
            }
        }

        private void signature(String signature) {
            if (signature == null) {
                return;
            }
            new SignatureReader(signature).accept(new SignatureVisitor(Opcodes.ASM9) {
                private String outer;

                @Override
                public void visitClassType(String name) {
                    outer = name;
                    names.add(name);
                }

                @Override
                public void visitInnerClassType(String name) {
                    outer = outer + "$" + name;
                    names.add(outer);
                }
            });
        }
    }
}
