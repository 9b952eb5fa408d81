/**
 * Whom the orchestrator believes on Kafka: the workers' registered identities, and the check every
 * step event and presence message passes (signed, by the worker it names, with the key registered for
 * it) before the saga sees it.
 */
package io.labforge.orchestrator.trust;
