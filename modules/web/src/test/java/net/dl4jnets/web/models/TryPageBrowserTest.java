package net.dl4jnets.web.models;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.logging.Level;

import javax.imageio.ImageIO;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.interactions.Actions;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;

import net.dl4jnets.common.commands.Predict;
import net.dl4jnets.common.data.FashionMnist;
import net.dl4jnets.common.data.FashionMnistLocator;
import net.dl4jnets.common.data.ImageSet;
import net.dl4jnets.common.data.UserImage;
import net.dl4jnets.common.train.Architecture;
import net.dl4jnets.common.train.StopSignal;
import net.dl4jnets.web.BrowserTest;

/** "Try a trained model" in a real browser, with a LeNet and a vision transformer trained here. */
class TryPageBrowserTest extends BrowserTest {
    static Path run;

    @BeforeAll
    static void start() throws IOException {
        Architecture vit = Architecture.registered().stream().filter(a -> a.id().equals("transformer")).findFirst()
                .orElseThrow();
        vit.train(vit.training().withData(2000, 500, null).withEpochs(1).withOut(runs), new StopSignal());
        Architecture lenet = Architecture.registered().stream().filter(a -> a.id().equals("cnn-lenet")).findFirst()
                .orElseThrow();
        run = lenet.train(lenet.training().withData(3000, 500, null).withEpochs(1).withOut(runs), new StopSignal())
                .run().dir();
        startServerAndBrowser(2, 1);
    }

    /** The page with the LeNet chosen. */
    static void open() {
        open("lenet");
    }

    static void open(String architecture) {
        browser.get(server.address() + "try/");
        waitUntil(20, () -> browser.findElements(By.cssSelector("#model option")).size() == 2);
        js("const s = document.getElementById('model');"
                + "const o = [...s.options].find(o => o.text.toLowerCase().includes('" + architecture + "'));"
                + "if (s.value !== o.value) { s.value = o.value; s.dispatchEvent(new Event('change')); }");
    }

    static long analyses() {
        return ((Number) js("return window.tryStats.analyses")).longValue();
    }

    /** The home page has the five weeks, and its links open the pages. */
    @Test
    void theHomePageLeadsToEveryWeeksPages() {
        browser.get(server.address());
        assertEquals(5, browser.findElements(By.cssSelector("main section")).size());
        browser.findElement(By.cssSelector("#week1 a")).click();
        waitUntil(20, () -> browser.getCurrentUrl().contains("/playground/")
                && !browser.findElements(By.cssSelector(".node.feature")).isEmpty());
        browser.get(server.address());
        browser.findElement(By.cssSelector("#week2 a[href='try/']")).click();
        waitUntil(20, () -> browser.getCurrentUrl().endsWith("/try/"));
        browser.get(server.address());
        browser.findElement(By.cssSelector("#week2 a[href='train/']")).click();
        waitUntil(20, () -> browser.getCurrentUrl().endsWith("/train/"));
        browser.get(server.address());
        browser.findElement(By.cssSelector("#week4 a[href='generate/']")).click();
        waitUntil(20, () -> browser.getCurrentUrl().endsWith("/generate/"));
        browser.get(server.address());
    }

    /** Two legs joined at the waist, drawn with the mouse: an answer, ten bars, saliency and feature maps. */
    @Test
    void aDrawingGetsAnAnswer() {
        open();
        WebElement canvas = browser.findElement(By.id("draw"));
        new Actions(browser).moveToElement(canvas, -50, -110).clickAndHold().moveByOffset(100, 0).release()
                .moveToElement(canvas, -45, -110).clickAndHold().moveByOffset(-15, 220).release()
                .moveToElement(canvas, 45, -110).clickAndHold().moveByOffset(15, 220).release().perform();
        waitUntil(20, () -> analyses() >= 1);
        assertEquals(10, browser.findElements(By.cssSelector("#bars .bar")).size());
        assertTrue(((String) js("return document.getElementById('saliency').src")).startsWith("data:image/png"));
        assertEquals(2, browser.findElements(By.cssSelector("#maps figure")).size(), "LeNet's two convolutions");
        double sum = ((Number) js("return window.tryStats.last.probabilities.reduce((a, b) => a + b, 0)")).doubleValue();
        assertEquals(1.0, sum, 1e-4);
        List<LogEntry> severe = browser.manage().logs().get(LogType.BROWSER).getAll().stream()
                .filter(e -> e.getLevel().intValue() >= Level.SEVERE.intValue()).toList();
        assertTrue(severe.isEmpty(), "console errors: " + severe);
    }

