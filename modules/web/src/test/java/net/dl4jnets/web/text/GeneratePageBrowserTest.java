package net.dl4jnets.web.text;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;

import net.dl4jnets.common.cli.Cli;
import net.dl4jnets.common.cli.TextCommand;
import net.dl4jnets.common.train.StopSignal;
import net.dl4jnets.attention.CharGpt;
import net.dl4jnets.rnn.CharLstmGenerator;
import net.dl4jnets.web.BrowserTest;

/**
 * The text-generation page in a real browser, with a char-LSTM and a small GPT trained here for a few seconds on a
 * repeated verse: characters stream, Rapid repeats itself, Stop stops, the GPT shows its attention per head.
 */
class GeneratePageBrowserTest extends BrowserTest {

    @BeforeAll
    static void start() throws IOException {
        Path corpus = Files.writeString(runs.resolve("verse.txt"),
                "shall i compare thee to a summer's day?\nthou art more lovely and more temperate.\n".repeat(150));
        TextCommand<?> lstm = TextCommand.of(CharLstmGenerator.MODEL);
        Cli.commandLine(lstm).parseArgs("--corpus", corpus.toString(), "--out", runs.toString(), "--hidden", "64",
                "--layers", "1", "--seq-length", "60", "--tbptt", "30", "--batch-size", "16", "--lr", "0.02",
                "--epochs", "2", "--sample-length", "20");
        lstm.run(new StopSignal());
        TextCommand<?> gpt = TextCommand.of(CharGpt.MODEL);
        Cli.commandLine(gpt).parseArgs("--corpus", corpus.toString(), "--out", runs.toString(), "--block-size", "32",
                "--layers", "2", "--width", "32", "--heads", "2", "--dropout", "0", "--batch-size", "16",
                "--lr", "0.003", "--epochs", "1", "--sample-length", "20", "--workers", "1");
        gpt.run(new StopSignal());
        startServerAndBrowser(2, 1);
    }

    /** The page with the char-LSTM chosen. */
    static void open() {
        open("char-lstm");
    }

    static void open(String model) {
        browser.get(server.address() + "generate/");
        waitUntil(20, () -> browser.findElements(By.cssSelector("#model option")).size() == 2);
        js("const s = document.getElementById('model');"
                + "s.value = [...s.options].find(o => o.text.startsWith('" + model + " ')).value;"
                + "s.dispatchEvent(new Event('change'));");
        js("document.getElementById('prompt').value = 'shall i ';");
    }

    static String written() {
        return browser.findElement(By.id("written")).getText();
    }

    @Test
    void charactersStreamAsTheyAreWritten() {
        open();
        set("length", "400");
        set("unit", "characters");
        browser.findElement(By.id("generate")).click();
        waitUntil(60, () -> browser.findElement(By.id("status")).getText().contains("characters in"));
        assertTrue(written().length() >= 200, written());
        assertTrue(written().length() <= 400 && !written().startsWith("shall i "), "the text after the prompt, of "
                + "the length asked: " + written());
        long chunks = ((Number) js("return window.generateStats.chunks")).longValue();
        assertTrue(chunks > 5, "the text came in " + chunks + " pieces, not as it was written");
        waitUntil(20, () -> browser.findElements(By.cssSelector("#next .bar")).size() == 10);
        double sum = ((Number) js("return window.generateStats.next.probabilities.reduce((a, b) => a + b, 0)"))
                .doubleValue();
        assertEquals(1.0, sum, 1e-4, "the next character's probabilities");
    }

    @Test
    void theGptShowsWhereItsNewestCharacterLooksPerHead() {
        // a char-LSTM has no attention to show
        open("char-lstm");
        set("length", "10");
        browser.findElement(By.id("rapid")).click();
        waitUntil(60, () -> browser.findElements(By.cssSelector("#next .bar")).size() == 10);
        assertTrue(!browser.findElement(By.id("attentionSection")).isDisplayed());
        open("gpt");
        set("length", "40");
        set("unit", "characters");
        browser.findElement(By.id("rapid")).click();
        waitUntil(60, () -> browser.findElements(By.cssSelector("#attention .heads")).size() == 4);
        int context = ((Number) js("return window.generateStats.next.context.length")).intValue();
        assertEquals(32, context, "the last block of 32 characters (the prompt and 40 more)");
        for (int i = 0; i < 4; i++) { // 2 blocks of 2 heads
            double sum = ((Number) js("return window.generateStats.next.attention[" + (i / 2) + "][" + (i % 2)
                    + "].reduce((a, b) => a + b, 0)")).doubleValue();
            assertEquals(1.0, sum, 1e-4, "block " + (i / 2 + 1) + ", head " + (i % 2 + 1) + "'s weights");
        }
        assertEquals(32, browser.findElements(By.cssSelector("#attention .heads:first-child .line span")).size());
        js("document.getElementById('attentionSection').scrollIntoView()");
    }

    @Test
    void rapidWritesTheSameTextTwice() {
        open();
        set("length", "30");
        set("unit", "words");
        browser.findElement(By.id("rapid")).click();
        waitUntil(60, () -> ((Number) js("return window.generateStats.texts.length")).intValue() >= 1);
        set("seed", "99"); // greedy decoding draws nothing: the seed does not matter
        browser.findElement(By.id("rapid")).click();
        waitUntil(60, () -> ((Number) js("return window.generateStats.texts.length")).intValue() >= 2);
        String first = (String) js("return window.generateStats.texts[0]");
        String second = (String) js("return window.generateStats.texts[1]");
        assertEquals(first, second);
        assertEquals(30, first.trim().split("\\s+").length, first);
    }

    @Test
    void stopHaltsWithinASecond() throws Exception {
        open();
        set("length", "3000");
        set("unit", "characters");
        browser.findElement(By.id("generate")).click();
        waitUntil(30, () -> written().length() > 20);
        browser.findElement(By.id("stop")).click();
        waitUntil(1, () -> browser.findElement(By.id("status")).getText().startsWith("stopped"));
        int atStop = written().length();
        Thread.sleep(1000);
        assertEquals(atStop, written().length(), "nothing more was written after Stop");
        assertTrue(atStop < 3000, "stopped before the end: " + atStop);
        // the server is free again at once: another text is written
        set("length", "10");
        browser.findElement(By.id("rapid")).click();
        waitUntil(30, () -> browser.findElement(By.id("status")).getText().contains("characters in"));
    }

    @Test
    void aPromptWithUnknownCharactersIsRefusedWithItsMessage() throws Exception {
        open();
        String model = browser.findElement(By.cssSelector("#model option")).getAttribute("value");
        HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create(server.address() + "api/text-models/" + model + "/generate")).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"prompt\":\"ZZZ\",\"length\":5,\"unit\":\"words\","
                        + "\"temperature\":1,\"topK\":0,\"seed\":1}")).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(400, r.statusCode(), r.body());
        assertTrue(r.body().contains("characters the model never saw"), r.body());
        for (String temperature : new String[] {"\"NaN\"", "\"Infinity\"", "99", "{}"}) {
            HttpResponse<String> bad = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                    URI.create(server.address() + "api/text-models/" + model + "/generate"))
                    .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(
                            "{\"prompt\":\"shall\",\"length\":5,\"unit\":\"words\",\"temperature\":" + temperature
                                    + ",\"topK\":0,\"seed\":1}")).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(400, bad.statusCode(), temperature + ": " + bad.body());
            assertTrue(bad.body().contains("temperature must be") && bad.body().contains("0.05 to 3"), bad.body());
        }
    }
}
