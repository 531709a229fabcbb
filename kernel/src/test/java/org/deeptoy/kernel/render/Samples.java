package org.deeptoy.kernel.render;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/** Writes rendered outputs to target/render-samples so a person can look at them. */
final class Samples {
    private static final Path DIR = Path.of("target", "render-samples");

    private Samples() {}

    static void write(String name, String text) {
        write(name, text.getBytes(StandardCharsets.UTF_8));
    }

    static void write(String name, byte[] bytes) {
        try {
            Files.createDirectories(DIR);
            Files.write(DIR.resolve(name), bytes);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
