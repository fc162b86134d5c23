package net.dl4jnets.web.playground;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.logging.Level;

import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;

import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.support.ui.Select;

import net.dl4jnets.common.data.ToyDatasets.Feature;
import net.dl4jnets.mlp.playground.PlaygroundSpec;
import net.dl4jnets.mlp.playground.PlaygroundNetwork;
import net.dl4jnets.web.BrowserTest;
import net.dl4jnets.web.WebServer;

/** The web playground in a real browser. */
class PlaygroundBrowserTest extends BrowserTest {
    static final String SPIRAL = "#problem=CLASSIFICATION&dataset=SPIRAL&features=X,Y,X2,Y2,XY,SINX,SINY&layers=8,8&dropout=0,0";

    @BeforeAll
    static void start() throws IOException {
        startServerAndBrowser(8, 2);
    }

    static void open(String hash) {
        browser.get(server.address() + "playground/#" + hash.replaceFirst("^#", ""));
        browser.navigate().refresh(); // a hash change alone would not reload the page
        waitUntil(30, () -> !text("testLoss").isEmpty() && !text("testLoss").equals("–"));
    }

    static String text(String id) {
        return browser.findElement(By.id(id)).getText();
    }

    static double testLoss() {
        return Double.parseDouble(text("testLoss"));
    }

    static void play() {
        browser.findElement(By.id("play")).click();
        waitUntil(10, () -> Boolean.TRUE.equals(js("return state && state.playing")));
    }

    static void pause() {
        browser.findElement(By.id("play")).click();
        waitUntil(10, () -> Boolean.FALSE.equals(js("return state && state.playing")));
    }

    static String heatmap() {
        return (String) js("return document.getElementById('output').toDataURL()");
    }

    @Test
    void pageLoadsWithoutConsoleErrors() {
        browser.manage().logs().get(LogType.BROWSER); // what earlier tests left (a refused link's 400) is read away
        open("");
        assertEquals("000,000", text("epoch"));
        assertEquals(7, browser.findElements(By.cssSelector(".node.feature")).size());
        assertEquals(6, browser.findElements(By.cssSelector(".node.neuron")).size(), "hidden layers of 4 and 2");
        assertEquals(2 * 4 + 4 * 2 + 2 * 2, browser.findElements(By.cssSelector("#edges line")).size());
        List<LogEntry> severe = browser.manage().logs().get(LogType.BROWSER).getAll().stream()
                .filter(e -> e.getLevel().intValue() >= Level.SEVERE.intValue()).toList();
        assertTrue(severe.isEmpty(), "console errors: " + severe);
    }

    @Test
    void theSpiralReachesALowTestLossWithinAMinute() {
        open(SPIRAL);
        play();
        waitUntil(60, () -> testLoss() < 0.1);
        Object stats = js("return JSON.stringify(window.playgroundStats)");
        System.out.println("spiral: epoch " + text("epoch") + ", test loss " + text("testLoss") + ", page " + stats);
        pause();
    }

    @Test
    void theHeatmapChangesWhilePlayingAndStopsWhenPaused() throws InterruptedException {
        open("dataset=XOR&features=X,Y&layers=4,2&dropout=0,0&learningRate=0.01");
        String before = heatmap();
        play();
        waitUntil(20, () -> !heatmap().equals(before));
        String a = heatmap();
        waitUntil(20, () -> !heatmap().equals(a));
        pause();
        String paused = heatmap();
        String epoch = text("epoch");
        Thread.sleep(1500);
        assertEquals(paused, heatmap(), "no change while paused");
        assertEquals(epoch, text("epoch"));
    }

