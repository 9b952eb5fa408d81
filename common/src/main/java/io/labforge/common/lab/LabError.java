package io.labforge.common.lab;

/**
 * One problem in a lab file: where it is ({@code path}, 1-based {@code line}, 0 when unknown),
 * what is wrong and what would fix it.
 */
public record LabError(String path, int line, String message, String fix) {

    @Override
    public String toString() {
        return (line > 0 ? "line " + line + ", " : "") + (path.isEmpty() ? "(document)" : path) + ": " + message
                + (fix == null || fix.isEmpty() ? "" : " — fix: " + fix);
    }
}
