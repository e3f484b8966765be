package io.quantwatch.review.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.quantwatch.embedded.Readiness;
import io.quantwatch.review.ingest.ReviewIngestion;
import io.quantwatch.review.store.AlertChange;
import io.quantwatch.review.store.Band;
import io.quantwatch.review.store.DivergentExample;
import io.quantwatch.review.store.ReviewStore;
import io.quantwatch.review.store.WindowPoint;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.NoAlertPresentException;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The review page in a real headless Chromium (Debian's chromium and chromium-driver, which .ci/run installs): filter
 * to one candidate, open a sample, see the first divergence marked, label it, reload, the label is still there; a
 * candidate output made of script and an onerror image shows as text and runs nothing. Screenshots of the timeline
 * and of the side-by-side view go to target/screenshots.
 */
class ReviewPageBrowserTest {
    static final String HOSTILE = "<script>alert(1)</script><img src=x onerror=alert(2)>";

    @TempDir
    Path dir;

    private ReviewStore store;
    private ReviewServer server;
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final ObjectMapper JSON = new ObjectMapper();

    private WebDriver browser;
    private ChromeDriverService driver;

    @BeforeEach
    void start() throws Exception {
        Instant now = Instant.now().truncatedTo(ChronoUnit.MINUTES);
        store = ReviewStore.open(ReviewStore.sqliteUrl(dir));
        for (int i = 12; i >= 1; i--) {
            Instant end = now.minus(Duration.ofMinutes(5L * i));
            double identical = 0.95 - 0.01 * (12 - i);
            for (String c : new String[] {"int4-g128", "nf4"}) {
                double v = c.equals("nf4") ? identical : 0.97;
                Band b = new Band(v, v - 0.06, Math.min(1, v + 0.04));
                Band broken = new Band(1 - v, Math.max(0, 1 - v - 0.04), 1 - v + 0.06);
                store.add(new WindowPoint(
                        "m",
                        c,
                        "*",
                        "*",
                        end.minusSeconds(300),
                        end,
                        60,
                        b,
                        b,
                        0.001 * (13 - i),
                        0.003 * (13 - i),
                        broken,
                        broken,
                        broken,
                        i < 4 && c.equals("nf4") ? "STOP_AND_RECONSIDER" : "WATCH"));
            }
        }
        store.add(new AlertChange(
                "json-broken",
                "json-broken-rate",
                "FIRING",
                "m",
                "nf4",
                "*",
                "*",
                now.minus(Duration.ofMinutes(20)),
                0.1,
                0.05,
                0.2,
                0.02,
                60));
        Instant w = now.minus(Duration.ofMinutes(5));
        store.add(new DivergentExample(
                "req-7",
                "m",
                "int4-g128",
                "tool_call",
                "acme",
                w,
                9,
                12,
                0.31,
                "TRAILING_COMMA",
                false,
                "{\"tool\": \"get_weather\", \"arguments\": {\"city\": \"Zürich\"}}",
                "{\"tool\": \"get_weather\", \"arguments\": {\"city\": \"Zurich\"},}"));
        store.add(new DivergentExample(
                "req-8", "m", "nf4", "chat", "globex", w, 5, 3, 0.2, "NO_JSON", false, "The answer is 42.", HOSTILE));
        store.add(new DivergentExample(
                "req-9",
                "m",
                "nf4",
                "chat",
                "acme",
                w,
                2,
                5,
                0.1,
                "NONE",
                false,
                "Paris is the capital of France.",
                "Paris is the capital city of France."));
        server = new ReviewServer(
                        store,
                        () -> new ReviewIngestion.Progress(
                                15,
                                0,
                                1,
                                "drift-metrics/0@7 was written with a schema this page does not know",
                                "waiting: a record with an unknown schema"),
                        new ReviewServer.Settings("127.0.0.1", 0, null),
                        Clock.systemUTC())
                .start();
        System.setProperty("webdriver.chrome.driver", "/usr/bin/chromedriver");
        ChromeOptions options = new ChromeOptions();
        options.setBinary("/usr/bin/chromium");
        options.addArguments("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--window-size=1400,1100");
        Path driverLog = Files.createTempFile("chromedriver", ".log");
        driver = new ChromeDriverService.Builder()
                .usingDriverExecutable(Path.of("/usr/bin/chromedriver").toFile())
                .withLogFile(driverLog.toFile())
                .build();
        driver.start();
        // chromedriver's own readiness signal: /status says ready once it can create sessions.
        Readiness.of("chromedriver", null, driverLog, Duration.ofMinutes(1)).await(() -> {
            HttpResponse<String> r = HTTP.send(
                    HttpRequest.newBuilder(URI.create(driver.getUrl() + "/status"))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            return JSON.readTree(r.body()).path("value").path("ready").asBoolean()
                    ? Optional.empty()
                    : Optional.of("/status: " + r.statusCode() + " " + r.body());
        });
        browser = new ChromeDriver(driver, options);
    }

    @AfterEach
    void stop() {
        if (browser != null) {
            browser.quit();
        }
        if (driver != null) {
            driver.stop();
        }
        server.close();
        store.close();
    }

    /** Waits out the page's re-renders: an element replaced while checked is checked again. */
    private org.openqa.selenium.support.ui.FluentWait<WebDriver> await() {
        return new WebDriverWait(browser, Duration.ofSeconds(20))
                .ignoring(org.openqa.selenium.StaleElementReferenceException.class);
    }

    private void screenshot(String name) throws Exception {
        Path out = Path.of("target/screenshots");
        Files.createDirectories(out);
        Files.write(out.resolve(name), ((TakesScreenshot) browser).getScreenshotAs(OutputType.BYTES));
    }

    private void openPage() {
        browser.get(server.url());
        await().until(ExpectedConditions.presenceOfElementLocated(By.cssSelector("#samples tr.sample")));
        await().until(ExpectedConditions.presenceOfElementLocated(By.cssSelector("#timeline .chart canvas")));
    }

    private void pickCandidate(String name) {
        new Select(browser.findElement(By.id("candidate"))).selectByValue(name);
        await().until(d -> d.findElements(By.cssSelector("#samples tr.sample")).stream()
                .allMatch(r -> r.getText().startsWith(name)));
    }

    private void openSample(String text) {
        browser.findElements(By.cssSelector("#samples tr.sample")).stream()
                .filter(r -> r.getText().contains(text))
                .findFirst()
                .orElseThrow()
                .findElement(By.cssSelector("td.preview"))
                .click();
        await().until(ExpectedConditions.presenceOfElementLocated(By.id("candidate-text")));
    }

    @Test
    void aReviewerFiltersOpensSeesTheDivergenceAndLabelsForGood() throws Exception {
        openPage();
        // The header says what ingestion is doing and what last went wrong.
        await().until(ExpectedConditions.textToBePresentInElementLocated(
                By.id("status"), "ingestion waiting: a record with an unknown schema"));
        assertThat(browser.findElement(By.id("status")).getText())
                .contains("last problem: drift-metrics/0@7 was written with a schema this page does not know");
        pickCandidate("nf4"); // the one whose identical rate falls, with a FIRING transition: the docs' timeline
        await().until(ExpectedConditions.textToBePresentInElementLocated(By.cssSelector("#timeline h3"), "nf4"));
        screenshot("timeline.png");
        pickCandidate("int4-g128");
        assertThat(browser.findElements(By.cssSelector("#samples tr.sample"))).hasSize(1);
        openSample("get_weather");
        WebElement candidate = browser.findElement(By.id("candidate-text"));
        // Both pretty-printed (they parse as JSON... the candidate does not: shown as it came), the shared start
        // dimmed.
        assertThat(candidate.findElement(By.cssSelector(".common")).getText())
                .isEqualTo("{\"tool\": \"get_weather\", \"arguments\": {\"city\": \"Z");
        assertThat(candidate.findElement(By.cssSelector("mark.divergence")).getText())
                .isEqualTo("u");
        assertThat(browser.findElement(By.cssSelector("#reference-text mark.divergence"))
                        .getText())
                .isEqualTo("ü");
        assertThat(browser.findElement(By.cssSelector(".figures")).getText()).contains("TRAILING_COMMA");
        screenshot("side-by-side.png");

        browser.findElement(By.id("one-reviewer")).sendKeys("ana");
        new Select(browser.findElement(By.id("one-label"))).selectByValue("needs-second-look");
        browser.findElement(By.id("one-note")).sendKeys("umlaut lost, trailing comma");
        browser.findElement(By.id("one-save")).click();
        await().until(ExpectedConditions.textToBePresentInElementLocated(
                By.cssSelector("#sample .result"), "labelled 1"));

        browser.navigate().refresh();
        await().until(ExpectedConditions.presenceOfElementLocated(By.cssSelector("#samples tr.sample")));
        pickCandidate("int4-g128");
        assertThat(browser.findElement(By.cssSelector("#samples td.label")).getText())
                .isEqualTo("needs-second-look");
        openSample("get_weather");
        assertThat(browser.findElement(By.id("current-label")).getText())
                .isEqualTo("label: needs-second-look by ana — umlaut lost, trailing comma");
    }

    @Test
    void aHostileOutputIsShownAsTextAndRunsNothing() throws Exception {
        openPage();
        pickCandidate("nf4");
        assertThat(browser.findElement(By.cssSelector("#samples")).getText()).contains(HOSTILE);
        openSample("<script>");
        WebElement candidate = browser.findElement(By.id("candidate-text"));
        assertThat(candidate.getText()).isEqualTo(HOSTILE);
        assertThat(candidate.findElements(By.tagName("img"))).isEmpty();
        assertThat(candidate.findElements(By.tagName("script"))).isEmpty();
        assertThat(browser.findElements(By.cssSelector("img[src=x]"))).isEmpty();
        Thread.sleep(500); // an onerror handler would have fired by now
        assertThatThrownBy(() -> browser.switchTo().alert()).isInstanceOf(NoAlertPresentException.class);
    }
}
