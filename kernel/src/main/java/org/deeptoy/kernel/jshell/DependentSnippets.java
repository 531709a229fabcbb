package org.deeptoy.kernel.jshell;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

import jdk.jshell.Diag;
import jdk.jshell.JShell;
import jdk.jshell.Snippet;
import jdk.jshell.SnippetEvent;
import jdk.jshell.SourceCodeAnalysis;

/**
 * What a new snippet did to the declarations of earlier cells: an import that would make them
 * unusable is undone and reported as the cell's error; a redefinition that broke or reset them is
 * said on stderr.
 */
final class DependentSnippets {
    private final JShell shell;
    private final SourceCodeAnalysis analysis;

    DependentSnippets(JShell shell, SourceCodeAnalysis analysis) {
        this.shell = shell;
        this.analysis = analysis;
    }

    /**
     * Snippets of earlier cells that the piece changed (JShell reports them with the piece's
     * snippet as cause). A declaration that only takes the place of an earlier one of the same name
     * (a re-run cell, an import already in effect) is no change. An import that makes earlier
     * declarations unusable (e.g. java.awt.* after {@code List<String> names}: List becomes
     * ambiguous) is undone, which restores them with their values, and reported; a redefinition that
     * resets variables is said on stderr.
     */
    void check(String cell, CellSplitter.Piece piece, List<SnippetEvent> events, String meantBefore) throws CellException {
        List<Snippet> broken = new ArrayList<>();
        List<Snippet> replaced = new ArrayList<>();
        List<String> reset = new ArrayList<>();
        Snippet cause = null;
        for (SnippetEvent e : events) {
            if (e.causeSnippet() == null || e.previousStatus() != Snippet.Status.VALID) {
                continue;
            }
            cause = e.causeSnippet();
            if (e.status() == Snippet.Status.OVERWRITTEN) {
                replaced.add(e.snippet());
            } else if (e.status() != Snippet.Status.VALID) {
                broken.add(e.snippet());
            } else if (e.snippet() instanceof jdk.jshell.VarSnippet) {
                reset.add(describeSnippet(e.snippet()));
            }
        }
        // import java.awt.List; after List<Integer> xs: JShell recompiles nothing, yet xs would break later
        List<String> renamed = new ArrayList<>();
        jdk.jshell.ImportSnippet imported = events.stream().filter(e -> e.causeSnippet() == null)
                .map(SnippetEvent::snippet).filter(jdk.jshell.ImportSnippet.class::isInstance)
                .map(jdk.jshell.ImportSnippet.class::cast).findFirst().orElse(null);
        if (broken.isEmpty() && imported != null && meantBefore != null && !meantBefore.equals(imported.fullname())) {
            java.util.regex.Pattern uses = java.util.regex.Pattern.compile("\\b" + java.util.regex.Pattern.quote(imported.name()) + "\\b");
            shell.snippets().filter(s -> s.kind() != Snippet.Kind.IMPORT && shell.status(s).isActive()
                    && uses.matcher(s.source()).find()).forEach(broken::add);
            if (!broken.isEmpty()) {
                renamed.add(imported.name() + ": " + meantBefore + " and " + imported.fullname());
                cause = imported;
            }
        }
        if (!broken.isEmpty() && cause instanceof jdk.jshell.ImportSnippet imp) {
            String reason = shell.diagnostics(broken.get(0)).filter(Diag::isError)
                    .map(d -> d.getMessage(Locale.ROOT)).findFirst().orElse("");
            shell.drop(imp);
            for (Snippet earlier : replaced) {
                shell.eval(earlier.source()); // an import this one took the place of stays in effect
            }
            List<String> clashes = renamed.isEmpty() ? clashes(imp, broken) : renamed;
            String message = imp.source().strip() + " was not applied: it would make "
                    + String.join(", ", broken.stream().map(DependentSnippets::describeSnippet).toList()) + " unusable ("
                    + (clashes.isEmpty() ? reason.replace('\n', ' ').replaceAll(" +", " ") : String.join("; ", clashes))
                    + "). Your variables are unchanged. Import only the classes you need (e.g. import java.awt.Color;) "
                    + "or write their full name (java.awt.Color).";
            throw new CellException("ImportConflict", message,
                    ErrorFormat.compileError(cell, piece.start(), piece.start() + piece.source().length(), message));
        }
        if (!broken.isEmpty()) {
            System.err.println("Note: this cell made " + String.join(", ", broken.stream().map(DependentSnippets::describeSnippet).toList())
                    + " unusable until what they use is defined again.");
        }
        if (!reset.isEmpty() && !(cause instanceof jdk.jshell.ImportSnippet)) {
            System.err.println("Note: " + String.join(", ", reset) + " had to be reset (to null or 0) because "
                    + "a type it uses was redefined; run the cell that sets it again.");
        }
    }

