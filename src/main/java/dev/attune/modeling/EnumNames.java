package dev.attune.modeling;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/** Enum constants by the names the API and stored configurations use: lower case ("multi_label_classification"). */
public final class EnumNames {

    private EnumNames() {
    }

    public static String id(Enum<?> constant) {
        return constant.name().toLowerCase(Locale.ROOT);
    }

    /** The constant whose lower-case name is {@code id} (case and surrounding blanks ignored). */
    public static <E extends Enum<E>> Optional<E> parse(Class<E> type, String id) {
        if (id == null) {
            return Optional.empty();
        }
        String wanted = id.trim().toUpperCase(Locale.ROOT);
        return Arrays.stream(type.getEnumConstants()).filter(e -> e.name().equals(wanted)).findFirst();
    }

    /** As {@link #parse}, refusing a name that names nothing with the names there are. */
    public static <E extends Enum<E>> E of(Class<E> type, String id) {
        return parse(type, id).orElseThrow(() -> new IllegalArgumentException("'" + id + "' is not one of " + ids(type)));
    }

    public static <E extends Enum<E>> List<String> ids(Class<E> type) {
        return Arrays.stream(type.getEnumConstants()).map(EnumNames::id).toList();
    }
}
