package org.deeptoy.kernel.render;

import org.deeptoy.tensor.Shapes;
import org.deeptoy.tensor.Tensor;

import javax.imageio.ImageIO;
import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Arrays;
import java.util.Base64;

/**
 * Tensors as pictures (image/png): one image, a grid of images with captions (MNIST digits,
 * CIFAR-10 photos), and learned weights drawn as class templates. Pixels are upscaled without
 * smoothing so each one stays visible.
 *
 * <p>Accepted layouts: {@code [H, W]} or {@code [C, H, W]} for one image; {@code [N, H, W]},
 * {@code [N, C, H, W]}, {@code [N, H, W, C]} (C = 1 or 3) or flat rows {@code [N, D]} (D = 784 is
 * read as 28x28, 3072 as 3x32x32 channel-first like CIFAR-10, else give
 * {@link Options#imageShape}) for a grid.
 */
public final class Images {
    private static final Font CAPTION = new Font(Font.SANS_SERIF, Font.PLAIN, 12);

    private Images() {}

    /** How pixel values map to 0..255. */
    public enum Scaling {
        /** The smallest value of all images is black, the largest white (the default). */
        MIN_MAX,
        /** Each image is stretched from its own minimum to its own maximum (weights, templates). */
        PER_IMAGE,
        /** Values are in 0..1 (clipped). */
        UNIT,
        /** Values are in 0..255 (clipped), like raw MNIST and CIFAR-10 bytes. */
        BYTE
    }

    /**
     * Drawing settings: immutable, with sensible defaults from {@link #defaults()}.
     *
     * @param scaling    how values become grey levels or colours
     * @param zoom       pixels per tensor element, or 0 to pick one so images are about 90 px tall
     * @param imageShape the shape of one image when the tensor holds flat rows, or null to guess
     * @param maxImages  a grid draws at most this many images (the first ones)
     */
    public record Options(Scaling scaling, int zoom, int[] imageShape, int maxImages) {
        public static Options defaults() {
            return new Options(Scaling.MIN_MAX, 0, null, 100);
        }

        public Options scaling(Scaling s) {
            return new Options(s, zoom, imageShape, maxImages);
        }

        public Options zoom(int z) {
            if (z < 0) throw new IllegalArgumentException("zoom must be 0 (automatic) or positive, got " + z);
            return new Options(scaling, z, imageShape, maxImages);
        }

        public Options imageShape(int... shape) {
            return new Options(scaling, zoom, shape.clone(), maxImages);
        }

        public Options maxImages(int n) {
            if (n < 1) throw new IllegalArgumentException("maxImages must be positive, got " + n);
            return new Options(scaling, zoom, imageShape, n);
        }
    }

    /** One image, {@code [H, W]} grey or {@code [C, H, W]} with C = 1 or 3, scaled min to max. */
    public static byte[] image(Tensor image) {
        return image(image, Options.defaults());
    }

    public static byte[] image(Tensor image, Options options) {
        int[] s = image.shape();
        if (s.length != 2 && !(s.length == 3 && (s[0] == 1 || s[0] == 3))) {
            throw new IllegalArgumentException("Images.image: expected an image of shape [H, W] or [C, H, W] with C = 1 or 3, "
                    + "got " + Shapes.toString(s) + (s.length == 3 ? " (for several images use Images.grid)" : ""));
        }
        int[] batch = new int[s.length + 1];
        batch[0] = 1;
        System.arraycopy(s, 0, batch, 1, s.length);
        return grid(image.reshape(batch), 1, null, options);
    }

    public static byte[] grid(Tensor images, int columns) {
        return grid(images, columns, null, Options.defaults());
    }

    public static byte[] grid(Tensor images, int columns, String[] captions) {
        return grid(images, columns, captions, Options.defaults());
    }

    /**
     * The first images of a batch in a grid of {@code columns} columns, each with its caption
     * underneath when {@code captions} is not null (e.g. "7" or "cat (dog?)").
     */
    public static byte[] grid(Tensor images, int columns, String[] captions, Options options) {
        return png(gridImage(images, columns, captions, options));
    }

    /**
     * Learned weights drawn as one picture per class, each stretched from its own minimum to its
     * maximum: {@code weights} is {@code [K, D]} or {@code [D, K]} with D the size of
     * {@code imageShape} (a trailing bias entry, D + 1, is dropped), e.g. a linear SVM's
     * {@code [10, 3072]} CIFAR-10 weights with imageShape {@code {3, 32, 32}}.
     */
    public static byte[] templates(Tensor weights, int[] imageShape, String[] names) {
        if (weights.rank() != 2) {
            throw new IllegalArgumentException("Images.templates: weights must be a matrix [classes, pixels], got "
                    + Shapes.toString(weights.shape()));
        }
        int d = Shapes.size(imageShape);
        int r = weights.dim(0), c = weights.dim(1);
        Tensor w = weights;
        boolean rowsAreClasses = c == d || c == d + 1;
        if (!rowsAreClasses) {
            if (r != d && r != d + 1) {
                throw new IllegalArgumentException("Images.templates: weights " + Shapes.toString(weights.shape())
                        + " do not match images of shape " + Shapes.toString(imageShape) + " (" + d + " values per class)");
            }
            w = transpose(weights);
        }
        int k = w.dim(0);
        double[] data = new double[k * d];
        for (int i = 0; i < k; i++) System.arraycopy(w.data(), i * w.dim(1), data, i * d, d);
        if (names != null && names.length != k) {
            throw new IllegalArgumentException("Images.templates: " + names.length + " names for " + k + " classes");
        }
        Options o = Options.defaults().scaling(Scaling.PER_IMAGE).imageShape(imageShape).maxImages(k);
        return grid(Tensor.wrap(data, k, d), Math.min(k, 10), names, o);
    }

