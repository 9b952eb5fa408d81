/** TLS and trust on the host: keys made here (never sent), public files installed, a given key written mode 600, a CA added to the host's store. */
package io.labforge.agent.executor.tls;
