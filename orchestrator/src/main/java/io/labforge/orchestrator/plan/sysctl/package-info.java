/** Kernel parameters' planning: a step per host in its chain. */
package io.labforge.orchestrator.plan.sysctl;
