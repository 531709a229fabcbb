package org.deeptoy.kernel.jshell;

import org.objectweb.asm.ClassReader;
import org.objectweb.asm.ClassVisitor;
import org.objectweb.asm.ClassWriter;
import org.objectweb.asm.Handle;
import org.objectweb.asm.MethodVisitor;
import org.objectweb.asm.Opcodes;

import jdk.jshell.spi.ExecutionControl.ClassBytecodes;

/**
 * Points the exit calls in a snippet's classes at {@link NotebookExit}: {@code System.exit(int)},
 * {@code Runtime.exit(int)} and {@code Runtime.halt(int)}, called directly, through a method
 * reference ({@code System::exit}) or a loaded method handle constant. Every class JShell compiles
 * from a cell passes here (nested classes, lambdas' bodies, static initialisers), so threads a cell
 * starts are covered. Reflection ({@code Method.invoke}) and library code are not rewritten.
 */
final class ExitRewriter {
    private static final String TARGET = NotebookExit.class.getName().replace('.', '/');
    private static final String SYSTEM = "java/lang/System";
    private static final String RUNTIME = "java/lang/Runtime";
    private static volatile boolean warned;

    private ExitRewriter() {
    }

    static ClassBytecodes[] rewriteAll(ClassBytecodes[] classes) {
        ClassBytecodes[] out = new ClassBytecodes[classes.length];
        for (int i = 0; i < classes.length; i++) {
            out[i] = new ClassBytecodes(classes[i].name(), rewrite(classes[i].bytecodes()));
        }
        return out;
    }

    /** The class with its exit calls replaced; the same bytes if it has none or cannot be read. */
    static byte[] rewrite(byte[] bytes) {
        ClassReader reader;
        try {
            reader = new ClassReader(bytes);
        } catch (IllegalArgumentException e) { // a class-file version newer than this ASM knows
            if (!warned) {
                warned = true;
                System.err.println("deeptoy: System.exit is not guarded in cells: " + e.getMessage());
            }
            return bytes;
        }
        boolean[] changed = {false};
        // Same stack effect per replaced call, so frames and max stack are copied unchanged.
        ClassWriter writer = new ClassWriter(reader, 0);
        reader.accept(new ClassVisitor(Opcodes.ASM9, writer) {
            @Override
            public MethodVisitor visitMethod(int access, String name, String desc, String signature, String[] exceptions) {
                return new MethodVisitor(Opcodes.ASM9, super.visitMethod(access, name, desc, signature, exceptions)) {
                    @Override
                    public void visitMethodInsn(int opcode, String owner, String name, String desc, boolean itf) {
                        String replacement = replacementDesc(owner, name, desc);
                        if (replacement != null) {
                            changed[0] = true;
                            super.visitMethodInsn(Opcodes.INVOKESTATIC, TARGET, name, replacement, false);
                        } else {
                            super.visitMethodInsn(opcode, owner, name, desc, itf);
                        }
                    }

                    @Override
                    public void visitInvokeDynamicInsn(String name, String desc, Handle bsm, Object... args) {
                        Object[] mapped = args.clone();
                        for (int i = 0; i < mapped.length; i++) {
                            mapped[i] = mapConstant(mapped[i], changed);
                        }
                        super.visitInvokeDynamicInsn(name, desc, bsm, mapped);
                    }

                    @Override
                    public void visitLdcInsn(Object value) {
                        super.visitLdcInsn(mapConstant(value, changed));
                    }
                };
            }
        }, 0);
        return changed[0] ? writer.toByteArray() : bytes;
    }

    /** The descriptor of the NotebookExit method replacing owner.name(desc), or null if none does. */
    private static String replacementDesc(String owner, String name, String desc) {
        if (!desc.equals("(I)V")) {
            return null;
        }
        if (owner.equals(SYSTEM) && name.equals("exit")) {
            return "(I)V";
        }
        if (owner.equals(RUNTIME) && (name.equals("exit") || name.equals("halt"))) {
            return "(Ljava/lang/Runtime;I)V";
        }
        return null;
    }

    /** A method-handle constant (a method reference's target) pointed at NotebookExit when it is an exit. */
    private static Object mapConstant(Object value, boolean[] changed) {
        if (!(value instanceof Handle)) {
            return value;
        }
        Handle h = (Handle) value;
        String replacement = replacementDesc(h.getOwner(), h.getName(), h.getDesc());
        if (replacement == null) {
            return value;
        }
        changed[0] = true;
        return new Handle(Opcodes.H_INVOKESTATIC, TARGET, h.getName(), replacement, false);
    }
}
