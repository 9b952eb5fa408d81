/** Kubernetes' planning (R24–R30): the nodes prepared in their chains, their firewall openings and sysctls. */
package io.labforge.orchestrator.plan.kubernetes;
