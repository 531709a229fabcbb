package org.deeptoy.kernel.jshell;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Raw javadoc (as JShell returns it) to plain text for the inspector: tags unwrapped, HTML dropped. */
final class JavadocText {
    private static final Pattern BLOCK_TAG = Pattern.compile("(?m)^[ \\t]*@(param|return|throws|exception|see|since)\\b[ \\t]*");
    private static final Pattern HTML = Pattern.compile("</?(p|pre|code|b|i|em|strong|ul|ol|li|br|tt|h\\d)\\b[^>]*>",
            Pattern.CASE_INSENSITIVE);

    private JavadocText() {
    }

    static String format(String raw) {
        // javadoc lines keep the space that followed their '*'
        String s = inlineTags(raw.replaceAll("(?m)^ ", ""));
        s = s.replaceAll("(?i)<p>\\s*", "\n");
        s = s.replaceAll("(?i)<li>\\s*", "\n  - ");
        s = HTML.matcher(s).replaceAll("");
        s = s.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&").replace("&#64;", "@");
        Matcher m = BLOCK_TAG.matcher(s);
        StringBuilder sb = new StringBuilder();
        while (m.find()) {
            String label = switch (m.group(1)) {
                case "param" -> "Parameter: ";
                case "return" -> "Returns: ";
                case "see" -> "See: ";
                case "since" -> "Since: ";
                default -> "Throws: ";
            };
            m.appendReplacement(sb, Matcher.quoteReplacement(label));
        }
        m.appendTail(sb);
        return sb.toString().replaceAll("\n{3,}", "\n\n").strip();
    }

    /** {@code {@code x}} and {@code {@literal x}} to x, {@code {@link A#b label}} to label or A.b. */
    private static String inlineTags(String s) {
        StringBuilder out = new StringBuilder();
        int i = 0;
        while (i < s.length()) {
            int open = s.indexOf("{@", i);
            if (open < 0) {
                out.append(s, i, s.length());
                break;
            }
            out.append(s, i, open);
            int depth = 0;
            int end = open;
            for (; end < s.length(); end++) {
                char c = s.charAt(end);
                if (c == '{') {
                    depth++;
                } else if (c == '}' && --depth == 0) {
                    break;
                }
            }
            if (end >= s.length()) {
                out.append(s, open, s.length());
                break;
            }
            String body = s.substring(open + 2, end);
            int space = body.indexOf(' ');
            String tag = space < 0 ? body : body.substring(0, space);
            String arg = space < 0 ? "" : body.substring(space + 1);
            if (tag.startsWith("link")) {
                String target = arg.strip();
                int labelAt = target.indexOf(' ');
                arg = labelAt >= 0 ? target.substring(labelAt + 1)
                        : target.replace('#', '.').replaceFirst("^\\.", "");
            }
            out.append(arg);
            i = end + 1;
        }
        return out.toString();
    }
}
