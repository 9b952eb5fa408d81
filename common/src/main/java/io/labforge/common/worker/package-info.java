/** The worker runtime of agents and services: the command processor, the journal, the one Kafka loop and its command sources, the service wiring. */
package io.labforge.common.worker;
