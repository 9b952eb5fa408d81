-- What a step's worker said while it ran (its progress lines), kept with the saga so a step's panel shows them later.
CREATE TABLE step_output (
    seq     bigserial PRIMARY KEY,
    saga_id uuid NOT NULL,
    step_id text NOT NULL,
    at      timestamptz NOT NULL,
    line    text NOT NULL
);
CREATE INDEX step_output_by_step ON step_output (saga_id, step_id, seq);
