package io.labforge.common.lab;

import java.util.List;
import java.util.stream.Collectors;

/** A lab file with errors: all of them, not the first one. */
public class LabValidationException extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final transient List<LabError> errors;

    public LabValidationException(String source, List<LabError> errors) {
        super(source + " has " + errors.size() + (errors.size() == 1 ? " error" : " errors") + ":\n"
                + errors.stream().map(e -> "  " + e).collect(Collectors.joining("\n")));
        this.errors = List.copyOf(errors);
    }

    public List<LabError> errors() {
        return errors;
    }
}
