/** Lab secrets in a plan: the orchestrator's step that reads one, shared by the features that name secrets. */
package io.labforge.orchestrator.plan.secret;
