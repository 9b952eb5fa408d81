package io.labforge.orchestrator.cli;

/** An error the command line shows as is, without a stack trace (exit code 2). */
public class CliError extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public CliError(String message) {
        super(message);
    }
}
