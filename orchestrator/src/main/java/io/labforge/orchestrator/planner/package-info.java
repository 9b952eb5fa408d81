/**
 * The plan's core: a DAG of typed steps ({@link io.labforge.orchestrator.planner.Plan}, {@link
 * io.labforge.orchestrator.planner.StepSpec}), the builder features plan through (step ids, each host's
 * chain, references to earlier steps' outputs), and the planner that runs the features in order. Plain
 * Java: no Spring, Kafka or JDBC.
 */
package io.labforge.orchestrator.planner;
