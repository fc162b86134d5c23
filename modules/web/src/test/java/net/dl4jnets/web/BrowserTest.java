package net.dl4jnets.web;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.function.BooleanSupplier;
import java.util.logging.Level;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.logging.LoggingPreferences;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * A page tested in a real browser: Debian's chromium, headless, driven by Selenium through Debian's chromedriver
 * (nothing is downloaded), against a server on a runs folder of the test's own. A test class trains what it needs
 * into {@link #runs} and calls {@link #startServerAndBrowser}; after each test the window is saved as
 * {@code target/screenshots/<class>/<test>.png}, for a person to look at.
 */
public abstract class BrowserTest {
    public static final Path BINARY = Path.of("/usr/bin/chromium");
    public static final Path DRIVER = Path.of("/usr/bin/chromedriver");

    @TempDir
    protected static Path runs;
    protected static WebServer server;
    protected static ChromeDriver browser;

    /** The server on {@link #runs} (sessions, minutes, training threads as given) and a browser. */
    protected static void startServerAndBrowser(int sessions, int trainingThreads) {
        server = WebServer.start(new WebServer.Options("127.0.0.1", 0, sessions, 600, trainingThreads, runs));
        assertTrue(Files.isExecutable(BINARY) && Files.isExecutable(DRIVER),
                "the browser tests need Debian's chromium and chromium-driver: apt-get install chromium chromium-driver (.ci/run does)");
        ChromeOptions o = new ChromeOptions();
        o.setBinary(BINARY.toFile());
        o.addArguments("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu", "--window-size=1400,950");
        LoggingPreferences logs = new LoggingPreferences();
        logs.enable(LogType.BROWSER, Level.ALL);
        o.setCapability("goog:loggingPrefs", logs); // the page's console, for the tests that read its errors
        ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(DRIVER.toFile())
                .usingAnyFreePort().build();
        browser = new ChromeDriver(service, o);
    }

    @AfterEach
    void screenshot(TestInfo test) throws IOException {
        if (browser != null) {
            Path dir = Path.of("target", "screenshots", getClass().getSimpleName());
            Files.createDirectories(dir);
            Files.write(dir.resolve(test.getTestMethod().orElseThrow().getName() + ".png"),
                    browser.getScreenshotAs(OutputType.BYTES));
        }
    }

    @AfterAll
    static void stopBrowserAndServer() {
        if (browser != null) {
            browser.quit();
            browser = null;
        }
        if (server != null) {
            server.close();
            server = null;
        }
    }

    protected static Object js(String script, Object... args) {
        return ((JavascriptExecutor) browser).executeScript(script, args);
    }

    /** Sets a field's value as a script would (no events). */
    protected static void set(String id, String value) {
        js("document.getElementById(arguments[0]).value = arguments[1];", id, value);
    }

    protected static void waitUntil(int seconds, BooleanSupplier done) {
        new WebDriverWait(browser, Duration.ofSeconds(seconds)).pollingEvery(Duration.ofMillis(100))
                .until(d -> done.getAsBoolean());
    }
}
