/** The append-only, hash-chained audit log and its verification. */
package io.labforge.orchestrator.audit;