    @Test
    void aLinkRestoresTheSameControls() {
        open("problem=CLASSIFICATION&dataset=XOR&classes=2&noise=20&trainPercent=70&batchSize=5&seed=9&features=X,XY"
                + "&layers=3,5&dropout=0.2,0&activation=RELU&regularization=L2&regularizationRate=0.01&learningRate=0.1"
                + "&optimizer=MOMENTUM&stopEpochs=500&stopTestLoss=0&showTestData=true&discretize=true");
        assertEquals("RELU", new Select(browser.findElement(By.id("activation"))).getFirstSelectedOption().getAttribute("value"));
        assertEquals("0.1", browser.findElement(By.id("learningRate")).getAttribute("value"));
        assertEquals("L2", browser.findElement(By.id("regularization")).getAttribute("value"));
        assertEquals("0.01", browser.findElement(By.id("regularizationRate")).getAttribute("value"));
        assertEquals("MOMENTUM", browser.findElement(By.id("optimizer")).getAttribute("value"));
        assertEquals("20", browser.findElement(By.id("noise")).getAttribute("value"));
        assertEquals("70", browser.findElement(By.id("trainPercent")).getAttribute("value"));
        assertEquals("5", browser.findElement(By.id("batchSize")).getAttribute("value"));
        assertEquals("500", browser.findElement(By.id("stopEpochs")).getAttribute("value"));
        assertTrue(browser.findElement(By.cssSelector("[data-dataset=XOR]")).getAttribute("class").contains("selected"));
        assertEquals(3, browser.findElements(By.cssSelector(".node.neuron[data-layer='0']")).size());
        assertEquals(5, browser.findElements(By.cssSelector(".node.neuron[data-layer='1']")).size());
        assertEquals("0.2", browser.findElement(By.cssSelector(".layer[data-layer='0'] select.dropout")).getAttribute("value"));
        assertEquals(5, browser.findElements(By.cssSelector(".node.feature.off")).size(), "only X1 and X1X2 on");
        assertTrue(browser.findElement(By.id("showTestData")).isSelected());
        assertTrue(browser.findElement(By.id("discretize")).isSelected());
        // a control changed in the page goes into the link
        new Select(browser.findElement(By.id("activation"))).selectByValue("SIGMOID");
        waitUntil(10, () -> browser.getCurrentUrl().contains("activation=SIGMOID"));
    }

    /** A link with one setting the server refuses keeps the others, and says so until the user changes something. */
    @Test
    void aRefusedLinkKeepsItsValidFieldsAndItsMessage() throws InterruptedException {
        open("dataset=SPIRAL&noise=25&layers=100&dropout=0&learningRate=0.1");
        Thread.sleep(1500); // the message used to vanish within 30 ms
        String message = text("message");
        assertTrue(message.contains("a hidden layer has 1 to 8 neurons, got 100"), message);
        assertTrue(message.contains("the others are as linked"), message);
        assertEquals("SPIRAL", js("return spec.dataset"));
        assertEquals(25L, js("return spec.noise"));
        assertEquals(0.1, ((Number) js("return spec.learningRate")).doubleValue());
        assertEquals("[4,2]", js("return JSON.stringify(spec.layers)"), "the refused layers went back to the default");
    }

    /** Clicks quicker than the server answers all count, each applied to the settings the previous one made. */
    @Test
    void rapidClicksAllCount() {
        open("");
        // three clicks 50 ms apart on the first layer's "+", wherever the page has drawn it by then
        js("for (let i = 0; i < 3; i++) setTimeout(() => "
                + "document.querySelector(\".layer[data-layer='0'] .add\").click(), i * 50);");
        waitUntil(10, () -> "[7,2]".equals(js("return JSON.stringify(spec.layers)")));
        long before = ((Number) js("return state.spec.seed")).longValue();
        js("document.getElementById('stopEpochs').value = '40';"
                + "document.getElementById('stopEpochs').dispatchEvent(new Event('change'));"
                + "document.getElementById('regenerate').click();");
        waitUntil(10, () -> Long.valueOf(40).equals(js("return spec.stopEpochs"))
                && ((Number) js("return spec.seed")).longValue() != before);
        assertEquals("[7,2]", js("return JSON.stringify(spec.layers)"));
    }

