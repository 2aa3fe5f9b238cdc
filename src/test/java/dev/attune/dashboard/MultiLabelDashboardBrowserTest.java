package dev.attune.dashboard;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import dev.attune.support.Golden;
import dev.attune.support.HeadlessChromium;
import dev.attune.support.Http;
import dev.attune.support.TestDataDir;
import dev.attune.support.TrainingData;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.WebDriverWait;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;

/**
 * Multi-label data in the dashboard (headless Chromium): the upload shows how many rows carry several
 * labels, the job detail shows per-label figures with their thresholds, and "Try it" answers with the
 * labels over their thresholds. Screenshots go to target/screenshots/.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class MultiLabelDashboardBrowserTest {

    private static final Path SCREENSHOTS = Path.of("target", "screenshots");

    private static WebDriver browser;

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        TestDataDir.registerWithGoldenImports(registry);
    }

    @LocalServerPort
    int port;

    @BeforeAll
    static void startBrowser() throws IOException {
        browser = HeadlessChromium.start();
        Files.createDirectories(SCREENSHOTS);
    }

    @AfterAll
    static void stopBrowser() {
        if (browser != null) {
            browser.quit();
        }
    }

    @Test
    void multiLabelUploadMetricsAndPredictionsInTheBrowser() throws IOException {
        browser.get("http://localhost:" + port + "/");
        WebDriverWait wait = new WebDriverWait(browser, Duration.ofSeconds(120));
        wait.ignoring(StaleElementReferenceException.class);

        browser.findElement(By.cssSelector("nav button[data-tab=datasets]")).click();
        Path csv = Files.createTempFile("emotions", ".csv");
        Files.writeString(csv, TrainingData.multiLabelCsv(120, 5), StandardCharsets.UTF_8);
        browser.findElement(By.cssSelector("#upload-form input[name=file]")).sendKeys(csv.toString());
        browser.findElement(By.cssSelector("#upload-form input[name=labelColumn]")).sendKeys("labels");
        browser.findElement(By.cssSelector("#upload-form button")).click();
        wait.until(d -> d.findElement(By.id("upload-message")).getText().contains("Stored 120 rows"));
        wait.until(d -> d.findElement(By.cssSelector("#datasets-list .label-kind")).getText()
                .equals("multi-label: 30 rows with several labels"));
        assertThat(browser.findElements(By.cssSelector("#datasets-list .labels .bar"))).hasSize(3);
        screenshot("multilabel-datasets");

        Http http = new Http(port);
        String datasetId = http.get("/api/v1/datasets").json().get(0).get("id").stringValue();
        JsonNode job = http.postJson("/api/v1/jobs", """
                {"datasetId": "%s", "baseModel": "%s", "epochs": 6, "learningRate": 0.003, "batchSize": 8,
                 "maxLength": 32, "seed": 3, "validationSplit": 0.25}""".formatted(datasetId, Golden.dir("tiny-bert"))).json();
        String jobId = job.get("id").stringValue();

        browser.findElement(By.cssSelector("nav button[data-tab=jobs]")).click();
        wait.until(d -> d.findElement(By.cssSelector("#jobs-table tbody tr .status")).getText().equals("SUCCEEDED"));
        wait.until(d -> { // the live table re-renders its rows: find and click in one go, again if replaced
            d.findElement(By.cssSelector("#jobs-table tbody tr")).click();
            return true;
        });
        wait.until(d -> d.findElement(By.id("detail-status")).getText().equals("SUCCEEDED"));
        wait.until(d -> d.findElements(By.cssSelector("#per-class tr")).size() == 4); // header + 3 labels
        List<WebElement> header = browser.findElements(By.cssSelector("#per-class tr th"));
        assertThat(header.stream().map(WebElement::getText)).contains("threshold", "ROC-AUC");
        assertThat(browser.findElement(By.id("confusion")).getText()).contains("Macro F1").contains("tuned thresholds");
        wait.until(d -> d.findElement(By.cssSelector("#jobs-table tbody tr .best")).getText().startsWith("F1 "));
        screenshot("multilabel-job-detail");

        String modelId = http.get("/api/v1/jobs/" + jobId).json().get("modelId").stringValue();
        browser.findElement(By.cssSelector("nav button[data-tab=models]")).click();
        wait.until(d -> d.findElement(By.id("serving")).getText().startsWith("Serving"));
        browser.findElement(By.cssSelector("#try-form textarea")).sendKeys("the worst film wow");
        browser.findElement(By.cssSelector("#try-form button")).click();
        wait.until(d -> !d.findElements(By.id("predicted-label")).isEmpty());
        assertThat(browser.findElements(By.cssSelector("#try-result .probability"))).hasSize(3);
        JsonNode served = http.postJson("/api/v1/models/" + modelId + "/predict", "{\"text\": \"the worst film wow\"}")
                .json().get("predictions").get(0);
        List<String> chosen = new java.util.ArrayList<>();
        served.get("labels").forEach(l -> chosen.add(l.stringValue()));
        assertThat(browser.findElement(By.id("predicted-label")).getText())
                .isEqualTo(chosen.isEmpty() ? "no label" : String.join(", ", chosen));
        assertThat(browser.findElements(By.cssSelector("#try-result .probability.chosen"))).hasSize(chosen.size());
        screenshot("multilabel-models");
    }

    private static void screenshot(String name) throws IOException {
        Files.write(SCREENSHOTS.resolve(name + ".png"), ((TakesScreenshot) browser).getScreenshotAs(OutputType.BYTES));
    }
}
