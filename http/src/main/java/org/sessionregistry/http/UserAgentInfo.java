package org.sessionregistry.http;

import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The client a {@code User-Agent} names, as Mattermost records it in a session's props at login: {@code platform}
 * ("Windows", "Macintosh", "Linux", "iPhone", "iPad", ...; "Unknown"), {@code os} ("Windows 10", "Mac OS", "iOS",
 * "Android", "Chrome OS", "Linux", ...; empty when unknown) and {@code browser} as {@code name/version} ("Chrome/120.0",
 * "Safari/17.2", "Edge/120.0.2210", "Desktop App/5.6.0", "Mobile App/2.20.0+556", "Unknown/0.0"). The same strings as
 * Mattermost's server derives, so its clients show the sessions list alike; tested against Mattermost's own cases.
 *
 * <pre>{@code
 * UserAgentInfo client = UserAgentInfo.parse(request.getHeader("User-Agent"));
 * registry.create(NewSession.forUser(userId).withProps(client.props()));
 * }</pre>
 *
 * <p>Immutable. Any input is accepted (null or empty is an unknown client); nothing of it is echoed but the versions,
 * at most 128 characters.
 */
public record UserAgentInfo(String platform, String os, String browser) {
  private static final int MAX_VERSION = 128;

  /** Where Mattermost's own apps put their version; the first found wins. */
  private static final String[] APP_PREFIXES = {
    "Mattermost Mobile/", "Mattermost/", "mmctl/", "Franz/"
  };

  private static final Pattern WINDOWS_NT = Pattern.compile("windows nt (\\d+)(?:\\.(\\d+))?");
  private static final Pattern NUMBERS = Pattern.compile("(\\d+)(?:[._](\\d+))?(?:[._](\\d+))?");

  /** The props a session gets: {@code platform}, {@code os}, {@code browser}. */
  public Map<String, String> props() {
    return Map.of("platform", platform, "os", os, "browser", browser);
  }

  /** The client the header names; an unknown one for null, empty or unrecognized text. */
  public static UserAgentInfo parse(String userAgent) {
    String ua = userAgent == null ? "" : userAgent;
    String s = ua.toLowerCase(Locale.ROOT);
    boolean mobileApp = ua.contains("Mattermost Mobile/");
    String platform;
    String os;
    if (s.contains("windows phone") || s.contains("windows mobile")) {
      platform = "Windows Phone";
      os = "Windows Phone";
    } else if (s.contains("windows")) {
      platform = "Windows";
      os = windowsName(s);
    } else if (s.contains("ipad")) {
      platform = "iPad";
      os = "iOS";
    } else if (s.contains("iphone")) {
      platform = "iPhone";
      os = "iOS";
    } else if (s.contains("ipod")) {
      platform = "iPod";
      os = "iOS";
    } else if (s.contains("macintosh") || s.contains("mac os x")) {
      platform = "Macintosh";
      os = "Mac OS";
    } else if (s.contains("blackberry") || s.contains("bb10")) {
      platform = "BlackBerry";
      os = "BlackBerry";
    } else if (s.contains("kindle") || s.contains("silk/")) {
      platform = "Linux";
      os = "Kindle";
    } else if (s.contains("android")) {
      platform = "Linux";
      os = "Android";
    } else if (s.contains("cros")) {
      platform = "Linux";
      os = "Chrome OS";
    } else if (s.contains("webos")) {
      platform = "Linux";
      os = "webOS";
    } else if (s.contains("linux")) {
      platform = "Linux";
      os = "Linux";
    } else if (mobileApp) {
      // Mattermost's own fallback for its mobile app's agents, which name no platform it knows.
      platform = "Linux";
      os = "Android";
    } else {
      platform = "Unknown";
      os = "";
    }
    return new UserAgentInfo(platform, os, browserName(ua, s) + "/" + version(ua, s));
  }