    /**
     * A grid of photographs as JPEG: as {@link #grid(Tensor, int, String[], Options)}, at about half
     * the PNG's size for photos such as CIFAR-10's (PNG keeps every pixel exactly, which made a
     * notebook's 60-photo grid 220 KB).
     */
    public static byte[] photos(Tensor images, int columns, String[] captions, Options options) {
        return jpeg(gridImage(images, columns, captions, options));
    }

    /** A picture (PNG bytes from any of these methods) as JPEG, smaller for photo-like pictures such as templates. */
    public static byte[] jpeg(byte[] png) {
        try {
            return jpeg(ImageIO.read(new java.io.ByteArrayInputStream(png)));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** JPEG bytes (quality 0.75) of an AWT image, on white where it is transparent. */
    public static byte[] jpeg(BufferedImage image) {
        BufferedImage rgb = new BufferedImage(image.getWidth(), image.getHeight(), BufferedImage.TYPE_INT_RGB);
        java.awt.Graphics2D g = rgb.createGraphics();
        g.drawImage(image, 0, 0, java.awt.Color.WHITE, null);
        g.dispose();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        javax.imageio.ImageWriter writer = ImageIO.getImageWritersByFormatName("jpeg").next();
        javax.imageio.ImageWriteParam param = writer.getDefaultWriteParam();
        param.setCompressionMode(javax.imageio.ImageWriteParam.MODE_EXPLICIT);
        param.setCompressionQuality(0.75f);
        try (javax.imageio.stream.ImageOutputStream ios = ImageIO.createImageOutputStream(out)) {
            writer.setOutput(ios);
            writer.write(null, new javax.imageio.IIOImage(rgb, null, null), param);
        } catch (IOException e) {
            throw new UncheckedIOException(e); // memory streams do not fail
        } finally {
            writer.dispose();
        }
        return out.toByteArray();
    }

    /** PNG bytes of an AWT image. */
    public static byte[] png(BufferedImage image) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            ImageIO.write(image, "png", out);
        } catch (IOException e) {
            throw new UncheckedIOException(e); // memory streams do not fail
        }
        return out.toByteArray();
    }

    /**
     * PNG bytes at the strongest deflate level: ~11% smaller than {@link #png} for a drawing stored in
     * every notebook (the MLP graph: 66 kB instead of 74 kB), for a little more time.
     */
    public static byte[] compactPng(BufferedImage image) {
        javax.imageio.ImageWriter writer = ImageIO.getImageWritersByFormatName("png").next();
        javax.imageio.ImageWriteParam param = writer.getDefaultWriteParam();
        param.setCompressionMode(javax.imageio.ImageWriteParam.MODE_EXPLICIT);
        param.setCompressionQuality(0f); // 0: smallest
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (javax.imageio.stream.ImageOutputStream ios = ImageIO.createImageOutputStream(out)) {
            writer.setOutput(ios);
            writer.write(null, new javax.imageio.IIOImage(image, null, null), param);
        } catch (IOException e) {
            throw new UncheckedIOException(e); // memory streams do not fail
        } finally {
            writer.dispose();
        }
        return out.toByteArray();
    }

    /** Base64 text of PNG bytes, as Jupyter's image/png MIME entry wants it. */
    public static String base64(byte[] png) {
        return Base64.getEncoder().encodeToString(png);
    }

