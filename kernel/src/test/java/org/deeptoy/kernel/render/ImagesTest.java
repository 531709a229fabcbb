package org.deeptoy.kernel.render;

import org.deeptoy.tensor.Tensor;
import org.junit.jupiter.api.Test;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.Base64;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ImagesTest {

    static BufferedImage decode(byte[] png) throws IOException {
        BufferedImage img = ImageIO.read(new ByteArrayInputStream(png));
        assertTrue(img != null, "not a PNG");
        return img;
    }

    @Test
    void mnistDigitGridHasOneUpscaledCellPerDigitWithCaptions() throws IOException {
        int[] labels = new int[16];
        Tensor digits = Datasets.mnist(16, labels);
        String[] captions = new String[16];
        for (int i = 0; i < 16; i++) captions[i] = String.valueOf(labels[i]);
        byte[] png = Images.grid(digits, 8, captions);
        Samples.write("mnist-grid.png", png);
        BufferedImage img = decode(png);
        // 28 px digits drawn 3x (84 px), 6 px gaps, 18 px caption rows.
        assertEquals(8 * 84 + 9 * 6, img.getWidth());
        assertEquals(2 * (84 + 18) + 3 * 6, img.getHeight());
        assertEquals(0xffffff, img.getRGB(0, 0) & 0xffffff, "white background");
        assertEquals(0x000000, img.getRGB(6, 6) & 0xffffff, "MNIST's empty corner is black");
    }

    @Test
    void cifarGridIsInColourAndByteScalingKeepsRawValues() throws IOException {
        int[] labels = new int[20];
        Tensor photos = Datasets.cifar(20, labels);
        String[] names = Datasets.cifarNames();
        String[] captions = new String[20];
        for (int i = 0; i < 20; i++) captions[i] = names[labels[i]];
        byte[] png = Images.grid(photos, 10, captions, Images.Options.defaults().scaling(Images.Scaling.BYTE).zoom(2));
        Samples.write("cifar-grid.png", png);
        BufferedImage img = decode(png);
        assertEquals(10 * 64 + 11 * 6, img.getWidth());
        int rgb = img.getRGB(6, 6) & 0xffffff;
        int expected = ((int) photos.get(0, 0, 0, 0) << 16) | ((int) photos.get(0, 1, 0, 0) << 8) | (int) photos.get(0, 2, 0, 0);
        assertEquals(expected, rgb, "the first pixel of the first photo, unscaled");
    }

    @Test
    void photosAreJpegOfTheSameGridAndSmallerThanPng() throws IOException {
        int[] labels = new int[20];
        Tensor photos = Datasets.cifar(20, labels);
        Images.Options o = Images.Options.defaults().scaling(Images.Scaling.BYTE).zoom(2);
        byte[] png = Images.grid(photos, 5, null, o), jpeg = Images.photos(photos, 5, null, o);
        Samples.write("cifar-photos.jpg", jpeg);
        assertEquals(0xFF, jpeg[0] & 0xff);
        assertEquals(0xD8, jpeg[1] & 0xff);
        BufferedImage a = decode(png), b = ImageIO.read(new ByteArrayInputStream(jpeg));
        assertEquals(a.getWidth(), b.getWidth());
        assertEquals(a.getHeight(), b.getHeight());
        assertTrue(jpeg.length < png.length * 0.7, "JPEG " + jpeg.length + " bytes, PNG " + png.length);
        assertEquals(0xD8, Images.jpeg(png)[1] & 0xff, "a PNG re-encoded as JPEG");
    }

    @Test
    void convPicturesShowIm2colAndMaxPool() throws IOException {
        BufferedImage im2col = decode(ConvPictures.im2col(5, 3, 0, 4));
        Samples.write("im2col.png", ConvPictures.im2col(5, 3, 0, 4));
        assertTrue(im2col.getWidth() > 9 * 34, "nine columns of 34 px: " + im2col.getWidth());
        decode(ConvPictures.maxPool(2, 1, 3, 2, 0, 5, 4, 1, 7, 0, 2, 9, 6, 3, 1, 4, 8));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ConvPictures.maxPool(2, 1, 2, 3));
        assertTrue(e.getMessage().contains("n × n values"), e.getMessage());
    }

    @Test
    void templatesAcceptClassesAsColumnsAndDropABiasRow() throws IOException {
        int n = 1000;
        int[] labels = new int[n];
        Tensor photos = Datasets.cifar(n, labels);
        // Per-class mean minus the overall mean: what a linear classifier's weights look like.
        double[] w = new double[(3072 + 1) * 10];
        int[] count = new int[10];
        for (int i = 0; i < n; i++) count[labels[i]]++;
        double[] d = photos.data();
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < 3072; j++) w[j * 10 + labels[i]] += (d[i * 3072 + j]) / count[labels[i]] - d[i * 3072 + j] / n;
        }
        for (int c = 0; c < 10; c++) w[3072 * 10 + c] = 1e6; // a bias row that must not be drawn
        byte[] png = Images.templates(Tensor.wrap(w, 3073, 10), new int[]{3, 32, 32}, Datasets.cifarNames());
        Samples.write("cifar-templates.png", png);
        BufferedImage img = decode(png);
        assertEquals(10 * 96 + 11 * 6, img.getWidth());
        assertEquals(96 + 18 + 2 * 6, img.getHeight());
    }

    @Test
    void flatRowsOf784AreReadAs28By28() throws IOException {
        Tensor rows = Tensor.randomUniform(7, 0, 1, 3, 784);
        BufferedImage img = decode(Images.grid(rows, 3, null, Images.Options.defaults().zoom(1)));
        assertEquals(3 * 28 + 4 * 6, img.getWidth());
        assertEquals(28 + 2 * 6, img.getHeight());
    }

    @Test
    void singleImageAndBase64RoundTrip() throws IOException {
        Tensor checker = Tensor.matrix(new double[]{0, 1}, new double[]{1, 0});
        byte[] png = Images.image(checker, Images.Options.defaults().zoom(10));
        assertArrayEquals(png, Base64.getDecoder().decode(Images.base64(png)));
        BufferedImage img = decode(png);
        assertEquals(20 + 2 * 6, img.getWidth());
        assertEquals(0x000000, img.getRGB(6, 6) & 0xffffff);
        assertEquals(0xffffff, img.getRGB(16, 6) & 0xffffff);
    }

    @Test
    void unreadableShapesAreNamedInTheError() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Images.grid(Tensor.zeros(4, 10), 2));
        assertTrue(e.getMessage().contains("10 values") && e.getMessage().contains("imageShape"), e.getMessage());
        IllegalArgumentException t = assertThrows(IllegalArgumentException.class,
                () -> Images.templates(Tensor.zeros(10, 100), new int[]{3, 32, 32}, null));
        assertTrue(t.getMessage().contains("[10, 100]") && t.getMessage().contains("3072"), t.getMessage());
    }
}
