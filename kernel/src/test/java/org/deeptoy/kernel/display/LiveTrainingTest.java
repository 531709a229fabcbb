package org.deeptoy.kernel.display;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

import javax.imageio.ImageIO;

import io.github.spencerpark.jupyter.kernel.display.DisplayData;
import io.github.spencerpark.jupyter.kernel.display.Renderer;
import io.github.spencerpark.jupyter.kernel.display.mime.MIMEType;
import org.deeptoy.data.Dataset;
import org.deeptoy.kernel.render.TrainingCharts;
import org.deeptoy.nn.FitOptions;
import org.deeptoy.nn.History;
import org.deeptoy.nn.Mlp;
import org.deeptoy.tensor.Tensor;
import org.junit.jupiter.api.Test;

class LiveTrainingTest {
    /** Records what the listener shows and updates. */
    static final class Recorder implements LiveTrainingDisplay.Sink {
        final List<String> shown = new ArrayList<>();
        final List<DisplayData> shownData = new ArrayList<>();
        final List<String> updatedIds = new ArrayList<>();
        final List<DisplayData> updates = new ArrayList<>();

        @Override
        public String show(DisplayData data) {
            String id = "d" + shown.size();
            shown.add(id);
            shownData.add(data);
            return id;
        }

        @Override
        public void update(String id, DisplayData data) {
            updatedIds.add(id);
            updates.add(data);
        }
    }

    static Dataset xor() {
        return new Dataset("xor", Tensor.matrix(new double[] {0, 0}, new double[] {0, 1}, new double[] {1, 0},
                new double[] {1, 1}), new int[] {0, 1, 1, 0}, List.of("0", "1"));
    }

    static History fit(LiveTrainingDisplay live, int epochs) {
        Mlp mlp = Mlp.builder().layers(2, 4, 2).seed(1).build();
        return mlp.fit(xor(), new FitOptions().epochs(epochs).batchSize(2).verbose(false).seed(1).listener(live));
    }

    @Test
    void showsBarAndChartOnceThenSendsOnlyTheFinalStateWhenTimeStandsStill() throws Exception {
        Recorder r = new Recorder();
        fit(new LiveTrainingDisplay(r, () -> 0L), 5);
        assertEquals(List.of("d0", "d1"), r.shown);
        assertEquals(List.of("d0", "d1"), r.updatedIds, "throttled: only the final bar and chart");
        String first = String.valueOf(r.shownData.get(0).getData(MIMEType.TEXT_PLAIN));
        assertTrue(first.startsWith("epoch 1/5 · batch 0/2 · loss – ·"), "no loss before the first batch: " + first);
        String html = (String) r.updates.get(0).getData(MIMEType.TEXT_HTML);
        assertTrue(html.contains("<progress value=\"1000\" max=\"1000\""), html);
        assertTrue(html.contains("epoch 5/5") && html.contains("batch 2/2"), html);
        BufferedImage png = ImageIO.read(new ByteArrayInputStream(
                Base64.getDecoder().decode((String) r.updates.get(1).getData(MIMEType.parse("image/png")))));
        assertNotNull(png);
    }

    @Test
    void updatesTheBarFiveTimesAndTheChartTwiceASecond() {
        Recorder r = new Recorder();
        AtomicLong now = new AtomicLong();
        // every call to the clock is 100 ms later: the bar may update every 2nd batch, the chart every 5th
        fit(new LiveTrainingDisplay(r, () -> now.addAndGet(100_000_000L)), 10); // 20 batches
        long bars = r.updatedIds.stream().filter("d0"::equals).count();
        long charts = r.updatedIds.stream().filter("d1"::equals).count();
        assertEquals(10 + 1, bars, r.updatedIds::toString);
        assertEquals(4 + 1, charts, r.updatedIds::toString);
    }

    @Test
    void historyIsDrawnAsLossAndAccuracyPanels() throws Exception {
        History h = fit(new LiveTrainingDisplay(new Recorder(), () -> 0L), 30);
        Renderer renderer = new Renderer();
        Renderers.registerAll(renderer);
        DisplayData data = renderer.render(h);
        byte[] png = Base64.getDecoder().decode((String) data.getData(MIMEType.parse("image/png")));
        Path out = Path.of("target", "render-samples", "history.png");
        Files.createDirectories(out.getParent());
        Files.write(out, png);
        BufferedImage img = ImageIO.read(new ByteArrayInputStream(png));
        assertEquals(2 * TrainingCharts.PANEL_WIDTH, img.getWidth());
        assertEquals(TrainingCharts.PANEL_HEIGHT, img.getHeight());
        assertTrue(String.valueOf(data.getData(MIMEType.TEXT_PLAIN)).contains("History of"));
    }
}
