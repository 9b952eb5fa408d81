/** Registries' planning (R6, R19): which registries each host's Docker trusts. */
package io.labforge.orchestrator.plan.registry;
