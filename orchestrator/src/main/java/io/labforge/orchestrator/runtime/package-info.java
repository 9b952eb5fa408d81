/** The saga owner's adapters: the saga loop and its transactions, submissions, command envelopes, secrets in transit, the orchestrator's own steps, the outbox relay, the event consumer. */
package io.labforge.orchestrator.runtime;
