package org.deeptoy.kernel.jshell;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

import jdk.jshell.ImportSnippet;
import jdk.jshell.JShell;
import jdk.jshell.MethodSnippet;
import jdk.jshell.Snippet;
import jdk.jshell.SnippetEvent;
import jdk.jshell.TypeDeclSnippet;
import jdk.jshell.VarSnippet;

/**
 * Moves a notebook's state into a fresh JShell: imports, classes and methods are declared again
 * from their source, variables are carried over as the live objects they hold (the engine runs in
 * this JVM). A variable whose object is an instance of a class declared in the notebook cannot be
 * carried (the new class is another class), so its declaration runs again. Used when JShell is
 * left unable to compile anything ("too many constants") and to let the classes of many re-run
 * cells be unloaded.
 */
final class SessionRebuild {
    private SessionRebuild() {
    }

    /** The new shell and what the student should know about the move. */
    record Result(JShell shell, List<String> rerun, List<String> lost, int carried) {
    }

    /**
     * Whether a rebuild would keep every variable without running code that may do more than
     * build a value: variables of notebook classes are declared again by running their line, which
     * is only harmless for a plain constructor call with simple arguments.
     */
    static boolean safeToRebuild(KernelSession session, JShell shell) {
        java.util.Map<VarSnippet, Object> values = values(session, shell);
        for (VarSnippet v : shell.variables().filter(v -> shell.status(v) == Snippet.Status.VALID).toList()) {
            Object value = values.get(v);
            if (v.name().startsWith("$") || value == null || !value.getClass().getName().startsWith("REPL.")) {
                continue;
            }
            String init = v.source().substring(v.source().indexOf('=') + 1).strip();
            if (!PLAIN_CONSTRUCTOR.matcher(init).matches()) {
                return false;
            }
        }
        return true;
    }

    private static final java.util.regex.Pattern PLAIN_CONSTRUCTOR =
            java.util.regex.Pattern.compile("new\\s+[\\w.<>]+\\s*\\([^()]*\\)\\s*;?");

    static Result rebuild(KernelSession session, JShell old, Supplier<JShell> fresh) {
        // a declaration waiting for one declared after it (class Pa { Pb b; } before Pb) moves too
        List<Snippet> active = old.snippets().filter(s -> old.status(s) == Snippet.Status.VALID
                || !(s instanceof VarSnippet) && old.status(s).isActive()).toList();
        // read the values before the old engine goes away
        List<Object> values = new ArrayList<>();
        for (Snippet s : active) {
            values.add(s instanceof VarSnippet ? valueOf(session, (VarSnippet) s) : null);
        }
        JShell shell = fresh.get();
        List<String> rerun = new ArrayList<>();
        List<String> lost = new ArrayList<>();
        int carried = 0;
        for (int i = 0; i < active.size(); i++) {
            Snippet s = active.get(i);
            if (s instanceof ImportSnippet || s instanceof TypeDeclSnippet || s instanceof MethodSnippet) {
                if (!declared(shell.eval(s.source()))) {
                    lost.add(s.source().strip());
                }
            } else if (s instanceof VarSnippet) {
                VarSnippet v = (VarSnippet) s;
                if (v.name().startsWith("$")) {
                    continue; // $1, $2: JShell's names for values of earlier expressions
                }
                Object value = values.get(i);
                boolean declaredHere = value != null && value.getClass().getName().startsWith("REPL.");
                if (value != Missing.VALUE && !declaredHere) {
                    SessionCarry.put(v.name(), value);
                    String type = v.typeName();
                    if (valid(shell.eval(type + " " + v.name() + " = (" + type + ") "
                            + SessionCarry.class.getName() + ".take(\"" + v.name() + "\");"))) {
                        carried++;
                        continue;
                    }
                    SessionCarry.take(v.name());
                }
                if (valid(shell.eval(s.source()))) {
                    rerun.add(v.name());
                } else {
                    lost.add(v.name());
                }
            }
        }
        SessionCarry.clear();
        old.close();
        return new Result(shell, rerun, lost, carried);
    }

    /** The live values of the shell's variables, by snippet (those that can be read). */
    static java.util.Map<VarSnippet, Object> values(KernelSession session, JShell shell) {
        java.util.Map<VarSnippet, Object> values = new java.util.HashMap<>();
        shell.variables().filter(v -> shell.status(v) == Snippet.Status.VALID).forEach(v -> {
            Object value = valueOf(session, v);
            if (value != Missing.VALUE) {
                values.put(v, value);
            }
        });
        return values;
    }

    /**
     * Puts back values JShell reset when it recompiled variables (an import makes it recompile
     * the declarations that use simple names); returns the names it could not put back.
     */
    static List<String> restore(KernelSession session, JShell shell, java.util.Map<VarSnippet, Object> before) {
        List<String> failed = new ArrayList<>();
        before.forEach((v, value) -> {
            if (shell.status(v) != Snippet.Status.VALID) {
                return;
            }
            try {
                if (session.engine().variable(JShellAdapter.classFullName(v), v.name()) != value) {
                    session.engine().setVariable(JShellAdapter.classFullName(v), v.name(), value);
                }
            } catch (ReflectiveOperationException | RuntimeException e) {
                failed.add(v.name());
            }
        });
        return failed;
    }

    private static boolean valid(List<SnippetEvent> events) {
        return events.stream().filter(e -> e.causeSnippet() == null)
                .allMatch(e -> e.status() == Snippet.Status.VALID && e.exception() == null);
    }

    /** Declared, possibly still waiting for something declared later (JShell's "active"). */
    private static boolean declared(List<SnippetEvent> events) {
        return events.stream().filter(e -> e.causeSnippet() == null)
                .allMatch(e -> e.status().isActive() && e.exception() == null);
    }

    /** Marks a variable whose value could not be read. */
    private enum Missing { VALUE }

    private static Object valueOf(KernelSession session, VarSnippet v) {
        try {
            return session.engine().variable(JShellAdapter.classFullName(v), v.name());
        } catch (ReflectiveOperationException | RuntimeException e) {
            return Missing.VALUE;
        }
    }
}
