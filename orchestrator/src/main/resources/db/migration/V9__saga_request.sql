-- Changes asked of an orchestrator that does not own the sagas (a standby), for the owner to make, so
-- that every orchestrator serves the whole API. The asking one waits for done_at and answers with the
-- owner's result or error.
CREATE TABLE saga_request (
    id          uuid PRIMARY KEY,
    kind        text NOT NULL CHECK (kind IN ('submit', 'resume', 'compensate')),
    payload     jsonb NOT NULL,
    actor       text NOT NULL,
    created_at  timestamptz NOT NULL DEFAULT now(),
    taken_at    timestamptz,
    done_at     timestamptz,
    error       jsonb          -- the owner's refusal: status, title, detail and its other fields
);
CREATE INDEX saga_request_open ON saga_request (created_at) WHERE taken_at IS NULL;
