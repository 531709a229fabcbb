package org.deeptoy.kernel.render;

import org.jsoup.Jsoup;
import org.jsoup.nodes.Element;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TrainingViewTest {

    @Test
    void progressBarShowsTheShareDoneAndTheNumbers() {
        // Epoch 2 of 4, 50 of 100 batches: 150 of 400 batches done in 30 s, so 50 s remain.
        ProgressBar.Progress p = new ProgressBar.Progress(2, 4, 50, 100, 0.34123, 30);
        assertEquals(0.375, p.fraction(), 1e-12);
        assertEquals(50, p.etaSeconds(), 1e-9);
        String html = ProgressBar.html(p);
        Samples.write("training-progress.html", html);
        Element bar = Jsoup.parse(html).selectFirst("progress");
        assertEquals("375", bar.attr("value"));
        assertEquals("1000", bar.attr("max"));
        assertEquals("epoch 2/4 · batch 50/100 · loss 0.3412 · 30.0 s elapsed · ETA 50.0 s", ProgressBar.text(p));
        assertTrue(Jsoup.parse(html).text().contains("38%"), html);
    }

    @Test
    void finishedRunShowsTotalTimeInsteadOfEta() {
        ProgressBar.Progress p = new ProgressBar.Progress(3, 3, 10, 10, 0.05, 125);
        assertTrue(p.done());
        assertEquals("epoch 3/3 · batch 10/10 · loss 0.05 · 2:05 in total", ProgressBar.text(p));
        assertFalse(ProgressBar.html(p).contains("ETA"));
    }

    @Test
    void etaIsUnknownBeforeTheFirstBatch() {
        ProgressBar.Progress p = new ProgressBar.Progress(1, 5, 0, 100, Double.NaN, 0.2);
        assertTrue(ProgressBar.text(p).endsWith("loss – · 0.2 s elapsed · ETA ?"), ProgressBar.text(p));
    }

    @Test
    void durationsReadLikeAClock() {
        assertEquals("9.4 s", ProgressBar.duration(9.4));
        assertEquals("1:05", ProgressBar.duration(65));
        assertEquals("1:02:03", ProgressBar.duration(3723));
        assertEquals("?", ProgressBar.duration(Double.NaN));
    }

    @Test
    void progressOutOfRangeIsExplained() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new ProgressBar.Progress(0, 5, 0, 10, 1, 0));
        assertTrue(e.getMessage().contains("epoch 0/5") && e.getMessage().contains("count from 1"), e.getMessage());
    }

    @Test
    void throttleLetsThroughAboutFiveUpdatesASecond() {
        ProgressBar.Throttle t = ProgressBar.Throttle.fivePerSecond();
        long ms = 1_000_000;
        int sent = 0;
        for (long now = 0; now < 1000 * ms; now += 10 * ms) if (t.ready(now)) sent++;
        assertEquals(5, sent);
        ProgressBar.Throttle u = new ProgressBar.Throttle(5);
        assertTrue(u.ready(1000 * ms));
        assertFalse(u.ready(1199 * ms));
        assertTrue(u.ready(1200 * ms));
    }
}