    static BufferedImage gridImage(Tensor images, int columns, String[] captions, Options o) {
        if (columns < 1) throw new IllegalArgumentException("Images.grid: columns must be positive, got " + columns);
        Layout L = Layout.of(images.shape(), o.imageShape());
        int n = Math.min(L.n, o.maxImages());
        if (captions != null && captions.length < n) {
            throw new IllegalArgumentException("Images.grid: " + captions.length + " captions for " + n + " images");
        }
        int zoom = o.zoom() > 0 ? o.zoom() : Math.max(1, (int) Math.round(90.0 / Math.max(L.h, L.w)));
        int cols = Math.min(columns, Math.max(n, 1)), rows = (n + cols - 1) / cols;
        int gap = 6, cellW = L.w * zoom, cellH = L.h * zoom;
        int captionH = captions == null ? 0 : 18;
        int width = cols * cellW + (cols + 1) * gap, height = rows * (cellH + captionH) + (rows + 1) * gap;
        BufferedImage out = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = out.createGraphics();
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, width, height);
        g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
        g.setFont(CAPTION);
        FontMetrics fm = g.getFontMetrics();
        double[] d = images.data();
        int per = L.c * L.h * L.w;
        double lo = 0, hi = 255;
        if (o.scaling() == Scaling.MIN_MAX) {
            lo = Double.POSITIVE_INFINITY;
            hi = Double.NEGATIVE_INFINITY;
            for (int i = 0; i < n * per; i++) {
                lo = Math.min(lo, d[i]);
                hi = Math.max(hi, d[i]);
            }
        } else if (o.scaling() == Scaling.UNIT) {
            hi = 1;
        }
        for (int i = 0; i < n; i++) {
            int x0 = gap + (i % cols) * (cellW + gap), y0 = gap + (i / cols) * (cellH + captionH + gap);
            int off = i * per;
            if (o.scaling() == Scaling.PER_IMAGE) {
                lo = Double.POSITIVE_INFINITY;
                hi = Double.NEGATIVE_INFINITY;
                for (int j = off; j < off + per; j++) {
                    lo = Math.min(lo, d[j]);
                    hi = Math.max(hi, d[j]);
                }
            }
            double scale = hi > lo ? 255 / (hi - lo) : 0;
            int[] row = new int[cellW];
            for (int y = 0; y < L.h; y++) {
                for (int x = 0; x < L.w; x++) {
                    int rgb = 0;
                    for (int ch = 0; ch < 3; ch++) {
                        int src = L.index(off, Math.min(ch, L.c - 1), y, x);
                        int v = (int) Math.round((d[src] - lo) * scale);
                        rgb = (rgb << 8) | Math.max(0, Math.min(255, v));
                    }
                    Arrays.fill(row, x * zoom, (x + 1) * zoom, rgb);
                }
                for (int z = 0; z < zoom; z++) out.setRGB(x0, y0 + y * zoom + z, cellW, 1, row, 0, cellW);
            }
            if (captions != null && captions[i] != null) {
                String text = fit(captions[i], fm, cellW + gap);
                g.setColor(new Color(0x333333));
                g.drawString(text, x0 + (cellW - fm.stringWidth(text)) / 2, y0 + cellH + 14);
            }
        }
        g.dispose();
        return out;
    }

    /** Shortens text with "…" until it fits {@code width} pixels. */
    static String fit(String s, FontMetrics fm, int width) {
        if (fm.stringWidth(s) <= width) return s;
        String t = s;
        while (t.length() > 1 && fm.stringWidth(t + "…") > width) t = t.substring(0, t.length() - 1);
        return t + "…";
    }

    private static Tensor transpose(Tensor m) {
        int r = m.dim(0), c = m.dim(1);
        double[] src = m.data(), dst = new double[r * c];
        for (int i = 0; i < r; i++) for (int j = 0; j < c; j++) dst[j * r + i] = src[i * c + j];
        return Tensor.wrap(dst, c, r);
    }

    /** Where pixel (channel, y, x) of an image lives in the flat data, for the accepted layouts. */
    private record Layout(int n, int c, int h, int w, boolean channelsLast) {
        int index(int offset, int ch, int y, int x) {
            return channelsLast ? offset + (y * w + x) * c + ch : offset + (ch * h + y) * w + x;
        }

        static Layout of(int[] s, int[] imageShape) {
            switch (s.length) {
                case 4 -> {
                    if (s[1] == 1 || s[1] == 3) return new Layout(s[0], s[1], s[2], s[3], false);
                    if (s[3] == 1 || s[3] == 3) return new Layout(s[0], s[3], s[1], s[2], true);
                }
                case 3 -> {
                    return new Layout(s[0], 1, s[1], s[2], false);
                }
                case 2 -> {
                    int[] is = imageShape != null ? imageShape : guess(s[1]);
                    if (is != null && Shapes.size(is) == s[1]) {
                        if (is.length == 2) return new Layout(s[0], 1, is[0], is[1], false);
                        if (is.length == 3 && (is[0] == 1 || is[0] == 3)) return new Layout(s[0], is[0], is[1], is[2], false);
                        if (is.length == 3 && (is[2] == 1 || is[2] == 3)) return new Layout(s[0], is[2], is[0], is[1], true);
                    }
                    throw new IllegalArgumentException("Images.grid: cannot read rows of " + s[1] + " values as images"
                            + (imageShape == null ? "" : " of shape " + Shapes.toString(imageShape))
                            + "; pass Options.defaults().imageShape(H, W) or (C, H, W) with C = 1 or 3");
                }
                default -> { }
            }
            throw new IllegalArgumentException("Images.grid: expected images [N, H, W], [N, C, H, W], [N, H, W, C] "
                    + "(C = 1 or 3) or flat rows [N, D], got " + Shapes.toString(s));
        }

        private static int[] guess(int d) {
            int k = (int) Math.round(Math.sqrt(d));
            if (k * k == d) return new int[]{k, k};
            k = (int) Math.round(Math.sqrt(d / 3.0));
            if (3 * k * k == d) return new int[]{3, k, k};
            return null;
        }
    }
}
