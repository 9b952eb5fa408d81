/** Disks' planning (R3): a step per disk in its host's chain, undone from what it reports it created. */
package io.labforge.orchestrator.plan.disk;
