package io.labforge.orchestrator.api;

import io.labforge.common.lab.LabValidationException;
import io.labforge.orchestrator.runtime.Ownership;
import io.labforge.orchestrator.runtime.SagaConflict;
import io.labforge.orchestrator.runtime.SagaRequests;
import io.labforge.orchestrator.runtime.SagaNotFound;
import java.net.URI;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;

/** Every error of the API as an RFC 9457 problem: a type, a title, the detail and, for a lab, every error. */
@RestControllerAdvice
public class ProblemHandler {

    @ExceptionHandler(LabValidationException.class)
    ProblemDetail invalidLab(LabValidationException e) {
        ProblemDetail p = ProblemDetail.forStatusAndDetail(HttpStatus.UNPROCESSABLE_CONTENT,
                e.errors().size() + " error(s) in the lab file; nothing was changed");
        p.setType(URI.create("https://labforge.dev/problems/invalid-lab"));
        p.setTitle("Invalid lab");
        p.setProperty("errors", e.errors());
        return p;
    }

    @ExceptionHandler(SagaNotFound.class)
    ProblemDetail notFound(SagaNotFound e) {
        ProblemDetail p = ProblemDetail.forStatusAndDetail(HttpStatus.NOT_FOUND, e.getMessage());
        p.setTitle("No such saga");
        return p;
    }

    /** A change asked of a standby: 503 with who owns the sagas, and a hint to retry (a takeover takes seconds). */
    @ExceptionHandler(Ownership.NotOwner.class)
    org.springframework.http.ResponseEntity<ProblemDetail> standby(Ownership.NotOwner e) {
        ProblemDetail p = ProblemDetail.forStatusAndDetail(HttpStatus.SERVICE_UNAVAILABLE, e.getMessage());
        p.setTitle("Not the saga owner");
        return org.springframework.http.ResponseEntity.status(HttpStatus.SERVICE_UNAVAILABLE).header("Retry-After", "5").body(p);
    }

    @ExceptionHandler(ProgressStreams.TooMany.class)
    org.springframework.http.ResponseEntity<ProblemDetail> tooManyStreams(ProgressStreams.TooMany e) {
        ProblemDetail p = ProblemDetail.forStatusAndDetail(HttpStatus.SERVICE_UNAVAILABLE, e.getMessage());
        p.setTitle("Too many live streams");
        return org.springframework.http.ResponseEntity.status(HttpStatus.SERVICE_UNAVAILABLE).header("Retry-After", "30").body(p);
    }

    @ExceptionHandler(SagaConflict.class)
    ProblemDetail sagaConflict(SagaConflict e) {
        ProblemDetail p = ProblemDetail.forStatusAndDetail(HttpStatus.CONFLICT, e.getMessage());
        p.setTitle(e.title());
        e.details().forEach(p::setProperty);
        return p;
    }

    /** A change a standby forwarded, refused by the owner: answered as the owner would have. */
    @ExceptionHandler(SagaRequests.Refused.class)
    org.springframework.http.ResponseEntity<ProblemDetail> forwardedRefusal(SagaRequests.Refused e) {
        ProblemDetail p = ProblemDetail.forStatusAndDetail(HttpStatus.valueOf(e.status()), e.getMessage());
        p.setTitle(e.title());
        e.details().forEach(p::setProperty);
        return org.springframework.http.ResponseEntity.status(e.status()).body(p);
    }

    @ExceptionHandler(IllegalStateException.class)
    ProblemDetail conflict(IllegalStateException e) {
        ProblemDetail p = ProblemDetail.forStatusAndDetail(HttpStatus.CONFLICT, e.getMessage());
        p.setTitle("Not possible in the saga's state");
        return p;
    }

    @ExceptionHandler(IllegalArgumentException.class)
    ProblemDetail badRequest(IllegalArgumentException e) {
        ProblemDetail p = ProblemDetail.forStatusAndDetail(HttpStatus.BAD_REQUEST, e.getMessage());
        p.setTitle("Bad request");
        return p;
    }
}
