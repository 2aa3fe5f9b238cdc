package dev.attune;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;

/** attune: fine-tunes Hugging Face transformers for text classification and serves them. */
@SpringBootApplication
@ConfigurationPropertiesScan
public class AttuneApplication {

    public static void main(String[] args) {
        // DJL must never try the network for its native library or tracking; set before DJL loads.
        System.setProperty("ai.djl.offline", System.getProperty("ai.djl.offline", "true"));
        SpringApplication.run(AttuneApplication.class, args);
    }
}
