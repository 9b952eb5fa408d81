/** The saga engine: a saga's steps and their states, what happens on each event, timer, resume and compensation. Plain Java: no Spring, Kafka or JDBC. */
package io.labforge.orchestrator.saga;
