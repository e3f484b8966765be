package io.quantwatch.chat.jinja;

import java.time.ZonedDateTime;
import java.time.format.TextStyle;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The reference renderer's {@code strftime_now}: {@code %Y %m %d %b %B %H %M %%}, English month names. */
final class Strftime {
    private static final Pattern DIRECTIVE = Pattern.compile("%[YmdbBHM%]");

    private Strftime() {}

    static String format(ZonedDateTime t, String format) {
        Matcher m = DIRECTIVE.matcher(format);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String r = switch (m.group().charAt(1)) {
                case 'Y' -> String.valueOf(t.getYear());
                case 'm' -> String.format("%02d", t.getMonthValue());
                case 'd' -> String.format("%02d", t.getDayOfMonth());
                case 'b' -> t.getMonth().getDisplayName(TextStyle.SHORT, Locale.US);
                case 'B' -> t.getMonth().getDisplayName(TextStyle.FULL, Locale.US);
                case 'H' -> String.format("%02d", t.getHour());
                case 'M' -> String.format("%02d", t.getMinute());
                default -> "%";
            };
            m.appendReplacement(out, Matcher.quoteReplacement(r));
        }
        m.appendTail(out);
        return out.toString();
    }
}
