package dev.attune.dashboard;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;

import dev.attune.support.HeadlessChromium;
import dev.attune.support.TestDataDir;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.support.ui.WebDriverWait;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/** With API keys on, the page loads, asks for the key once, and then talks to the API with it. */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = "attune.security.api-keys=s3cret")
class DashboardApiKeyBrowserTest {

    private static WebDriver browser;

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        TestDataDir.register(registry);
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
    void pageAsksForTheKeyOnceAndUsesItForTheTab() {
        browser.get("http://localhost:" + port + "/");
        WebDriverWait wait = new WebDriverWait(browser, Duration.ofSeconds(30));
        wait.until(d -> d.findElement(By.id("key-dialog")).isDisplayed());
        browser.findElement(By.cssSelector("#key-dialog input")).sendKeys("s3cret");
        browser.findElement(By.cssSelector("#key-dialog button")).click();

        browser.findElement(By.cssSelector("nav button[data-tab=models]")).click();
        wait.until(d -> d.findElement(By.id("serving")).getText().contains("No model serves"));
        Object stored = ((JavascriptExecutor) browser).executeScript("return sessionStorage.getItem('attune-api-key')");
        assertThat(stored).isEqualTo("s3cret");
        assertThat(browser.findElement(By.id("key-dialog")).isDisplayed()).isFalse();
    }
}
