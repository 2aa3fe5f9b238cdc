package dev.attune.system;

import java.lang.reflect.RecordComponent;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

import com.fasterxml.jackson.annotation.JsonUnwrapped;

/**
 * The JSON fields a request body record takes, those of an {@code @JsonUnwrapped} part included (Jackson's own
 * list of known fields names only the outer record's), for "the known fields are ..." answers.
 */
final class JsonFields {

    private JsonFields() {
    }

    /** The fields of {@code type} when it is a record; else {@code reported}, as Jackson listed them. */
    static List<String> of(Class<?> type, Collection<Object> reported) {
        if (type == null || !type.isRecord()) {
            return reported.stream().map(String::valueOf).toList();
        }
        List<String> fields = new ArrayList<>();
        for (RecordComponent component : type.getRecordComponents()) {
            if (unwrapped(type, component)) {
                fields.addAll(of(component.getType(), List.of()));
            } else {
                fields.add(component.getName());
            }
        }
        return fields;
    }

    /** Jackson's annotation lands on the record's field and accessor, not on the component itself. */
    private static boolean unwrapped(Class<?> type, RecordComponent component) {
        try {
            return type.getDeclaredField(component.getName()).isAnnotationPresent(JsonUnwrapped.class);
        } catch (NoSuchFieldException e) {
            return false;
        }
    }
}
