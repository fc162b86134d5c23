package net.dl4jnets.web.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.support.ui.Select;

import net.dl4jnets.common.commands.Predict;
import net.dl4jnets.web.BrowserTest;

/**
 * "Train and watch" in a real browser: an MLP started from the page on a small subset, its curve growing as the
 * epochs end, stopped into a run folder that predict reads, and resumed to its last epoch. A refused option is shown
 * by its field.
 */
class TrainPageBrowserTest extends BrowserTest {

    @BeforeAll
    static void start() {
        startServerAndBrowser(2, 1);
    }

    static void open() {
        browser.get(server.address() + "train/");
        waitUntil(20, () -> !browser.findElements(By.cssSelector("#architecture option")).isEmpty());
        new Select(browser.findElement(By.id("architecture"))).selectByValue("mlp");
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
        waitUntil(120, () -> rows() >= 1);
        long events = ((Number) js("return window.trainStats.events")).longValue();
        assertTrue(events > 2, "progress streamed: " + events + " events");
        browser.findElement(By.id("stop")).click();
        waitUntil(60, () -> state().equals("stopped"));
        assertTrue(browser.findElement(By.id("status")).getText().contains("--resume"),
                browser.findElement(By.id("status")).getText());
        String run = (String) js("return window.trainStats.last.run");
        Path dir = runs.resolve(run);
        assertTrue(Files.isRegularFile(dir.resolve("state.json")), "a checkpoint to resume from");
        assertEquals("mlp", Predict.load(dir).name(), "predict reads the stopped run's model");

        assertTrue(browser.findElement(By.id("resume")).isDisplayed());
        browser.findElement(By.id("resume")).click();
        waitUntil(180, () -> state().equals("done"));
        assertEquals(4, rows(), "resumed to the run's four epochs");
        assertTrue(Files.isRegularFile(dir.resolve("eval.json")), "the finished run was tested");
        assertTrue(browser.findElement(By.id("status")).getText().startsWith("Done: test accuracy"));
    }

    @Test
    void aRefusedOptionIsShownByItsField() {
        open();
        set("epochs", "0");
        browser.findElement(By.id("start")).click();
        waitUntil(20, () -> !browser.findElement(By.id("message")).getText().isEmpty());
        assertTrue(browser.findElement(By.id("message")).getText().startsWith("--epochs"),
                browser.findElement(By.id("message")).getText());
        assertTrue(browser.findElement(By.id("epochs")).getAttribute("class").contains("invalid"));
    }

    /** Whatever JSON a field holds, the refusal names its option: never a server failure. */
    @Test
    void anyValueInAFieldIsRefusedByItsOption() throws Exception {
        for (String body : new String[] {"{\"architecture\":\"mlp\",\"epochs\":{}}",
                "{\"architecture\":\"mlp\",\"seed\":[1,2]}", "{\"architecture\":\"mlp\",\"lr\":\"fast\"}",
                "{\"architecture\":{}}"}) {
            var r = java.net.http.HttpClient.newHttpClient().send(java.net.http.HttpRequest.newBuilder(
                    java.net.URI.create(server.address() + "api/trainings")).header("Content-Type", "application/json")
                    .POST(java.net.http.HttpRequest.BodyPublishers.ofString(body)).build(),
                    java.net.http.HttpResponse.BodyHandlers.ofString());
            assertEquals(400, r.statusCode(), body + " → " + r.body());
            assertTrue(r.body().contains("--epochs") || r.body().contains("--seed") || r.body().contains("--lr")
                    || r.body().contains("No architecture"), r.body());
        }
    }
}
