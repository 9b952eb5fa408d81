/** Every feature's planner, registered once in Planners, one package per feature. */
package io.labforge.orchestrator.plan;
