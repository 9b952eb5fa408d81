/** Registries on the host (R6, R19): Docker's trust of a registry's CA, and the lab's own registry (Debian's docker-registry with TLS). */
package io.labforge.agent.executor.registry;