    /** At the session cap the page says so and draws no controls that could not work. */
    @Test
    void aFullServerSaysSoBeforeDrawingControls(@TempDir Path out) {
        try (WebServer full = WebServer.start(new WebServer.Options("127.0.0.1", 0, 1, 600, 1, out))) {
            new Http(full).session(null);
            browser.get(full.address() + "playground/");
            waitUntil(20, () -> !text("message").isEmpty());
            assertTrue(text("message").contains("already runs 1 sessions"), text("message"));
            assertTrue(!browser.findElement(By.id("play")).isDisplayed(), "no controls without a session");
            assertEquals(0, browser.findElements(By.cssSelector(".node.feature")).size());
        }
    }

    @Test
    void aCsvUploadTrainsAndABrokenOneShowsItsMessage(@TempDir Path dir) throws IOException {
        open("");
        Path broken = dir.resolve("broken.csv");
        Files.writeString(broken, "x,y,label\n0.1,0.2,0\n0.5,abc,1\n");
        browser.findElement(By.id("csv")).sendKeys(broken.toAbsolutePath().toString());
        waitUntil(10, () -> text("dataMessage").contains("line 3"));
        assertTrue(text("dataMessage").contains("broken.csv"), text("dataMessage"));

        Path good = dir.resolve("rings.csv");
        StringBuilder csv = new StringBuilder("x,y,label\n");
        java.util.Random rng = new java.util.Random(3);
        for (int i = 0; i < 300; i++) {
            double r = i % 2 == 0 ? 0.3 * rng.nextDouble() : 0.6 + 0.3 * rng.nextDouble();
            double t = 2 * Math.PI * rng.nextDouble();
            csv.append(String.format(Locale.ROOT, "%.4f,%.4f,%d%n", r * Math.cos(t), r * Math.sin(t), i % 2));
        }
        Files.writeString(good, csv);
        browser.findElement(By.id("csv")).sendKeys(good.toAbsolutePath().toString());
        waitUntil(10, () -> browser.findElement(By.cssSelector("[data-dataset=UPLOAD]")).getAttribute("class").contains("selected"));
        assertEquals("", text("dataMessage"));
        browser.findElement(By.cssSelector("[data-feature=X2]")).click();
        waitUntil(10, () -> browser.getCurrentUrl().contains("features=X%2CY%2CX2") || browser.getCurrentUrl().contains("features=X,Y,X2"));
        browser.findElement(By.cssSelector("[data-feature=Y2]")).click();
        waitUntil(10, () -> browser.getCurrentUrl().contains("Y2"));
        play();
        waitUntil(60, () -> text("testAccuracy").endsWith("%") && Double.parseDouble(text("testAccuracy").replace("%", "")) > 90);
        pause();
    }

    @Test
    void threeClassesTrainAndColourThreeRegions() {
        open("dataset=GAUSS&classes=3&features=X,Y&layers=4,2&dropout=0,0&discretize=true");
        assertEquals(3, browser.findElements(By.cssSelector(".node.out")).size());
        play();
        waitUntil(60, () -> text("testAccuracy").endsWith("%") && Double.parseDouble(text("testAccuracy").replace("%", "")) > 90);
        pause();
        // the share of the heatmap in each class's colour (discretized: each cell is one class colour at HEAT)
        @SuppressWarnings("unchecked")
        List<Long> shares = (List<Long>) js("""
                const c = document.getElementById('output'), d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
                const counts = [0, 0, 0];
                for (let i = 0; i < d.length; i += 4) {
                  let best = 0, dist = 1e9;
                  CLASS_COLOURS.slice(0, 3).forEach((k, j) => {
                    const m = k.map(v => 255 + (v - 255) * HEAT);
                    const e = Math.abs(d[i] - m[0]) + Math.abs(d[i + 1] - m[1]) + Math.abs(d[i + 2] - m[2]);
                    if (e < dist) { dist = e; best = j; }
                  });
                  counts[best]++;
                }
                return counts;""");
        long total = shares.stream().mapToLong(Long::longValue).sum();
        for (long s : shares) {
            assertTrue(s > total / 10, "each of three classes colours a region: " + shares);
        }
    }

