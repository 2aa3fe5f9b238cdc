package dev.attune.feedback;

import java.util.List;

import org.springframework.stereotype.Component;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.ObjectMapper;

/** Label lists as stored: a JSON array, so that a label may hold any character (a comma, a newline). */
@Component
class LabelsJson {

    private static final TypeReference<List<String>> STRINGS = new TypeReference<>() {
    };

    private final ObjectMapper mapper;

    LabelsJson(ObjectMapper mapper) {
        this.mapper = mapper;
    }

    String write(List<String> labels) {
        return mapper.writeValueAsString(labels);
    }

    List<String> read(String stored) {
        return mapper.readValue(stored, STRINGS);
    }
}
