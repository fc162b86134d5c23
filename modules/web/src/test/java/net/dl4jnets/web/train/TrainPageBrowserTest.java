package net.dl4jnets.web.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.support.ui.Select;

import net.dl4jnets.common.commands.Predict;
import net.dl4jnets.web.Chromium;
import net.dl4jnets.web.WebServer;

/**
 * "Train and watch" in a real browser: an MLP started from the page on a small subset, its curve growing as the
 * epochs end, stopped into a run folder that predict reads, and resumed to its last epoch. A refused option is shown
 * by its field. Screenshots go to target/train-screenshots/.
 */
class TrainPageBrowserTest {
    static final Path SHOTS = Path.of("target", "train-screenshots");
    @TempDir
    static Path runs;
    static WebServer server;
    static ChromeDriver browser;

    @BeforeAll
    static void start() {
        server = WebServer.start(new WebServer.Options("127.0.0.1", 0, 2, 600, 1, runs));
        browser = Chromium.start();
    }

    @AfterAll
    static void stop() throws Exception {
        Chromium.stop(browser, server);
    }

    @AfterEach
    void screenshot(TestInfo test) throws IOException {
        Chromium.screenshot(browser, SHOTS, test);
    }

    static Object js(String script) {
        return ((JavascriptExecutor) browser).executeScript(script);
    }

    static void open() {
        browser.get(server.address() + "train/");
        Chromium.waitUntil(browser, 20, () -> !browser.findElements(By.cssSelector("#architecture option")).isEmpty());
        new Select(browser.findElement(By.id("architecture"))).selectByValue("mlp");
    }

    static void set(String id, String value) {
        js("document.getElementById('" + id + "').value = '" + value + "';");
    }

    static long rows() {
        return browser.findElements(By.cssSelector("#epochs-table tbody tr")).size();
    }

    static String state() {
        Object s = js("return window.trainStats.last && window.trainStats.last.state");
        return s == null ? "" : s.toString();
    }

    @Test
    void anMlpTrainsStopsIntoARunFolderAndResumes() throws Exception {
        open();
        set("epochs", "4");
        set("limit", "3000");
        browser.findElement(By.id("start")).click();
        Chromium.waitUntil(browser, 120, () -> rows() >= 1);
        long events = ((Number) js("return window.trainStats.events")).longValue();
        assertTrue(events > 2, "progress streamed: " + events + " events");
        browser.findElement(By.id("stop")).click();
        Chromium.waitUntil(browser, 60, () -> state().equals("stopped"));
        assertTrue(browser.findElement(By.id("status")).getText().contains("--resume"),
                browser.findElement(By.id("status")).getText());
        String run = (String) js("return window.trainStats.last.run");
        Path dir = runs.resolve(run);
        assertTrue(Files.isRegularFile(dir.resolve("state.json")), "a checkpoint to resume from");
        assertEquals("mlp", Predict.load(dir).name(), "predict reads the stopped run's model");

        assertTrue(browser.findElement(By.id("resume")).isDisplayed());
        browser.findElement(By.id("resume")).click();
        Chromium.waitUntil(browser, 180, () -> state().equals("done"));
        assertEquals(4, rows(), "resumed to the run's four epochs");
        assertTrue(Files.isRegularFile(dir.resolve("eval.json")), "the finished run was tested");
        assertTrue(browser.findElement(By.id("status")).getText().startsWith("Done: test accuracy"));
    }

    @Test
    void aRefusedOptionIsShownByItsField() {
        open();
        set("epochs", "0");
        browser.findElement(By.id("start")).click();
        Chromium.waitUntil(browser, 20, () -> !browser.findElement(By.id("message")).getText().isEmpty());
        assertTrue(browser.findElement(By.id("message")).getText().startsWith("--epochs"),
                browser.findElement(By.id("message")).getText());
        assertTrue(browser.findElement(By.id("epochs")).getAttribute("class").contains("invalid"));
    }
}
