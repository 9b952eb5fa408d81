/** TLS steps shared by the features that serve TLS: certificates from the lab's CA, installed files, trusted CAs. */
package io.labforge.orchestrator.plan.tls;