    /** A vision transformer's attention: each of its 4 blocks and their rollout, over the image; no feature maps. */
    @Test
    void aVisionTransformerShowsWhereItsAttentionGoes() {
        open("transformer");
        long before = analyses();
        browser.findElement(By.id("test")).click();
        waitUntil(30, () -> analyses() > before
                && browser.findElements(By.cssSelector("#attention figure")).size() == 5);
        assertTrue(browser.findElement(By.id("attentionSection")).isDisplayed());
        assertTrue(!browser.findElement(By.id("mapsSection")).isDisplayed(), "a transformer has no convolution");
        assertEquals("rollout", browser.findElement(By.cssSelector("#attention figure:last-child figcaption")).getText());
        js("document.getElementById('attentionSection').scrollIntoView()");
    }

    /** A test image saved as PNG and uploaded: the same probabilities as ./nets predict on that file. */
    @Test
    void anUploadedPictureGetsWhatPredictGives(@TempDir Path dir) throws IOException {
        ImageSet test = FashionMnistLocator.standard(null).load().test();
        BufferedImage img = new BufferedImage(28, 28, BufferedImage.TYPE_BYTE_GRAY);
        for (int i = 0; i < FashionMnist.PIXELS; i++) {
            img.getRaster().setSample(i % 28, i / 28, 0, test.pixels()[3 * FashionMnist.PIXELS + i] & 0xff);
        }
        Path file = dir.resolve("test-image.png");
        ImageIO.write(img, "png", file.toFile());
        Predict.Prediction expected = Predict.predict(Predict.load(run), List.of(file), UserImage.read(file)).get(0);

        open();
        browser.findElement(By.id("upload")).sendKeys(file.toAbsolutePath().toString());
        waitUntil(20, () -> analyses() >= 1);
        @SuppressWarnings("unchecked")
        List<Number> shown = (List<Number>) js("return window.tryStats.last.probabilities");
        for (int k = 0; k < expected.classes().length; k++) {
            assertEquals(expected.probabilities()[k], shown.get(expected.classes()[k]).doubleValue(), 1e-5);
        }
        String top = browser.findElement(By.cssSelector("#bars .bar.top")).getAttribute("data-class");
        assertEquals(FashionMnist.LABELS.get(expected.classes()[0]), top);
    }

    /** The run's test confusion matrix, the same counts as its eval.json; a cell shows its test images. */
    @Test
    void theConfusionMatrixIsTheRunsAndItsCellsOpen() throws IOException {
        open();
        waitUntil(60, () -> browser.findElements(By.cssSelector("#confusion td[data-true]")).size() == 100);
        com.google.gson.JsonArray expected = net.dl4jnets.common.io.Json.read(run.resolve("eval.json"),
                com.google.gson.JsonObject.class).getAsJsonArray("confusion_matrix");
        assertEquals(expected.toString(), js("return JSON.stringify(window.tryStats.confusion)"));
        long diagonal = expected.get(1).getAsJsonArray().get(1).getAsLong();
        browser.findElement(By.cssSelector("#confusion td[data-true='1'][data-predicted='1']")).click();
        waitUntil(20, () -> js("return window.tryStats.cellImages") != null);
        assertEquals(Math.min(24, diagonal), ((Number) js("return window.tryStats.cellImages")).longValue());
        assertEquals(Math.min(24, diagonal), browser.findElements(By.cssSelector("#cellImages canvas")).size());
    }

    /** A random test image shows its true class; a layer's maps enlarge on a click. */
    @Test
    void aTestImageShowsItsClassAndMapsEnlarge() {
        open();
        browser.findElement(By.id("test")).click();
        waitUntil(20, () -> analyses() >= 1);
        assertTrue(browser.findElement(By.id("truth")).getText().startsWith("This test image is a "));
        WebElement first = browser.findElements(By.cssSelector("#maps figure")).get(0);
        first.click();
        assertTrue(first.getAttribute("class").contains("big"));
    }
}
