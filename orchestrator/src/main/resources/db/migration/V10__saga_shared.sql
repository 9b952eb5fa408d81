-- Values a saga's steps share, held once per saga rather than copied into every step's spec (the lab's
-- hosts list, which every host's /etc/hosts step writes): steps refer to them as {"$shared": name}.
ALTER TABLE saga ADD COLUMN shared jsonb NOT NULL DEFAULT '{}'::jsonb;
