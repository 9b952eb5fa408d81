/**
 * The TLS and trust feature's contracts: keys made where they are used, certificate requests signed by
 * the lab's CA in the orchestrator, public files installed, CAs trusted by a host.
 */
package io.labforge.common.lab.tls;
