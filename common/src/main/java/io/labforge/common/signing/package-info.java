/** Ed25519 signatures of everything sent on Kafka (commands, step events, presence), and the keys. */
package io.labforge.common.signing;
