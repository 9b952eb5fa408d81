/**
 * Who may call the REST API and what one call may cost: API tokens and OIDC bearer tokens, the three
 * roles, the limits on bodies and labs, the hosts the server answers as, and the audit of refusals.
 */
package io.labforge.orchestrator.security;