  private static String windowsName(String s) {
    Matcher m = WINDOWS_NT.matcher(s);
    if (!m.find()) {
      return "Windows";
    }
    int major = Integer.parseInt(m.group(1));
    int minor = m.group(2) == null ? 0 : Integer.parseInt(m.group(2));
    if (major == 10) {
      return "Windows 10"; // Windows 11 says NT 10.0 too
    }
    if (major == 5) {
      return switch (minor) {
        case 0 -> "Windows 2000";
        case 1 -> "Windows XP";
        case 2 -> "Windows XP x64 Edition";
        default -> "Windows";
      };
    }
    if (major == 6) {
      return switch (minor) {
        case 0 -> "Windows Vista";
        case 1 -> "Windows 7";
        case 2 -> "Windows 8";
        case 3 -> "Windows 8.1";
        default -> "Windows";
      };
    }
    return "Windows";
  }

  /** Which browser, and where its version is: the token after which the version stands. */
  private enum Browser {
    OPERA("Opera"),
    EDGE("Edge"),
    IE("Internet Explorer"),
    CHROME("Chrome"),
    FIREFOX("Firefox"),
    SAFARI("Safari"),
    ANDROID("Android"),
    BLACKBERRY("BlackBerry"),
    UNKNOWN("Unknown");

    final String name;

    Browser(String name) {
      this.name = name;
    }
  }

  private static Browser browser(String s) {
    if (s.contains("opr/") || s.contains("opera")) {
      return Browser.OPERA;
    }
    if (s.contains("edg/") || s.contains("edge/") || s.contains("edga/") || s.contains("edgios/")) {
      return Browser.EDGE;
    }
    if (s.contains("msie") || s.contains("trident/")) {
      return Browser.IE;
    }
    if (s.contains("chrome/") || s.contains("crios/")) {
      return Browser.CHROME;
    }
    if (s.contains("firefox/") || s.contains("fxios/")) {
      return Browser.FIREFOX;
    }
    if (s.contains("android") && s.contains("version/")) {
      return Browser.ANDROID;
    }
    if (s.contains("blackberry") || s.contains("bb10")) {
      return Browser.BLACKBERRY;
    }
    if (s.contains("safari/") && s.contains("version/")) {
      return Browser.SAFARI;
    }
    return Browser.UNKNOWN;
  }

  private static String browserName(String ua, String s) {
    if (ua.contains("Electron")
        || (ua.contains("Mattermost") && !ua.contains("Mattermost Mobile"))) {
      return "Desktop App";
    }
    if (ua.contains("Mattermost Mobile")) {
      return "Mobile App";
    }
    if (ua.contains("mmctl")) {
      return "mmctl";
    }
    return browser(s).name;
  }

  private static String version(String ua, String s) {
    for (String prefix : APP_PREFIXES) {
      int at = ua.indexOf(prefix);
      if (at >= 0) {
        String after = ua.substring(at + prefix.length()).strip();
        if (!after.isEmpty()) {
          String field = after.split("\\s+", 2)[0];
          return field.length() > MAX_VERSION ? field.substring(0, MAX_VERSION) : field;
        }
      }
    }
    String digits =
        switch (browser(s)) {
          case OPERA -> after(s, "opr/", "version/", "opera/");
          case EDGE -> after(s, "edg/", "edge/", "edga/", "edgios/");
          case IE -> after(s, "msie ", "rv:");
          case CHROME -> after(s, "chrome/", "crios/");
          case FIREFOX -> after(s, "firefox/", "fxios/");
          case SAFARI, ANDROID -> after(s, "version/");
          case BLACKBERRY -> after(s, "version/", "blackberry");
          case UNKNOWN -> "";
        };
    Matcher m = NUMBERS.matcher(digits);
    if (!m.lookingAt()) {
      return "0.0";
    }
    long major = number(m.group(1));
    long minor = number(m.group(2));
    long patch = number(m.group(3));
    return patch == 0 ? major + "." + minor : major + "." + minor + "." + patch;
  }

  /** The text after the first of these tokens found, or empty. */
  private static String after(String s, String... tokens) {
    for (String token : tokens) {
      int at = s.indexOf(token);
      if (at >= 0) {
        return s.substring(at + token.length());
      }
    }
    return "";
  }

  private static long number(String digits) {
    if (digits == null) {
      return 0;
    }
    try {
      return Long.parseLong(digits.length() > 9 ? digits.substring(0, 9) : digits);
    } catch (NumberFormatException e) {
      return 0;
    }
  }
}
