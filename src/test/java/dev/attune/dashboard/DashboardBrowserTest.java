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
import org.openqa.selenium.Dimension;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.support.ui.WebDriverWait;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;

/**
 * The dashboard in a real headless Chromium (Debian's chromium + chromium-driver): upload a data set,
 * submit a job from the form, watch it progress to SUCCEEDED, see its curves and confusion matrix,
 * and try a prediction; the same for multi-label data. Screenshots go to target/screenshots/.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = "attune.jobs.progress-interval=50ms")
class DashboardBrowserTest {

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
    void uploadTrainWatchAndPredictInTheBrowser() throws Exception {
        browser.get("http://localhost:" + port + "/");
        WebDriverWait wait = new WebDriverWait(browser, Duration.ofSeconds(120));
        wait.ignoring(StaleElementReferenceException.class); // the live table re-renders its rows

        // Data sets: upload with the form, then see the row count and label bars.
        tab("datasets");
        Path csv = Files.createTempFile("reviews", ".csv");
        Files.writeString(csv, TrainingData.csv(80, 11), StandardCharsets.UTF_8);
        browser.findElement(By.cssSelector("#upload-form input[name=file]")).sendKeys(csv.toString());
        browser.findElement(By.cssSelector("#upload-form button")).click();
        wait.until(d -> d.findElement(By.id("upload-message")).getText().contains("Stored 80 rows"));
        wait.until(d -> !d.findElements(By.cssSelector("#datasets-list tr[data-dataset] .labels .bar")).isEmpty());
        browser.findElement(By.cssSelector("#datasets-list tr[data-dataset] button")).click();
        wait.until(d -> d.findElements(By.cssSelector("#preview-table tbody tr")).size() == 20);
        screenshot("datasets");

        // Jobs: submit from the form and watch the progress bar move.
        tab("jobs");
        new Select(browser.findElement(By.cssSelector("#job-form select[name=datasetId]"))).selectByIndex(0);
        fill("baseModel", Golden.dir("tiny-bert").toString());
        Select strategy = new Select(browser.findElement(By.cssSelector("#job-form select[name=strategy]")));
        strategy.selectByValue("lora"); // its own default learning rate, and its rank
        assertThat(browser.findElement(By.cssSelector("#job-form input[name=learningRate]")).getAttribute("value"))
                .isEqualTo("0.003");
        assertThat(browser.findElement(By.id("lora-rank")).isDisplayed()).isTrue();
        strategy.selectByValue("full");
        assertThat(browser.findElement(By.id("lora-rank")).isDisplayed()).isFalse();
        fill("epochs", "60");
        fill("learningRate", "0.003");
        fill("batchSize", "8");
        fill("maxLength", "32");
        browser.findElement(By.cssSelector("#job-form button[type=submit]")).click();
        wait.until(d -> d.findElement(By.id("job-message")).getText().startsWith("Queued job"));
        // read the label once per try: between two reads it may switch to "evaluating"
        int first = wait.until(d -> { int step = stepShown(d); return step > 0 ? step : null; });
        int later = wait.until(d -> { int step = stepShown(d); return step > first ? step : null; });
        assertThat(later).isGreaterThan(first);
        screenshot("jobs-running");
        try {
            wait.until(d -> d.findElement(By.cssSelector("#jobs-table tbody tr .status")).getText().equals("SUCCEEDED"));
        } catch (org.openqa.selenium.TimeoutException e) {
            screenshot("failure");
            throw new AssertionError("job did not succeed: " + new dev.attune.support.Http(port).get("/api/v1/jobs").body(), e);
        }

        // where it ran (a cluster has several nodes and devices), then the job's curves and confusion matrix.
        wait.until(d -> d.findElement(By.cssSelector("#jobs-table tbody tr .where")).getText().endsWith("· cpu"));
        assertThat(browser.findElement(By.id("nodes")).getText()).startsWith("Workers: ").contains("(this node): cpu, ");
        // found and clicked in one try: the live table may re-render the row between a find and a click
        wait.until(d -> {
            d.findElement(By.cssSelector("#jobs-table tbody tr")).click();
            return true;
        });
        wait.until(d -> d.findElement(By.id("detail-status")).getText().equals("SUCCEEDED"));
        assertThat(browser.findElement(By.id("detail-where")).getText()).startsWith("Attempt 1 on node ").endsWith("device cpu.");
        wait.until(d -> !d.findElements(By.cssSelector("#loss-chart canvas")).isEmpty()
                && !d.findElements(By.cssSelector("#score-chart canvas")).isEmpty());
        List<WebElement> cells = browser.findElements(By.cssSelector("#confusion td"));
        assertThat(cells).hasSize(4);
        assertThat(cells.stream().mapToInt(c -> Integer.parseInt(c.getText())).sum()).isEqualTo(8);
        assertThat(browser.findElement(By.id("download-model")).getAttribute("href")).contains("/download");
        assertThat(browser.findElements(By.cssSelector("#per-class tr"))).hasSize(3);
        screenshot("job-detail");

        // Models: the fine-tuned model serves /predict; try it.
        tab("models");
        wait.until(d -> d.findElement(By.id("serving")).getText().startsWith("Serving"));
        browser.findElement(By.cssSelector("#try-form textarea")).sendKeys("a great and charming film");
        browser.findElement(By.cssSelector("#try-form button")).click();
        wait.until(d -> !d.findElements(By.id("predicted-label")).isEmpty());
        assertThat(browser.findElements(By.cssSelector("#try-result .probability"))).hasSize(2);
        // each word coloured by its attribution toward the answer; the words together are the text as typed
        assertThat(browser.findElement(By.id("explained-text")).getText()).isEqualTo("a great and charming film");
        List<WebElement> words = browser.findElements(By.cssSelector("#explained-text mark.attribution"));
        assertThat(words).extracting(WebElement::getText).containsExactly("a", "great", "and", "charming", "film");
        assertThat(words).allMatch(w -> w.getCssValue("background-color").startsWith("rgba("))
                .anyMatch(w -> !w.getCssValue("background-color").endsWith(", 0)"));
        assertThat(words).allMatch(w -> w.getAttribute("title").contains("toward "));
        assertThat(browser.findElement(By.cssSelector("#models-table td.training")).getText())
                .startsWith("full, ").endsWith("weights trained");
        screenshot("models");

        // Data sets: the finished job no longer needs its data set, so the Delete button removes it.
        tab("datasets");
        wait.until(d -> { // the list re-renders live: find and click in one go, again if the row was replaced
            d.findElement(By.xpath("//tr[@data-dataset]//button[text()='Delete']")).click();
            return true;
        });
        browser.switchTo().alert().accept();
        wait.until(d -> d.findElement(By.id("datasets-message")).getText().startsWith("Deleted data set"));
        wait.until(d -> d.findElements(By.cssSelector("#datasets-list tr[data-dataset]")).isEmpty());

        browser.manage().window().setSize(new Dimension(390, 844));
        tab("jobs");
        screenshot("jobs-phone");
    }

    /** Deployments: create one with a canary, promote the canary, roll back, as an operator would. */
    @Test
    void deploymentsAreCreatedPromotedAndRolledBackInTheBrowser() throws IOException {
        dev.attune.support.Http http = new dev.attune.support.Http(port);
        String first = http.postJson("/api/v1/models/import", "{\"source\": \"%s\", \"name\": \"bert-sst2\"}"
                .formatted(Golden.dir("tiny-bert-sst2"))).json().get("id").stringValue();
        String second = http.postJson("/api/v1/models/import", "{\"source\": \"%s\", \"name\": \"roberta-sst2\"}"
                .formatted(Golden.dir("tiny-roberta-sst2"))).json().get("id").stringValue(); // same labels: a valid canary
        browser.get("http://localhost:" + port + "/");
        WebDriverWait wait = new WebDriverWait(browser, Duration.ofSeconds(30));
        wait.ignoring(StaleElementReferenceException.class);
        tab("models");
        fillCss("#deployment-form input[name=name]", "web");
        wait.until(d -> d.findElements(By.cssSelector("#deployment-form select[name=modelId] option")).size() >= 2);
        new Select(browser.findElement(By.cssSelector("#deployment-form select[name=modelId]"))).selectByValue(first);
        new Select(browser.findElement(By.cssSelector("#deployment-form select[name=canaryModelId]"))).selectByValue(second);
        browser.findElement(By.cssSelector("#deployment-form button")).click();
        wait.until(d -> d.findElement(By.cssSelector("#deployments-table tr[data-deployment=web]")).getText()
                .contains("roberta-sst2 (20%)"));
        for (String label : java.util.List.of("positive", "positive", "negative")) { // 2 of 3 right
            assertThat(http.postJson("/api/v1/feedback", ("{\"text\": \"great fun\", \"deployment\": \"web\", "
                    + "\"predictedLabel\": \"positive\", \"label\": \"%s\"}").formatted(label)).status()).isEqualTo(200);
        }
        wait.until(d -> { // a stale find clicked nothing: try again on the re-rendered row
            d.findElement(By.xpath("//tr[@data-deployment='web']//button[text()='Promote canary']")).click();
            return true;
        });
        wait.until(d -> d.findElement(By.cssSelector("#deployments-table tr[data-deployment=web]")).getText()
                .contains("bert-sst2: 66.7% [20.8–93.9] of 3")); // the model's live accuracy, Wilson's interval
        screenshot("deployments");
        wait.until(d -> http.get("/api/v1/deployments/web").json().get("modelId").stringValue().equals(second));
        wait.until(d -> d.findElement(By.xpath("//tr[@data-deployment='web']//button[text()='Roll back']")).isEnabled());
        wait.until(d -> { // a stale find clicked nothing: try again on the re-rendered row
            d.findElement(By.xpath("//tr[@data-deployment='web']//button[text()='Roll back']")).click();
            return true;
        });
        wait.until(d -> http.get("/api/v1/deployments/web").json().get("modelId").stringValue().equals(first));
        assertThat(http.get("/api/v1/deployments/web").json().get("history")).hasSize(4);
    }

    /** Monitoring: a deployment's panel says it has no traffic, then shows what it served, figure by figure. */
    @Test
    void aDeploymentsMonitoringShowsItsTrafficInTheBrowser() throws IOException {
        dev.attune.support.Http http = new dev.attune.support.Http(port);
        String model = http.postJson("/api/v1/models/import", "{\"source\": \"%s\", \"name\": \"watched-bert\"}"
                .formatted(Golden.dir("tiny-bert-sst2"))).json().get("id").stringValue();
        assertThat(http.postJson("/api/v1/deployments", "{\"name\": \"watched\", \"modelId\": \"%s\"}"
                .formatted(model)).status()).isEqualTo(201);
        browser.get("http://localhost:" + port + "/");
        WebDriverWait wait = new WebDriverWait(browser, Duration.ofSeconds(30));
        wait.ignoring(StaleElementReferenceException.class);
        tab("models");
        By monitoring = By.xpath("//tr[@data-deployment='watched']//button[text()='Monitoring']");
        // the deployments table re-renders as models change: click whichever row is there
        wait.until(d -> {
            d.findElement(monitoring).click();
            return true;
        });
        wait.until(d -> d.findElement(By.id("monitoring-status")).getText().startsWith("no_traffic"));
        assertThat(browser.findElement(By.id("monitoring-models")).getText()).contains("model: watched-bert",
                "no_traffic, 0 texts");

        for (int i = 0; i < 3; i++) {
            assertThat(http.postJson("/predict", "{\"deployment\": \"watched\", \"texts\": [\"a good film\", "
                    + "\"a dull mess\"]}").status()).isEqualTo(200);
        }
        // counts reach the database with the next flush (attune.monitoring.flush-interval, 5 s)
        wait.until(d -> http.get("/api/v1/deployments/watched/monitoring").json().get("models").get(0).get("texts")
                .longValue() == 6);
        wait.until(d -> {
            d.findElement(monitoring).click();
            return true;
        });
        wait.until(d -> d.findElement(By.id("monitoring-models")).getText().contains("6 texts"));
        assertThat(browser.findElement(By.id("monitoring-status")).getText()).startsWith("no_reference");
        assertThat(browser.findElement(By.cssSelector("#monitoring-models tr[data-figure=label]")).getText())
                .contains("label", "no reference");
        screenshot("monitoring");
    }

    /** Sweeps: the jobs tab lists a sweep; clicked, it shows its trials and a plot per varied option. */
    @Test
    void aSweepShowsItsTrialsAndPlotsInTheBrowser() throws IOException {
        dev.attune.support.Http http = new dev.attune.support.Http(port);
        String dataset = http.upload("/api/v1/datasets", "sweep.csv", TrainingData.csv(40, 5).getBytes(StandardCharsets.UTF_8),
                java.util.Map.of()).json().get("id").stringValue();
        String sweep = http.postJson("/api/v1/sweeps", """
                {"name": "browser sweep", "base": {"datasetId": "%s", "baseModel": "%s", "epochs": 1, "maxLength": 16},
                 "grid": {"learningRate": [0.003, 0.0001]}}""".formatted(dataset, Golden.dir("tiny-bert")))
                .json().get("id").stringValue();
        browser.get("http://localhost:" + port + "/");
        WebDriverWait wait = new WebDriverWait(browser, Duration.ofSeconds(60));
        wait.ignoring(StaleElementReferenceException.class);
        tab("jobs");
        wait.until(d -> { // the table re-renders every few seconds: find and click in one go
            d.findElement(By.cssSelector("#sweeps-table tr[data-sweep='" + sweep + "']")).click();
            return true;
        });
        wait.until(d -> d.findElements(By.cssSelector("#trials-table tbody tr")).size() == 2);
        wait.until(d -> d.findElement(By.id("sweep-name")).getText().contains("SUCCEEDED"));
        wait.until(d -> !d.findElements(By.cssSelector("#sweep-plots svg.scatter circle")).isEmpty());
        screenshot("sweep");
        // the other tests here count the data sets they see: this one leaves none behind
        assertThat(http.delete("/api/v1/datasets/" + dataset).status()).isEqualTo(204);
    }

    /** An audit started from the form shows its suspects and makes the cleaned data set (issue 33). */
    @Test
    void anAuditStartedInTheBrowserShowsItsSuspectsAndMakesTheCleanedDataSet() throws IOException {
        dev.attune.support.Http http = new dev.attune.support.Http(port);
        String noisy = TrainingData.csv(40, 9).lines().map(line -> line.hashCode() % 5 == 0 && !line.startsWith("text")
                ? (line.endsWith(",positive") ? line.replace(",positive", ",negative") : line.replace(",negative", ",positive"))
                : line).collect(java.util.stream.Collectors.joining("\n", "", "\n"));
        String dataset = http.upload("/api/v1/datasets", "audit-me.csv", noisy.getBytes(StandardCharsets.UTF_8),
                java.util.Map.of()).json().get("id").stringValue();
        browser.get("http://localhost:" + port + "/");
        WebDriverWait wait = new WebDriverWait(browser, Duration.ofSeconds(120));
        wait.ignoring(StaleElementReferenceException.class);
        tab("datasets");
        wait.until(d -> !d.findElements(By.cssSelector("#audit-form option[value='" + dataset + "']")).isEmpty());
        new Select(browser.findElement(By.cssSelector("#audit-form select[name=datasetId]"))).selectByValue(dataset);
        fillCss("#audit-form input[name=baseModel]", Golden.dir("tiny-bert").toString());
        fillCss("#audit-form input[name=folds]", "2");
        fillCss("#audit-form input[name=epochs]", "1");
        browser.findElement(By.cssSelector("#audit-form button[type=submit]")).click();
        wait.until(d -> d.findElement(By.id("audit-message")).getText().contains("queued: 2 fold jobs"));
        String audit = http.get("/api/v1/datasets/" + dataset + "/audits").json().get(0).get("id").stringValue();
        wait.until(d -> { // the table re-renders every few seconds: find and click in one go
            WebElement row = d.findElement(By.cssSelector("#audits-table tr[data-audit='" + audit + "']"));
            if (!row.getText().contains("SUCCEEDED")) {
                return false;
            }
            row.findElement(By.tagName("button")).click();
            return true;
        });
        int suspects = http.get("/api/v1/datasets/" + dataset + "/audits/" + audit).json().get("suspectCount").intValue();
        wait.until(d -> d.findElement(By.id("audit-name")).getText().contains(suspects + " suspects of 40 rows"));
        assertThat(browser.findElements(By.cssSelector("#suspects-table tbody tr"))).hasSize(Math.min(suspects, 100));
        screenshot("audit");
        browser.findElement(By.xpath("//button[text()='New data set without them']")).click();
        wait.until(d -> d.findElement(By.id("audit-message")).getText().contains("(" + (40 - suspects) + " rows)"));
        // the other tests here count the data sets they see: this one leaves none behind
        http.get("/api/v1/datasets").json().forEach(d -> {
            String id = d.get("id").stringValue();
            if (id.equals(dataset) || d.hasNonNull("parentId") && d.get("parentId").stringValue().equals(dataset)) {
                assertThat(http.delete("/api/v1/datasets/" + id).status()).isEqualTo(204);
            }
        });
    }

    private static void fillCss(String css, String value) {
        WebElement input = browser.findElement(By.cssSelector(css));
        input.clear();
        input.sendKeys(value);
    }

    /**
     * Multi-label data: the upload shows how many rows carry several labels, the job detail shows per-label
     * figures with their thresholds, and "Try it" answers with the labels over their thresholds.
     */
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
        // this job's own row: the table shown may still be the one rendered before it was submitted
        By row = By.cssSelector("#jobs-table tbody tr[data-job='" + jobId + "']");
        wait.until(d -> d.findElement(row).findElement(By.cssSelector(".status")).getText().equals("SUCCEEDED"));
        wait.until(d -> { // the live table re-renders its rows: find and click in one go, again if replaced
            d.findElement(row).click();
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
        // the newest fine-tuned kind is served (also when the other test's classifier is still there)
        wait.until(d -> modelId.equals(http.get("/api/v1/serving").json().path("modelId").stringValue())
                && "serving".equals(http.get("/api/v1/serving").json().path("state").stringValue()));
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

        // leave nothing behind for the other test: its serving model and data-set list start clean
        assertThat(http.delete("/api/v1/models/" + modelId).status()).isEqualTo(204);
        assertThat(http.delete("/api/v1/datasets/" + datasetId).status()).isEqualTo(204);
    }

    /** The step the first job's progress bar shows, read in one script call (rows re-render live). */
    private static int stepShown(WebDriver d) {
        Object text = ((JavascriptExecutor) d).executeScript(
                "const e = document.querySelector('#jobs-table tbody tr .bar em'); return e ? e.textContent : '';");
        String value = String.valueOf(text);
        return value.matches("\\d+/\\d+") ? Integer.parseInt(value.split("/")[0]) : 0; // training: "step/total"
    }

    private static void tab(String name) {
        browser.findElement(By.cssSelector("nav button[data-tab=" + name + "]")).click();
    }

    private static void fill(String field, String value) {
        WebElement input = browser.findElement(By.cssSelector("#job-form [name=" + field + "]"));
        input.clear();
        input.sendKeys(value);
    }

    private static void screenshot(String name) throws IOException {
        Path file = SCREENSHOTS.resolve(name + ".png");
        Files.write(file, ((TakesScreenshot) browser).getScreenshotAs(OutputType.BYTES));
    }
}
