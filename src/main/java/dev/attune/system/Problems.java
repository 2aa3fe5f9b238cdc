package dev.attune.system;

import java.util.Collection;
import java.util.List;
import java.util.Map;

import org.springframework.http.HttpStatus;

/** Wording shared by every problem body: generic details per status, and bounds on echoed input. */
public final class Problems {

    /** Longest string a problem echoes back; longer input is cut and says so. */
    static final int MAX_ECHO = 300;
    /** Longest detail sentence a problem carries (it may quote several inputs). */
    static final int MAX_DETAIL = 2000;
    /** Most list elements a problem property echoes back. */
    static final int MAX_ITEMS = 50;

    private Problems() {
    }

    static String detailFor(HttpStatus status) {
        return switch (status) {
            case NOT_FOUND -> "Nothing is at this address. The API docs (/swagger-ui.html) list every endpoint.";
            case BAD_REQUEST -> "The request was refused before reaching the API: its address or form is invalid "
                    + "(for example '//', ';', an encoded '/', '.' or NUL in the path). Send a plain path such as "
                    + "/api/v1/jobs.";
            case METHOD_NOT_ALLOWED -> "This method is not supported here. The API docs (/swagger-ui.html) show the "
                    + "methods of each endpoint.";
            case PAYLOAD_TOO_LARGE -> "The request is larger than this endpoint accepts. Send less per request.";
            default -> "The request could not be completed (" + status.value() + " " + status.getReasonPhrase()
                    + "). The server log has the details.";
        };
    }

    /** Cuts a user-supplied string to {@link #MAX_ECHO} characters. */
    public static String echo(String value) {
        if (value == null || value.length() <= MAX_ECHO) {
            return value;
        }
        return value.substring(0, MAX_ECHO) + "… (" + value.length() + " characters, cut)";
    }

    /** Cuts a detail sentence to {@link #MAX_DETAIL} characters. */
    static String detail(String value) {
        if (value == null || value.length() <= MAX_DETAIL) {
            return value;
        }
        return value.substring(0, MAX_DETAIL) + "… (cut)";
    }

    /** A problem property with strings cut and lists shortened, so no input can blow up an error body. */
    static Object bounded(Object value) {
        if (value instanceof String text) {
            return echo(text);
        }
        if (value instanceof Collection<?> items) {
            List<Object> out = items.stream().limit(MAX_ITEMS).map(Problems::bounded).toList();
            return items.size() > MAX_ITEMS ? concat(out, "… " + (items.size() - MAX_ITEMS) + " more") : out;
        }
        if (value instanceof Map<?, ?> map && map.size() > MAX_ITEMS) {
            return map.entrySet().stream().limit(MAX_ITEMS).toList().toString() + " … " + (map.size() - MAX_ITEMS) + " more";
        }
        return value;
    }

    private static List<Object> concat(List<Object> list, Object last) {
        List<Object> out = new java.util.ArrayList<>(list);
        out.add(last);
        return out;
    }
}
