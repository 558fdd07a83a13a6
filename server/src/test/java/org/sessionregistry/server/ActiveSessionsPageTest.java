package org.sessionregistry.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.logging.Level;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.Keys;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.interactions.Actions;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.logging.LoggingPreferences;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The active-sessions page in a real browser: headless Chromium (Debian's {@code chromium}) driven through WebDriver
 * (Debian's {@code chromium-driver}), both named by path so that nothing is ever downloaded, against the runnable
 * server. A person's flow (sign in, see this device, a second login appears, end it and its token is refused, log out
 * the other devices, sign out), an administrator's (the count, find a user, end their sessions), the same by
 * keyboard alone, and the page on a phone's width. Every state is a screenshot under {@code target/screenshots/}; the browser's console must show no
 * Content-Security-Policy violation and no script error.
 */
class ActiveSessionsPageTest {
  private static final Path CHROMIUM = Path.of("/usr/bin/chromium");
  private static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");
  private static final Path SCREENSHOTS = Path.of("target", "screenshots");
  private static final Duration WAIT = Duration.ofSeconds(20);
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient HTTP = HttpClient.newHttpClient();

  private static final String IPHONE =
      "Mozilla/5.0 (iPhone; CPU iPhone OS 17_2 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like"
          + " Gecko) Version/17.2 Mobile/15E148 Safari/604.1";
  private static final String ANDROID =
      "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko)"
          + " Chrome/120.0.6099.144 Mobile Safari/537.36";
  private static final String WINDOWS =
      "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:121.0) Gecko/20100101 Firefox/121.0";

  /**
   * Selenium looks for a DevTools binding of the browser's version even though these tests use none; kept quiet about
   * not finding one (a reference: JUL keeps its loggers weakly).
   */
  private static final java.util.logging.Logger CDP_FINDER =
      java.util.logging.Logger.getLogger("org.openqa.selenium.devtools.CdpVersionFinder");

  @TempDir static Path data;
  private static SessionServer server;
  private static String base;
  private static Map<String, String> passwords;
  private static WebDriver browser;
  private static WebDriverWait wait;

  @BeforeAll
  static void start() throws Exception {
    assertThat(Files.isExecutable(CHROMIUM))
        .as(
            "the browser tests need Chromium at %s: install it with"
                + " apt-get install -y chromium chromium-driver",
            CHROMIUM)
        .isTrue();
    assertThat(Files.isExecutable(CHROMEDRIVER))
        .as(
            "the browser tests need ChromeDriver at %s: install it with"
                + " apt-get install -y chromium chromium-driver",
            CHROMEDRIVER)
        .isTrue();
    CDP_FINDER.setLevel(Level.SEVERE);
    Files.createDirectories(SCREENSHOTS);
    passwords =
        UsersFile.createWithDemoUsers(
            data.resolve("users.json"),
            Map.of(
                "admin", "system_admin system_user",
                "user1", "system_user",
                "user2", "system_user",
                "user3", "system_user",
                "user4", "system_user",
                "user5", "system_user"));
    server = WebPageTest.startInMemory(data);
    base = "http://127.0.0.1:" + server.port();

    ChromeOptions options = new ChromeOptions();
    options.setBinary(CHROMIUM.toFile());
    options.addArguments(
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
        "--lang=en-US");
    LoggingPreferences logs = new LoggingPreferences();
    logs.enable(LogType.BROWSER, Level.ALL);
    options.setCapability(ChromeOptions.LOGGING_PREFS, logs);
    ChromeDriverService service =
        new ChromeDriverService.Builder()
            .usingDriverExecutable(CHROMEDRIVER.toFile())
            .usingAnyFreePort()
            .build();
    browser = new ChromeDriver(service, options);
    wait = new WebDriverWait(browser, WAIT);
  }

  @AfterAll
  static void stop() {
    try {
      if (browser != null) {
        browser.quit();
      }
    } finally {
      if (server != null) {
        server.close();
      }
    }
  }

  @BeforeEach
  void freshBrowser() {
    browser.manage().window().setSize(new Dimension(1000, 860));
    browser.get(base + "/");
    browser.manage().deleteAllCookies();
    browser.navigate().refresh();
    visible("sign-in");
  }

  @AfterEach
  void noPolicyViolationNorScriptError() {
    List<String> problems =
        browser.manage().logs().get(LogType.BROWSER).getAll().stream()
            .map(LogEntry::getMessage)
            .filter(
                m ->
                    m.contains("Content Security Policy")
                        || m.contains("Uncaught")
                        || m.contains("TypeError"))
            .toList();
    assertThat(problems).as("the browser's console").isEmpty();
  }

  @Test
  void aPersonSeesTheirDevicesEndsOneLogsOutTheOthersAndSignsOut() throws Exception {
    String password = passwords.get("user1");
    screenshot("01-sign-in");

    // A wrong password: the server's own message, and the focus back in the password field.
    signIn("user1", "not the password");
    String refused = waitForStatus("Error:");
    assertThat(refused).contains("Enter a valid email or username and/or password");
    assertThat(focusedId()).isEqualTo("password");
    screenshot("02-wrong-password");

    // Signed in by keyboard: this device is listed, marked in words, with its browser and times.
    signIn("user1", password);
    visible("devices");
    assertThat(focusedId()).isEqualTo("devices-title");
    assertThat(text("account-name")).isEqualTo("user1");
    assertThat(browser.findElement(By.id("admin")).isDisplayed()).isFalse();
    List<WebElement> rows = waitForRows("device-list", 1);
    WebElement mine = rows.get(0);
    assertThat(mine.getAttribute("data-current")).isEqualTo("true");
    assertThat(mine.getText()).contains("This device").contains("Chrome").contains("Linux");
    assertThat(mine.findElements(By.tagName("button"))).isEmpty(); // "Sign out" ends this one
    WebElement created = mine.findElements(By.tagName("time")).get(0);
    assertThat(created.getText()).matches("just now|\\d+ (second|minute)s? ago");
    assertThat(created.getAttribute("datetime")).matches("\\d{4}-\\d\\d-\\d\\dT.*Z");
    assertThat(created.getAttribute("title")).isNotBlank();
    String browserToken = browser.manage().getCookieNamed("MMAUTHTOKEN").getValue();
    assertThat(apiStatus(browserToken)).isEqualTo(200);
    screenshot("03-your-devices");

    // A second login through the API appears once the list is refreshed.
    String phone = apiLogin("user1", password, IPHONE);
    click("refresh");
    rows = waitForRows("device-list", 2);
    WebElement other = otherThanCurrent(rows);
    assertThat(other.getText()).contains("Safari on iOS").contains("iPhone").contains("17.2");
    screenshot("04-second-device");
    wholePageScreenshot("active-sessions", 900); // the README's picture (docs/active-sessions.png)

    // Ending it: gone from the list, and its token is refused.
    other.findElement(By.cssSelector("button.end")).click();
    waitForRows("device-list", 1);
    assertThat(waitForStatus("Ended the session")).contains("Safari on iOS");
    assertThat(focusedId()).isEqualTo("devices-title");
    assertThat(apiStatus(phone)).isEqualTo(401);
    screenshot("05-ended-one");

    // Two more devices, then "log out of all other devices": only this one is left, and it still
    // works.
    String android = apiLogin("user1", password, ANDROID);
    String windows = apiLogin("user1", password, WINDOWS);
    click("refresh");
    waitForRows("device-list", 3);
    screenshot("06-three-devices");
    click("revoke-others");
    rows = waitForRows("device-list", 1);
    assertThat(rows.get(0).getAttribute("data-current")).isEqualTo("true");
    waitForStatus("Logged out of all other devices");
    assertThat(apiStatus(android)).isEqualTo(401);
    assertThat(apiStatus(windows)).isEqualTo(401);
    assertThat(apiStatus(browserToken)).isEqualTo(200);
    screenshot("07-other-devices-logged-out");

    // Signing out ends the browser's own session.
    click("sign-out");
    visible("sign-in");
    waitForStatus("You are signed out");
    assertThat(focusedId()).isEqualTo("login-id");
    assertThat(apiStatus(browserToken)).isEqualTo(401);
    assertThat(browser.manage().getCookieNamed("MMAUTHTOKEN")).isNull();
    screenshot("08-signed-out");
    browser.navigate().refresh();
    visible("sign-in");
  }

  @Test
  void aSessionEndedElsewhereSendsThePageBackToSignIn() throws Exception {
    String password = passwords.get("user3");
    signIn("user3@example.com", password); // by email
    visible("devices");
    waitForRows("device-list", 1);
    // Another device of the user's ends every session, this browser's too.
    String other = apiLogin("user3", password, ANDROID);
    HttpResponse<String> all =
        HTTP.send(
            authorized("/api/v4/users/me/sessions/revoke/all", other)
                .POST(HttpRequest.BodyPublishers.noBody())
                .build(),
            BodyHandlers.ofString());
    assertThat(all.statusCode()).isEqualTo(200);
    click("refresh");
    visible("sign-in");
    assertThat(waitForStatus("Your session has ended")).contains("Error:");
  }

  @Test
  void anAdministratorSeesTheCountFindsAUserAndEndsTheirSessions() throws Exception {
    String password = passwords.get("user2");
    String phone = apiLogin("user2", password, IPHONE);
    String desktop = apiLogin("user2", password, WINDOWS);

    signIn("admin@example.com", passwords.get("admin"));
    visible("admin");
    String adminToken = browser.manage().getCookieNamed("MMAUTHTOKEN").getValue();
    long count = apiJson("/sr/v1/sessions/count", adminToken).get("count").asLong();
    wait.until(
        ExpectedConditions.textMatches(
            By.id("count"),
            java.util.regex.Pattern.compile("\\b" + count + " sessions? (is|are) active")));
    assertThat(browser.findElement(By.cssSelector("#count time")).getAttribute("datetime"))
        .isNotBlank();

    // Someone who does not exist: the server's 404 message.
    find("nobody-here");
    String expected =
        apiError(
            "/sr/v1/users/sessions?login_id="
                + URLEncoder.encode("nobody-here", StandardCharsets.UTF_8),
            adminToken);
    assertThat(waitForStatus("Error:")).contains(expected);
    assertThat(browser.findElement(By.id("found")).isDisplayed()).isFalse();
    assertThat(focusedId()).isEqualTo("find-login");

    find("user2");
    visible("found");
    wait.until(
        ExpectedConditions.textToBePresentInElementLocated(
            By.id("found-title"), "2 active sessions"));
    assertThat(text("found-title")).contains("user2").contains("user2@example.com");
    assertThat(focusedId()).isEqualTo("found-title");
    List<WebElement> theirs = waitForRows("found-list", 2);
    screenshot("09-admin-found-a-user");

    // End one of them: that token is refused, the other still works.
    WebElement iphone =
        theirs.stream().filter(r -> r.getText().contains("iPhone")).findFirst().orElseThrow();
    iphone.findElement(By.cssSelector("button.end")).click();
    waitForStatus("Ended the session of user2");
    waitForRows("found-list", 1);
    assertThat(apiStatus(phone)).isEqualTo(401);
    assertThat(apiStatus(desktop)).isEqualTo(200);

    // End all the rest; the count follows.
    click("revoke-user-all");
    waitForStatus("Ended every session of user2");
    wait.until(
        ExpectedConditions.textToBePresentInElementLocated(
            By.id("found-title"), "0 active sessions"));
    assertThat(text("found-list")).contains("No active sessions.");
    assertThat(apiStatus(desktop)).isEqualTo(401);
    assertThat(apiStatus(adminToken)).isEqualTo(200);
    long after = apiJson("/sr/v1/sessions/count", adminToken).get("count").asLong();
    assertThat(after).isEqualTo(count - 2);
    wait.until(
        ExpectedConditions.textMatches(
            By.id("count"),
            java.util.regex.Pattern.compile("\\b" + after + " sessions? (is|are) active")));
    screenshot("10-admin-ended-their-sessions");
  }

  @Test
  void onAPhoneNothingIsWiderThanTheScreen() throws Exception {
    String password = passwords.get("user4");
    String tablet = apiLogin("user4", password, IPHONE);
    browser.manage().window().setSize(new Dimension(390, 844));
    signIn("user4", password);
    visible("devices");
    waitForRows("device-list", 2);
    long overflow =
        (Long)
            ((JavascriptExecutor) browser)
                .executeScript(
                    "return document.documentElement.scrollWidth - document.documentElement.clientWidth;");
    assertThat(overflow).isLessThanOrEqualTo(0);
    screenshot("11-phone");
    click("sign-out");
    visible("sign-in");
    assertThat(apiStatus(tablet)).isEqualTo(200); // signing out ends this session alone
  }

  @Test
  void byKeyboardAloneAPersonReachesAndEndsAnotherDevice() throws Exception {
    String password = passwords.get("user5");
    String phone = apiLogin("user5", password, IPHONE);
    signIn("user5", password);
    visible("devices");
    waitForRows("device-list", 2);
    assertThat(focusedId()).isEqualTo("devices-title");
    // Tab from the heading: Refresh, "Log out of all other devices", then the other device's
    // button, whose name
    // says which device it ends.
    List<String> reached = new java.util.ArrayList<>();
    WebElement focused = null;
    for (int i = 0; i < 3; i++) {
      browser.switchTo().activeElement().sendKeys(Keys.TAB);
      focused = browser.switchTo().activeElement();
      reached.add(focused.getTagName() + ":" + focused.getAccessibleName());
    }
    assertThat(reached.get(0)).isEqualTo("button:Refresh");
    assertThat(reached.get(1)).isEqualTo("button:Log out of all other devices");
    assertThat(reached.get(2)).startsWith("button:End session").contains("Safari on iOS");
    focused.sendKeys(Keys.ENTER);
    waitForRows("device-list", 1);
    waitForStatus("Ended the session of Safari on iOS");
    assertThat(focusedId()).isEqualTo("devices-title");
    assertThat(apiStatus(phone)).isEqualTo(401);
    // The sign-out button, by keyboard too.
    WebElement signOut = browser.findElement(By.id("sign-out"));
    assertThat(signOut.getAccessibleName()).isEqualTo("Sign out");
    signOut.sendKeys(Keys.ENTER);
    visible("sign-in");
    assertThat(focusedId()).isEqualTo("login-id");
  }

  // ---- The browser.

  private static void signIn(String loginId, String password) {
    WebElement login = visible("login-id");
    login.clear();
    login.sendKeys(loginId);
    WebElement pw = browser.findElement(By.id("password"));
    pw.clear();
    pw.sendKeys(password, Keys.ENTER);
  }

  private static void find(String loginId) {
    WebElement field = visible("find-login");
    field.clear();
    field.sendKeys(loginId, Keys.ENTER);
  }

  private static WebElement visible(String id) {
    return wait.until(ExpectedConditions.visibilityOfElementLocated(By.id(id)));
  }

  private static void click(String id) {
    wait.until(ExpectedConditions.elementToBeClickable(By.id(id))).click();
  }

  private static String text(String id) {
    return browser.findElement(By.id(id)).getText();
  }

  private static String focusedId() {
    return browser.switchTo().activeElement().getAttribute("id");
  }

  /** Waits until the status line shows this text, and returns all of it. */
  private static String waitForStatus(String part) {
    wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("status"), part));
    return text("status");
  }

  private static List<WebElement> waitForRows(String listId, int n) {
    By rows = By.cssSelector("#" + listId + " li.session");
    wait.until(ExpectedConditions.numberOfElementsToBe(rows, n));
    return browser.findElements(rows);
  }

  private static WebElement otherThanCurrent(List<WebElement> rows) {
    return rows.stream()
        .filter(r -> !"true".equals(r.getAttribute("data-current")))
        .findFirst()
        .orElseThrow();
  }

  private static void screenshot(String name) throws IOException {
    byte[] png = ((ChromeDriver) browser).getScreenshotAs(OutputType.BYTES);
    Files.write(SCREENSHOTS.resolve(name + ".png"), png);
  }

  /** The whole page at this width, as tall as its content, the pointer on no button; then the window as it was. */
  private static void wholePageScreenshot(String name, int width) throws IOException {
    Dimension before = browser.manage().window().getSize();
    browser.manage().window().setSize(new Dimension(width, before.getHeight()));
    new Actions(browser).moveToLocation(0, 0).perform();
    long height =
        (Long)
            ((JavascriptExecutor) browser)
                .executeScript(
                    "return document.documentElement.scrollHeight"
                        + " + window.outerHeight - window.innerHeight;");
    browser.manage().window().setSize(new Dimension(width, (int) height));
    screenshot(name);
    browser.manage().window().setSize(before);
  }

  // ---- The API, as another device would call it.

  private static String apiLogin(String user, String password, String userAgent) throws Exception {
    HttpResponse<String> r =
        HTTP.send(
            HttpRequest.newBuilder(URI.create(base + "/api/v4/users/login"))
                .header("Content-Type", "application/json")
                .header("User-Agent", userAgent)
                .POST(
                    HttpRequest.BodyPublishers.ofString(
                        JSON.writeValueAsString(Map.of("login_id", user, "password", password))))
                .build(),
            BodyHandlers.ofString());
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    return r.headers().firstValue("Token").orElseThrow();
  }

  private static HttpRequest.Builder authorized(String path, String token) {
    return HttpRequest.newBuilder(URI.create(base + path))
        .header("Authorization", "Bearer " + token);
  }

  /** The status of the token's owner listing their sessions: 200 while it lives, 401 once it ended. */
  private static int apiStatus(String token) throws Exception {
    return HTTP.send(
            authorized("/api/v4/users/me/sessions", token).GET().build(), BodyHandlers.discarding())
        .statusCode();
  }

  private static JsonNode apiJson(String path, String token) throws Exception {
    HttpResponse<String> r =
        HTTP.send(authorized(path, token).GET().build(), BodyHandlers.ofString());
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    return JSON.readTree(r.body());
  }

  /** The AppError message the server answers to this request. */
  private static String apiError(String path, String token) throws Exception {
    HttpResponse<String> r =
        HTTP.send(authorized(path, token).GET().build(), BodyHandlers.ofString());
    assertThat(r.statusCode()).as(r.body()).isGreaterThanOrEqualTo(400);
    return JSON.readTree(r.body()).get("message").asText();
  }
}
