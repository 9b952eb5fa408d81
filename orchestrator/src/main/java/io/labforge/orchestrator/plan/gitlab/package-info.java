/** GitLab's planning (Part 1, R5–R13): its host, the trust of its CA everywhere, then its API through gitlab-service. */
package io.labforge.orchestrator.plan.gitlab;
