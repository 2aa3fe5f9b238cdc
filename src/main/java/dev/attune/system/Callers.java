package dev.attune.system;

import org.springframework.security.core.Authentication;
import org.springframework.security.core.GrantedAuthority;
import org.springframework.security.core.context.SecurityContextHolder;

/** Who is calling: the name of the API key the current request presented. */
public final class Callers {

    private Callers() {
    }

    /** The authority a key's scope is granted as. */
    static final String SCOPE_PREFIX = "SCOPE_";

    /**
     * Whether the caller may do what {@code scope} allows: always with API keys off (the local operator) or outside
     * a request; else when its key has that scope or admin.
     */
    public static boolean allows(ApiScope scope) {
        Authentication authentication = SecurityContextHolder.getContext().getAuthentication();
        if (authentication == null || SecurityConfiguration.LOCAL.equals(authentication.getName())) {
            return true;
        }
        return authentication.getAuthorities().stream().map(GrantedAuthority::getAuthority)
                .anyMatch(a -> a.equals(SCOPE_PREFIX + scope.id()) || a.equals(SCOPE_PREFIX + ApiScope.ADMIN.id()));
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
