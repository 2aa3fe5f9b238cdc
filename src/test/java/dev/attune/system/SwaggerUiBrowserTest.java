package dev.attune.system;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;

import dev.attune.support.Golden;
import dev.attune.support.HeadlessChromium;
import dev.attune.support.Http;
import dev.attune.support.TestDataDir;
import dev.attune.support.TrainingData;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.WebDriverWait;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/** Swagger UI as shipped: "Try it out" on /predict (its example as is) and on a job submission answers 200 / 202. */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class SwaggerUiBrowserTest {

    private static WebDriver browser;

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        TestDataDir.registerWithGoldenImports(registry);
    }

    @LocalServerPort
    int port;

    @BeforeAll
    static void startBrowser() {
        browser = HeadlessChromium.start();
    }

    @AfterAll
    static void stopBrowser() {
        if (browser != null) {
            browser.quit();
        }
    }

    @Test
    void tryItOutWorksForPredictAndForAJob() {
        Http http = new Http(port);
        http.postJson("/api/v1/models/import", "{\"source\": \"" + Golden.dir("tiny-bert-sst2") + "\"}");
        String datasetId = http.upload("/api/v1/datasets", "t.csv", TrainingData.csv(40, 1).getBytes(StandardCharsets.UTF_8),
                Map.of()).json().get("id").stringValue();

        browser.get("http://localhost:" + port + "/swagger-ui/index.html");
        WebDriverWait wait = new WebDriverWait(browser, Duration.ofSeconds(60));

        assertThat(tryItOut(wait, "POST", "/predict", null)).isEqualTo("200"); // the shipped example, unchanged
        String job = "{\"datasetId\": \"" + datasetId + "\", \"baseModel\": \"" + Golden.dir("tiny-bert") + "\", \"epochs\": 1}";
        assertThat(tryItOut(wait, "POST", "/api/v1/jobs", job)).isEqualTo("202");
    }

    /** Opens the operation, presses "Try it out", optionally replaces the body, executes; returns the live status. */
    private String tryItOut(WebDriverWait wait, String method, String path, String body) {
        String block = "//div[contains(@class,'opblock-" + method.toLowerCase() + "')][.//*[@data-path='" + path + "']]";
        WebElement operation = wait.until(d -> d.findElement(By.xpath(block)));
        scrollTo(operation);
        if (operation.findElements(By.cssSelector(".try-out__btn")).isEmpty()) {
            operation.findElement(By.cssSelector(".opblock-summary")).click();
        }
        WebElement tryOut = wait.until(d -> d.findElement(By.xpath(block + "//button[contains(@class,'try-out__btn')]")));
        scrollTo(tryOut);
        tryOut.click();
        if (body != null) {
            WebElement text = wait.until(d -> d.findElement(By.xpath(block + "//textarea[contains(@class,'body-param__text')]")));
            text.clear();
            text.sendKeys(body);
        }
        WebElement execute = wait.until(d -> d.findElement(By.xpath(block + "//button[contains(@class,'execute')]")));
        scrollTo(execute);
        execute.click();
        return wait.until(d -> {
            var cells = d.findElements(By.xpath(block + "//table[contains(@class,'live-responses-table')]//td[contains(@class,'response-col_status') and not(contains(@class,'col_header'))]"));
            return cells.isEmpty() || cells.get(0).getText().isBlank() ? null : cells.get(0).getText().trim();
        });
    }

    private static void scrollTo(WebElement element) {
        ((JavascriptExecutor) browser).executeScript("arguments[0].scrollIntoView({block: 'center'});", element);
    }
}
