-- An operator's pause asked of a standby is handed to the owner like a resume or a compensation.
ALTER TABLE saga_request DROP CONSTRAINT saga_request_kind_check;
ALTER TABLE saga_request ADD CONSTRAINT saga_request_kind_check CHECK (kind IN ('submit', 'pause', 'resume', 'compensate'));