    @Test
    void theShownCodeCompilesToTheSameNetwork(@TempDir Path dir) throws Exception {
        open("dataset=SPIRAL&classes=3&features=X,Y,XY,SINX&layers=5,3&dropout=0.2,0.1&activation=RELU"
                + "&regularization=L2&regularizationRate=0.003&learningRate=0.01&optimizer=MOMENTUM&seed=77");
        browser.findElement(By.id("showCode")).click();
        waitUntil(10, () -> browser.findElement(By.id("code")).getText().contains("class PlaygroundNet"));
        String code = (String) js("return document.getElementById('code').textContent");
        Path src = dir.resolve("PlaygroundNet.java");
        Files.writeString(src, code);
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        int rc = javac.run(null, null, null, "-d", dir.toString(), "-cp", System.getProperty("java.class.path"), src.toString());
        assertEquals(0, rc, "the shown code compiles with DL4J alone:\n" + code);
        try (URLClassLoader loader = new URLClassLoader(new URL[] {dir.toUri().toURL()}, getClass().getClassLoader())) {
            ComputationGraphConfiguration shown = (ComputationGraphConfiguration) loader.loadClass("PlaygroundNet")
                    .getMethod("configuration").invoke(null);
            PlaygroundSpec spec = new PlaygroundSpec(PlaygroundSpec.Problem.CLASSIFICATION, PlaygroundSpec.Dataset.SPIRAL, 3, 0, 50,
                    10, 77, List.of(Feature.X, Feature.Y, Feature.XY, Feature.SINX), List.of(5, 3), List.of(0.2, 0.1),
                    PlaygroundSpec.Act.RELU, PlaygroundSpec.Regularization.L2, 0.003, 0.01, PlaygroundSpec.Optimizer.MOMENTUM, 0, 0);
            assertEquals(PlaygroundNetwork.graph(spec).toJson(), shown.toJson());
            assertNotEquals(PlaygroundNetwork.graph(spec.withLearningRate(0.1)).toJson(), shown.toJson(), "the comparison can fail");
        }
        browser.findElement(By.id("closeCode")).click();
        assertFalse(browser.findElement(By.id("codeDialog")).isDisplayed());
    }

    /**
     * The figures of BENCHMARKS.md's "Playground" section: the default network playing while the page draws. Against
     * this test's server by default; {@code -Dplayground.url=http://127.0.0.1:8080/} measures a running ./nets web,
     * {@code -Dplayground.seconds=20} for longer. Asserts only that it trained and drew.
     */
    @Test
    void measuresTheDefaultNetworkWhilePlaying() throws InterruptedException {
        String url = System.getProperty("playground.url", server.address() + "playground/");
        int seconds = Integer.getInteger("playground.seconds", 4);
        browser.get(url + "#");
        browser.navigate().refresh();
        waitUntil(30, () -> !text("testLoss").isEmpty() && !text("testLoss").equals("–"));
        play();
        Thread.sleep(1000);
        long e0 = ((Number) js("return state.epoch")).longValue();
        long f0 = ((Number) js("return window.playgroundStats.frames")).longValue();
        long t0 = System.nanoTime();
        Thread.sleep(seconds * 1000L);
        long e1 = ((Number) js("return state.epoch")).longValue();
        long f1 = ((Number) js("return window.playgroundStats.frames")).longValue();
        double s = (System.nanoTime() - t0) / 1e9;
        pause();
        System.out.printf(Locale.ROOT, "playground at %s, default network: %.1f epochs/s, %.1f frames/s drawn over %.0f s%n",
                url, (e1 - e0) / s, (f1 - f0) / s, s);
        assertTrue(e1 > e0 && f1 > f0, "trained and drew: epochs " + e0 + " → " + e1 + ", frames " + f0 + " → " + f1);
    }
}
