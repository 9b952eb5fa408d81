/** The embedded default: a real PostgreSQL from zonky's binaries and Kafka's own KRaft server, in this JVM. */
package io.labforge.devrig.embedded;
