-- API tokens (labforge token create): only a SHA-256 of each token's secret part is kept. The
-- secret is 256 random bits, so a fast hash is enough: there is nothing to guess a password from.
CREATE TABLE api_token (
    id          text PRIMARY KEY,        -- the public part, e.g. 3f9c2a71d04be6a8 in lf_3f9c2a71d04be6a8_…
    name        text NOT NULL,
    role        text NOT NULL CHECK (role IN ('viewer', 'operator', 'admin')),
    secret_hash text NOT NULL,
    created_at  timestamptz NOT NULL,
    created_by  text NOT NULL,
    last_used   timestamptz,
    revoked_at  timestamptz,
    revoked_by  text
);
CREATE UNIQUE INDEX api_token_live_name ON api_token (name) WHERE revoked_at IS NULL;
