/** Swarm through a manager's Engine API (docker-java, mutual TLS with a client key per lab): services, Swarm configs, scale, availability, description (R17, R18, R23). */
package io.labforge.cluster.swarm;