    /**
     * The simple names a refused type import would have given a second meaning, as
     * "List: java.util.List and java.awt.List" (the meaning in effect first): names used by the
     * declarations it broke that the import also brings. Asked of the compiler after the import
     * is undone; empty for a static import.
     */
    private List<String> clashes(jdk.jshell.ImportSnippet imp, List<Snippet> broken) {
        Snippet.SubKind kind = imp.subKind();
        boolean wildcard = kind == Snippet.SubKind.TYPE_IMPORT_ON_DEMAND_SUBKIND;
        if (!wildcard && kind != Snippet.SubKind.SINGLE_TYPE_IMPORT_SUBKIND) {
            return List.of();
        }
        Set<String> used = new LinkedHashSet<>();
        for (Snippet s : broken) {
            java.util.regex.Matcher m = IDENTIFIER.matcher(s.source());
            while (m.find()) {
                used.add(m.group());
            }
        }
        String pkg = imp.fullname().substring(0, imp.fullname().lastIndexOf('.'));
        List<String> clashes = new ArrayList<>();
        for (String name : used) {
            if (!wildcard && !name.equals(imp.name())) {
                continue;
            }
            String brought = qualifiedType(pkg + "." + name);
            String inEffect = qualifiedType(name);
            if (brought != null && inEffect != null && !brought.equals(inEffect)) {
                clashes.add(name + ": " + inEffect + " and " + brought);
            }
        }
        return clashes;
    }

    private static final java.util.regex.Pattern SINGLE_TYPE_IMPORT =
            java.util.regex.Pattern.compile("import\\s+[\\w.]+\\.([A-Z][\\w$]*)\\s*;\\s*");

    /**
     * For a single-type import (not static), the class its simple name means in the session before
     * it runs ("java.util.List" before import java.awt.List;), else null.
     */
    String meaningBefore(String source) {
        java.util.regex.Matcher m = SINGLE_TYPE_IMPORT.matcher(source.strip());
        return m.matches() ? qualifiedType(m.group(1)) : null;
    }

    private static final java.util.regex.Pattern IDENTIFIER = java.util.regex.Pattern.compile("\\b[A-Z][\\w$]*");

    /** The full name of the class {@code name} means in the session, or null if it names none. */
    private String qualifiedType(String name) {
        return analysis.documentation(name, name.length(), false).stream()
                .map(d -> d.signature().replaceFirst("<.*", ""))
                .filter(sig -> !sig.contains("(") && !sig.contains(" ")).findFirst().orElse(null);
    }

    private static String describeSnippet(Snippet s) {
        if (s instanceof jdk.jshell.VarSnippet) {
            jdk.jshell.VarSnippet v = (jdk.jshell.VarSnippet) s;
            return "variable " + v.name() + " (" + v.typeName() + ")";
        }
        if (s instanceof jdk.jshell.MethodSnippet) {
            jdk.jshell.MethodSnippet m = (jdk.jshell.MethodSnippet) s;
            return "method " + m.name() + "(" + m.parameterTypes() + ")";
        }
        if (s instanceof jdk.jshell.TypeDeclSnippet) {
            return "class " + ((jdk.jshell.TypeDeclSnippet) s).name();
        }
        return s.source().strip();
    }

}
