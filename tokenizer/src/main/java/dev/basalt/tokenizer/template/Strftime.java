package dev.basalt.tokenizer.template;

import java.time.LocalDateTime;
import java.time.temporal.ChronoField;
import java.time.temporal.IsoFields;

/**
 * Python's {@code datetime.strftime} in the C locale (English names) for a naive date-time, as
 * {@code strftime_now} needs; glibc's {@code -} flag ({@code %-d}: no padding) is honoured as on Linux.
 */
final class Strftime {
    private static final String[] DAYS = {"Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"};
    private static final String[] MONTHS = {"January", "February", "March", "April", "May", "June", "July", "August",
        "September", "October", "November", "December"};

    private Strftime() {
    }

    static String format(LocalDateTime t, String pattern) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < pattern.length(); i++) {
            char c = pattern.charAt(i);
            if (c != '%' || i + 1 >= pattern.length()) {
                sb.append(c);
                continue;
            }
            char flag = 0;
            char f = pattern.charAt(++i);
            if ((f == '-' || f == '_' || f == '0') && i + 1 < pattern.length()) {
                flag = f;
                f = pattern.charAt(++i);
            }
            String field = field(t, f, flag);
            sb.append(field != null ? field : "%" + (flag != 0 ? String.valueOf(flag) : "") + f);
        }
        return sb.toString();
    }

    private static String field(LocalDateTime t, char f, char flag) {
        int hour12 = t.getHour() % 12 == 0 ? 12 : t.getHour() % 12;
        String day = DAYS[t.getDayOfWeek().getValue() - 1];
        String month = MONTHS[t.getMonthValue() - 1];
        return switch (f) {
            case 'a' -> day.substring(0, 3);
            case 'A' -> day;
            case 'b', 'h' -> month.substring(0, 3);
            case 'B' -> month;
            case 'c' -> day.substring(0, 3) + " " + month.substring(0, 3) + " " + pad(t.getDayOfMonth(), 2, '_')
                    + " " + format(t, "%H:%M:%S %Y");
            case 'C' -> pad(t.getYear() / 100, 2, flag);
            case 'd' -> pad(t.getDayOfMonth(), 2, flag);
            case 'D' -> format(t, "%m/%d/%y");
            case 'e' -> pad(t.getDayOfMonth(), 2, flag == 0 ? '_' : flag);
            case 'F' -> format(t, "%Y-%m-%d");
            case 'f' -> pad(t.getNano() / 1000, 6, flag);
            case 'G' -> String.valueOf(t.get(IsoFields.WEEK_BASED_YEAR));
            case 'H' -> pad(t.getHour(), 2, flag);
            case 'I' -> pad(hour12, 2, flag);
            case 'j' -> pad(t.getDayOfYear(), 3, flag);
            case 'k' -> pad(t.getHour(), 2, flag == 0 ? '_' : flag);
            case 'l' -> pad(hour12, 2, flag == 0 ? '_' : flag);
            case 'm' -> pad(t.getMonthValue(), 2, flag);
            case 'M' -> pad(t.getMinute(), 2, flag);
            case 'n' -> "\n";
            case 'p' -> t.getHour() < 12 ? "AM" : "PM";
            case 'r' -> format(t, "%I:%M:%S %p");
            case 'R' -> format(t, "%H:%M");
            case 'S' -> pad(t.getSecond(), 2, flag);
            case 't' -> "\t";
            case 'T', 'X' -> format(t, "%H:%M:%S");
            case 'u' -> String.valueOf(t.getDayOfWeek().getValue());
            case 'V' -> pad(t.get(IsoFields.WEEK_OF_WEEK_BASED_YEAR), 2, flag);
            case 'w' -> String.valueOf(t.getDayOfWeek().getValue() % 7);
            case 'U' -> pad((t.getDayOfYear() + 6 - t.getDayOfWeek().getValue() % 7) / 7, 2, flag);
            case 'W' -> pad((t.getDayOfYear() + 6 - (t.getDayOfWeek().getValue() + 6) % 7) / 7, 2, flag);
            case 'x' -> format(t, "%m/%d/%y");
            case 'y' -> pad(t.getYear() % 100, 2, flag);
            case 'Y' -> String.valueOf(t.get(ChronoField.YEAR));
            case 'z', 'Z' -> "";
            case '%' -> "%";
            default -> null;
        };
    }

    private static String pad(int value, int width, char flag) {
        String digits = String.valueOf(value);
        if (flag == '-') {
            return digits;
        }
        char fill = flag == '_' ? ' ' : '0';
        return String.valueOf(fill).repeat(Math.max(0, width - digits.length())) + digits;
    }
}
