/** gitlab.rb rendered from the lab (R5): URLs, TLS files, server hooks, the monitoring allowlist. */
package io.labforge.gitlab.config;
