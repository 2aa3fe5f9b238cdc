package dev.attune.system;

import org.springframework.security.core.Authentication;
import org.springframework.security.core.context.SecurityContextHolder;

/** Who is calling: the name of the API key the current request presented. */
public final class Callers {

    private Callers() {
    }

    /** The key's name; null when API keys are off (every caller is the local operator) or outside a request. */
    public static String keyName() {
        Authentication authentication = SecurityContextHolder.getContext().getAuthentication();
        if (authentication == null || !authentication.isAuthenticated()
                || SecurityConfiguration.LOCAL.equals(authentication.getName())) {
            return null;
        }
        return authentication.getName();
    }
}
