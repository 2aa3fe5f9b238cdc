package dev.attune.system;

import java.io.IOException;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.stereotype.Component;
import org.springframework.web.filter.OncePerRequestFilter;

/** While the data dir's disk is full ({@link DataDiskGuard}), API calls that write are answered 507 before they start. */
@Component
class DiskFullFilter extends OncePerRequestFilter {

    private final DataDiskGuard disk;

    DiskFullFilter(DataDiskGuard disk) {
        this.disk = disk;
    }

    @Override
    protected boolean shouldNotFilter(HttpServletRequest request) {
        String method = request.getMethod();
        String path = request.getRequestURI();
        // reads write nothing; predict writes nothing either
        return method.equals("GET") || method.equals("HEAD") || method.equals("OPTIONS") || !path.startsWith("/api/")
                || path.endsWith("/predict");
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        if (!disk.full()) {
            chain.doFilter(request, response);
            return;
        }
        long free = disk.usableBytes();
        response.setStatus(HttpStatus.INSUFFICIENT_STORAGE.value());
        response.setContentType(MediaType.APPLICATION_PROBLEM_JSON_VALUE);
        response.setCharacterEncoding("UTF-8");
        response.getWriter().write(("{\"type\":\"about:blank\",\"title\":\"Disk full\",\"status\":507,\"freeBytes\":%d,"
                + "\"detail\":\"The disk holding the data directory has %d bytes free, below the %d kept in reserve "
                + "(management.health.diskspace.threshold), so nothing is written now. Free space there (delete unused "
                + "data sets or models, or grow the volume), then retry.\"}").formatted(free, free, disk.reserveBytes()));
    }
}
