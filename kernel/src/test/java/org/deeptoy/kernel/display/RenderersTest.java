package org.deeptoy.kernel.display;

import io.github.spencerpark.jupyter.kernel.display.DisplayData;
import io.github.spencerpark.jupyter.kernel.display.Renderer;
import io.github.spencerpark.jupyter.kernel.display.mime.MIMEType;
import org.deeptoy.kernel.render.Images;
import org.deeptoy.tensor.Tensor;
import org.junit.jupiter.api.Test;

import java.util.Base64;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

class RenderersTest {
    private static final MIMEType PNG = MIMEType.parse("image/png");

    private static DisplayData render(Object o) {
        Renderer r = new Renderer();
        Renderers.registerAll(r);
        return r.render(o);
    }

    @Test
    void pngBytesFromImagesShowAsAPicture() {
        byte[] png = Images.grid(Tensor.zeros(2, 4, 4), 2);
        DisplayData d = render(png);
        assertArrayEquals(png, Base64.getDecoder().decode((String) d.getData(PNG)));
        assertEquals("PNG image, " + png.length + " bytes", d.getData(MIMEType.TEXT_PLAIN));
    }

    @Test
    void otherBytesStayText() {
        DisplayData d = render(new byte[] {1, 2, 3, 4, 5, 6, 7, 8, 9, 10});
        assertFalse(d.hasDataForType(PNG));
    }
}
